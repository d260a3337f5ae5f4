"""The console protocol against a real arcd: login, alarms from real DC-09
frames with the client's card, exactly one handler per alarm, notes and
close with the database and audit trail checked, a console that stops
reading, and alarms surviving a restart."""
import socket
import ssl
import time
import unittest

from arctest import ArcdCase, frame, read_reply, stamp, wait_for
from consoleclient import Console

PW = "correct horse"


def pendant(seq, acct="100000", zone="001"):
    return frame('"ADM-CID"%04dR1L1#%s[#%s|1101 01 %s]_%s'
                 % (seq, acct, acct, zone, stamp()))


class ConsoleCase(ArcdCase):
    conf_extra = ("console_grace = 1\nunregistered_burst = 1000000\n"
                  "unregistered_all_burst = 1000000\n")
    test_build = False      # arcd-test: its clock and faults can be driven

    def setUp(self):
        from arctest import Arcd
        self.arcd = Arcd(self.conf_extra, console=True,
                         test_build=self.test_build)
        self.addCleanup(self.arcd.cleanup)
        a = self.arcd
        a.arcctl("unit", "add", "100000")
        a.arcctl("unit", "add", "100001")
        a.arcctl("client", "add", "C-0001", "--name", "Mary Smith",
                 "--born", "1938-04-02", "--address", "1 High St, Coventry",
                 "--phone", "+44 24 7600 0001", "--medical", "diabetic",
                 "--access", "key safe 1234", "--level", "L2")
        a.arcctl("unit", "link", "100000", "C-0001")
        a.arcctl("zone", "add", "100000", "001", "pendant")
        rid = a.arcctl("responder", "add", "--name", "John Smith",
                       "--phones", "+44 7700 900001", "--relation",
                       "son").stdout.split()[-1]
        a.arcctl("client", "link-responder", "C-0001", rid)
        a.operator("op1", PW)
        a.operator("op2", PW)
        a.operator("boss", PW, role="supervisor")
        a.start()

    def console(self, login="op1", rcvbuf=None):
        c = Console(self.arcd.cport, rcvbuf=rcvbuf)
        self.addCleanup(c.close)
        self.assertEqual(c.hello["type"], "hello")
        self.assertEqual(c.hello["protocol"], 2)
        if login:
            r = c.login(login, PW)
            self.assertTrue(r["ok"], r)
        return c

    def press(self, seq, acct="100000"):
        s = self.arcd.tcp()
        s.sendall(pendant(seq, acct))
        self.assertEqual(read_reply(s).token, "ACK")
        s.close()


class TestLogin(ConsoleCase):
    def test_wrong_password_refused_delayed_and_counted(self):
        c = self.console(login=None)
        t = time.monotonic()
        r = c.login("op1", "wrong")
        self.assertFalse(r["ok"])
        self.assertEqual(r["error"], "auth")
        self.assertGreaterEqual(time.monotonic() - t, 0.9)
        r = c.login("nobody", "x")
        self.assertEqual(r["error"], "auth")
        self.assertEqual(self.arcd.metric("console_login_failures"), 2)
        r = c.login("op1", PW)     # the same connection may try again
        self.assertTrue(r["ok"])
        self.assertEqual(r["operator"]["login"], "op1")

    def test_requests_need_a_login(self):
        c = self.console(login=None)
        self.assertEqual(c.request("accept", alarm_id=None)["error"], "login")
        # Only login: not even a ping keeps a stranger's connection busy.
        self.assertEqual(c.request("ping")["error"], "login")

    def test_malformed_json_closes(self):
        c = self.console()
        c.sock.sendall(b"{not json\n")
        with self.assertRaises((ConnectionError, ssl.SSLError, OSError)):
            while True:
                c.read(5)
        self.assertEqual(self.arcd.metric("console_bad_input"), 1)


