"""The escalation ladder against a real arcd (its clock moved) and a real
Mosquitto broker, responders played by MQTT clients: the operator sends a
responder; the first of the client's responders is paged with the card;
accept, arrived, entry and clear come back and reach the console; the
alarm cannot be closed while a responder is on the way without a reason;
a decline and a time-out move down the ladder to the mobile team; the
ladder exhausted puts the alarm back in the queue as a P1 with an alert;
replies for finished or other responders' pages are refused; a page sent
while the broker is down goes when it returns; arrival overdue alerts;
every step is on the audit trail."""
import json
import unittest

from arctest import Arcd, frame, read_reply, stamp, wait_for
from consoleclient import Console
from mqttbroker import Broker, Client
from test_console import PW


class LadderCase(unittest.TestCase):
    conf = {}
    reach = {}

    def setUp(self):
        self.broker = Broker()
        self.addCleanup(self.broker.cleanup)
        self.broker.start()
        a = self.arcd = Arcd(self.broker.conf_for_arcd(mobile_team="TEAM",
                                                       **self.conf),
                             console=True, test_build=True)
        self.addCleanup(a.cleanup)
        a.arcctl("unit", "add", "100000")
        a.arcctl("client", "add", "C-0001", "--name", "Mary Smith",
                 "--address", "1 High St", "--phone", "+44 24 7600 0001",
                 "--medical", "diabetic", "--access", "key safe 1234",
                 "--level", "L2")
        a.arcctl("unit", "link", "100000", "C-0001")
        a.arcctl("client", "add", "TEAM", "--name", "Mobile team")
        self.rid = {}
        for name, client in (("John Smith", "C-0001"),
                             ("Jane Smith", "C-0001"),
                             ("Mobile One", "TEAM")):
            rid = a.arcctl("responder", "add", "--name", name, "--phones",
                           "+44 7700 900001, +44 24 7600 0002", "--reach",
                           self.reach.get(name.split()[0], "mqtt")
                           ).stdout.split()[-1]
            a.arcctl("client", "link-responder", client, rid)
            self.rid[name.split()[0]] = int(rid)
        a.operator("op1", PW)
        a.operator("boss", PW, role="supervisor")
        a.start()
        wait_for(lambda: a.metric("mqtt_up") == 1, 10, "link up")
        self.r = {n: self.responder(n) for n in self.rid}
        self.c = Console(a.cport)
        self.addCleanup(self.c.close)
        self.assertTrue(self.c.login("op1", PW)["ok"])
        s = a.tcp()
        s.sendall(frame('"ADM-CID"0001R1L1#100000[#100000|1101 01 001]_'
                        + stamp()))
        self.assertEqual(read_reply(s).token, "ACK")
        s.close()
        self.alarm = self.c.wait_alarm(
            lambda x: x["unit"]["account"] == "100000")["id"]
        self.assertTrue(self.c.request("accept",
                                       alarm_id=self.alarm)["ok"])

    def responder(self, name):
        c = Client(self.broker, "responder-" + name)
        self.addCleanup(c.close)
        rid = self.rid[name]
        c.subscribe("arc/responder/%d/page" % rid)
        c.subscribe("arc/responder/%d/ack" % rid)
        return c

    def page(self, name):
        t, p = self.r[name].expect(
            lambda t, p: t.endswith("/page") and
            "withdrawn" not in json.loads(p), what=name + "'s page")
        return json.loads(p)

    def reply(self, name, page, action, note=None):
        m = {"page": page, "action": action}
        if note:
            m["note"] = note
        self.r[name].publish("arc/responder/%d/reply" % self.rid[name],
                             json.dumps(m))
        t, p = self.r[name].expect(lambda t, p: t.endswith("/ack"),
                                   what=name + "'s ack")
        return json.loads(p)

    def ladder(self, state):
        return self.c.wait(lambda m: m["type"] == "ladder" and
                           m["state"] == state, what="ladder " + state)

    def audit(self):
        return [r[0] + ": " + r[1] for r in self.arcd.rows(
            "SELECT action, detail FROM audit WHERE action LIKE 'ladder%' "
            "ORDER BY id")]


