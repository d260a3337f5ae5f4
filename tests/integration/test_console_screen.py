"""arc-console's screen against the mock server, under tmux: the queue
row's cause at 80x24 on a monochrome terminal, the time zone the hello
names (and UTC when it names none or junk), away and back with p, the
banner and bell when a supervisor takes an alarm away, the supervisor's
pane with long names and many alarms (80 columns, and the names on a wide
screen), the queue's ageing, giving an alarm (g: a picker, then y/n), a
long late list that scrolls (l), an unknown TERM drawn as xterm."""
import re
import shutil
import unittest

from mockconsole import LOGIN, now_ms
import test_console_mock as mock_tests
from test_console_mock import wait_for


def held(aid, cls=1, age_s=65, state="handling"):
    return {"id": aid, "state": state, "class": cls,
            "since": now_ms() - age_s * 1000}


LONG = "a-very-long-login-name-indeed"
OTHERS = [
    {"login": LONG, "name": "Bartholomew Fitzwilliam-Montgomery " * 3,
     "role": "operator", "connected": True, "state": "handling",
     "away": True, "alarms": list(range(900, 912)),
     "held": [held(900 + i, 1 + i % 3) for i in range(12)], "logins": 3,
     "answered": 7, "within_60": 6, "within_180": 7, "locked_until": None},
    {"login": "op2", "name": "Olive Two", "role": "operator",
     "connected": True, "state": "free", "away": False, "alarms": [],
     "held": [], "logins": 1, "answered": 0, "within_60": 0,
     "within_180": 0, "locked_until": None},
    {"login": "op3", "name": "Otto Three", "role": "operator",
     "connected": False, "state": "offered", "away": False,
     "alarms": [901], "held": [held(901, 2, 5, "offered")], "logins": 2,
     "answered": 0, "within_60": 0, "within_180": 0, "locked_until": None},
]


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
@unittest.skipUnless(shutil.which("openssl"), "openssl CLI is not installed")
class ConsoleScreenTest(unittest.TestCase):
    # The mock tests' harness (their tests are not run again here).
    _m = mock_tests.ConsoleMockTest
    setUp, console, quit = _m.setUp, _m.console, _m.quit
    assert_no_sanitizer_report = _m.assert_no_sanitizer_report
    logged_in, one, supervisor = _m.logged_in, _m.one, _m.supervisor

    def fits(self, t, cols=80):
        s = t.screen()
        self.assertTrue(all(len(l) <= cols for l in s.splitlines()), s)
        return s

    def mono(self, t):
        esc = t.screen(escapes=True)
        self.assertNotRegex(esc, r"\x1b\[[0-9;]*(3[0-7]|4[0-7]|38|48)[;m]")

    def test_cause_80x24_monochrome(self):
        t = self.logged_in(term="xterm-mono")
        t.wait("P1 .*Mary Smith +Personal emergency, pendant +\u00d72 ")
        t.wait("P2 .*Robert Jones +Fire trouble, smoke detecto ")
        t.wait("P3 .*100002 +Low battery +\u00d71 ")   # no zone label
        s = self.fits(t)
        # No zone named in the hello: UTC, labelled.
        self.assertRegex(s.splitlines()[0], r"\d\d:\d\d:\d\d UTC\s*$")
        self.mono(t)
        self.quit(t)

    mock_test_zone_from_the_hello = {"timezone": "Asia/Tokyo"}

    def test_zone_from_the_hello(self):
        t = self.logged_in()
        t.wait(r"(?m)\d\d:\d\d:\d\d JST\s*$")
        self.quit(t)

    mock_test_zone_junk_is_utc = {"timezone": "../../etc/passwd"}

    def test_zone_junk_is_utc(self):
        t = self.logged_in()
        t.wait(r"(?m)\d\d:\d\d:\d\d UTC\s*$")
        self.quit(t)

    def test_away_and_back(self):
        t = self.logged_in(term="xterm-mono")
        self.assertIn("p away", t.screen().splitlines()[-1])
        t.keys("p")
        self.assertIs(self.one("away")["away"], True)
        t.wait("^ AWAY \u2014 no offers +op1")
        self.assertIn("p back", t.screen().splitlines()[-1])
        self.fits(t)
        t.keys("p")
        self.one("away", lambda r: r["away"] is False)
        t.wait(r"back: offers again")
        t.wait(r"^ connected +op1")
        self.quit(t)

    def test_told_when_an_alarm_is_taken(self):
        t = self.logged_in()
        t.keys("a")
        t.wait(r"Mary Smith .*handling by you")
        t.tmux("new-window", "-t", "console")
        t.tmux("select-window", "-t", "console:0")     # clears the flags
        t.tmux("select-window", "-t", "console:1")
        rang = lambda: t.tmux("display-message", "-p", "-t", "console:0",
                              "#{window_bell_flag}").stdout.strip() == "1"
        self.assertFalse(rang())
        self.mock.tell(LOGIN, code="reassigned", alarm_id=42, by="boss",
                       to="op2", text="alarm 42 was given to op2 by boss")
        wait_for(rang, 5, "the bell")
        t.wait(r"\*\*\* alarm 42 was given to op2 by boss \*\*\*")
        t.wait(r"(?m)^ alarm 42 was given to op2 by boss")     # message line
        t.tmux("select-window", "-t", "console:0")
        self.quit(t)

    mock_test_supervisor_pane_long_names = {
        "extra_operators": OTHERS, "offer": False}

    def test_supervisor_pane_long_names(self):
        t = self.supervisor(term="xterm-mono")
        t.wait(r"Waiting: +P1 1 oldest 01:\d\d +P2 1 oldest 03:\d\d +"
               r"P3 1 oldest 00:\d\d")
        t.keys("o")
        t.wait(r"Operators +3 connected")
        # 80 columns: no names; state, what each holds and since when.
        t.wait(r"a-very-lon +away, handling 12 +900 P1 \d\d:\d\d, 901 P2 ")
        t.wait(r"(?m)op2 +free +- +1 +0\s*$")
        t.wait(r"op3 +offered lost +901 P2 offered \d\d:\d\d +2")
        row = [l for l in t.screen().splitlines() if "a-very-lon" in l][0]
        self.assertRegex(row, r" 3 +7 +85% +100%\s*$")
        self.fits(t)
        self.mono(t)
        # Wide: the names too.
        t.resize(132, 30)
        t.wait(r"Bartholomew Fitzwil")
        self.fits(t, 132)
        self.quit(t)

    mock_test_give_asks_first = {"extra_operators": OTHERS[1:2],
                                 "offer": False}

    def digit(self, t, login):
        """The picker's digit for login."""
        m = t.wait(r" (\d)  %s " % login)
        return m.group(1)

    def test_give_asks_first(self):
        op = self.logged_in()
        op.keys("a")
        op.wait(r"Mary Smith .*handling by you")
        t = self.supervisor()
        t.wait(r"Mary Smith .*handling by op1")
        # The picker: op1 holds it, so op2 and boss.
        t.keys("g")
        t.wait(r"Give alarm 42 to")
        self.assertNotRegex(t.screen(), r"\d  op1 ")
        t.wait(r"\d  op2 +Olive Two +free")
        t.wait(r"\d  boss +Sam Supervisor +free")
        t.keys("Escape")
        t.wait(r"alarm 42: not given")
        t.keys("g")
        t.keys(self.digit(t, "op2"))
        t.wait(r"Give alarm 42 \(op1's\) to op2\? \(y/n\)")
        t.keys("n")
        t.wait(r"alarm 42 left with op1")
        self.assertEqual(self.mock.requests_of("reassign"), [])
        t.keys("g")
        t.keys(self.digit(t, "op2"))
        t.wait(r"Give alarm 42 \(op1's\) to op2\? \(y/n\)")
        t.keys("y")
        r = self.one("reassign")
        self.assertEqual((r["alarm_id"], r["to"]), (42, "op2"))
        t.wait(r"alarm 42 given to op2")
        op.wait(r"alarm 42 was given to op2 by boss")
        op.wait(r"Mary Smith .*handling by op2")
        # t: take over, asked too.
        t.keys("t")
        t.wait(r"Take over alarm 42 from op2\? \(y/n\)")
        t.keys("y")
        self.one("reassign", lambda r: r["to"] == "boss")
        t.wait(r"Mary Smith .*handling by you")
        # An operator has neither key.
        op.keys("g")
        op.keys("t")
        op.keys("?")
        op.wait(r"Keys \(any key closes\)")
        self.assertNotIn("Give alarm", op.screen())
        self.assertEqual(len(self.mock.requests_of("reassign")), 2)
        self.quit(t)

    mock_test_late_list_scrolls = {"extra_alarms": 300, "offer": False}

    def test_late_list_scrolls(self):
        t = self.console("-k", "-u", LOGIN, "-p", self.pwfile)
        t.wait(r"connected .*op1")
        late = sorted(a["id"] for a in self.mock.alarms.values()
                      if now_ms() - a["opened_at"] > 180000)
        self.assertGreater(len(late), 100)      # past arcd's old 16
        t.resize(120, 24)       # room on the status line for ids
        t.wait(r"\(late: \d+ .*\+\d+\)")
        t.resize(80, 24)
        t.keys("l")
        t.wait(r"Late: %d past 180 s today" % len(late))
        t.wait(r"(?m)^ +%d +P\d" % late[0])
        self.assertNotRegex(t.screen(), r"(?m)^ +%d +P\d" % late[-1])
        for _ in range(len(late)):
            if re.search(r"(?m)^ +%d +P\d" % late[-1], t.screen()):
                break
            t.keys("NPage")
        t.wait(r"(?m)^ +%d +P\d" % late[-1])
        self.fits(t)
        t.keys("l")
        t.wait(r"Alarm \d+ +P1 +personal emergency")
        self.quit(t)

    mock_test_unknown_term_drawn_as_xterm = {"offer": False}

    def test_unknown_term_drawn_as_xterm(self):
        t = self.logged_in(term="no-such-terminal")
        t.wait(r"terminal type 'no-such-terminal' unknown: drawn as xterm")
        self.quit(t)


if __name__ == "__main__":
    unittest.main()
