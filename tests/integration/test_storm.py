"""Storms: 500 "mains lost" from 500 units become one incident with a live
count and the list of affected units, while a pendant pressed mid-storm is
first in the queue; every technical event is still stored, and the queue
an operator sees stays short."""
import sqlite3
import unittest

from arctest import frame, read_reply, stamp, wait_for
from test_console import ConsoleCase

UNITS = 500


def cid(seq, acct, q="1", code="301", zone="000"):
    return frame('"ADM-CID"%04dR1L1#%s[#%s|%s%s 01 %s]_%s'
                 % (seq, acct, acct, q, code, zone, stamp()))


class TestStorm(ConsoleCase):
    def setUp(self):
        super().setUp()
        # The homes of the storm, registered in bulk (arcd reloads units).
        c = sqlite3.connect(self.arcd.db)
        c.executemany("INSERT INTO unit (account) VALUES (?)",
                      [("%06X" % (0x400000 + i),) for i in range(UNITS)])
        c.commit()
        c.close()
        wait_for(lambda: "units: %d changed" % UNITS in self.arcd.logtext(), 10,
                 "arcd to load the units")

    def test_mains_storm_is_one_incident_p1_first(self):
        s = self.arcd.tcp()
        for start in range(0, UNITS, 50):
            batch = [cid(1, "%06X" % (0x400000 + i))
                     for i in range(start, start + 50)]
            s.sendall(b"".join(batch))
            for _ in batch:
                self.assertEqual(read_reply(s).token, "ACK")
            if start == 250:        # a pendant press in the middle
                s.sendall(frame('"ADM-CID"0001R1L1#100000[#100000|1101 01 001]_'
                                + stamp()))
                self.assertEqual(read_reply(s).token, "ACK")
        # Every technical event is stored.
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM event WHERE raw_code = '301'")[0][0], UNITS)
        # One incident counts them all; its members are not queued.
        wait_for(lambda: self.arcd.rows(
            "SELECT count FROM alarm WHERE account = '*AT'") == [(UNITS,)],
            15, "the incident's live count")
        self.assertEqual(self.arcd.rows(
            "SELECT count(*) FROM alarm WHERE incident_id = (SELECT id FROM "
            "alarm WHERE account = '*AT')")[0][0], UNITS)
        # A fresh console sees a short queue: the P1 first, then the incident.
        d = self.console("op2")
        rows = [(a["class"], a["code"]) for a in d.snapshot["alarms"]]
        self.assertLessEqual(len(rows), 10, rows)
        self.assertEqual(rows[0], (1, "QA"))
        inc = [a for a in d.snapshot["alarms"] if a["incident"]]
        self.assertEqual(len(inc), 1)
        self.assertEqual(inc[0]["incident"]["units"], UNITS)
        self.assertGreater(len(inc[0]["incident"]["members"]), 0)
        actions = [r[0] for r in self.arcd.rows("SELECT action FROM audit")]
        self.assertIn("incident", actions)
        self.assertIn("joined incident", actions)
        # Closing the incident closes its members with its outcome.
        iid = inc[0]["id"]
        self.assertTrue(d.request("accept", alarm_id=iid)["ok"])
        self.assertTrue(d.request("close", alarm_id=iid,
                                  outcome="technical_fault")["ok"])
        wait_for(lambda: self.arcd.rows(
            "SELECT count(*) FROM alarm WHERE state = 'closed' AND "
            "outcome = 'technical_fault'")[0][0] == UNITS + 1, 15,
            "the members closed with the incident")


if __name__ == "__main__":
    unittest.main()