class TestLadder(LadderCase):
    def test_accept_arrive_entry_clear_and_the_close_rule(self):
        r = self.c.request("send_responder", alarm_id=self.alarm)
        self.assertTrue(r["ok"], r)
        p = self.page("John")
        self.assertEqual((p["alarm_id"], p["client"], p["address"],
                          p["access"], p["medical"], p["step"]),
                         (self.alarm, "Mary Smith", "1 High St",
                          "key safe 1234", "diabetic", 1))
        self.assertEqual(p["reason"], "personal emergency")
        self.assertGreater(p["deadline"], 0)
        m = self.ladder("paging")
        self.assertEqual([s["state"] for s in m["steps"]],
                         ["paged", "waiting", "waiting"])
        self.assertEqual([s["mobile"] for s in m["steps"]],
                         [False, False, True])
        self.assertEqual(self.reply("John", p["page"], "accept",
                                    "10 minutes away"),
                         {"page": p["page"], "ok": True})
        self.ladder("on_the_way")
        self.c.wait(lambda m: m["type"] == "alarm_note" and
                    m["note"]["text"] == "10 minutes away", what="note")
        r = self.c.request("close", alarm_id=self.alarm,
                           outcome="responder_sent")
        self.assertEqual(r["error"], "responder_on_way")
        for action, state in (("arrived", "arrived"), ("entry", "entry"),
                              ("clear", "clear")):
            self.assertTrue(self.reply("John", p["page"], action)["ok"])
            m = self.ladder(state)
        self.assertIsNotNone(m["arrived_at"])
        self.assertIsNotNone(m["entry_at"])
        # Finished: a late reply is refused and changes nothing.
        r = self.reply("John", p["page"], "clear")
        self.assertEqual((r["ok"], r["error"]), (False, "finished"))
        self.assertTrue(self.c.request("close", alarm_id=self.alarm,
                                       outcome="responder_sent")["ok"])
        trail = self.audit()
        self.assertEqual(len(trail), 6, trail)
        self.assertTrue(trail[0].startswith("ladder start: 3 steps"))
        self.assertIn("step 1: John Smith (responder %d), page %d"
                      % (self.rid["John"], p["page"]), trail[1])
        self.assertIn("John Smith accepted; ladder on_the_way", trail[2])
        self.assertIn("ladder clear", trail[5])

    def test_decline_timeout_mobile_team_then_exhausted(self):
        self.assertTrue(self.c.request("send_responder",
                                       alarm_id=self.alarm)["ok"])
        john = self.page("John")
        self.assertTrue(self.reply("John", john["page"], "decline")["ok"])
        jane = self.page("Jane")
        self.arcd.advance(121)      # Jane's 120 s to accept run out
        mobile = self.page("Mobile")
        self.assertEqual(mobile["step"], 3)
        r = self.reply("Jane", jane["page"], "accept")
        self.assertEqual((r["ok"], r["error"]), (False, "finished"))
        r = self.reply("John", mobile["page"], "accept")
        self.assertEqual((r["ok"], r["error"]), (False, "not_yours"))
        r = self.reply("John", 123456789, "accept")
        self.assertEqual(r["error"], "unknown_page")
        self.assertTrue(self.c.request("ladder", alarm_id=self.alarm,
                                       do="skip")["ok"])
        t, p = self.r["Mobile"].expect(
            lambda t, p: json.loads(p).get("withdrawn"), what="withdrawn")
        m = self.ladder("exhausted")
        self.assertEqual([s["state"] for s in m["steps"]],
                         ["declined", "timed_out", "skipped"])
        a = self.c.wait(lambda m: m["type"] == "alert", what="the alert")
        self.assertIn("no responder", a["text"])
        x = self.c.wait_alarm(lambda x: x["id"] == self.alarm and
                              x["state"] != "handling", what="requeued")
        self.assertEqual(x["class"], 1)
        self.assertEqual(self.arcd.metric("pager_refused_replies"), 3)

    def test_a_page_waits_for_the_broker_and_overdue_arrival_alerts(self):
        self.broker.stop()
        wait_for(lambda: self.arcd.metric("mqtt_up") == 0, 10, "down")
        self.assertTrue(self.c.request("send_responder",
                                       alarm_id=self.alarm)["ok"])
        self.broker.start()
        self.r["John"] = self.responder("John")
        for i in range(8):          # the link's back-off, at once
            if self.arcd.metric("mqtt_up") == 1:
                break
            self.arcd.advance(2 ** i)
            wait_for(lambda: True, 0.2, "")
        p = self.page("John")
        self.assertEqual(p["step"], 1)
        self.assertTrue(self.reply("John", p["page"], "accept")["ok"])
        self.arcd.advance(45 * 60)
        a = self.c.wait(lambda m: m["type"] == "alert", what="overdue")
        self.assertIn("nobody on site 45 min", a["text"])

    def test_only_the_operator_handling_it_sends_and_steers(self):
        boss = Console(self.arcd.cport)
        self.addCleanup(boss.close)
        self.assertTrue(boss.login("boss", PW)["ok"])
        r = boss.request("send_responder", alarm_id=self.alarm)
        self.assertEqual(r["error"], "not_yours")
        self.assertTrue(self.c.request("send_responder",
                                       alarm_id=self.alarm)["ok"])
        r = self.c.request("send_responder", alarm_id=self.alarm)
        self.assertEqual(r["error"], "busy")
        r = self.c.request("ladder", alarm_id=self.alarm, do="dance")
        self.assertEqual(r["error"], "bad_request")
        # A supervisor may call the emergency services instead.
        self.assertTrue(boss.request("ladder", alarm_id=self.alarm,
                                     do="emergency")["ok"])
        self.ladder("emergency_services")
        wait_for(lambda: "ladder end: emergency_services" in self.audit(),
                 10, "the end on the audit trail")


