"""arc-responder, the on-call responder's terminal, against a real
Mosquitto broker. Under tmux (80x24, and a monochrome vt100), a paho
client plays arcd: a page is shown with the client's card and a countdown
to its deadline; a key accepts (the reply JSON reaches the broker) and the
ack is shown, a refusal in words; the broker restarted, arc-responder
connects again and still shows the page, and answers it; a page sent
while it was away comes when it is back (persistent session); a withdrawn
page is shown as withdrawn. With a password and docs/mqtt.md's ACL it
gets its own pages; a wrong password is said. With --auto accept against
a real arcd (the escalation ladder of test_escalation), it accepts a page
and walks the visit to clear, which the operator's console sees."""
import json
import os
import re
import shutil
import subprocess
import time
import unittest

from arctest import BUILD, wait_for
from mqttbroker import Broker, Client
from test_console_mock import Tmux
from test_escalation import LadderCase

RESPONDER = os.path.join(BUILD, "arc-responder")


class ResponderTmux(Tmux):
    """arc-responder, not arc-console, in Tmux's detached session."""

    def __init__(self, args, asan_dir, term="xterm-256color"):
        self.sock = "arcresp%d" % os.getpid() + str(id(self))
        self.target = "console:0"
        env = "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=%s ASAN_OPTIONS=%s" % (
            term, "detect_leaks=1:log_path=" + os.path.join(asan_dir, "asan"))
        cmd = "%s %s %s" % (env, RESPONDER, " ".join(args))
        self.tmux("-f", "/dev/null", "new-session", "-d", "-s", "console",
                  "-x", "80", "-y", "24", cmd)
        self.tmux("set-option", "-t", "console", "remain-on-exit", "on")


