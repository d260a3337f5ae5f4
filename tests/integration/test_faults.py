"""Writes that fail, against the test build of arcd (its loopback control
makes the store fail the next N requests that write alarm rows).

An event and the alarm rows it opens or changes are one request: when the
alarm write fails the event is not stored and not ACKed, the unit
retransmits, and nothing half-written is left. After a kill -9 and a
restart every ACKed pendant press is in an open alarm. An operator's
change that cannot be stored is refused with "storage" and memory stays
as stored: the alarm can be taken again."""
import socket
import sqlite3
import unittest

from arctest import Arcd, ArcdCase, frame, read_reply, stamp, wait_for
from test_console import PW, ConsoleCase


def pendant(seq, acct):
    return frame('"ADM-CID"%04dR1L1#%s[#%s|1101 01 001]_%s'
                 % (seq, acct, acct, stamp()))


def no_reply(s, seconds=1.0):
    s.settimeout(seconds)
    try:
        s.recv(1)
    except socket.timeout:
        return True
    return False


class TestAlarmWriteFails(ArcdCase):
    def setUp(self):
        self.arcd = Arcd(test_build=True)
        self.addCleanup(self.arcd.cleanup)
        for i in range(3):
            self.arcd.arcctl("unit", "add", "%06X" % (0x100000 + i))
        self.arcd.start()

    def acked_presses_in_open_alarms(self, acked):
        rows = self.arcd.rows(
            "SELECT e.account, e.seq, a.state FROM event e "
            "LEFT JOIN alarm a ON a.id = e.alarm_id WHERE e.code = 'QA' "
            "ORDER BY e.id")
        self.assertEqual(sorted((r[0], r[1]) for r in rows), sorted(acked),
                         "every ACKed press stored once, nothing else")
        for acct, seq, state in rows:
            self.assertIn(state, ("waiting", "offered", "handling"),
                          "press %s/%d not in an open alarm" % (acct, seq))
        # No alarm row without its events.
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM alarm a WHERE NOT EXISTS (SELECT 1 FROM "
            "event e WHERE e.alarm_id = a.id)")[0][0], 0)

    def test_failed_alarm_write_then_restart(self):
        acked = []
        s = self.arcd.tcp()
        self.arcd.control("/test/fail-alarms?n=2")
        f = pendant(1, "100000")
        for _ in range(2):              # the alarm write fails: no ACK
            s.sendall(f)
            self.assertTrue(no_reply(s), "ACKed although not stored")
        self.assertEqual(self.arcd.metric("alarm_writes_failed"), 2)
        self.assertEqual(self.arcd.rows("SELECT count(*) FROM event")[0][0],
                         0, "an event stored without its alarm")
        s.settimeout(5)
        s.sendall(f)                    # the retransmission: stored
        self.assertEqual(read_reply(s).token, "ACK")
        acked.append(("100000", 1))
        # Presses attach to the stored alarm; another unit opens one.
        for seq, acct in ((2, "100000"), (1, "100001"), (3, "100000")):
            s.sendall(pendant(seq, acct))
            self.assertEqual(read_reply(s).token, "ACK")
            acked.append((acct, seq))
        # A unit whose first press fails, once, then is stored.
        self.arcd.control("/test/fail-alarms?n=1")
        g = pendant(1, "100002")
        s.sendall(g)
        self.assertTrue(no_reply(s))
        s.settimeout(5)
        s.sendall(g)
        self.assertEqual(read_reply(s).token, "ACK")
        acked.append(("100002", 1))
        self.acked_presses_in_open_alarms(acked)
        self.arcd.kill()
        self.arcd.start()
        self.acked_presses_in_open_alarms(acked)
        self.assertEqual(self.arcd.rows(
            "SELECT count FROM alarm WHERE account = '100000'")[0][0], 3)


class TestOperatorWriteFails(ConsoleCase):
    test_build = True

    def test_refused_accept_leaves_the_alarm_as_stored(self):
        c = self.console("op1")
        self.press(1)
        a = c.wait_alarm(lambda x: x["unit"]["account"] == "100000" and
                         x["state"] == "offered", what="the offer")
        self.arcd.control("/test/fail-alarms?n=1")
        r = c.request("accept", alarm_id=a["id"])
        self.assertFalse(r["ok"])
        self.assertEqual(r["error"], "storage")
        self.assertEqual(self.arcd.rows(
            "SELECT state, operator FROM alarm WHERE id=?", (a["id"],))[0],
            ("offered", "op1"))
        # Memory is as stored: still offered to op1, who can accept now.
        r = c.request("accept", alarm_id=a["id"])
        self.assertTrue(r["ok"], r)
        self.assertEqual(self.arcd.rows(
            "SELECT state, operator FROM alarm WHERE id=?", (a["id"],))[0],
            ("handling", "op1"))

    def test_unstored_alarm_is_neither_shown_nor_taken(self):
        # The writer is kept waiting (another connection holds the write
        # lock): the press is decided but not stored.
        lock = sqlite3.connect(self.arcd.db, timeout=10,
                               isolation_level=None)
        lock.execute("BEGIN IMMEDIATE")
        s = self.arcd.tcp(timeout=10)
        s.sendall(pendant(1, "100000"))
        wait_for(lambda: self.arcd.metric("events") == 1, 5,
                 "the press to reach arcd")
        c = self.console("op1")
        self.assertEqual(c.snapshot["alarms"], [])
        self.assertEqual(c.request("accept", alarm_id=None)["error"],
                         "not_found")
        lock.execute("COMMIT")
        lock.close()
        f = pendant(1, "100000")

        def acked():            # stored now, or retransmitted if it failed
            s.settimeout(3)
            try:
                return read_reply(s).token == "ACK"
            except socket.timeout:
                s.sendall(f)
                return False
        wait_for(acked, 20, "the press to be stored")
        a = c.wait_alarm(lambda a: a["unit"]["account"] == "100000")
        self.assertTrue(c.request("accept", alarm_id=a["id"])["ok"])


if __name__ == "__main__":
    unittest.main()
