"""The console port against strangers and mishaps: the login deadline, the
line limit before login, the caps on connections not logged in (that an
operator always gets past), lockout per login and per source, one console
per operator, the heartbeat that finds a stuck console, the limit on
alarms held, and an offer let pass going to the next operator. Deadlines
run on arcd's settable clock (the test build), so nothing here waits
them out."""
import socket
import ssl
import time
import unittest

from arctest import wait_for
from consoleclient import Console
from test_console import PW, ConsoleCase
from test_console_stream import press, presses

GONE = (ConnectionError, ssl.SSLError, OSError, socket.timeout)


def closed(c, timeout=5.0):
    """True once arcd has closed c (reading what it sends meanwhile);
    False if it is still open after timeout."""
    try:
        while True:
            c.read(timeout)
    except socket.timeout:
        return False
    except GONE:
        return True


class GuardCase(ConsoleCase):
    test_build = True
    conf_extra = ConsoleCase.conf_extra + (
        "console_unauth_max = 6\nconsole_unauth_per_source = 2\n"
        "login_source_max_fails = 8\n")

    def stranger(self, source="127.0.0.1"):
        c = Console(self.arcd.cport, source=source)
        self.addCleanup(c.close)
        return c

    def refused(self, source):
        """Closed at once (before or after the TLS handshake)."""
        try:
            c = Console(self.arcd.cport, source=source, timeout=5)
        except GONE:
            return True
        self.addCleanup(c.close)
        return closed(c, 2)


class TestStrangers(GuardCase):
    def test_login_deadline_is_not_moved_by_talking(self):
        c = self.stranger()
        for _ in range(3):      # talking does not buy time
            self.assertEqual(c.request("ping")["error"], "login")
            self.arcd.advance(4)
        self.assertTrue(closed(c))
        self.assertEqual(self.arcd.metric("console_login_timeouts"), 1)
        # An operator who logs in in time stays.
        d = self.console("op1")
        self.arcd.advance(30)
        self.assertTrue(d.request("ping")["ok"])

    def test_a_long_line_before_login_closes(self):
        c = self.stranger()
        c.send_raw(b'{"type":"login","login":"' + b"x" * 2000 + b'"}\n')
        self.assertTrue(closed(c))
        self.assertEqual(self.arcd.metric("console_bad_input"), 1)
        # Logged in, a long line (a long note) is fine.
        d = self.console("op1")
        self.assertEqual(d.request("note", alarm_id=1,
                                   text="y" * 900)["error"], "not_found")

    def test_caps_on_strangers_never_keep_an_operator_out(self):
        # Two per source: a third from the same address is refused.
        a1, a2 = self.stranger("127.0.0.2"), self.stranger("127.0.0.2")
        self.assertTrue(self.refused("127.0.0.2"))
        self.assertEqual(self.arcd.metric("console_refused_source"), 1)
        # Six in all: the table fills from three more addresses...
        held = [a1, a2]
        for src in ("127.0.0.3", "127.0.0.3", "127.0.0.4", "127.0.0.4"):
            held.append(self.stranger(src))
        # ... and an operator from elsewhere still gets in: the oldest of
        # an address holding most goes to make room.
        op = self.stranger("127.0.0.9")
        self.assertTrue(op.login("op1", PW)["ok"])
        self.assertEqual(self.arcd.metric("console_unauthenticated_evicted"),
                         1)
        self.assertTrue(closed(a1))
        self.assertTrue(a2.request("ping", timeout=5)["error"] == "login")


    def silent(self, source):
        """A plain TCP connection to the console port that says nothing."""
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.bind((source, 0))
        s.connect(("127.0.0.1", self.arcd.cport))
        self.addCleanup(s.close)
        return s

    def test_a_flood_of_strangers_does_not_evict_an_operator(self):
        flood = [self.silent(src) for src in
                 ("127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3",
                  "127.0.0.4", "127.0.0.4")]
        # An operator connects (TLS, hello) and is slow to log in...
        op = self.stranger("127.0.0.9")
        self.assertEqual(op.request("ping")["error"], "login")
        # ... while the flood goes on from fresh addresses: each new one
        # makes room, never by the operator's connection, which is
        # further into its login than any of them.
        for i in range(1, 13):
            flood.append(self.silent("127.0.3.%d" % i))
            self.assertEqual(op.request("ping")["error"], "login")
        self.assertTrue(op.login("op1", PW)["ok"])
        self.assertEqual(self.arcd.metric("console_unauthenticated_evicted"),
                         13)
        # A flood's address that lost one goes first next time.
        again = self.silent("127.0.0.2")
        late = self.stranger("127.0.0.10")
        self.assertEqual(late.request("ping")["error"], "login")
        again.settimeout(5)
        self.assertEqual(again.recv(1), b"")


