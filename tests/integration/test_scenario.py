"""arc-loadgen --scenario against a real arcd with the scripted console:
a small storm (mains lost from half the units, a reconnect wave, pendants
throughout) becomes one incident with every mains event stored and every
pendant shown; a runaway smoke detector becomes one RU alarm."""
import json
import os
import sqlite3
import subprocess
import unittest

from arctest import LOADGEN, Arcd

PW = "secret-pass-1"
FIRST = 0x100000


class ScenarioCase(unittest.TestCase):
    conf_extra = ""
    units = 0

    def setUp(self):
        self.arcd = Arcd(self.conf_extra, console=True)
        self.addCleanup(self.arcd.cleanup)
        # The homes, registered in bulk before arcd starts.
        c = sqlite3.connect(self.arcd.db)
        c.executemany("INSERT INTO unit (account) VALUES (?)",
                      [("%06X" % (FIRST + i),) for i in range(self.units)])
        c.commit()
        c.close()
        self.arcd.operator("loadgen", PW)
        self.arcd.start()
        self.pw = os.path.join(self.arcd.dir, "loadgen-pw")
        with open(self.pw, "w") as f:
            f.write(PW + "\n")

    def run_scenario(self, *args):
        r = subprocess.run(
            [LOADGEN, "--target", "127.0.0.1:%d" % self.arcd.port,
             "--console", "127.0.0.1:%d" % self.arcd.cport,
             "--console-password-file", self.pw, "--console-login",
             "loadgen", "--console-urgent-only", "--json", "--seed", "7"]
            + list(args),
            capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        return json.loads(r.stdout), r.stderr


class TestStormScenario(ScenarioCase):
    units = 200

    def test_storm(self):
        s, err = self.run_scenario("--scenario", "storm", "--units", "200",
                                   "--storm-spread", "3", "--duration", "10",
                                   "--rate", "2", "--drain", "3")
        self.assertEqual(s["scenario"], "storm", s)
        # Every "mains lost" was sent once, ACKed and stored.
        self.assertEqual(s["mains_units"], 100)
        self.assertEqual(s["mains_sent"], 100, s)
        self.assertEqual(s["mains_acked"], 100, s)
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM event WHERE raw_code = '301'")[0][0], 100)
        # One incident. Every mains alarm is in it but for at most one:
        # the alarm offered to the scripted operator (which leaves
        # technical alarms alone) before the storm began is not swept in.
        inc = self.arcd.rows("SELECT id, count FROM alarm "
                             "WHERE account LIKE '*%'")
        self.assertEqual(len(inc), 1, inc)
        members = self.arcd.rows(
            "SELECT count(*) FROM alarm WHERE incident_id = ?",
            (inc[0][0],))[0][0]
        self.assertEqual(inc[0][1], members)
        self.assertIn(members, (99, 100))
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM alarm WHERE code = 'AT' AND "
            "account NOT LIKE '*%'")[0][0], 100)
        # The pendants went through and were shown, timed apart as P1.
        self.assertGreater(s["pendant_acked"], 0, s)
        self.assertEqual(s["pendant_acked"], s["pendant_sent"], s)
        c = s["console"]
        self.assertGreaterEqual(c["events_shown"], s["pendant_acked"], s)
        self.assertGreater(c["p1_shown_ms"]["max"], 0, s)
        self.assertGreater(c["closed"], 0, s)
        self.assertEqual(c["errors"], 0, s)
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM alarm WHERE class = 1 AND "
            "state != 'closed'")[0][0], 0)
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM event WHERE raw_code = '101'")[0][0],
            s["pendant_acked"])
        # The reconnect wave closed every connection; all came back.
        self.assertTrue(s["wave"], s)
        self.assertEqual(s["wave_closed"], 200, s)
        self.assertGreaterEqual(s["reconnects"], 200, s)
        self.assertEqual(s["unacked"], 0, s)
        self.assertEqual(s["unsent"], 0, s)


class TestRunawayScenario(ScenarioCase):
    units = 5
    conf_extra = "runaway_burst = 5\n"

    def test_runaway(self):
        s, err = self.run_scenario("--scenario", "runaway", "--units", "5",
                                   "--duration", "8", "--rate", "1",
                                   "--drain", "3")
        self.assertEqual(s["scenario"], "runaway", s)
        self.assertGreaterEqual(s["smoke_acked"], 7, s)
        self.assertEqual(s["smoke_acked"], s["smoke_sent"], s)
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM event WHERE account = '%06X' AND "
            "raw_code = '111'" % FIRST)[0][0], s["smoke_acked"])
        # Past the bucket of five: one runaway alarm takes the rest.
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM alarm WHERE code = 'RU'")[0][0], 1)
        self.assertEqual(self.arcd.rows(
            "SELECT account FROM alarm WHERE code = 'RU'")[0][0],
            "%06X" % FIRST)
        # The smoke alarms before it were answered (P1); it was left open.
        self.assertGreaterEqual(self.arcd.rows(
            "SELECT count(*) FROM alarm WHERE account = ? AND class = 1 "
            "AND state = 'closed'", ("%06X" % FIRST,))[0][0], 1)
        self.assertNotEqual(self.arcd.rows(
            "SELECT state FROM alarm WHERE code = 'RU'")[0][0], "closed")
        # The other units' pendants are untouched by it.
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM alarm WHERE code = 'RU' AND account != ?",
            ("%06X" % FIRST,))[0][0], 0)


class TestSilentScenario(ScenarioCase):
    units = 20

    def test_silent(self):
        s, err = self.run_scenario("--scenario", "silent", "--units", "20",
                                   "--heartbeat", "0.5", "--duration", "4",
                                   "--drain", "2")
        self.assertEqual(s["scenario"], "silent", s)
        self.assertEqual(s["silent_units"], 2)
        self.assertTrue(s["silenced"], s)
        self.assertEqual(s["sent"], 0, s)
        # 18 units poll for 4 s, 2 only for the first 2 s.
        self.assertGreater(s["polls_acked"], 18 * 6, s)
        self.assertLess(s["polls_acked"], 20 * 9, s)
        # arcd last heard the silent two about 2 s before the rest (it
        # writes last_seen when it stops at the latest).
        self.arcd.stop()
        seen = self.arcd.rows("SELECT account, last_seen FROM unit "
                              "ORDER BY account")
        quiet = [t for a, t in seen[:2]]
        rest = [t for a, t in seen[2:]]
        self.assertLess(max(quiet) + 1000, min(rest), seen)


if __name__ == "__main__":
    unittest.main()