class TestAlarms(ConsoleCase):
    def test_pendant_reaches_the_console_with_the_card(self):
        c = self.console()
        self.press(1)
        a = c.wait_alarm(lambda a: a["unit"]["account"] == "100000")
        self.assertEqual((a["class"], a["code"]), (1, "QA"))
        self.assertEqual(a["client"]["name"], "Mary Smith")
        self.assertEqual(a["client"]["access"], "key safe 1234")
        self.assertEqual(a["client"]["response_level"], "L2")
        self.assertEqual(a["unit"]["zone_label"], "pendant")
        self.assertEqual(a["responders"][0]["name"], "John Smith")
        self.assertEqual(a["events"][0]["raw_code"], "101")
        # A second press attaches to the same alarm.
        self.press(2)
        b = c.wait_alarm(lambda x: x["id"] == a["id"] and x["count"] == 2)
        self.assertEqual(b["count"], 2)

    def test_a_later_login_sees_every_change_to_a_shown_alarm(self):
        """arcd keeps each alarm's line once built, and puts it together
        again from kept parts (alarmline.c): after a card, a zone label,
        an event, a note or a state changed, a new login's snapshot says
        what the alarm built afresh (the alarm request) says."""
        c = self.console()
        self.press(1)
        a = c.wait_alarm(lambda a: a["unit"]["account"] == "100000")

        def snap():
            late = self.console("boss")
            s = [x for x in late.snapshot["alarms"] if x["id"] == a["id"]]
            fresh = late.request("alarm", alarm_id=a["id"])["alarm"]
            self.assertEqual(s[0], fresh)
            return s[0]
        snap()                      # the line as kept
        self.arcd.arcctl("client", "edit", "C-0001", "--access",
                         "key safe 9876")
        self.arcd.arcctl("zone", "edit", "100000", "001", "wrist pendant")
        # Two changes, read in one refresh or in two (and one may land
        # between a snapshot and the request): wait until arcd has both,
        # then the kept line must say so too.

        def fresh():
            return c.request("alarm", alarm_id=a["id"])["alarm"]
        wait_for(lambda: (fresh()["client"]["access"], fresh()["unit"][
            "zone_label"]) == ("key safe 9876", "wrist pendant"), 10,
            "both edits read by arcd")
        s = snap()
        self.assertEqual((s["client"]["access"], s["unit"]["zone_label"]),
                         ("key safe 9876", "wrist pendant"))
        for seq in range(2, 25):    # past the window of 20
            self.press(seq)
        c.wait_alarm(lambda x: x["id"] == a["id"] and x["count"] == 24)
        s = snap()
        self.assertEqual((s["count"], s["events_total"]), (24, 24))
        self.assertEqual([e["seq"] for e in s["events"]],
                         list(range(24, 4, -1)))
        r = c.request("accept", alarm_id=a["id"])
        self.assertTrue(r["ok"], r)
        for i in range(22):
            r = c.request("note", alarm_id=a["id"], text="note %d" % i)
            self.assertTrue(r["ok"], r)
        s = snap()
        self.assertEqual((s["state"], s["operator"]), ("handling", "op1"))
        self.assertEqual([n["text"] for n in s["notes"]],
                         ["note %d" % i for i in range(2, 22)])

    def test_queue_order_in_snapshot(self):
        s = self.arcd.tcp()
        s.sendall(frame('"ADM-CID"0001R1L1#100001[#100001|1301 01 000]_' + stamp()))
        read_reply(s)
        self.press(1)
        c = self.console()
        ids = [(a["class"], a["unit"]["account"]) for a in c.snapshot["alarms"]]
        self.assertEqual(ids, [(1, "100000"), (3, "100001")])

    def test_two_consoles_race_exactly_one_wins(self):
        self.press(1)
        c1, c2 = self.console("op1"), self.console("op2")
        aid = c1.snapshot["alarms"][0]["id"]
        for _ in range(2):   # both fire before either reads a reply
            pass
        c1.send({"type": "accept", "id": 101, "alarm_id": aid})
        c2.send({"type": "accept", "id": 102, "alarm_id": aid})
        r1 = c1.wait(lambda m: m["type"] == "reply" and m["id"] == 101)
        r2 = c2.wait(lambda m: m["type"] == "reply" and m["id"] == 102)
        self.assertEqual(sorted([r1["ok"], r2["ok"]]), [False, True])
        loser = r1 if not r1["ok"] else r2
        self.assertEqual(loser["error"], "taken")
        rows = self.arcd.rows("SELECT state, operator FROM alarm WHERE id=?",
                              (aid,))
        self.assertEqual(rows[0][0], "handling")
        self.assertIn(rows[0][1], ("op1", "op2"))

    def test_accept_note_close_are_stored_and_audited(self):
        self.press(1)
        c = self.console()
        offer = c.wait(lambda m: m["type"] == "offer", what="an offer")
        aid = offer["alarm_id"]
        self.assertTrue(c.request("accept", alarm_id=None)["ok"])
        r = c.request("note", alarm_id=aid, text="spoke to Mary, she is fine")
        self.assertTrue(r["ok"], r)
        r = c.request("close", alarm_id=aid, outcome="bogus")
        self.assertEqual(r["error"], "bad_request")
        r = c.request("close", alarm_id=aid, outcome="assisted_by_phone",
                      text="no help needed")
        self.assertTrue(r["ok"], r)
        closed = c.wait_alarm(lambda a: a["id"] == aid and a["state"] == "closed")
        self.assertEqual(closed["outcome"], "assisted_by_phone")
        row = self.arcd.rows("SELECT state, operator, outcome, outcome_text, "
                             "accepted_at IS NOT NULL FROM alarm WHERE id=?", (aid,))
        self.assertEqual(row[0], ("closed", "op1", "assisted_by_phone",
                                  "no help needed", 1))
        notes = self.arcd.rows("SELECT operator, text FROM alarm_note WHERE alarm_id=?",
                               (aid,))
        self.assertEqual(notes, [("op1", "spoke to Mary, she is fine")])
        actions = [r[0] for r in self.arcd.rows(
            "SELECT action FROM audit WHERE subject LIKE ? OR detail LIKE ? "
            "ORDER BY id", ("%%%d%%" % aid, "%%alarm %d%%" % aid))]
        for want in ("open", "offer", "accept", "note", "close"):
            self.assertIn(want, actions)
        self.assertEqual(self.arcd.arcctl("audit", "verify").returncode, 0)

    def test_release_and_supervisor(self):
        self.press(1)
        c = self.console("op1")
        boss = self.console("boss")
        aid = c.snapshot["alarms"][0]["id"]
        self.assertTrue(c.request("accept", alarm_id=aid)["ok"])
        self.assertEqual(self.console("op2").request("release", alarm_id=aid)["error"],
                         "not_yours")
        ops = boss.request("operators")["operators"]
        self.assertIn({"login": "op1", "alarms": [aid]},
                      [{"login": o["login"], "alarms": o["alarms"]} for o in ops])
        self.assertTrue(boss.request("release", alarm_id=aid)["ok"])

    def test_console_that_stops_reading_is_cut_and_its_alarm_requeued(self):
        self.press(1)
        slow = self.console("op1", rcvbuf=4096)
        aid = slow.snapshot["alarms"][0]["id"]
        self.assertTrue(slow.request("accept", alarm_id=aid)["ok"])
        watcher = self.console("op2")
        # op1 stops reading; alarms from many other units flood its output.
        s = self.arcd.tcp()
        for chunk in range(60):
            s.sendall(b"".join(pendant(1, "%06X" % (0x300000 + chunk * 100 + i))
                               for i in range(100)))
            for _ in range(100):
                read_reply(s)
            watcher.pushes.clear()
            if self.arcd.metric("console_slow_disconnected"):
                break
        wait_for(lambda: self.arcd.metric("console_slow_disconnected"), 30,
                 "the slow console to be cut off")
        back = watcher.wait_alarm(lambda a: a["id"] == aid and a["state"] in
                                  ("waiting", "offered"), 20,
                                  "the alarm back in the queue")
        self.assertNotEqual(back.get("operator"), "op1")


