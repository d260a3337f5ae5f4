"""A shift on arc-console under tmux against a real arcd-test: the
operator's queue row says what the alarm is about ("Personal emergency,
pendant" for Mary Smith), a P1 rings the terminal's bell (tmux's bell
flag) and shows a banner, the clock is in the centre's time zone
(arc.conf's timezone, sent in the hello) and labelled with its
abbreviation; an operator goes away (no offers) and comes back with p;
a supervisor gives an alarm from one operator to another with g and
takes it over with t, each after a y (an n sends nothing), and the
operator who loses it is told on their screen who took it."""
import datetime
import os
import re
import shutil
import unittest
import zoneinfo

from test_console import PW, ConsoleCase
from test_console_mock import CONSOLE, Tmux, wait_for
from test_console_stream import press

ZONE = "America/New_York"


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class TestConsoleShift(ConsoleCase):
    conf_extra = ConsoleCase.conf_extra + "timezone = %s\n" % ZONE
    test_build = True

    def tmux(self, login, **kw):
        if not os.access(CONSOLE, os.X_OK):
            self.fail("%s is not built" % CONSOLE)
        pw = os.path.join(self.arcd.dir, "pw-" + login)
        with open(pw, "w") as f:
            f.write(PW + "\n")
        t = Tmux(["-k", "-u", login, "-p", pw,
                  "127.0.0.1:%d" % self.arcd.cport], self.arcd.dir, **kw)
        self.addCleanup(t.kill)
        t.wait(r"connected +%s\b" % login)
        return t

    def bell_watch(self, t):
        """The console's window in the background, so tmux flags bells;
        returns a function: has it rung since?"""
        t.tmux("set-option", "-g", "monitor-bell", "on")
        t.tmux("set-option", "-g", "bell-action", "any")
        t.tmux("new-window", "-t", "console")
        t.tmux("select-window", "-t", "console:0")     # clears the flag
        t.tmux("select-window", "-t", "console:1")
        return lambda: t.tmux("display-message", "-p", "-t", "console:0",
                              "#{window_bell_flag}").stdout.strip() == "1"

    def alarm_of(self, login):
        rows = self.arcd.rows("SELECT id FROM alarm WHERE operator = ? AND "
                              "state = 'handling'", (login,))
        return rows[0][0] if rows else None

    def quit(self, t):
        t.tmux("select-window", "-t", "console:0", check=False)
        t.keys("q")
        t.keys("y")
        wait_for(t.dead, 5, "arc-console to exit")

    def test_cause_bell_and_time_zone(self):
        t = self.tmux("op1", term="xterm-mono")
        rang = self.bell_watch(t)
        self.assertFalse(rang())
        # The clock: New York's time, labelled EST or EDT.
        first = t.screen().splitlines()[0]
        m = re.search(r"(\d\d):(\d\d):\d\d (E[SD]T)\s*$", first)
        self.assertTrue(m, first)
        ny = datetime.datetime.now(zoneinfo.ZoneInfo(ZONE))
        self.assertEqual(m.group(3), ny.strftime("%Z"))
        shown = int(m.group(1)) * 60 + int(m.group(2))
        self.assertLessEqual(min(abs(shown - (ny.hour * 60 + ny.minute)),
                                 1440 - abs(shown - (ny.hour * 60 +
                                                     ny.minute))), 1)
        press(self.arcd, 1, "100000")
        t.wait("P1 .*Mary Smith +Personal emergency, pendant +\u00d71 ")
        wait_for(rang, 5, "the bell")
        # The banner says why it rang (here the offer came with it), until
        # a key is pressed.
        t.tmux("select-window", "-t", "console:0")
        t.wait(r"\*\*\* (NEW P1 ALARM|Alarm \d+ offered to you) \*\*\*")
        t.keys("Down")
        t.wait_gone(r"\*\*\* ")
        # The alarm pane's times are New York's too.
        opened = self.arcd.rows("SELECT opened_at FROM alarm")[0][0]
        hms = datetime.datetime.fromtimestamp(
            opened / 1000, zoneinfo.ZoneInfo(ZONE)).strftime("%H:%M:%S")
        t.wait(r"opened %s" % hms)
        self.assertTrue(all(len(l) <= 80 for l in t.screen().splitlines()))
        self.quit(t)

    def test_away_and_back(self):
        t = self.tmux("op1")
        self.assertIn("p away", t.screen().splitlines()[-1])
        t.keys("p")
        t.wait("AWAY \u2014 no offers")
        t.wait(r"away: no offers until you are back")
        self.assertIn("p back", t.screen().splitlines()[-1])
        boss = self.tmux("boss")        # a supervisor sees op1 away
        boss.keys("o")
        boss.wait(r"op1 +away +-")
        boss.keys("q", "y")             # not offered anything itself
        wait_for(boss.dead, 5, "the supervisor's console to exit")
        press(self.arcd, 1, "100000")
        t.wait(r"Mary Smith .* waiting")
        self.arcd.advance(1)            # a dispatch turn: still nobody
        self.assertEqual(self.arcd.rows(
            "SELECT state FROM alarm"), [("waiting",)])
        t.keys("p")
        t.wait(r"Mary Smith .*offered to you")
        t.wait_gone("AWAY")
        wait_for(lambda: [a for (a,) in self.arcd.rows(
            "SELECT action FROM audit WHERE actor = 'op1' AND action IN "
            "('away', 'back') ORDER BY id")] == ["away", "back"], 5,
            "away and back audited")
        self.quit(t)

    def pick(self, boss, login):
        """g: the picker; the digit of login's row."""
        boss.keys("g")
        s = boss.wait(r"Give alarm \d+ to")
        m = re.search(r" (\d)  %s " % login, boss.screen())
        self.assertTrue(m, boss.screen())
        boss.keys(m.group(1))

    def test_give_and_take_over_asked_and_told(self):
        op1 = self.tmux("op1")
        op2 = self.tmux("op2")
        press(self.arcd, 1, "100000")
        op1.wait(r"Mary Smith .*offered to you")
        op1.keys("a")
        op1.wait(r"Mary Smith .*handling by you")
        aid = wait_for(lambda: self.alarm_of("op1"), 5, "op1 has it")
        boss = self.tmux("boss")
        boss.wait(r"Mary Smith .*handling by op1")
        boss.wait(r"Waiting: +P1 0 +P2 0 +P3 0")
        boss.keys("o")
        boss.wait(r"op1 +handling 1 +%d P1 \d\d:\d\d" % aid)
        boss.wait(r"op2 +free +-")
        rang = self.bell_watch(op1)
        # n: asked, nothing sent.
        self.pick(boss, "op2")
        boss.wait(r"Give alarm %d \(op1's\) to op2\? \(y/n\)" % aid)
        boss.keys("n")
        boss.wait(r"alarm %d left with op1" % aid)
        self.assertEqual(self.alarm_of("op1"), aid)
        # y: given; op1 is told who took it, op2 has it.
        self.pick(boss, "op2")
        boss.wait(r"Give alarm %d \(op1's\) to op2\? \(y/n\)" % aid)
        boss.keys("y")
        boss.wait(r"alarm %d given to op2" % aid)
        wait_for(rang, 5, "op1's bell")
        op1.tmux("select-window", "-t", "console:0")
        op1.wait(r"alarm %d was given to op2 by boss" % aid)
        op1.wait(r"Mary Smith .*handling by op2")
        op2.wait(r"Mary Smith .*handling by you")
        boss.wait(r"op2 +handling 1 +%d P1" % aid)
        # t: the supervisor takes it over, after a y.
        boss.keys("t")
        boss.wait(r"Take over alarm %d from op2\? \(y/n\)" % aid)
        boss.keys("y")
        op2.wait(r"alarm %d was given to boss by boss" % aid)
        boss.wait(r"Mary Smith .*handling by you")
        self.assertEqual(self.alarm_of("boss"), aid)
        wait_for(lambda: self.arcd.rows(
            "SELECT actor, detail FROM audit WHERE action = 'reassign' "
            "ORDER BY id") == [("boss", "from op1 to op2"),
                               ("boss", "from op2 to boss")], 5,
            "both audited with both names")
        for t in (op1, op2, boss):
            self.quit(t)


if __name__ == "__main__":
    unittest.main()
