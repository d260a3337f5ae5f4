"""Holds: with `hold = AT:300` a "mains lost" is queued only if no restore
arrives within 5 minutes. A restore in time clears it unseen ("restored
before answer", audited); without one it reaches the consoles after the
hold. The test build's clock jumps the 5 minutes."""
import unittest

from arctest import frame, read_reply, stamp, wait_for
from test_console import ConsoleCase


def cid(seq, q, code, acct="100000", zone="000"):
    return frame('"ADM-CID"%04dR1L1#%s[#%s|%s%s 01 %s]_%s'
                 % (seq, acct, acct, q, code, zone, stamp()))


class TestHold(ConsoleCase):
    conf_extra = ConsoleCase.conf_extra + "hold = AT:300\n"
    test_build = True

    def test_restored_in_time_is_never_queued(self):
        c = self.console()
        s = self.arcd.tcp()
        s.sendall(cid(1, "1", "301"))           # mains lost
        read_reply(s)
        s.sendall(cid(2, "3", "301"))           # mains restored
        read_reply(s)
        wait_for(lambda: self.arcd.rows(
            "SELECT state, outcome FROM alarm WHERE account='100000'") ==
            [("closed", "restored_before_answer")], 10, "the alarm cleared")
        self.assertIn("restored before answer", [r[0] for r in self.arcd.rows(
            "SELECT action FROM audit")])
        self.assertEqual(c.request("accept", alarm_id=None)["error"],
                         "not_found")           # nothing was queued

    def test_no_restore_queues_after_the_hold(self):
        c = self.console()
        s = self.arcd.tcp()
        s.sendall(cid(1, "1", "301"))
        read_reply(s)
        self.arcd.advance(299)
        self.assertEqual(c.request("accept", alarm_id=None)["error"],
                         "not_found")           # still held
        self.assertFalse([m for m in c.pushes if m["type"] == "alarm"])
        self.arcd.advance(1)
        a = c.wait_alarm(lambda a: a["code"] == "AT", 10, "the held alarm")
        self.assertEqual(a["class"], 3)
        self.assertIn("queued after hold", [r[0] for r in self.arcd.rows(
            "SELECT action FROM audit")])


if __name__ == "__main__":
    unittest.main()