class TestRestart(ConsoleCase):
    def test_open_alarm_survives_a_restart(self):
        self.press(1)
        c = self.console()
        aid = c.snapshot["alarms"][0]["id"]
        self.assertTrue(c.request("accept", alarm_id=aid)["ok"])
        c.close()
        self.arcd.kill()
        self.arcd.start()
        c = self.console("op1")
        a = [a for a in c.snapshot["alarms"] if a["id"] == aid][0]
        self.assertEqual((a["state"], a["operator"]), ("handling", "op1"))


class TestText(ConsoleCase):
    def test_a_bad_byte_in_the_card_still_reaches_the_console(self):
        """Rows written by SQL (not arcctl) with bytes that are not UTF-8:
        the alarm still reaches the console, U+FFFD in their place."""
        import sqlite3
        self.arcd.stop()
        db = sqlite3.connect(self.arcd.db)
        db.executescript(
            "UPDATE client SET medical = CAST(X'E2' || 'abc' AS TEXT), "
            "name = CAST('Mary ' || X'FF' AS TEXT);"
            "UPDATE zone SET label = CAST('pend' || X'C0AF' AS TEXT);"
            "UPDATE responder SET name = CAST('John' || X'EDA080' AS TEXT);")
        db.close()
        self.arcd.start()
        c = self.console()
        self.press(1)
        a = c.wait_alarm(lambda a: a["unit"]["account"] == "100000")
        self.assertEqual(a["client"]["medical"], "\ufffdabc")
        self.assertEqual(a["client"]["name"], "Mary \ufffd")
        self.assertEqual(a["client"]["access"], "key safe 1234")
        self.assertEqual(a["unit"]["zone_label"], "pend\ufffd\ufffd")
        self.assertEqual(a["responders"][0]["name"],
                         "John\ufffd\ufffd\ufffd")
        # A console logging in later gets it in its snapshot too.
        snap = self.console("op2").snapshot["alarms"]
        self.assertEqual([x["client"]["medical"] for x in snap],
                         ["\ufffdabc"])