class TestLockout(GuardCase):
    def wrong(self, login, source="127.0.0.1", password="wrong"):
        c = self.stranger(source)
        c.send({"type": "login", "id": 1, "protocol": 2, "login": login,
                "password": password})
        time.sleep(0.1)         # checked on the worker
        self.arcd.advance(1)    # the refusal's second
        r = c.read()
        c.close()
        return r

    def test_five_failures_lock_a_login_until_unlocked(self):
        for _ in range(5):
            self.assertEqual(self.wrong("op1")["error"], "auth")
        self.assertEqual(self.arcd.metric("console_login_locks"), 1)
        # Locked: even the right password is refused, unchecked.
        self.assertEqual(self.wrong("op1", password=PW)["error"], "locked")
        self.assertEqual(self.arcd.metric("console_login_refused_locked"), 1)
        # Other operators are not affected.
        boss = self.console("boss")
        v = boss.request("operators")
        row = [o for o in v["operators"] if o["login"] == "op1"][0]
        self.assertGreater(row["locked_until"], 0)
        wait_for(lambda: self.arcd.rows(
            "SELECT count(*) FROM audit WHERE action = 'login locked' AND "
            "subject = 'operator op1'")[0][0] == 1, 5, "the lock audited")
        # Only a supervisor lifts it.
        op2 = self.console("op2")
        self.assertEqual(op2.request("unlock", login="op1")["error"],
                         "forbidden")
        self.assertTrue(boss.request("unlock", login="op1")["ok"])
        boss.wait(lambda m: m["type"] == "operators" and not [
            o for o in m["operators"] if o["login"] == "op1"],
            what="the view without the lock")
        self.assertTrue(self.console("op1"))
        wait_for(lambda: self.arcd.rows(
            "SELECT actor FROM audit WHERE action = 'login unlocked'") ==
            [("boss",)], 5, "the unlock audited")
        # The password is never in the log, nor the request line.
        log = self.arcd.logtext()
        self.assertNotIn(PW, log)
        self.assertNotIn("wrong", log)
        self.assertNotIn('"password"', log)

    def test_a_lock_ends_in_time(self):
        for _ in range(5):
            self.wrong("op1")
        self.assertEqual(self.wrong("op1", password=PW)["error"], "locked")
        self.arcd.advance(901)
        c = self.stranger()
        self.assertTrue(c.login("op1", PW)["ok"])

    def test_a_source_guessing_many_logins_is_locked(self):
        for i in range(8):
            self.assertEqual(self.wrong("guess%d" % i, "127.0.0.5")["error"],
                             "auth")
        self.assertEqual(self.arcd.metric("console_source_locks"), 1)
        self.assertEqual(self.wrong("op1", "127.0.0.5", PW)["error"],
                         "locked")
        # Elsewhere op1 logs in.
        c = self.stranger("127.0.0.6")
        self.assertTrue(c.login("op1", PW)["ok"])
        v = c.request("operators")
        self.assertEqual(v["error"], "forbidden")
        boss = self.console("boss")
        v = boss.request("operators")
        self.assertEqual([s["source"] for s in v["locked_sources"]],
                         ["127.0.0.5"])
        self.assertTrue(boss.request("unlock", source="127.0.0.5")["ok"])

    def test_a_connection_goes_after_five_failures(self):
        c = self.stranger()
        for i in range(5):
            c.send({"type": "login", "id": i, "protocol": 2,
                    "login": "nobody%d" % i, "password": "x"})
            time.sleep(0.1)
            self.arcd.advance(1)
            self.assertEqual(c.read()["error"], "auth")
        self.assertTrue(closed(c))