class TestRestart(LadderCase):
    """kill -9 in the middle of a ladder: arcd resumes it from its row,
    pages keep their ids and deadlines, the close rule still holds."""

    def restart(self):
        self.c.close()
        self.arcd.kill()
        self.arcd.start()
        wait_for(lambda: self.arcd.metric("mqtt_up") == 1, 10, "link up")
        self.c = Console(self.arcd.cport)
        self.addCleanup(self.c.close)
        self.assertTrue(self.c.login("op1", PW)["ok"])

    def test_on_the_way_survives_kill_9(self):
        self.assertTrue(self.c.request("send_responder",
                                       alarm_id=self.alarm)["ok"])
        p = self.page("John")
        self.assertTrue(self.reply("John", p["page"], "accept")["ok"])
        self.ladder("on_the_way")
        wait_for(lambda: self.arcd.rows(
            "SELECT count(*) FROM ladder WHERE state LIKE '%\"state\":1,%'")
            == [(1,)], 10, "the ladder's row")
        self.restart()
        self.assertIn("escalation: 1 ladders resumed", self.arcd.logtext())
        m = self.ladder("on_the_way")       # pushed at login
        self.assertEqual(m["steps"][0]["state"], "accepted")
        r = self.c.request("close", alarm_id=self.alarm,
                           outcome="responder_sent")
        self.assertEqual(r["error"], "responder_on_way")
        self.assertTrue(self.reply("John", p["page"], "arrived")["ok"])
        self.ladder("arrived")

    def test_a_paged_step_keeps_its_deadline_across_a_restart(self):
        self.assertTrue(self.c.request("send_responder",
                                       alarm_id=self.alarm)["ok"])
        p = self.page("John")
        wait_for(lambda: self.arcd.rows("SELECT count(*) FROM ladder") ==
                 [(1,)], 10, "the ladder's row")
        self.restart()
        self.arcd.advance(121)      # John's 120 s ran out meanwhile
        jane = self.page("Jane")
        self.assertEqual(jane["step"], 2)
        r = self.reply("John", p["page"], "accept")
        self.assertEqual(r["error"], "finished")


