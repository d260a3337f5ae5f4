"""arc-console under tmux against a real arcd: arc-loadgen presses Mary's
pendant, the operator logs in on the login screen, sees the alarm with the
client's name, accepts it, adds a note and closes it with an outcome; then
the database holds the closed alarm, the note and the audit rows."""
import os
import shutil
import subprocess
import unittest

from arctest import LOADGEN
from test_console import PW, ConsoleCase
from test_console_mock import CONSOLE, Tmux, wait_for


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class TestConsoleTmux(ConsoleCase):

    def console_tmux(self):
        if not os.access(CONSOLE, os.X_OK):
            self.fail("%s is not built" % CONSOLE)
        t = Tmux(["-k", "127.0.0.1:%d" % self.arcd.cport], self.arcd.dir)
        self.addCleanup(t.kill)
        return t

    def test_answer_a_loadgen_pendant(self):
        lg = subprocess.run(
            [LOADGEN, "--target", "127.0.0.1:%d" % self.arcd.port,
             "--units", "1", "--first-account", "100000",
             "--mix", "pendant=100", "--closed", "--duration", "1"],
            capture_output=True, text=True, timeout=60)
        self.assertEqual(lg.returncode, 0, lg.stderr)

        t = self.console_tmux()
        t.wait(r"Login:")
        t.type("op1")
        t.keys("Enter")
        t.type(PW)
        t.keys("Enter")
        t.wait(r"connected .*op1")
        t.wait(r"P1 .*Mary Smith .*pendant .*(waiting|offered to you)")
        self.assertIn("key safe 1234", t.screen())

        t.keys("a")
        t.wait(r"Mary Smith .*handling by you")
        aid = self.arcd.rows("SELECT id FROM alarm WHERE state='handling' "
                             "AND operator='op1'")[0][0]

        t.keys("n")
        t.wait(r"Note for %d:" % aid)
        t.type("spoke to Mary, she is fine")
        t.keys("Enter")
        t.wait(r"op1: spoke to Mary, she is fine")

        t.keys("c")
        t.wait(r"Close with outcome")
        t.keys("2")
        t.type("pressed by mistake")
        t.keys("Enter")
        t.wait(r"CLOSED .*assisted by phone")

        row = self.arcd.rows("SELECT state, operator, outcome, outcome_text "
                             "FROM alarm WHERE id=?", (aid,))
        self.assertEqual(row[0], ("closed", "op1", "assisted_by_phone",
                                  "pressed by mistake"))
        notes = self.arcd.rows("SELECT operator, text FROM alarm_note "
                               "WHERE alarm_id=?", (aid,))
        self.assertIn(("op1", "spoke to Mary, she is fine"), notes)
        actions = [r[0] for r in self.arcd.rows(
            "SELECT action FROM audit WHERE subject LIKE ? OR detail LIKE ? "
            "ORDER BY id", ("%%%d%%" % aid, "%%alarm %d%%" % aid))]
        for want in ("open", "accept", "note", "close"):
            self.assertIn(want, actions)

        t.keys("q")
        t.keys("y")
        wait_for(t.dead, 5, "arc-console to exit")
        reports = [f for f in os.listdir(self.arcd.dir)
                   if f.startswith("asan")]
        self.assertEqual(reports, [])


if __name__ == "__main__":
    unittest.main()