class TestOneConsoleEach(GuardCase):
    def test_the_newer_login_takes_over_once(self):
        old = self.console("op1")
        press(self.arcd, 1, "100000")
        a = old.wait_alarm(lambda a: a["state"] == "offered")
        self.assertTrue(old.request("accept", alarm_id=a["id"])["ok"])
        new = self.console("op1")
        m = old.wait(lambda m: m["type"] == "system", what="replaced")
        self.assertEqual(m["code"], "replaced")
        self.assertTrue(closed(old))
        self.assertEqual(self.arcd.metric("console_replaced"), 1)
        # The alarm stays op1's, on the new console.
        self.assertTrue(new.request("note", alarm_id=a["id"],
                                    text="still mine")["ok"])
        self.assertTrue(new.request("ping")["ok"])


class TestStuckAndGreedy(GuardCase):
    def test_a_console_that_stops_answering_loses_its_offer(self):
        mute = Console(self.arcd.cport, heartbeats=False)
        self.addCleanup(mute.close)
        self.assertTrue(mute.login("op1", PW)["ok"])
        press(self.arcd, 1, "100000")
        mute.wait(lambda m: m["type"] == "offer", what="the offer")
        other = self.console("op2")
        for _ in range(3):
            self.arcd.advance(10)
            self.assertTrue(other.request("ping")["ok"])  # answers
        self.assertTrue(closed(mute))
        self.assertEqual(self.arcd.metric("console_stuck_disconnected"), 1)
        m = other.wait(lambda m: m["type"] == "offer", what="the offer moves")
        self.assertTrue(other.request("accept", alarm_id=m["alarm_id"])["ok"])
        # A console that answers is not stuck.
        for _ in range(6):
            self.arcd.advance(10)
            self.assertTrue(other.request("ping")["ok"])
        self.assertGreaterEqual(other.heartbeats_seen, 9)

    def test_an_operator_holds_at_most_three(self):
        presses(self.arcd, ["4%05d" % i for i in range(5)])
        wait_for(lambda: self.arcd.metric("alarms_opened") == 5, 10,
                 "5 alarms")
        c = self.console("op1")
        ids = [a["id"] for a in c.snapshot["alarms"]]
        got = [c.request("accept", alarm_id=i) for i in ids[:4]]
        self.assertEqual([r["ok"] for r in got], [True, True, True, False])
        self.assertEqual(got[3]["error"], "limit")
        self.assertEqual(self.arcd.metric("console_held_limit"), 1)
        # Close one: room for another.
        self.assertTrue(c.request("close", alarm_id=ids[0],
                                  outcome="false_alarm")["ok"])
        self.assertTrue(c.request("accept", alarm_id=ids[3])["ok"])
        # A supervisor has no limit.
        boss = self.console("boss")
        self.assertTrue(boss.request("accept", alarm_id=ids[4])["ok"])

    def test_an_offer_let_pass_goes_to_the_next_operator(self):
        first = self.console("op1")
        second = self.console("op2")
        press(self.arcd, 1, "100000")
        m = first.wait(lambda m: m["type"] == "offer", what="the offer")
        self.arcd.advance(31)
        m2 = second.wait(lambda m: m["type"] == "offer", what="next")
        self.assertEqual(m2["alarm_id"], m["alarm_id"])
        self.assertFalse([p for p in first.pushes if p["type"] == "offer"])


if __name__ == "__main__":
    unittest.main()
