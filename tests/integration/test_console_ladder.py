"""arc-console under tmux drives the escalation ladder against a real arcd
(arcd-test: its clock moved) and a real Mosquitto broker, the responders
played by paho clients: the operator accepts Mary's alarm and presses s;
John is paged with the card and the screen shows the step paged with its
countdown and the mobile team's step waiting; John accepts and the screen
says the responder is on the way (R in the queue), then arrived; no entry
5 minutes after arrival rings an alert; closing asks for a reason (an
empty one is not sent) and the reason is stored. Then: x skips John (the
mobile team is paged), X asks before stopping (n keeps it going, y stops
it and the page is withdrawn); sent again, e and y: the emergency
services were called instead."""
import json
import os
import shutil
import unittest

from arctest import Arcd, frame, read_reply, stamp, wait_for
from mqttbroker import Broker, Client
from test_console import PW
from test_console_mock import CONSOLE, Tmux


@unittest.skipUnless(shutil.which("tmux"), "tmux is not installed")
class TestConsoleLadder(unittest.TestCase):
    def setUp(self):
        if not os.access(CONSOLE, os.X_OK):
            self.fail("%s is not built" % CONSOLE)
        self.broker = Broker()
        self.addCleanup(self.broker.cleanup)
        self.broker.start()
        a = self.arcd = Arcd(self.broker.conf_for_arcd(mobile_team="TEAM"),
                             console=True, test_build=True)
        self.addCleanup(a.cleanup)
        a.arcctl("unit", "add", "100000")
        a.arcctl("client", "add", "C-0001", "--name", "Mary Smith",
                 "--address", "1 High St", "--phone", "+44 24 7600 0001",
                 "--access", "key safe 1234", "--level", "L2")
        a.arcctl("unit", "link", "100000", "C-0001")
        a.arcctl("client", "add", "TEAM", "--name", "Mobile team")
        self.rid = {}
        for name, client in (("John Smith", "C-0001"),
                             ("Mobile One", "TEAM")):
            rid = a.arcctl("responder", "add", "--name", name, "--phones",
                           "+44 7700 900001").stdout.split()[-1]
            a.arcctl("client", "link-responder", client, rid)
            self.rid[name.split()[0]] = int(rid)
        a.operator("op1", PW)
        a.start()
        wait_for(lambda: a.metric("mqtt_up") == 1, 10, "link up")
        self.r = {}
        for name, rid in self.rid.items():
            c = self.r[name] = Client(self.broker, "responder-" + name)
            self.addCleanup(c.close)
            c.subscribe("arc/responder/%d/page" % rid)
            c.subscribe("arc/responder/%d/ack" % rid)
        s = a.tcp()
        s.sendall(frame('"ADM-CID"0001R1L1#100000[#100000|1101 01 001]_'
                        + stamp()))
        self.assertEqual(read_reply(s).token, "ACK")
        s.close()
        t = self.t = Tmux(["-k", "-u", "op1", "-p",
                           os.path.join(a.dir, "pw-op1"),
                           "127.0.0.1:%d" % a.cport], a.dir)
        self.addCleanup(t.kill)
        t.wait(r"Mary Smith .*(waiting|offered to you)")
        t.keys("a")
        t.wait(r"Mary Smith .*handling by you")
        self.aid = a.rows("SELECT id FROM alarm WHERE state='handling' AND "
                          "operator='op1'")[0][0]

    def page(self, name, withdrawn=False):
        t, p = self.r[name].expect(
            lambda t, p: t.endswith("/page") and
            ("withdrawn" in json.loads(p)) == withdrawn,
            what=name + "'s page")
        return json.loads(p)

    def reply(self, name, page, action, note=None):
        m = {"page": page, "action": action}
        if note:
            m["note"] = note
        self.r[name].publish("arc/responder/%d/reply" % self.rid[name],
                             json.dumps(m))
        t, p = self.r[name].expect(lambda t, p: t.endswith("/ack"),
                                   what=name + "'s ack")
        self.assertTrue(json.loads(p)["ok"], p)

    def test_send_accept_arrive_alert_and_close_with_a_reason(self):
        t = self.t
        self.assertIn("s responder", t.screen())
        t.keys("s")
        p = self.page("John")
        self.assertEqual((p["alarm_id"], p["client"]), (self.aid,
                                                        "Mary Smith"))
        t.wait(r"Responder +paging a responder, sent by op1")
        t.wait(r"1\. John Smith  PAGED [0-9]+:[0-9]{2} left")
        t.wait(r"2\. Mobile One \(mobile team\)  not yet paged")
        t.wait(r" r handling by you")            # being paged, in the queue
        self.assertIn("x skip", t.screen())      # the ladder's keys
        # s again: arcd says a ladder is running, in words.
        t.keys("s")
        t.wait(r"a responder is being sent already")

        self.reply("John", p["page"], "accept", "10 minutes away")
        t.wait(r"responder on the way, sent by op1")
        t.wait(r"1\. John Smith  ACCEPTED 0 min ago")
        t.wait(r" R handling by you")            # on the way

        self.reply("John", p["page"], "arrived")
        t.wait(r"Responder +responder arrived")
        t.wait(r"decided 0, accepted 0, arrived 0, entry -")
        # No entry 5 minutes after arrival: the alert, hard to miss.
        self.arcd.advance(5 * 60 + 1)
        t.wait(r"\*\*\* ALERT alarm %d: overdue" % self.aid)
        t.wait(r"ALERT +overdue")                # kept in the pane

        # Close: the outcome, an empty text; arcd wants a reason.
        t.keys("c")
        t.wait(r"Close with outcome")
        t.keys("3")
        t.wait(r"Close %d \(responder sent\), text:" % self.aid)
        t.keys("Enter")
        t.wait(r"Responder on the way: why close %d\?" % self.aid)
        t.keys("Enter")                 # empty: not sent, the editor stays
        t.type("family took her to hospital")
        t.wait(r"why close %d\? family took her to hospital" % self.aid)
        self.assertEqual(self.arcd.rows(
            "SELECT state FROM alarm WHERE id=?", (self.aid,))[0][0],
            "handling")
        t.keys("Enter")
        t.wait(r"CLOSED .*responder sent")
        row = self.arcd.rows("SELECT state, outcome, outcome_text FROM "
                             "alarm WHERE id=?", (self.aid,))[0]
        self.assertEqual(row, ("closed", "responder_sent",
                               "family took her to hospital"))
        t.keys("q")
        t.keys("y")
        wait_for(t.dead, 5, "arc-console to exit")
        self.assertEqual([f for f in os.listdir(self.arcd.dir)
                          if f.startswith("asan")], [])

    def test_skip_then_stop_after_a_y(self):
        t = self.t
        t.keys("s")
        p = self.page("John")
        t.wait(r"1\. John Smith  PAGED")
        t.keys("x")
        self.assertEqual(self.page("John", withdrawn=True)["page"],
                         p["page"])
        m = self.page("Mobile")
        self.assertEqual(m["step"], 2)
        t.wait(r"1\. John Smith  skipped")
        t.wait(r"2\. Mobile One \(mobile team\)  PAGED")
        t.wait(r"the responder paged was skipped")

        t.keys("X")
        t.wait(r"Stop sending a responder to %d\? \(y/n\)" % self.aid)
        t.keys("n")
        t.wait(r"the ladder goes on")
        self.assertIn("PAGED", t.screen())
        t.keys("X")
        t.wait(r"Stop sending a responder to %d\?" % self.aid)
        t.keys("y")
        t.wait(r"Responder +stopped, sent by op1")
        t.wait(r"2\. Mobile One \(mobile team\)  withdrawn")
        self.assertEqual(self.page("Mobile", withdrawn=True)["page"],
                         m["page"])
        t.wait_gone(r" [rR] handling by you")
        self.assertIn("s responder", t.screen())  # back to the usual keys
        trail = [r[0] for r in self.arcd.rows(
            "SELECT detail FROM audit WHERE action LIKE 'ladder%' "
            "ORDER BY id")]
        self.assertIn("stop", " ".join(trail))

        # Sent again, then e: the emergency services called instead.
        t.keys("s")
        p = self.page("John")
        t.wait(r"1\. John Smith  PAGED")
        t.keys("e")
        t.wait(r"%d: emergency services called instead\? \(y/n\)"
               % self.aid)
        t.keys("y")
        t.wait(r"Responder +emergency services called instead")
        self.assertEqual(self.page("John", withdrawn=True)["page"],
                         p["page"])


    def test_the_status_line_says_when_the_pager_link_is_down(self):
        self.broker.stop()
        self.t.wait(r"PAGER DOWN \d\d:\d\d")
        self.broker.start()
        for i in range(8):          # arcd's back-off, at once
            if self.arcd.metric("mqtt_up") == 1:
                break
            self.arcd.advance(2 ** i)
            wait_for(lambda: True, 0.2, "")
        wait_for(lambda: "PAGER DOWN" not in self.t.screen(), 10,
                 "the status line clear again")


if __name__ == "__main__":
    unittest.main()