def page(pid, deadline_s=90, **kw):
    m = {"page": pid, "alarm_id": 42, "responder": 7, "step": 1,
         "reason": "personal emergency",
         "deadline": int(time.time() * 1000) + deadline_s * 1000,
         "client": "Mary Smith", "address": "1 High St",
         "access": "key safe 1234", "medical": "diabetic",
         "phone": "+44 24 7600 0001"}
    m.update(kw)
    return json.dumps(m)


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class TestResponderTerminal(unittest.TestCase):
    def setUp(self):
        if not os.access(RESPONDER, os.X_OK):
            self.fail("%s is not built" % RESPONDER)
        self.broker = Broker()
        self.addCleanup(self.broker.cleanup)
        self.broker.start()
        self.arcd = self.arcd_side()

    def arcd_side(self):
        c = Client(self.broker, "arcd-%d" % id(self))
        self.addCleanup(c.close)
        c.subscribe("arc/responder/7/reply")
        return c

    def responder(self, term="xterm-256color"):
        t = ResponderTmux(["-p", str(self.broker.port), "-i", "7"],
                          self.broker.dir, term=term)
        self.addCleanup(t.kill)
        t.wait(r"connected to 127\.0\.0\.1:%d as responder 7"
               % self.broker.port)
        return t

    def reply(self, what):
        t, p = self.arcd.expect(what=what)
        return json.loads(p)

    def ack(self, pid, ok=True, error=None):
        m = {"page": pid, "ok": ok}
        if error:
            m["error"] = error
        self.arcd.publish("arc/responder/7/ack", json.dumps(m))

    def no_asan(self):
        self.assertEqual([f for f in os.listdir(self.broker.dir)
                          if f.startswith("asan")], [])

    def test_a_page_with_its_card_and_countdown_accepted_with_a_key(self):
        t = self.responder(term="vt100")    # monochrome
        self.arcd.publish("arc/responder/7/page", page(501))
        t.wait(r"Alarm 42: personal emergency \(step 1, page 501\)")
        s = t.screen()
        for want in ("Mary Smith", "1 High St", "key safe 1234", "diabetic",
                     "+44 24 7600 0001"):
            self.assertIn(want, s)
        # 90 s from now, shown as mm:ss and counting down.
        m = re.search(r"State +paged, 0?1:(\d\d) to answer", s)
        self.assertIsNotNone(m, s)
        self.assertGreaterEqual(int(m.group(1)), 20)
        self.assertTrue(all(len(line) <= 80 for line in s.splitlines()))
        t.keys("a")
        self.assertEqual(self.reply("accept"),
                         {"page": 501, "action": "accept"})
        t.wait(r"accept sent, waiting for arc")
        self.ack(501)
        t.wait(r"Arc says +accept: ok")
        t.wait(r"State +on the way")
        t.keys("e")                 # entry before arrived: arcd refuses
        self.assertEqual(self.reply("entry")["action"], "entry")
        self.ack(501, ok=False, error="out_of_order")
        t.wait(r"entry refused: not yet: accept, arrived, entry, clear")
        t.keys("r")
        self.assertEqual(self.reply("arrived"),
                         {"page": 501, "action": "arrived"})
        self.ack(501)
        t.wait(r"State +arrived")
        # A page whose deadline passed says so.
        self.arcd.publish("arc/responder/7/page", page(502, deadline_s=-5,
                                                       client="Bob Jones"))
        t.wait(r"alarm 42 +Bob Jones +paged +deadline passed")
        t.keys("q")
        wait_for(t.dead, 5, "arc-responder to exit")
        self.no_asan()

    def test_the_broker_restarted_the_page_stays_and_is_answered(self):
        t = self.responder()
        self.arcd.publish("arc/responder/7/page", page(601))
        t.wait(r"Client +Mary Smith")
        self.arcd.close()
        self.broker.stop()
        t.wait(r"127\.0\.0\.1:%d: .*next try in" % self.broker.port)
        self.assertIn("key safe 1234", t.screen())
        t.keys("a")                 # not connected: said, nothing lost
        t.wait(r"accept not sent: not connected to the broker")
        self.broker.start()
        self.arcd = self.arcd_side()
        t.wait(r"connected to 127\.0\.0\.1:%d" % self.broker.port, 20)
        self.assertIn("key safe 1234", t.screen())
        self.assertIn("State     paged", t.screen())
        t.keys("a")
        self.assertEqual(self.reply("accept after the restart"),
                         {"page": 601, "action": "accept"})
        self.ack(601)
        t.wait(r"State +on the way")
        t.keys("q")
        wait_for(t.dead, 5, "arc-responder to exit")
        self.no_asan()

    def test_a_page_sent_while_away_comes_when_back(self):
        t = self.responder()
        t.keys("q")
        wait_for(t.dead, 5, "arc-responder to exit")
        t.kill()
        # The broker keeps the session (clean session off, QoS 1).
        self.arcd.publish("arc/responder/7/page", page(701,
                                                       client="Ann Lee"))
        t = self.responder()
        t.wait(r"Client +Ann Lee")

    def test_a_withdrawn_page_is_shown_withdrawn(self):
        t = self.responder()
        self.arcd.publish("arc/responder/7/page", page(801))
        t.wait(r"State +paged")
        self.arcd.publish("arc/responder/7/page",
                          json.dumps({"page": 801, "withdrawn": True}))
        t.wait(r"State +withdrawn")
        t.wait(r"withdrawn: this page is no longer yours")
        t.keys("a")
        t.wait(r"accept: this page is withdrawn")
        # Junk on the page topic is counted and changes nothing.
        self.arcd.publish("arc/responder/7/page", b"\xff{not json")
        self.arcd.publish("arc/responder/7/page", json.dumps({"page": 1}))
        t.wait(r"responder 7 +1 page +2 unreadable")
        self.assertIn("State     withdrawn", t.screen())
        t.keys("q")
        wait_for(t.dead, 5, "arc-responder to exit")
        self.no_asan()


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class TestResponderACL(unittest.TestCase):
    """A broker with passwords and docs/mqtt.md's ACL: responder 7 logs in
    as responder-7 (-u, -P) and gets its pages; a wrong password is said
    on screen."""
    ACL = ("user arcd\ntopic write arc/responder/+/page\n"
           "topic write arc/responder/+/ack\n"
           "topic read arc/responder/+/reply\n\n"
           "user responder-7\ntopic read arc/responder/7/page\n"
           "topic read arc/responder/7/ack\n"
           "topic write arc/responder/7/reply\n")

    def setUp(self):
        self.broker = Broker(passwords={"arcd": "arcd-pw",
                                        "responder-7": "seven-pw"},
                             acl=self.ACL)
        self.addCleanup(self.broker.cleanup)
        self.broker.start()
        self.pw = os.path.join(self.broker.dir, "r7.pw")
        with open(self.pw, "w") as f:
            f.write("seven-pw\n")
        os.chmod(self.pw, 0o600)

    def tmux(self, pwfile):
        t = ResponderTmux(["-p", str(self.broker.port), "-i", "7", "-u",
                           "responder-7", "-P", pwfile], self.broker.dir)
        self.addCleanup(t.kill)
        return t

    def test_its_own_topics_with_its_password(self):
        arcd = Client(self.broker, "arcd", user="arcd", password="arcd-pw")
        self.addCleanup(arcd.close)
        arcd.subscribe("arc/responder/7/reply")
        t = self.tmux(self.pw)
        t.wait(r"connected to 127\.0\.0\.1:%d as responder 7"
               % self.broker.port)
        arcd.publish("arc/responder/7/page", page(901))
        t.wait(r"Access +key safe 1234")
        t.keys("a")
        _, p = arcd.expect(what="the accept")
        self.assertEqual(json.loads(p), {"page": 901, "action": "accept"})

    def test_a_wrong_password_is_said(self):
        bad = os.path.join(self.broker.dir, "bad.pw")
        with open(bad, "w") as f:
            f.write("wrong\n")
        os.chmod(bad, 0o600)
        t = self.tmux(bad)
        t.wait(r"127\.0\.0\.1:%d: .*(not authori[sz]ed|bad user name "
               r"or password).*next try" % self.broker.port)


    def test_a_password_file_others_can_read_is_refused(self):
        os.chmod(self.pw, 0o644)
        r = subprocess.run([RESPONDER, "-p", str(self.broker.port), "-i",
                            "7", "-u", "responder-7", "-P", self.pw,
                            "--auto", "ignore"], capture_output=True,
                           text=True, timeout=10)
        self.assertEqual(r.returncode, 1)
        self.assertIn("not a regular file of mode 0600", r.stderr)


