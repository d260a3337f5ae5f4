"""Supervision against a real arcd: a unit that stops polling is raised as
a P3 "unit silent" alarm through the normal pipeline (stored, audited,
queued) and listed by `arcctl unit list --silent`; its next frame restores
it and clears the alarm nobody had answered; deadlines survive a restart.
Time is moved forward through the test build's control, not waited out."""
import json
import unittest

from arctest import Arcd, ArcdCase, frame, read_reply, stamp, wait_for

# The shortest interval a unit may have is 20 s; one second of grace.
CONF = "supervision_grace = 1\n"


def poll(acct="100000"):
    return frame('"NULL"0000R1L1#%s[]_%s' % (acct, stamp()))


class TestSupervision(ArcdCase):
    conf_extra = CONF

    def setUp(self):
        self.arcd = Arcd(self.conf_extra, test_build=True)
        self.addCleanup(self.arcd.cleanup)
        self.setup_units()
        self.arcd.start()

    def setup_units(self):
        self.arcd.arcctl("unit", "add", "100000", "--interval", "20")
        self.arcd.arcctl("unit", "add", "100001", "--interval", "20")

    def silent_alarm(self):
        rows = self.arcd.rows("SELECT id, class, code, state, outcome FROM alarm "
                              "WHERE account = '100000' ORDER BY id DESC")
        return rows[0] if rows else None

    def test_silent_then_heard_again(self):
        s = self.arcd.tcp(timeout=10)
        s.sendall(poll())
        self.assertEqual(read_reply(s).token, "ACK")
        # Never heard units are not supervised: 100001 stays quiet.
        self.arcd.advance(20)          # not yet: 20 s + 1 s of grace
        self.assertIsNone(self.silent_alarm())
        self.arcd.advance(2)
        wait_for(lambda: self.silent_alarm(), 10, "the unit silent alarm")
        aid, cls, code, state, _ = self.silent_alarm()
        self.assertEqual((cls, code, state), (3, "YS", "waiting"))
        ev = self.arcd.rows("SELECT token, code, class, flags & 8 FROM event "
                            "WHERE alarm_id = ?", (aid,))
        self.assertEqual(ev, [("ARC", "YS", 3, 8)])
        listed = json.loads(self.arcd.arcctl("unit", "list", "--json",
                                             "--silent").stdout)
        self.assertEqual([u["account"] for u in listed], ["100000"])
        self.assertIsNotNone(listed[0]["silent_since"])
        audit = [r[0] for r in self.arcd.rows(
            "SELECT action FROM audit WHERE subject = ?", ("alarm %d" % aid,))]
        self.assertIn("open", audit)

        s.sendall(poll())          # the unit is back
        self.assertEqual(read_reply(s).token, "ACK")
        wait_for(lambda: self.silent_alarm()[3] == "closed", 10,
                 "the silent alarm to clear")
        self.assertEqual(self.silent_alarm()[4], "restored_before_answer")
        wait_for(lambda: json.loads(self.arcd.arcctl(
            "unit", "list", "--json", "--silent").stdout) == [], 10,
            "the unit to be heard")
        self.assertEqual(self.arcd.rows(
            "SELECT code FROM event WHERE account='100000' AND token='ARC' "
            "ORDER BY id"), [("YS",), ("YK",)])

    def test_silent_survives_a_restart(self):
        s = self.arcd.tcp(timeout=10)
        s.sendall(poll())
        read_reply(s)
        self.arcd.advance(22)
        wait_for(lambda: self.silent_alarm(), 10, "the unit silent alarm")
        self.arcd.kill()
        self.arcd.start()
        # Still silent after the restart: no second alarm is raised ...
        listed = json.loads(self.arcd.arcctl("unit", "list", "--json",
                                             "--silent").stdout)
        self.assertEqual([u["account"] for u in listed], ["100000"])
        # ... and the next frame restores it.
        s = self.arcd.tcp()
        s.sendall(poll())
        read_reply(s)
        wait_for(lambda: self.silent_alarm()[3] == "closed", 10,
                 "the silent alarm to clear")
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM alarm WHERE account='100000'")[0][0], 1)


if __name__ == "__main__":
    unittest.main()
