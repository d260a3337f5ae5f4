"""arc-loadgen against a real arcd: every mode's ACKed events are in the
database, and the summary agrees with arcd."""
import collections
import json
import os
import subprocess
import unittest

from arctest import LOADGEN, Arcd, wait_for
from consoleclient import Console

KEY = "ascii:AAAAAAAAAAAAAAAA"


class TestLoadgen(unittest.TestCase):
    def setUp(self):
        # A fresh arcd each: every run starts its units at seq 0001.
        self.arcd = Arcd()
        self.addCleanup(self.arcd.cleanup)
        for i in range(20):
            self.arcd.arcctl("unit", "add", "%06X" % (0x100000 + i))
        for i in range(5):
            self.arcd.arcctl("unit", "add", "%06X" % (0x200000 + i), "--key", KEY)
        self.arcd.start()

    def run_loadgen(self, *args, port=None):
        log = os.path.join(self.arcd.dir, "acked-%s.log" % self.id().split(".")[-1])
        r = subprocess.run(
            [LOADGEN, "--target", "127.0.0.1:%d" % (port or self.arcd.port),
             "--duration", "1.5", "--drain", "5", "--json", "--expect-all",
             "--acked-log", log] + list(args),
            capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        with open(log) as f:
            lines = [tuple(l.split()) for l in f if l.strip()]
        return json.loads(r.stdout), lines

    def assert_stored_once(self, lines):
        rows = self.arcd.rows("SELECT account, seq, raw_code FROM event")
        count = collections.Counter((a, str(s), c) for a, s, c in rows)
        for l in lines:
            self.assertEqual(count[l], 1, l)

    def test_closed_loop_tcp(self):
        s, lines = self.run_loadgen("--units", "20", "--closed",
                                    "--mix", "pendant=50,smoke=10,mains=40")
        self.assertGreater(s["acked"], 100)
        self.assertEqual(s["acked"], len(lines))
        self.assertEqual((s["nak"], s["duh"], s["bad"]), (0, 0, 0))
        self.assert_stored_once(lines)

    def test_udp(self):
        s, lines = self.run_loadgen("--units", "10", "--rate", "200", "--udp",
                                    port=self.arcd.uport)
        self.assertGreater(s["acked"], 100)
        self.assert_stored_once(lines)

    def test_reconnect_per_message(self):
        s, lines = self.run_loadgen("--units", "10", "--rate", "100",
                                    "--reconnect")
        self.assertGreater(s["acked"], 50)
        self.assertGreaterEqual(s["connects"], s["acked"])
        self.assert_stored_once(lines)

    def test_encrypted(self):
        s, lines = self.run_loadgen("--units", "5", "--first-account", "200000",
                                    "--key", KEY, "--rate", "20",
                                    "--heartbeat", "0.3")
        # Any frame restarts a unit's poll interval: a quiet unit polls.
        self.assertGreater(s["acked"], 10)
        self.assertGreater(s["polls_acked"], 0)
        self.assert_stored_once(lines)
        enc = self.arcd.rows("SELECT count(*) FROM event WHERE token = '*ADM-CID'")
        self.assertEqual(enc[0][0], s["acked"])

    def test_keyed_units_without_key_are_naked(self):
        r = subprocess.run(
            [LOADGEN, "--target", "127.0.0.1:%d" % self.arcd.port, "--units", "2",
             "--first-account", "200000", "--rate", "20", "--duration", "1",
             "--json"], capture_output=True, text=True, timeout=60)
        s = json.loads(r.stdout)
        self.assertGreater(s["nak"], 0)
        self.assertEqual(s["acked"], 0)


class TestLoadgenConsole(unittest.TestCase):
    """--console: a scripted operator sees every ACKed event in an alarm
    push, and accepts and closes every offer."""

    def setUp(self):
        self.arcd = Arcd(console=True)
        self.addCleanup(self.arcd.cleanup)
        for i in range(20):
            self.arcd.arcctl("unit", "add", "%06X" % (0x100000 + i))
        self.arcd.operator("loadgen", "secret-pass-1")
        self.arcd.start()
        self.pw = os.path.join(self.arcd.dir, "loadgen-pw")
        with open(self.pw, "w") as f:
            f.write("secret-pass-1\n")

    def run_console(self, *args):
        return subprocess.run(
            [LOADGEN, "--target", "127.0.0.1:%d" % self.arcd.port,
             "--console", "127.0.0.1:%d" % self.arcd.cport,
             "--console-password-file", self.pw, "--json"] + list(args),
            capture_output=True, text=True, timeout=60)

    def test_console_sees_every_event(self):
        r = self.run_console("--units", "20", "--rate", "50", "--duration",
                             "2", "--drain", "10", "--console-login",
                             "loadgen")
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        s = json.loads(r.stdout)
        c = s["console"]
        self.assertGreater(s["acked"], 30)
        self.assertEqual(s["unacked"], 0)
        self.assertEqual(c["events_shown"], s["acked"], r.stdout)
        self.assertEqual(c["not_shown"], 0)
        self.assertEqual(c["evicted"], 0)
        self.assertGreater(c["alarms_seen"], 0)
        self.assertGreater(c["accepted"], 0)
        self.assertGreater(c["closed"], 0)
        self.assertEqual(c["replaced"], 0)
        self.assertEqual(c["long_lines"], 0)
        self.assertEqual(c["events_unmatched"], 0)
        # The default mix is all pendant (P1): every shown event is P1.
        self.assertGreater(c["p1_shown_ms"]["max"], 0)
        self.assertGreaterEqual(c["shown_ms"]["p99"], c["shown_ms"]["p50"])
        closed = self.arcd.rows(
            "SELECT count(*) FROM alarm WHERE state = 'closed' AND "
            "outcome = 'false_alarm'")[0][0]
        self.assertGreater(closed, 0)
        self.assertGreaterEqual(closed, c["closed"])

    def test_console_replaced_stays_down(self):
        # A second login of the same operator takes the session over:
        # loadgen is told "replaced", counts it and does not log in again
        # (protocol 2); the run still ends and reports.
        cmd = [LOADGEN, "--target", "127.0.0.1:%d" % self.arcd.port,
               "--console", "127.0.0.1:%d" % self.arcd.cport,
               "--console-password-file", self.pw, "--json", "--units", "20",
               "--rate", "50", "--duration", "4", "--drain", "10"]
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        try:
            wait_for(lambda: self.arcd.rows(
                "SELECT count(*) FROM alarm WHERE state = 'closed'")[0][0] > 5,
                10, "loadgen to close alarms")
            c = Console(self.arcd.cport)
            r = c.request("login", protocol=2, login="loadgen",
                          password="secret-pass-1")
            self.assertTrue(r["ok"], r)
            out, err = p.communicate(timeout=60)
            c.close()
        finally:
            if p.poll() is None:
                p.kill()
                p.communicate()
        self.assertEqual(p.returncode, 0, err + out)
        s = json.loads(out)
        c = s["console"]
        self.assertEqual(c["replaced"], 1, err)
        self.assertEqual(c["logins"], 1, err)
        self.assertEqual(c["disconnects"], 1, err)
        self.assertIn("logged in elsewhere", err)
        self.assertNotIn("again in", err)
        self.assertGreater(c["closed"], 5)
        self.assertLessEqual(c["events_shown"], s["acked"])

    def test_console_refused_login_is_fatal(self):
        with open(self.pw, "w") as f:
            f.write("wrong-password\n")
        r = self.run_console("--units", "2", "--rate", "5", "--duration", "1")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("refused", r.stderr)
        self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    unittest.main()
