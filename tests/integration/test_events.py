"""Every event kept: a SIA-DCS frame with 20 events stores all 20; a frame
without the device's time repeated after the untimed window is a new
event (a unit that restarted must not lose its first press), within it a
copy; the dedupe key is keyed per database; a "unit silent" alarm that
was only offered is cleared when the unit speaks again, and one an
operator has in hand says it was restored."""
import json
import unittest

from arctest import Arcd, ArcdCase, frame, read_reply, stamp, wait_for
from test_console import PW, ConsoleCase


def untimed_pendant(seq, acct="1234"):
    return frame('"ADM-CID"%04dR1L1#%s[#%s|1101 01 015]' % (seq, acct, acct))


class TestEveryEvent(ArcdCase):
    def setUp(self):
        self.arcd = Arcd(test_build=True)
        self.addCleanup(self.arcd.cleanup)
        self.arcd.arcctl("unit", "add", "1234")
        self.arcd.start()

    def test_twenty_events_in_one_frame(self):
        data = "Nri1/" + "/".join("BA%02d" % i for i in range(1, 21))
        s = self.arcd.tcp()
        s.sendall(frame('"SIA-DCS"0007R1L1#1234[#1234|%s]_%s'
                        % (data, stamp())))
        self.assertEqual(read_reply(s).token, "ACK")
        zones = [r[0] for r in self.arcd.rows(
            "SELECT zone FROM event WHERE seq = 7 ORDER BY part")]
        self.assertEqual(zones, ["%02d" % i for i in range(1, 21)])

    def test_untimed_repeat_after_the_window_is_a_new_press(self):
        s = self.arcd.tcp()
        s.sendall(untimed_pendant(1))
        self.assertEqual(read_reply(s).token, "ACK")
        self.arcd.advance(60)           # a retransmission: one event
        s.sendall(untimed_pendant(1))
        self.assertEqual(read_reply(s).token, "ACK")
        self.assertEqual(len(self.arcd.events("1234")), 1)
        self.arcd.advance(61)           # the unit restarted: a new press
        s.sendall(untimed_pendant(1))
        self.assertEqual(read_reply(s).token, "ACK")
        self.assertEqual(len(self.arcd.events("1234")), 2)

    def test_dedupe_key_differs_per_database(self):
        s = self.arcd.tcp()
        f = frame('"ADM-CID"0001R1L1#1234[#1234|1101 01 015]_00:00:01,'
                  '01-01-2026')
        s.sendall(f)
        read_reply(s)
        other = Arcd(test_build=True)
        self.addCleanup(other.cleanup)
        other.arcctl("unit", "add", "1234")
        other.start()
        t = other.tcp()
        t.sendall(f)
        read_reply(t)
        key = "SELECT dedupe FROM event WHERE account = '1234'"
        self.assertNotEqual(self.arcd.rows(key), other.rows(key))


def poll(acct="100000"):
    return frame('"NULL"0000R1L1#%s[]_%s' % (acct, stamp()))


class TestSilentRestored(ConsoleCase):
    test_build = True
    conf_extra = ConsoleCase.conf_extra + "supervision_grace = 1\n"

    def silent(self, c, s):
        s.sendall(poll())
        read_reply(s)
        self.arcd.advance(3700)         # the default interval and grace
        return c.wait_alarm(lambda a: a["code"] == "YS", what="unit silent")

    def test_offered_silent_alarm_is_cleared(self):
        c = self.console("op1")
        s = self.arcd.tcp()
        a = self.silent(c, s)
        c.wait_alarm(lambda x: x["id"] == a["id"] and
                     x["state"] == "offered", what="the offer")
        s.sendall(poll())               # the unit is back
        read_reply(s)
        x = c.wait_alarm(lambda x: x["id"] == a["id"] and
                         x["state"] == "closed", what="the close")
        self.assertEqual(x["outcome"], "restored_before_answer")

    def test_handled_silent_alarm_says_restored(self):
        c = self.console("op1")
        s = self.arcd.tcp()
        a = self.silent(c, s)
        self.assertTrue(c.request("accept", alarm_id=a["id"])["ok"])
        s.sendall(poll())
        read_reply(s)
        x = c.wait_alarm(lambda x: x["id"] == a["id"] and
                         x["restored_at"] is not None, what="restored")
        self.assertEqual(x["state"], "handling")
        self.assertIn("restored while handled", [r[0] for r in self.arcd.rows(
            "SELECT action FROM audit")])


if __name__ == "__main__":
    unittest.main()
