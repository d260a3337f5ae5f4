"""arc-console under tmux against the mock console server (mockconsole.py):
log in, see the alarms with the client's name, accept, add a note, close
with an outcome, and check the mock received those requests; a wrong
password; a note typed across a reconnect; a bell on a new P1; a live
resize; a monochrome terminal; the alarms past 180 s marked late; a
supervisor's operators pane (key o), which an operator does not have.

Every wait polls capture-pane (or the mock's request list) with a deadline.
"""
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
        self.mock = MockConsole().start()
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
        self.assertRegex(s.splitlines()[0], r"\d\d:\d\d:\d\d\s*$")
        self.assertIn("smoke detector in hall", s)  # wider Alarm column
        self.assertRegex(s.splitlines()[29], r"a accept  ")
        t.resize(80, 24)
        wait_for(lambda: "a accept" in t.screen().splitlines()[23], 5,
                 "the key bar on line 24")
        s = t.screen()
        self.assertTrue(all(len(l) <= 80 for l in s.splitlines()), s)
        self.assertIn("Mary Smith", s)
        self.assertRegex(s.splitlines()[0], r"\d\d:\d\d:\d\d\s*$")

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
        self.assertRegex(s.splitlines()[0], r"180s: [0-9.]+%!? \(late: 43\)")
        self.assertRegex(s.splitlines()[0], r"\d\d:\d\d:\d\d\s*$")
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
        t.wait(r"op1 +Ann Operator +operator +42\b")
        t.wait(r"boss +Sam Supervisor +supervisor +-")
        s = t.screen()
        self.assertNotIn("key safe 1234", s)        # replaced, not added
        self.assertIn("o alarm", s.splitlines()[-1])
        self.assertIn("Mary Smith", s)              # the queue stays
        # A push: op1 releases 42 and the pane follows.
        op.keys("r")
        t.wait(r"op1 +Ann Operator +operator +-")
        # o again: back to the alarm.
        t.keys("o")
        t.wait(r"key safe 1234 by back door")
        t.wait_gone(r"Operators +\d+ connected")
        t.keys("q")
        t.wait(r"Quit arc-console\? \(y/n\)")
        t.keys("y")
        wait_for(t.dead, 5, "arc-console to exit")
        self.assert_no_sanitizer_report()


if __name__ == "__main__":
    unittest.main()