class TestResponderAuto(LadderCase):
    """--auto accept against the real arcd: the ladder walks to clear."""

    def test_auto_accept_answers_a_page_and_walks_the_visit(self):
        rid = self.rid["John"]
        logpath = os.path.join(self.arcd.dir, "responder.log")
        logf = open(logpath, "w")
        self.addCleanup(logf.close)
        p = subprocess.Popen(
            [RESPONDER, "-p", str(self.broker.port), "-i", str(rid),
             "--auto", "accept", "--delay", "0"],
            stdout=subprocess.DEVNULL, stderr=logf)

        def log():
            with open(logpath) as f:
                return f.read()

        def stop():
            if p.poll() is None:
                p.terminate()
                p.wait(10)
        self.addCleanup(stop)
        # Subscribed (its SUBACKs) before arcd pages.
        wait_for(lambda: "as responder %d" % rid in log(), 10,
                 "arc-responder subscribed")
        self.assertTrue(self.c.request("send_responder",
                                       alarm_id=self.alarm)["ok"])
        for state in ("on_the_way", "arrived", "entry", "clear"):
            self.ladder(state)
        wait_for(lambda: "cleared: clear: ok" in log(), 10, "the last ack")
        stop()
        self.assertEqual(p.returncode, 0, log())
        for want in ("accept sent", "on the way: accept: ok",
                     "arrived: arrived: ok", "cleared: clear: ok"):
            self.assertIn(want, log())
        self.assertIn("John Smith accepted", "\n".join(self.audit()))


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class TestResponderTmuxLadder(LadderCase):
    """A person at arc-responder in tmux, against the real arcd: the page
    arcd sends is shown, a key accepts, r says arrived; the operator's
    console sees each step."""

    def test_keys_accept_and_arrive_the_console_sees_them(self):
        rid = self.rid["John"]
        t = ResponderTmux(["-p", str(self.broker.port), "-i", str(rid)],
                          self.arcd.dir)
        self.addCleanup(t.kill)
        t.wait(r"connected to 127\.0\.0\.1:%d as responder %d"
               % (self.broker.port, rid))
        self.assertTrue(self.c.request("send_responder",
                                       alarm_id=self.alarm)["ok"])
        t.wait(r"Alarm %d: personal emergency \(step 1" % self.alarm)
        self.assertIn("key safe 1234", t.screen())
        t.keys("a")
        t.wait(r"Arc says +accept: ok")
        self.assertEqual(self.ladder("on_the_way")["steps"][0]["state"],
                         "accepted")
        t.keys("r")
        t.wait(r"State +arrived")
        self.assertIsNotNone(self.ladder("arrived")["arrived_at"])


if __name__ == "__main__":
    unittest.main()
