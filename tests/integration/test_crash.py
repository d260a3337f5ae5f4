"""The crash test: arc-loadgen sends >= 1,000 events/s while arcd is killed
with SIGKILL three times and restarted. Afterwards every event arc-loadgen
saw ACKed is in the database exactly once."""
import collections
import json
import os
import subprocess
import time
import unittest

from arctest import LOADGEN, Arcd, wait_for

UNITS = 40
RATE = 1500
DURATION = 12


class TestCrash(unittest.TestCase):
    def setUp(self):
        self.arcd = Arcd()
        self.addCleanup(self.arcd.cleanup)
        for i in range(UNITS):
            self.arcd.arcctl("unit", "add", "%06X" % (0x100000 + i))
        self.arcd.start()

    def test_sigkill_loses_nothing_acked(self):
        acked = os.path.join(self.arcd.dir, "acked.log")
        lg = subprocess.Popen(
            [LOADGEN, "--target", "127.0.0.1:%d" % self.arcd.port,
             "--units", str(UNITS), "--rate", str(RATE),
             "--duration", str(DURATION), "--drain", "15", "--retry", "0.5",
             "--mix", "pendant=50,mains=30,battery=20",
             "--acked-log", acked, "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.addCleanup(lambda: lg.poll() is None and lg.kill())
        kills = 0
        t0 = time.monotonic()
        for at in (2.5, 5.5, 8.5):
            time.sleep(max(0, t0 + at - time.monotonic()))
            # Only kill while events are really flowing.
            before = self.arcd.rows("SELECT count(*) FROM event")[0][0]
            wait_for(lambda: self.arcd.rows(
                "SELECT count(*) FROM event")[0][0] > before + 200,
                10, "events to flow before the kill")
            self.arcd.kill()
            kills += 1
            self.arcd.start()
        out, err = lg.communicate(timeout=DURATION + 60)
        self.assertEqual(lg.returncode, 0, err)
        summary = json.loads(out)
        print("\n  loadgen: %s" % out.strip())
        self.assertEqual(kills, 3)
        self.assertGreaterEqual(summary["reconnects"], 3, "no connection was lost")

        with open(acked) as f:
            lines = [l.split() for l in f if l.strip()]
        self.assertEqual(len(lines), summary["acked"])
        # >= 1,000 events/s were sent and acknowledged over the run.
        self.assertGreaterEqual(summary["acked"], 1000 * DURATION * 0.8,
                                summary)
        rows = self.arcd.rows("SELECT account, seq, raw_code FROM event")
        count = collections.Counter(rows)
        missing = [l for l in lines if count[(l[0], int(l[1]), l[2])] == 0]
        twice = [l for l in lines if count[(l[0], int(l[1]), l[2])] > 1]
        self.assertEqual(missing, [], "ACKed events lost: %d" % len(missing))
        self.assertEqual(twice, [], "ACKed events stored twice")
        self.assertEqual(len(set(map(tuple, lines))), len(lines),
                         "the acked log repeats an event")
        # Every ACKed pendant press belongs to a stored, open alarm (the
        # alarm row is written with the event, before the ACK).
        where = dict(((a, s, c), st) for a, s, c, st in self.arcd.rows(
            "SELECT e.account, e.seq, e.raw_code, a.state FROM event e "
            "LEFT JOIN alarm a ON a.id = e.alarm_id"))
        presses = [l for l in lines if l[2] == "101"]
        self.assertGreater(len(presses), 1000)
        lost = [l for l in presses if where.get(
            (l[0], int(l[1]), l[2])) not in ("waiting", "offered", "handling")]
        self.assertEqual(lost, [], "ACKed presses not in an open alarm")


if __name__ == "__main__":
    unittest.main()
