"""arc-console under tmux against a real arcd: arc-loadgen presses Mary's
pendant, the operator logs in on the login screen, sees the alarm with the
client's name, accepts it, adds a note and closes it with an outcome; then
the database holds the closed alarm, the note and the audit rows. A
supervisor's arc-console shows a login and an address locked after failed
logins (on arcd's test clock: nothing waited) and unlocks both with u and
y; then the login works again from the address, and the audit trail says
who lifted the locks."""
import os
import shutil
import subprocess
import unittest

from arctest import LOADGEN
from consoleclient import Console
from test_console import PW, ConsoleCase
from test_console_guard import GuardCase
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


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class TestConsoleTmuxUnlock(GuardCase):
    """login_source_max_fails is 8 here (GuardCase)."""

    def wrong(self, login, source="127.0.0.1", password="wrong"):
        c = Console(self.arcd.cport, source=source)
        self.addCleanup(c.close)
        c.send({"type": "login", "id": 1, "protocol": 2, "login": login,
                "password": password})
        wait_for(lambda: self.arcd.metric("console_login_failures") +
                 self.arcd.metric("console_login_refused_locked") >
                 self.tries, 5, "the try checked")
        self.tries += 1
        self.arcd.advance(1)    # the refusal's second
        r = c.read()
        c.close()
        return r["error"]

    def test_a_supervisor_unlocks_a_login_and_an_address(self):
        self.tries = 0
        for _ in range(5):
            self.assertEqual(self.wrong("op1"), "auth")
        self.assertEqual(self.wrong("op1", password=PW), "locked")
        for i in range(8):
            self.wrong("guess%d" % i, "127.0.0.5")
        self.assertEqual(self.wrong("op2", "127.0.0.5", PW), "locked")
        self.assertEqual(self.arcd.metric("console_login_locks"), 1)
        self.assertEqual(self.arcd.metric("console_source_locks"), 1)

        t = Tmux(["-k", "-u", "boss", "-p",
                  os.path.join(self.arcd.dir, "pw-boss"),
                  "127.0.0.1:%d" % self.arcd.cport], self.arcd.dir)
        self.addCleanup(t.kill)
        t.wait(r"connected .*boss")
        t.keys("o")
        t.wait(r"Operators +1 connected +2 locked")
        # op1 is logged in nowhere: on a row of its own, as the address.
        t.wait(r"login +op1 +locked 1[45]:\d\d")
        t.wait(r"address 127\.0\.0\.5 +locked 1[45]:\d\d")
        # Rows: boss, op1, 127.0.0.5.
        t.keys("j")
        t.keys("u")
        t.wait(r"Unlock login op1\? \(y/n\)")
        t.keys("y")
        t.wait(r"login op1 unlocked")
        t.wait_gone(r"login +op1 +locked")
        t.wait(r">.*address 127\.0\.0\.5 +locked")
        t.keys("u")
        t.wait(r"Unlock address 127\.0\.0\.5\? \(y/n\)")
        t.keys("y")
        t.wait(r"address 127\.0\.0\.5 unlocked")
        t.wait(r"Operators +1 connected +0 locked")
        # op1 logs in again, from the address that was locked too.
        c = Console(self.arcd.cport, source="127.0.0.5")
        self.addCleanup(c.close)
        self.assertTrue(c.login("op1", PW)["ok"])
        t.wait(r"op1 +free +-")       # pushed: logged in
        wait_for(lambda: sorted(self.arcd.rows(
            "SELECT action, actor, subject FROM audit WHERE action LIKE "
            "'%unlocked'")) == [("login unlocked", "boss", "operator op1"),
                                ("source unlocked", "boss",
                                 "source 127.0.0.5")], 5,
            "the unlocks audited")
        t.keys("q")
        t.keys("y")
        wait_for(t.dead, 5, "arc-console to exit")
        reports = [f for f in os.listdir(self.arcd.dir)
                   if f.startswith("asan")]
        self.assertEqual(reports, [])


if __name__ == "__main__":
    unittest.main()
