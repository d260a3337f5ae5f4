"""Console protocol 2 against a real arcd: the snapshot streamed (begin,
one alarm each, end), changes as deltas, a window of 20 events and notes
with the older ones paged, and a queue far past what one line could carry
reaching a console that reads slowly."""
import json
import time
import unittest

from arctest import frame, read_reply, stamp, wait_for
from consoleclient import Console
from test_console import PW, ConsoleCase


def press(arcd, seq, acct):
    s = arcd.tcp()
    s.sendall(frame('"ADM-CID"%04dR1L1#%s[#%s|1101 01 001]_%s'
                    % (seq, acct, acct, stamp())))
    assert read_reply(s).token == "ACK"
    s.close()


def presses(arcd, accounts, seq=1):
    """One pendant press from each account, on one connection."""
    s = arcd.tcp()
    for acct in accounts:
        s.sendall(frame('"ADM-CID"%04dR1L1#%s[#%s|1101 01 001]_%s'
                        % (seq, acct, acct, stamp())))
        assert read_reply(s).token == "ACK"
    s.close()


class TestStream(ConsoleCase):
    def test_snapshot_is_streamed_in_queue_order(self):
        presses(self.arcd, ["2%05d" % i for i in range(40)])
        wait_for(lambda: self.arcd.metric("alarms_opened") == 40, 10,
                 "40 alarms")
        c = Console(self.arcd.cport)
        self.addCleanup(c.close)
        self.assertEqual(c.hello["protocol"], 2)
        self.assertEqual(c.hello["line_max"], 262144)
        self.assertEqual(c.hello["heartbeat"], 10)
        rid = 1
        c.send({"type": "login", "id": rid, "protocol": 2, "login": "op1",
                "password": PW})
        seen = []
        while True:
            m = c.read()
            seen.append(m["type"])
            if m["type"] == "snapshot_begin":
                self.assertEqual(m["alarms"], 40)
                self.assertIn("stats", m)
                self.assertIn("server_time", m)
            if m["type"] == "snapshot_end":
                break
        # The reply, the begin, one line per alarm, the end; an offer
        # may come once its alarm has been sent.
        self.assertEqual(seen[0], "reply")
        self.assertEqual(seen[1], "snapshot_begin")
        self.assertEqual(seen.count("alarm"), 40)
        opened = [a["opened_at"] for a in c.alarms.values()]
        self.assertEqual(len(opened), 40)

    def test_changes_are_deltas(self):
        c = self.console("op1")
        watcher = self.console("op2")
        press(self.arcd, 1, "100000")
        a = c.wait_alarm(lambda a: a.get("client") is not None)
        watcher.wait_alarm(lambda x: x["id"] == a["id"])
        watcher.pushes.clear()
        # A second press: the event alone, with the new count.
        press(self.arcd, 2, "100000")
        m = watcher.wait(lambda m: m["type"] == "alarm_event" and
                         m["alarm_id"] == a["id"], what="alarm_event")
        self.assertEqual(m["count"], 2)
        self.assertEqual(m["events_total"], 2)
        self.assertEqual(m["event"]["seq"], 2)
        self.assertFalse([p for p in watcher.pushes if p["type"] == "alarm"
                          and p["alarm"]["id"] == a["id"]])
        # Accept: an update without the card, the events or the notes.
        r = c.request("accept", alarm_id=a["id"])
        self.assertTrue(r["ok"], r)
        u = watcher.wait(lambda m: m["type"] == "alarm_update" and
                         m["alarm"]["state"] == "handling", what="update")
        for k in ("client", "unit", "responders", "events", "notes"):
            self.assertNotIn(k, u["alarm"])
        self.assertEqual(u["alarm"]["operator"], "op1")
        # A note: the note alone, with its id.
        r = c.request("note", alarm_id=a["id"], text="spoke to Mary")
        self.assertTrue(r["ok"], r)
        n = watcher.wait(lambda m: m["type"] == "alarm_note", what="note")
        self.assertEqual(n["note"]["text"], "spoke to Mary")
        self.assertEqual(n["note"]["id"], r["note_id"])
        self.assertEqual(n["notes_total"], 1)
        # The sum is what a fresh login's snapshot says.
        late = self.console("boss")
        snap = [x for x in late.snapshot["alarms"] if x["id"] == a["id"]][0]
        mine = watcher.alarms[a["id"]]
        for k in ("state", "operator", "count", "events_total",
                  "notes_total", "notes"):
            self.assertEqual(snap[k], mine[k], k)
        self.assertEqual([e["id"] for e in snap["events"]],
                         [e["id"] for e in mine["events"]])
        # Closed: an update that says so.
        r = c.request("close", alarm_id=a["id"], outcome="no_assistance")
        self.assertTrue(r["ok"], r)
        watcher.wait_alarm(lambda x: x["id"] == a["id"] and
                           x["state"] == "closed", what="closed")

    def test_older_events_and_notes_are_paged(self):
        c = self.console("op1")
        s = self.arcd.tcp()
        for seq in range(1, 26):
            s.sendall(frame('"ADM-CID"%04dR1L1#100000[#100000|1101 01 001]_%s'
                            % (seq, stamp())))
            self.assertEqual(read_reply(s).token, "ACK")
        s.close()
        a = c.wait_alarm(lambda a: a.get("events_total") == 25)
        aid = a["id"]
        self.assertTrue(c.request("accept", alarm_id=aid)["ok"])
        # 25 notes, pipelined.
        for i in range(25):
            c.send({"type": "note", "id": 1000 + i, "alarm_id": aid,
                    "text": "note %d" % i})
        c.wait(lambda m: m.get("id") == 1024, what="the last note's reply")
        c.close()
        d = self.console("op2")
        w = [x for x in d.snapshot["alarms"] if x["id"] == aid][0]
        self.assertEqual(len(w["events"]), 20)
        self.assertEqual(w["events_total"], 25)
        self.assertEqual([e["seq"] for e in w["events"]],
                         list(range(25, 5, -1)))        # newest first
        self.assertEqual(len(w["notes"]), 20)
        self.assertEqual(w["notes_total"], 25)
        self.assertEqual([n["text"] for n in w["notes"]],
                         ["note %d" % i for i in range(5, 25)])  # oldest first
        # The older events: below the oldest shown, newest first.
        r = d.request("events", alarm_id=aid, before=w["events"][-1]["id"])
        self.assertTrue(r["ok"], r)
        self.assertEqual([e["seq"] for e in r["events"]], [5, 4, 3, 2, 1])
        self.assertFalse(r["more"])
        r = d.request("events", alarm_id=aid, limit=10)
        self.assertEqual(len(r["events"]), 10)
        self.assertTrue(r["more"])
        # The older notes the same way.
        oldest = min(n["id"] for n in w["notes"])
        r = d.request("notes", alarm_id=aid, before=oldest, limit=3)
        self.assertEqual([n["text"] for n in r["notes"]],
                         ["note 4", "note 3", "note 2"])
        self.assertTrue(r["more"])
        for bad in ({"limit": 0}, {"limit": 101}, {"before": "x"},
                    {"alarm_id": None}):
            q = dict(alarm_id=aid)
            q.update(bad)
            self.assertEqual(d.request("events", **q)["error"],
                             "bad_request", bad)
        # The whole alarm on request.
        r = d.request("alarm", alarm_id=aid)
        self.assertEqual(r["alarm"]["events_total"], 25)
        self.assertEqual(d.request("alarm", alarm_id=99999)["error"],
                         "not_found")

    def test_a_big_queue_reaches_a_slow_console(self):
        """50 alarms with 20 notes of 1,000 characters: over a megabyte
        of snapshot (version 1 cut every login past 1 MiB) reaches a
        console that reads through a small window, whole."""
        accts = ["3%05d" % i for i in range(50)]
        presses(self.arcd, accts)
        wait_for(lambda: self.arcd.metric("alarms_opened") == 50, 10,
                 "50 alarms")
        c = self.console("boss")
        ids = [a["id"] for a in c.snapshot["alarms"]]
        text = "x" * 990
        n = 0
        for aid in ids:
            for i in range(20):
                c.send({"type": "note", "id": "n%d" % n, "alarm_id": aid,
                        "text": "%03d %s" % (i, text)})
                n += 1
        last = "n%d" % (n - 1)
        c.wait(lambda m: m.get("id") == last, 60, "the notes stored")
        slow = Console(self.arcd.cport, rcvbuf=4096)
        self.addCleanup(slow.close)
        t = time.monotonic()
        self.assertTrue(slow.login("op2", PW, timeout=60)["ok"])
        took = time.monotonic() - t
        self.assertEqual(len(slow.snapshot["alarms"]), 50)
        size = sum(len(json.dumps(a)) for a in slow.snapshot["alarms"])
        self.assertGreater(size, 1024 * 1024)
        for a in slow.snapshot["alarms"]:
            self.assertEqual(len(a["notes"]), 20)
        self.assertEqual(self.arcd.metric("console_slow_disconnected"), 0)
        # The other console was not held up meanwhile.
        self.assertTrue(c.request("ping")["ok"])
        print("snapshot %d bytes in %.2f s" % (size, took))


if __name__ == "__main__":
    unittest.main()