class TestSupervisorView(ConsoleCase):
    """The operators view reaches the supervisor on every change (offers,
    accepts, a console lost, its grace running out), once per loop turn,
    with every alarm each operator holds."""
    test_build = True

    def view(self, boss, pred, what):
        m = boss.wait(lambda m: m["type"] == "operators" and pred(
            {o["login"]: o for o in m["operators"]}), what=what)
        return {o["login"]: o for o in m["operators"]}

    def test_view_follows_offers_holds_and_grace(self):
        boss = self.console("boss")
        self.press(1, "100001")             # boss takes the first
        x = boss.wait(lambda m: m["type"] == "offer", what="boss's offer")
        self.assertTrue(boss.request("accept", alarm_id=x["alarm_id"])["ok"])
        op = self.console("op1")
        self.press(2)
        ops = self.view(boss, lambda ops: len(ops.get("op1", {}).get(
            "alarms", [])) == 1, "the offer to op1")
        a1 = ops["op1"]["alarms"][0]
        self.assertTrue(op.request("accept", alarm_id=a1)["ok"])
        self.press(3, "ABC123")             # unregistered: P2, waits
        a3 = op.wait_alarm(lambda a: a["unit"]["account"] == "ABC123")["id"]
        self.assertTrue(op.request("accept", alarm_id=a3)["ok"])
        self.view(boss, lambda ops: sorted(ops.get("op1", {}).get(
            "alarms", [])) == sorted([a1, a3]), "both alarms op1 holds")
        op.close()
        self.view(boss, lambda ops: "op1" in ops and not ops["op1"][
            "connected"] and len(ops["op1"]["alarms"]) == 2,
            "op1's console lost, alarms kept")
        self.arcd.advance(2)                # console_grace = 1
        self.view(boss, lambda ops: "op1" not in ops,
                  "op1's alarms back in the queue")


class TestTwoConsoleListeners(ConsoleCase):
    """A second console listener serves too (it once replaced the first)."""

    def setUp(self):
        from arctest import free_port
        self.port2 = free_port()
        self.conf_extra = (ConsoleCase.conf_extra +
                           "listen = console=127.0.0.1:%d\n" % self.port2)
        super().setUp()

    def test_both_listeners_serve(self):
        a = self.console("op1")
        b = Console(self.port2)
        self.addCleanup(b.close)
        self.assertTrue(b.login("op2", PW)["ok"])
        self.press(1)
        for c in (a, b):
            c.wait_alarm(lambda x: x["unit"]["account"] == "100000")


if __name__ == "__main__":
    unittest.main()