class TestLoadgenResponders(LadderCase):
    """arc-loadgen --responders plays the on-call responders: one that
    accepts walks the ladder to clear; one that declines moves it on."""

    def loadgen(self, mix):
        import os
        import subprocess
        from arctest import LOADGEN
        log = os.path.join(self.arcd.dir, "loadgen.err")
        err = open(log, "w")
        self.addCleanup(err.close)
        p = subprocess.Popen(
            [LOADGEN, "--mqtt", "127.0.0.1:%d" % self.broker.port,
             "--units", "0", "--responders", mix, "--respond-delay", "0.05",
             "--duration", "4", "--drain", "0", "--json", "--seed", "7",
             "-v"], stdout=subprocess.PIPE, stderr=err, text=True)

        def stop():
            # It ends by itself: every ack read (a signal could cut the
            # last one off).
            return p.communicate(timeout=20)
        self.addCleanup(lambda: p.poll() is None and p.kill())
        wait_for(lambda: "responders: subscribed" in open(log).read(), 10,
                 "loadgen's responders subscribed")
        return stop

    def test_accepting_responders_walk_the_ladder_to_clear(self):
        stop = self.loadgen("accept=100,decline=0,ignore=0")
        self.assertTrue(self.c.request("send_responder",
                                       alarm_id=self.alarm)["ok"])
        m = self.ladder("clear")
        self.assertEqual(m["steps"][0]["state"], "accepted")
        self.assertIsNotNone(m["entry_at"])
        out, err = stop()
        r = json.loads(out)["responders"]
        self.assertEqual((r["pages"], r["accepted"], r["replies"], r["ok"],
                          r["refused"]), (1, 1, 4, 4, 0))

    def test_declining_responders_exhaust_the_ladder(self):
        stop = self.loadgen("accept=0,decline=100,ignore=0")
        self.assertTrue(self.c.request("send_responder",
                                       alarm_id=self.alarm)["ok"])
        m = self.ladder("exhausted")
        self.assertEqual([s["state"] for s in m["steps"]],
                         ["declined"] * 3)
        r = json.loads(stop()[0])["responders"]
        self.assertEqual((r["pages"], r["declined"], r["ok"]), (3, 3, 3))


PAGE_SCRIPT = "/tmp/arc-test-page-%d.sh"


class TestPageCommand(LadderCase):
    """John has no app: page_command (a script standing in for an SMS
    gateway) is run without a shell, one argument per %token; one that
    hangs is killed after page_command_timeout."""
    reach = {"John": "command"}

    def setUp(self):
        import os
        self.script = PAGE_SCRIPT % os.getpid()
        self.out = self.script + ".out"
        with open(self.script, "w") as f:
            f.write('#!/bin/sh\nprintf "%%s\\n" "$@" > %s\n'
                    '[ -e %s.hang ] && sleep 60\nexit 0\n'
                    % (self.out, self.out))
        os.chmod(self.script, 0o755)
        self.addCleanup(lambda: [os.unlink(p) for p in (
            self.script, self.out, self.out + ".hang") if os.path.exists(p)])
        self.conf = dict(page_command="%s %%phone %%text %%name %%page"
                         % self.script, page_command_timeout=5)
        super().setUp()

    def test_a_page_goes_by_command_with_its_arguments(self):
        import os
        self.assertTrue(self.c.request("send_responder",
                                       alarm_id=self.alarm)["ok"])
        wait_for(lambda: os.path.exists(self.out) and
                 open(self.out).read().count("\n") == 4, 10, "the run")
        phone, text, name, page = open(self.out).read().splitlines()
        self.assertEqual((phone, name), ("+44 7700 900001", "John Smith"))
        self.assertIn("personal emergency for Mary Smith, 1 High St", text)
        self.assertIn("Page %s" % page, text)
        wait_for(lambda: self.arcd.metric("page_commands") == 1 and
                 "page_command done" in self.arcd.logtext(), 10, "reaped")
        self.assertTrue(self.r["John"].msgs.empty())   # no MQTT page
        # The gateway answers on John's MQTT topic for him.
        self.assertTrue(self.reply("John", int(page), "accept")["ok"])
        self.ladder("on_the_way")

    def test_a_hanging_command_is_killed(self):
        open(self.out + ".hang", "w").close()
        self.assertTrue(self.c.request("send_responder",
                                       alarm_id=self.alarm)["ok"])
        wait_for(lambda: self.arcd.metric("page_commands") == 1, 10, "run")
        self.arcd.advance(6)
        wait_for(lambda: self.arcd.metric("page_command_timeouts") == 1, 10,
                 "killed")


if __name__ == "__main__":
    unittest.main()
