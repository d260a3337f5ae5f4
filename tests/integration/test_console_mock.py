"""arc-console under tmux against the mock console server (mockconsole.py,
protocol 2): log in, see the alarms with the client's name, accept, add a
note, close with an outcome, and check the mock received those requests;
a wrong password; a locked login; a note typed across a reconnect; a bell
on a new P1; a live resize; a monochrome terminal; the alarms past 180 s
marked late; a supervisor's operators pane (key o), which an operator
does not have; heartbeats answered; "replaced" not reconnecting until R;
an over-long line skipped with a message and the next one read; 500
alarms streamed in the snapshot ("loading"); an event pushed; older
events and notes paged in (m); the held limit; locked logins and
addresses in a supervisor's operators pane (monochrome), unlocked with u
after y and not after n, "not locked" when it was not.

Every wait polls capture-pane (or the mock's request list) with a deadline;
what must not happen is watched for a while with a deadline too.
"""
import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest

from mockconsole import (LOGIN, PASSWORD, SUPERVISOR, SUPERVISOR_PASSWORD,
                         MockConsole)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
CONSOLE = os.path.join(BUILD, "arc-console")


def stays(cond, seconds, what="condition"):
    """cond holds all the while (polled until the deadline)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not cond():
            raise AssertionError(what + " stopped holding")
        time.sleep(0.05)


def wait_for(cond, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for " + what)
        time.sleep(0.05)


class Tmux:
    """arc-console in a detached tmux session on a private server socket."""

    def __init__(self, args, asan_dir, x=80, y=24, term="xterm-256color"):
        self.sock = "arcconsole%d" % os.getpid() + str(id(self))
        self.target = "console:0"
        # Sanitizer reports (SAN=1 builds) go to files the tests check.
        env = "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=%s ASAN_OPTIONS=%s" % (
            term, "detect_leaks=1:log_path=" + os.path.join(asan_dir, "asan"))
        cmd = "%s %s %s" % (env, CONSOLE, " ".join(args))
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "console",
                  "-x", str(x), "-y", str(y), cmd)
        self.tmux("set-option", "-t", "console", "remain-on-exit", "on")

    def tmux(self, *args, check=True):
        return subprocess.run(["tmux", "-L", self.sock] + list(args),
                              check=check, capture_output=True, text=True)

    def screen(self, escapes=False):
        args = ["capture-pane", "-p", "-t", self.target]
        if escapes:
            args.insert(2, "-e")
        return self.tmux(*args).stdout

    def wait(self, pattern, timeout=10.0):
        rx = re.compile(pattern)
        try:
            return wait_for(lambda: rx.search(self.screen()), timeout,
                            repr(pattern))
        except AssertionError:
            raise AssertionError("timed out waiting for %r on:\n%s"
                                 % (pattern, self.screen()))

    def wait_gone(self, pattern, timeout=10.0):
        rx = re.compile(pattern)
        wait_for(lambda: not rx.search(self.screen()), timeout,
                 "%r to go" % pattern)

    def keys(self, *keys):
        self.tmux("send-keys", "-t", self.target, *keys)

    def type(self, text):
        self.tmux("send-keys", "-t", self.target, "-l", text)

    def resize(self, x, y):
        self.tmux("resize-window", "-t", self.target, "-x", str(x),
                  "-y", str(y))

    def dead(self):
        r = self.tmux("display-message", "-p", "-t", self.target,
                      "#{pane_dead}", check=False)
        return r.stdout.strip() == "1"

    def kill(self):
        self.tmux("kill-server", check=False)


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
@unittest.skipUnless(shutil.which("openssl"), "openssl CLI is not installed")
class ConsoleMockTest(unittest.TestCase):

    def setUp(self):
        if not os.access(CONSOLE, os.X_OK):
            self.fail("%s is not built" % CONSOLE)
        knobs = getattr(self, "mock_" + self._testMethodName, {})
        self.mock = MockConsole(**knobs).start()
        self.addCleanup(self.mock.stop)
        self.tmp = tempfile.mkdtemp(prefix="arc-console-test-")
        self.addCleanup(shutil.rmtree, self.tmp, True)
        self.pwfile = os.path.join(self.tmp, "pw")
        with open(self.pwfile, "w") as f:
            f.write(PASSWORD + "\n")
        self.addr = "127.0.0.1:%d" % self.mock.port

    def console(self, *args, **kw):
        t = Tmux(list(args) + [self.addr], self.tmp, **kw)
        self.addCleanup(t.kill)
        return t

    def quit(self, t):
        t.keys("q")
        t.wait(r"Quit arc-console\? \(y/n\)")
        t.keys("y")
        wait_for(t.dead, 5, "arc-console to exit")
        self.assert_no_sanitizer_report()

    def assert_no_sanitizer_report(self):
        reports = [f for f in os.listdir(self.tmp) if f.startswith("asan")]
        for f in reports:
            with open(os.path.join(self.tmp, f)) as fh:
                self.fail("sanitizer report:\n" + fh.read())

    def logged_in(self, **kw):
        t = self.console("-k", "-u", LOGIN, "-p", self.pwfile, **kw)
        t.wait(r"connected .*op1")
        t.wait(r"Mary Smith")
        return t

    def one(self, kind, cond=lambda r: True, timeout=10.0):
        return wait_for(lambda: [r for r in self.mock.requests_of(kind)
                                 if cond(r)], timeout, kind + " request")[0]

    def test_answer_an_alarm(self):
        t = self.console("-k")
        t.wait(r"Login:")
        t.type(LOGIN)
        t.keys("Enter")
        t.type(PASSWORD)
        t.keys("Enter")
        # The queue in protocol order, client names, class, count, state.
        t.wait(r"P1 .*Mary Smith .*pendant .*\u00d72 .*offered to you")
        s = t.screen()
        rows = [l for l in s.splitlines() if re.match(r"^.P[123] ", l)]
        self.assertEqual(len(rows), 3, s)
        self.assertIn("Mary Smith", rows[0])
        self.assertIn("Robert Jones", rows[1])
        self.assertIn("100002", rows[2])     # no client: the account
        self.assertRegex(rows[1], r"\d\d:\d\d!!")   # past 180 s
        # The alarm pane: the client card and the responders.
        self.assertIn("key safe 1234 by back door", s)
        self.assertIn("diabetic; hip replacement", s)
        self.assertRegex(s, r"Mary Smith, \d+")
        self.assertIn("John Smith (son)", s)
        self.assertIn("a accept", s)        # the key bar

        t.keys("a")
        r = self.one("accept")
        self.assertEqual(r["alarm_id"], 42)
        t.wait(r"Mary Smith .*handling by you")

        t.keys("n")
        t.wait(r"Note for 42:")
        t.type("spoke to Mary, she is fine")
        t.keys("Enter")
        r = self.one("note")
        self.assertEqual(r["alarm_id"], 42)
        self.assertEqual(r["text"], "spoke to Mary, she is fine")
        t.wait(r"op1: spoke to Mary, she is fine")

        t.keys("c")
        t.wait(r"Close with outcome")
        t.keys("3")
        t.wait(r"Close 42 \(responder sent\), text:")
        t.type("son is on his way")
        t.keys("Enter")
        r = self.one("close")
        self.assertEqual(r["alarm_id"], 42)
        self.assertEqual(r["outcome"], "responder_sent")
        self.assertEqual(r["text"], "son is on his way")
        t.wait(r"CLOSED .*responder sent")
        t.wait_gone(r"P1 .*Mary Smith")
        self.assertEqual(self.mock.alarms[42]["state"], "closed")

        t.keys("q")
        t.wait(r"Quit arc-console\? \(y/n\)")
        t.keys("y")
        wait_for(t.dead, 5, "arc-console to exit")
        self.assert_no_sanitizer_report()

    def test_tls_verification(self):
        # Without -k the self-signed certificate is refused ...
        t = self.console("-u", LOGIN, "-p", self.pwfile)
        t.wait(r"certificate verify failed")
        t.wait(r"reconnecting in \d+s")
        self.assertEqual(self.mock.logins, 0)
        # ... and accepted when it is the CA given with -C.
        t2 = self.console("-C", self.mock.cert, "-u", LOGIN, "-p",
                          self.pwfile)
        t2.wait(r"connected .*op1")
        t2.wait(r"Mary Smith")

    def test_wrong_password(self):
        t = self.console("-k", "-u", LOGIN)
        t.wait(r"Login: +op1")
        t.type("not-the-password")
        t.keys("Enter")
        t.wait(r"wrong login or password")
        self.assertEqual(self.mock.logins, 0)
        t.type(PASSWORD)
        t.keys("Enter")
        t.wait(r"connected .*op1")
        t.wait(r"Mary Smith")

    def test_reconnect_keeps_the_draft(self):
        t = self.logged_in()
        t.keys("a")
        t.wait(r"handling by you")
        t.keys("n")
        t.type("half typed")
        t.wait(r"Note for 42: half typed")
        self.mock.drop_all()
        # Back in a second or two, with the draft where it was.
        wait_for(lambda: self.mock.logins >= 2, 10, "a second login")
        t.wait(r"connected .*op1")
        self.assertIn("Note for 42: half typed", t.screen())
        t.type(", then finished")
        t.keys("Enter")
        r = self.one("note")
        self.assertEqual(r["text"], "half typed, then finished")
        t.wait(r"op1: half typed, then finished")

    def test_bell_on_new_p1(self):
        t = self.logged_in()
        # The console's window in the background so tmux records bells.
        t.tmux("new-window", "-t", "console")
        t.tmux("select-window", "-t", "console:0")     # clears the flags
        t.tmux("select-window", "-t", "console:1")
        flag = lambda: t.tmux("display-message", "-p", "-t", "console:0",
                              "#{window_bell_flag}").stdout.strip() == "1"
        self.assertFalse(flag())
        self.mock.push_alarm(cls=1, name="Alice Brown")
        t.wait(r"P1 .*Alice Brown")
        wait_for(flag, 5, "the bell")

    def test_resize(self):
        t = self.logged_in()
        t.resize(100, 30)
        wait_for(lambda: len(t.screen().splitlines()[0].rstrip()) > 80, 5,
                 "the status line to use 100 columns")
        s = t.screen()
        self.assertRegex(s.splitlines()[0], r"\d\d:\d\d:\d\d [A-Z]+\s*$")
        self.assertIn("Fire trouble, smoke detector in", s)  # wider column
        self.assertRegex(s.splitlines()[29], r"a accept  ")
        t.resize(80, 24)
        wait_for(lambda: "a accept" in t.screen().splitlines()[23], 5,
                 "the key bar on line 24")
        s = t.screen()
        self.assertTrue(all(len(l) <= 80 for l in s.splitlines()), s)
        self.assertIn("Mary Smith", s)
        self.assertRegex(s.splitlines()[0], r"\d\d:\d\d:\d\d [A-Z]+\s*$")

    def test_monochrome(self):
        t = self.logged_in(term="xterm-mono")
        t.wait(r"Robert Jones .*waiting")
        esc = t.screen(escapes=True)
        # Attributes, but not one colour.
        self.assertRegex(esc, r"\x1b\[[0-9;]*7[;m]")      # reverse
        self.assertRegex(esc, r"\x1b\[[0-9;]*1[;m]")      # bold
        self.assertNotRegex(esc, r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38|48)[;m]")
        self.assertRegex(t.screen(), r"\d\d:\d\d!!")     # overdue marker

    def test_late_alarms(self):
        # Alarm 43 has waited 200 s: in over_180, so named in the status
        # line and marked on its row; 42 (70 s) is not.
        t = self.logged_in()
        t.wait(r"Robert Jones .*waiting late")
        s = t.screen()
        self.assertRegex(s.splitlines()[0], r"180s:[0-9.]+%!? \(late: 43\)")
        self.assertRegex(s.splitlines()[0], r"\d\d:\d\d:\d\d [A-Z]+\s*$")
        mary = [l for l in s.splitlines() if "Mary Smith" in l][0]
        self.assertNotIn("late", mary)

    def test_operator_has_no_operators_pane(self):
        t = self.logged_in()
        self.assertNotIn("o operators", t.screen().splitlines()[-1])
        t.keys("o")
        t.keys("?")
        t.wait(r"Keys \(any key closes\)")  # o was read before ?
        self.assertNotIn("Operators", t.screen())
        self.assertEqual(self.mock.requests_of("operators"), [])

    def test_supervisor_operators_pane(self):
        op = self.logged_in()
        op.keys("a")
        op.wait(r"Mary Smith .*handling by you")
        pw = os.path.join(self.tmp, "bosspw")
        with open(pw, "w") as f:
            f.write(SUPERVISOR_PASSWORD + "\n")
        t = self.console("-k", "-u", SUPERVISOR, "-p", pw)
        t.wait(r"connected .*boss")
        t.wait(r"key safe 1234 by back door")     # the alarm pane
        self.assertIn("o operators", t.screen().splitlines()[-1])
        self.one("operators")                       # asked after login
        t.keys("o")
        t.wait(r"Operators +2 connected")
        t.wait(r"op1 +handling 1 +42 P1 \d\d:\d\d")
        t.wait(r"boss +free +-")
        s = t.screen()
        self.assertNotIn("key safe 1234", s)        # replaced, not added
        self.assertIn("o alarm", s.splitlines()[-1])
        self.assertIn("Mary Smith", s)              # the queue stays
        # A push: op1 releases 42 and the pane follows.
        op.keys("r")
        t.wait(r"op1 +(free|offered) +(-|42 P1 offered)")
        # o again: back to the alarm.
        t.keys("o")
        t.wait(r"key safe 1234 by back door")
        t.wait_gone(r"Operators +\d+ connected")
        t.keys("q")
        t.wait(r"Quit arc-console\? \(y/n\)")
        t.keys("y")
        wait_for(t.dead, 5, "arc-console to exit")
        self.assert_no_sanitizer_report()

    # --- protocol 2 ---

    mock_test_heartbeat_answered = {"heartbeat": 1}

    def test_heartbeat_answered(self):
        t = self.logged_in()
        # Answered, in order, on the one session: never taken as stuck.
        wait_for(lambda: len(self.mock.heartbeats) >= 3, 10,
                 "three heartbeats answered")
        seqs = [seq for login, seq in self.mock.heartbeats]
        self.assertEqual(seqs[:3], [1, 2, 3])
        self.assertEqual({login for login, _ in self.mock.heartbeats},
                         {LOGIN})
        hb = self.mock.requests_of("heartbeat")[0]
        self.assertEqual(set(hb), {"type", "seq"})     # no id: no reply
        self.assertEqual(self.mock.stuck, 0)
        self.assertEqual(self.mock.logins, 1)
        self.assertIn("connected", t.screen().splitlines()[0])

    def test_replaced_does_not_reconnect(self):
        first = self.logged_in()
        second = self.logged_in()       # the same operator, elsewhere
        wait_for(lambda: self.mock.logins == 2, 10, "the second login")
        first.wait(r"logged in elsewhere")
        first.wait(r"offline: R reconnects")
        second.wait(r"connected .*op1")
        # A lost connection is retried within a second or two; this one
        # is not.
        stays(lambda: self.mock.logins == 2, 4, "no login from the first")
        self.assertIn("offline: R reconnects",
                      first.screen().splitlines()[0])
        self.assertIn("Mary Smith", first.screen())    # still shown
        first.keys("?")
        first.wait(r"R +reconnect now")
        first.keys("Escape")
        # The operator takes it back with R; the other is replaced now.
        first.keys("R")
        wait_for(lambda: self.mock.logins == 3, 10, "the login after R")
        first.wait(r"connected .*op1")
        second.wait(r"offline: R reconnects")
        stays(lambda: self.mock.logins == 3, 3, "no login from the second")
        self.quit(second)
        self.quit(first)

    def test_long_line_skipped(self):
        t = self.logged_in()
        big = json.dumps({"type": "alarm", "alarm": {
            "id": 900, "state": "waiting", "class": 1,
            "opened_at": 1, "client": {"name": "Zed Toolong"},
            "unit": {"account": "9" * 70000}}}).encode() + b"\n"
        self.assertGreater(len(big), 65536)
        # In two pieces: the first already past the bound, the second
        # ending it, with a normal line behind it in the same read.
        self.mock.send_raw(big[:67000])
        t.wait(r"a message longer than 65536 bytes was skipped")
        self.mock.send_raw(big[67000:] + (json.dumps(
            {"type": "alarm_event", "alarm_id": 42, "event": {"id": 5},
             "count": 7, "last_at": 1}) + "\n").encode())
        self.mock.push_alarm(name="Alice Brown")
        t.wait(r"P1 .*Alice Brown")
        t.wait(r"Mary Smith .*\u00d77")     # the line after the long one
        s = t.screen()
        self.assertIn("a message longer than 65536 bytes was skipped", s)
        self.assertNotIn("Zed Toolong", s)
        self.assertEqual(self.mock.logins, 1)   # not dropped
        self.assertIn("connected", s.splitlines()[0])
        # Whole in one read, a line behind it: the same.
        self.mock.send_raw(big + (json.dumps(
            {"type": "alarm_event", "alarm_id": 42, "event": {"id": 6},
             "count": 8, "last_at": 1}) + "\n").encode())
        t.wait(r"Mary Smith .*\u00d78")
        self.assertNotIn("Zed Toolong", t.screen())
        self.assertEqual(self.mock.logins, 1)
        self.quit(t)

    mock_test_snapshot_500_streamed = {"extra_alarms": 500,
                                       "snapshot_delay": 0.004}

    def test_snapshot_500_streamed(self):
        t = self.console("-k", "-u", LOGIN, "-p", self.pwfile)
        # Streamed one alarm a line: the console says what is coming ...
        t.wait(r"loading 503 alarms")
        # ... and shows the queue once it is complete.
        t.wait(r"connected .*op1", 20)
        t.wait(r"\b\d+ more")
        s = t.screen()
        rows = [l for l in s.splitlines() if re.match(r"^.P[123] ", l)]
        self.assertGreater(len(rows), 3, s)
        self.assertRegex(s.splitlines()[1], r"\b%d more" % (503 - len(rows)))
        self.assertIn("Client 0498", rows[0])      # the oldest P1 first
        self.assertNotIn("loading", s)
        self.quit(t)
        logins = [r for r in self.mock.requests if r.get("type") == "login"]
        self.assertEqual(len(logins), 1)

    def test_event_pushed(self):
        t = self.logged_in()
        self.mock.push_event(42, text="fall detected")
        t.wait(r"Mary Smith .*\u00d73")
        t.wait(r"3 events")
        t.keys("NPage")                 # the events are below the card
        t.wait(r"QA 101 +zone 001 +fall detected")

    def test_older_events_and_notes(self):
        self.mock.add_history(42, events=60, notes=30)
        t = self.logged_in()
        t.wait(r"\(10 older notes: m")
        oldest_event = self.mock.alarms[42]["events"][19]["id"]
        oldest_note = self.mock.alarms[42]["notes"][10]["id"]
        t.keys("m")
        ev = self.one("events")
        nt = self.one("notes")
        self.assertEqual((ev["alarm_id"], ev["before"]), (42, oldest_event))
        self.assertEqual((nt["alarm_id"], nt["before"]), (42, oldest_note))
        t.wait(r"op2: old note 1\b")
        t.wait_gone(r"older notes")
        # Everything is held now: m asks nothing more.
        t.keys("m")
        t.wait(r"no older events or notes to fetch")
        self.assertEqual(len(self.mock.requests_of("events")), 1)
        # The oldest event is at the end of the pane.
        for _ in range(20):
            t.keys("NPage")
        t.wait(r"at X=-1\.51 Y=52\.40")
        self.quit(t)

    mock_test_held_limit = {"max_held": 1}

    def test_held_limit(self):
        t = self.logged_in()
        t.keys("a")
        t.wait(r"Mary Smith .*handling by you")
        t.keys("j")
        t.keys("a")
        r = self.one("accept", lambda r: r["alarm_id"] == 43)
        self.assertEqual(r["alarm_id"], 43)
        t.wait(r"you hold the most alarms allowed: close or release one")
        t.wait(r"Robert Jones .*waiting")

    mock_test_locked_login = {"locked": {LOGIN}}

    def test_locked_login(self):
        t = self.console("-k", "-u", LOGIN, "-p", self.pwfile)
        t.wait(r"this login is locked after failed tries: ask a supervisor")
        t.wait(r"Login: +op1")
        self.assertEqual(self.mock.logins, 0)

    mock_test_supervisor_unlocks = {"locked": {"ghost"},
                                     "locked_sources": {"127.0.0.5"}}

    def supervisor(self, **kw):
        pw = os.path.join(self.tmp, "bosspw")
        with open(pw, "w") as f:
            f.write(SUPERVISOR_PASSWORD + "\n")
        t = self.console("-k", "-u", SUPERVISOR, "-p", pw, **kw)
        t.wait(r"connected .*boss")
        return t

    def unlocks(self):
        return self.mock.requests_of("unlock")

    def test_supervisor_unlocks(self):
        op = self.logged_in()
        t = self.supervisor(term="xterm-mono")
        t.keys("o")
        # ghost (not logged in) and the address: a list of their own.
        t.wait(r"Operators +2 connected +2 locked")
        t.wait(r"Also locked: other logins, addresses")
        t.wait(r"login +ghost +locked 1[45]:\d\d")
        t.wait(r"address 127\.0\.0\.5 +locked 1[45]:\d\d")
        self.assertIn("u unlock", t.screen().splitlines()[-1])
        # op1 is locked while logged in: marked on its row.
        self.mock.lock_out(login=LOGIN)
        t.wait(r"op1 +offered +locked 1[45]:\d\d +42 P1 offered")
        t.wait(r"Operators +2 connected +3 locked")
        boss = [l for l in t.screen().splitlines()
                if re.search(r"\*boss +free", l)]
        self.assertNotIn("locked", boss[0])
        # Monochrome: attributes, not one colour.
        esc = t.screen(escapes=True)
        self.assertRegex(esc, r"\x1b\[[0-9;]*7[;m]")      # reverse
        self.assertNotRegex(esc, r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38|48)[;m]")

        # Rows: op1, boss, ghost, 127.0.0.5; op1 is selected. n: kept.
        t.keys("u")
        t.wait(r"Unlock login op1\? \(y/n\)")
        t.keys("n")
        t.wait(r"login op1 left locked")
        stays(lambda: not self.unlocks(), 1, "no unlock")
        t.wait(r"op1 +offered +locked")
        # boss is not locked: nothing to ask.
        t.keys("j")
        t.keys("u")
        t.wait(r"boss is not locked")
        self.assertNotIn("Unlock", t.screen())
        # The address: y sends the unlock; the push takes the row away.
        t.keys("j")
        t.keys("j")
        t.keys("u")
        t.wait(r"Unlock address 127\.0\.0\.5\? \(y/n\)")
        t.keys("y")
        r = self.one("unlock")
        self.assertEqual(r.get("source"), "127.0.0.5")
        self.assertNotIn("login", r)
        t.wait(r"address 127\.0\.0\.5 unlocked")
        t.wait_gone(r"address 127\.0\.0\.5 +locked")
        t.wait(r"Operators +2 connected +2 locked")
        # The selection falls to the row before: ghost, lifted meanwhile
        # without a push: "not locked".
        t.wait(r">.*ghost +locked")
        t.keys("u")
        t.wait(r"Unlock login ghost\? \(y/n\)")
        with self.mock.lock:
            del self.mock.locked["ghost"]
        t.keys("y")
        self.one("unlock", lambda r: r.get("login") == "ghost")
        t.wait(r"unlock login ghost: not locked")
        # op1, by login; it can log in again.
        t.keys("k")
        t.keys("k")
        t.keys("u")
        t.wait(r"Unlock login op1\? \(y/n\)")
        t.keys("y")
        self.one("unlock", lambda r: r.get("login") == LOGIN)
        t.wait(r"login op1 unlocked")
        t.wait(r"op1 +offered +42 P1 offered")
        self.assertEqual(len(self.unlocks()), 3)
        self.assertNotIn(LOGIN, self.mock.locked)
        # The keys are in the help.
        t.keys("?")
        t.wait(r"u +operators pane: unlock the selected login or address")
        t.keys("Escape")
        self.quit(t)
        self.quit(op)

    def test_operator_cannot_unlock(self):
        t = self.logged_in()
        t.keys("o")
        t.keys("u")
        t.keys("?")
        t.wait(r"Keys \(any key closes\)")  # o and u were read before ?
        self.assertNotIn("Unlock", t.screen())
        self.assertNotIn("Operators", t.screen())
        self.assertEqual(self.unlocks(), [])


if __name__ == "__main__":
    unittest.main()
