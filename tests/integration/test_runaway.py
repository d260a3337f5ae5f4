"""A runaway unit: a sensor that keeps firing becomes one P3 "runaway unit"
alarm once past its token bucket; every event is still stored and attached,
none is queued again, and a real pendant press still rises to P1."""
import unittest

from arctest import frame, read_reply, stamp, wait_for
from test_console import PW, ConsoleCase


def smoke(seq, acct="100000"):
    return frame('"ADM-CID"%04dR1L1#%s[#%s|1111 01 010]_%s'
                 % (seq, acct, acct, stamp()))


class TestRunaway(ConsoleCase):
    conf_extra = ConsoleCase.conf_extra + "runaway_burst = 3\nrunaway_per_min = 1\n"

    def test_runaway_becomes_one_alarm(self):
        c = self.console()
        s = self.arcd.tcp()
        # Three smoke alarms, each answered and closed as false alarms.
        done = set()
        for seq in range(1, 4):
            s.sendall(smoke(seq))
            self.assertEqual(read_reply(s).seq, seq)
            a = c.wait_alarm(lambda a: a["state"] in ("waiting", "offered")
                             and a["class"] == 1 and a["id"] not in done)
            done.add(a["id"])
            self.assertTrue(c.request("accept", alarm_id=a["id"])["ok"])
            self.assertTrue(c.request("close", alarm_id=a["id"],
                                      outcome="false_alarm")["ok"])
        # It keeps firing: one runaway alarm, everything attached to it.
        for seq in range(4, 24):
            s.sendall(smoke(seq))
            self.assertEqual(read_reply(s).seq, seq)
        wait_for(lambda: self.arcd.rows(
            "SELECT count FROM alarm WHERE code = 'RU'") == [(20,)], 10,
            "20 events on the runaway alarm")
        rows = self.arcd.rows("SELECT class, code, state FROM alarm "
                              "WHERE account = '100000' ORDER BY id")
        self.assertEqual(rows[:3], [(1, "FA", "closed")] * 3)
        self.assertEqual(len(rows), 4, rows)
        self.assertEqual(rows[3][:2], (3, "RU"))
        self.assertIn(rows[3][2], ("waiting", "offered"))
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM event WHERE account = '100000'")[0][0], 23)
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM event WHERE alarm_id = (SELECT id FROM alarm "
            "WHERE code = 'RU')")[0][0], 20)
        ru = c.wait_alarm(lambda a: a["code"] == "RU" and a["count"] == 20)
        self.assertEqual(ru["name"], "runaway unit")


if __name__ == "__main__":
    unittest.main()
