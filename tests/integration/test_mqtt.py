"""MQTT units against a real arcd and a real Mosquitto broker: an event
is acknowledged on the unit's topic only once stored, a retransmission is
acknowledged again and stored once, a bad payload gets an error and the
link keeps serving, the last will raises "communication lost" and
"online" clears it, the link comes back after the broker restarts (the
back-off on arcd's clock), and an event published while arcd is down
(killed) is stored and acknowledged when it returns."""
import json
import unittest

from arctest import Arcd, wait_for
from consoleclient import Console
from mqttbroker import Broker, Client
from test_console import PW

ACCT = "4A01"


class MqttCase(unittest.TestCase):
    test_build = True
    conf_extra = ""

    def setUp(self):
        self.broker = Broker()
        self.addCleanup(self.broker.cleanup)
        self.broker.start()
        self.arcd = Arcd(self.broker.conf_for_arcd() + self.conf_extra,
                         console=True, test_build=self.test_build)
        self.addCleanup(self.arcd.cleanup)
        self.arcd.arcctl("unit", "add", ACCT, "--protocol", "mqtt")
        self.arcd.operator("op1", PW)
        self.arcd.start()
        wait_for(lambda: self.arcd.metric("mqtt_up") == 1, 10, "link up")
        self.unit = self.client("unit-" + ACCT)
        self.unit.subscribe("arc/unit/%s/ack" % ACCT)

    def client(self, cid, **kw):
        c = Client(self.broker, cid, **kw)
        self.addCleanup(c.close)
        return c

    def send(self, payload, acct=ACCT, unit=None):
        (unit or self.unit).publish("arc/unit/%s/event" % acct,
                                    payload if isinstance(payload, bytes)
                                    else json.dumps(payload))

    def ack(self, seq=None, unit=None, timeout=10.0):
        def match(t, p):
            m = json.loads(p)
            return seq is None or m.get("seq") == seq
        return json.loads((unit or self.unit).expect(
            match, timeout, "ack %s" % seq)[1])

    def stored(self):
        return self.arcd.rows("SELECT account, seq, protocol, token, code, "
                              "class, zone, text FROM event WHERE "
                              "protocol = 'mqtt' ORDER BY id")


class TestUnits(MqttCase):
    def test_event_is_stored_then_acked_and_reaches_the_console(self):
        c = Console(self.arcd.cport)
        self.addCleanup(c.close)
        self.assertTrue(c.login("op1", PW)["ok"])
        self.send({"seq": 7, "code": "1101", "zone": "015", "battery": 80})
        self.assertEqual(self.ack(7), {"seq": 7})
        self.assertEqual(self.stored(), [(ACCT, 7, "mqtt", "MQTT", "QA", 1,
                                          "015", "battery 80%")])
        a = c.wait_alarm(lambda a: a["unit"]["account"] == ACCT)
        self.assertEqual((a["class"], a["code"], a["unit"]["protocol"]),
                         (1, "QA", "mqtt"))

    def test_no_ack_before_the_event_is_stored(self):
        """The store fails the write: no ack (the unit will retry); the
        retry is stored and acked. Its ack never comes before the row."""
        self.arcd.control("/test/fail-alarms?n=1")
        self.send({"seq": 21, "code": "1101"})
        wait_for(lambda: self.arcd.metric("alarm_writes_failed") == 1, 10,
                 "the failed write")
        # A bad payload's answer comes after anything arcd sent before:
        # it is the first message, so no ack came for seq 21.
        self.send(b"probe")
        t, p = self.unit.expect(what="the probe's answer")
        self.assertIn("error", json.loads(p), "acked although not stored")
        self.assertEqual(self.stored(), [])
        self.send({"seq": 21, "code": "1101"})     # the unit's retry
        self.assertEqual(self.ack(21), {"seq": 21})
        self.assertEqual([r[1] for r in self.stored()], [21])

    def test_a_retransmission_is_acked_again_and_stored_once(self):
        for _ in range(2):
            self.send({"seq": 9, "code": "QA"})
            self.assertEqual(self.ack(9), {"seq": 9})
        self.assertEqual(len(self.stored()), 1)
        self.assertEqual(self.arcd.metric("duplicates"), 1)
        # A new event that re-uses the seq is not a retransmission.
        self.send({"seq": 9, "code": "1111", "zone": "002"})
        self.ack(9)
        self.assertEqual([r[4] for r in self.stored()], ["QA", "FA"])

    def test_bad_payloads_get_an_error_and_the_link_keeps_serving(self):
        cases = [(b"not json", None, "not a JSON object"),
                 (b"[1,2]", None, "not a JSON object"),
                 ({"code": "QA"}, None, "seq: missing"),
                 ({"seq": 3}, 3, "code:"),
                 ({"seq": 4, "code": "ZZZZ"}, 4, "code:"),
                 ({"seq": 5, "code": "QA", "zone": "1\n"}, 5, "zone:"),
                 ({"seq": -1, "code": "QA"}, None, "seq:"),
                 (b"{" * 3000, None, "payload over 2048 bytes")]
        for payload, seq, why in cases:
            self.send(payload)
            m = self.ack(seq)
            self.assertIn(why, m["error"], payload)
            self.assertEqual(m.get("seq"), seq)
        self.assertEqual(self.arcd.metric("mqtt_bad_events"), len(cases))
        self.send({"seq": 6, "code": "QA"})
        self.assertEqual(self.ack(6), {"seq": 6})
        self.assertEqual(len(self.stored()), 1)

    def test_unregistered_unit_is_stored_within_its_limit(self):
        other = self.client("unit-BEEF")
        other.subscribe("arc/unit/BEEF/ack")
        self.send({"seq": 1, "code": "QA"}, acct="beef", unit=other)
        self.assertEqual(self.ack(1, unit=other), {"seq": 1})
        rows = self.arcd.rows("SELECT account, unit_id FROM event")
        self.assertEqual(rows, [("BEEF", None)])

    def test_last_will_raises_communication_lost_and_online_clears(self):
        hub = self.client("hub-" + ACCT, will=("arc/unit/%s/status" % ACCT,
                                               "offline", True))
        hub.publish("arc/unit/%s/status" % ACCT, "online", retain=True)
        hub.drop()

        def lost():
            return self.arcd.rows("SELECT code, text FROM event WHERE "
                                  "text = 'communication lost'")
        wait_for(lost, 15, "communication lost")
        c = Console(self.arcd.cport)
        self.addCleanup(c.close)
        self.assertTrue(c.login("op1", PW)["ok"])
        a = c.wait_alarm(lambda a: a["name"] == "communication lost")
        self.assertEqual(a["unit"]["account"], ACCT)
        back = self.client("hub2-" + ACCT)
        back.publish("arc/unit/%s/status" % ACCT, "online", retain=True)
        wait_for(lambda: self.arcd.rows(
            "SELECT 1 FROM event WHERE text = 'unit heard again'"), 15,
            "heard again")
        c.wait_alarm(lambda x: x["id"] == a["id"] and
                     x["state"] == "closed", what="the alarm cleared")


class TestWillStorm(MqttCase):
    """A broker-side outage of a street: 30 hubs' wills at once become
    one incident, as 30 silent DC-09 units would."""
    conf_extra = "storm_units = 10\nstorm_window = 60\n"
    HUBS = 30

    def test_many_wills_are_one_incident(self):
        import sqlite3
        c = sqlite3.connect(self.arcd.db)
        c.executemany("INSERT INTO unit (protocol, account) VALUES "
                      "('mqtt', ?)", [("%04X" % (0x5000 + i),)
                                      for i in range(self.HUBS)])
        c.commit()
        c.close()
        wait_for(lambda: "units: %d changed" % self.HUBS in
                 self.arcd.logtext(), 10, "the hubs loaded")
        hubs = [self.client("hub-%d" % i, will=(
            "arc/unit/%04X/status" % (0x5000 + i), "offline", True))
            for i in range(self.HUBS)]
        for h in hubs:
            h.drop()
        wait_for(lambda: self.arcd.rows(
            "SELECT count(*) FROM event WHERE text = 'communication lost'"
        ) == [(self.HUBS,)], 15, "every will stored")
        wait_for(lambda: self.arcd.rows(
            "SELECT count FROM alarm WHERE account = '*YS'") ==
            [(self.HUBS,)], 15, "one incident counting them")
        self.assertLessEqual(self.arcd.rows(
            "SELECT count(*) FROM alarm WHERE incident_id IS NULL AND "
            "account <> '*YS' AND state <> 'closed'")[0][0], 10)


class TestLink(MqttCase):
    def test_broker_restart_link_returns_on_the_backoff(self):
        c = Console(self.arcd.cport)
        self.addCleanup(c.close)
        self.assertTrue(c.login("op1", PW)["ok"])
        self.assertEqual(c.snapshot["stats"]["broker"], "up")
        self.broker.stop()
        wait_for(lambda: self.arcd.metric("mqtt_up") == 0, 10, "link down")
        m = c.wait(lambda m: m["type"] == "stats" and
                   isinstance(m["stats"]["broker"], dict), what="down")
        self.assertEqual(m["stats"]["broker"]["state"], "down")
        self.assertGreater(m["stats"]["broker"]["since"], 0)
        self.broker.start()
        for _ in range(8):          # 1, 2, 4 ... s of back-off, at once
            if self.arcd.metric("mqtt_up") == 1:
                break
            self.arcd.advance(2 ** _)
            wait_for(lambda: True, 0.2, "")
        wait_for(lambda: self.arcd.metric("mqtt_up") == 1, 10, "link up")
        c.wait(lambda m: m["type"] == "stats" and
               m["stats"]["broker"] == "up", what="up again")
        unit = self.client("unit-again")
        unit.subscribe("arc/unit/%s/ack" % ACCT)
        self.send({"seq": 1, "code": "QA"}, unit=unit)
        self.assertEqual(self.ack(1, unit=unit), {"seq": 1})

    def test_event_published_while_arcd_is_killed_is_stored_on_return(self):
        self.arcd.kill()
        self.send({"seq": 11, "code": "1101"})
        self.arcd.start()
        self.assertEqual(self.ack(11), {"seq": 11})
        self.assertEqual([r[1] for r in self.stored()], [11])


if __name__ == "__main__":
    unittest.main()


class TestEventsOut(MqttCase):
    conf_extra = "mqtt_events_out = 1\n"

    def test_every_change_goes_out_and_the_state_is_retained_then_cleared(
            self):
        wall = self.client("wallboard")
        wall.subscribe("arc/alarm/+/event")
        c = Console(self.arcd.cport)
        self.addCleanup(c.close)
        self.assertTrue(c.login("op1", PW)["ok"])
        self.send({"seq": 1, "code": "1101"})
        self.ack(1)
        a = c.wait_alarm(lambda a: a["unit"]["account"] == ACCT)

        def out(state):
            t, p = wall.expect(lambda t, p: json.loads(p)["state"] == state,
                               what="alarm event " + state)
            self.assertEqual(t, "arc/alarm/%d/event" % a["id"])
            return json.loads(p)
        m = out("offered")
        self.assertEqual((m["id"], m["class"], m["account"], m["operator"]),
                         (a["id"], 1, ACCT, "op1"))
        for k in ("client", "responders", "notes", "unit"):
            self.assertNotIn(k, m)
        self.assertTrue(c.request("accept", alarm_id=a["id"])["ok"])
        out("handling")
        late = self.client("record")
        late.subscribe("arc/alarm/%d/state" % a["id"])
        t, p = late.expect(what="the retained state")
        self.assertEqual(json.loads(p)["state"], "handling")
        self.assertTrue(c.request("close", alarm_id=a["id"],
                                  outcome="no_assistance")["ok"])
        self.assertEqual(out("closed")["outcome"], "no_assistance")
        t, p = late.expect(lambda t, p: p == b"", what="the state cleared")
        after = self.client("after")
        after.subscribe("arc/alarm/%d/state" % a["id"])
        after.subscribe("arc/alarm/%d/event" % a["id"])
        after.publish("arc/alarm/%d/event" % a["id"], "marker", qos=1)
        self.assertEqual(after.expect(what="marker")[1], b"marker")


ACL = """user arcd
topic read arc/unit/+/event
topic read arc/unit/+/status
topic write arc/unit/+/ack

topic write arc/responder/+/page
topic write arc/responder/+/ack
topic read arc/responder/+/reply

pattern write arc/unit/%u/event
pattern write arc/unit/%u/status
pattern read arc/unit/%u/ack

user responder-7
topic read arc/responder/7/page
topic read arc/responder/7/ack
topic write arc/responder/7/reply

user responder-8
topic read arc/responder/8/page
topic read arc/responder/8/ack
topic write arc/responder/8/reply
"""


class TestAcl(unittest.TestCase):
    """docs/mqtt.md's ACL on a real broker with a password file: each unit
    confined to its own topics, arcd logged in with its own password."""

    def setUp(self):
        self.broker = Broker(passwords={"arcd": "arcd-secret",
                                        "4A01": "one", "4A02": "two",
                                        "responder-7": "seven",
                                        "responder-8": "eight"},
                             acl=ACL)
        self.addCleanup(self.broker.cleanup)
        self.broker.start()

    def arcd(self, password):
        from arctest import private_file
        import os
        a = Arcd("", test_build=True)
        self.addCleanup(a.cleanup)
        pw = private_file(os.path.join(a.dir, "mqtt.pw"), password + "\n")
        with open(a.conf, "a") as f:
            f.write(self.broker.conf_for_arcd(mqtt_username="arcd",
                                              mqtt_password_file=pw))
        for acct in ("4A01", "4A02"):
            a.arcctl("unit", "add", acct, "--protocol", "mqtt")
        return a.start()

    def unit(self, acct, pw):
        c = Client(self.broker, "unit-" + acct, user=acct, password=pw)
        self.addCleanup(c.close)
        return c

    def test_each_unit_is_confined_to_its_own_topics(self):
        a = self.arcd("arcd-secret")
        wait_for(lambda: a.metric("mqtt_up") == 1, 10, "link up")
        one, two = self.unit("4A01", "one"), self.unit("4A02", "two")
        self.assertEqual(one.subscribe("arc/unit/4A01/ack"), (1,))
        self.assertEqual(two.subscribe("arc/unit/4A02/ack"), (1,))
        # Granted, but nothing of 4A01's may reach it (below).
        two.subscribe("arc/unit/4A01/ack")
        # 4A02 speaking as 4A01: the broker drops it.
        two.publish("arc/unit/4A01/event", json.dumps({"seq": 1,
                                                       "code": "QA"}))
        one.publish("arc/unit/4A01/event", json.dumps({"seq": 3,
                                                       "code": "QA"}))
        t, p = one.expect(what="4A01's ack")
        self.assertEqual((t, json.loads(p)), ("arc/unit/4A01/ack",
                                               {"seq": 3}))
        # 4A01's ack went out before this one: 4A02's first message is
        # its own ack, not 4A01's.
        two.publish("arc/unit/4A02/event", json.dumps({"seq": 2,
                                                       "code": "QA"}))
        t, p = two.expect(what="4A02's ack")
        self.assertEqual((t, json.loads(p)), ("arc/unit/4A02/ack",
                                               {"seq": 2}))
        self.assertEqual(a.rows("SELECT account, seq FROM event ORDER BY "
                                "id"), [("4A01", 3), ("4A02", 2)])

    def test_a_responder_reads_only_its_own_pages(self):
        """docs/mqtt.md's responder users: 8 cannot read 7's pages nor
        answer for 7 (arcd's own user publishes the pages here)."""
        arcd = Client(self.broker, "as-arcd", user="arcd",
                      password="arcd-secret")
        self.addCleanup(arcd.close)
        arcd.subscribe("arc/responder/+/reply")
        seven = Client(self.broker, "r7", user="responder-7",
                       password="seven")
        eight = Client(self.broker, "r8", user="responder-8",
                       password="eight")
        for c in (seven, eight):
            self.addCleanup(c.close)
        seven.subscribe("arc/responder/7/page")
        eight.subscribe("arc/responder/7/page")     # granted, never fed
        eight.subscribe("arc/responder/8/page")
        eight.publish("arc/responder/7/reply", '{"page": 1, "action": '
                      '"accept"}')                  # dropped
        arcd.publish("arc/responder/7/page", '{"page": 1}')
        arcd.publish("arc/responder/8/page", '{"page": 2}')
        self.assertEqual(seven.expect(what="7's page")[1], b'{"page": 1}')
        # 8's first message is its own page, not 7's.
        self.assertEqual(eight.expect(what="8's page"),
                         ("arc/responder/8/page", b'{"page": 2}'))
        seven.publish("arc/responder/7/reply", '{"page": 1, "action": '
                      '"accept"}')
        t, p = arcd.expect(what="7's reply")
        self.assertEqual(t, "arc/responder/7/reply")   # not 8's forgery

    def test_tls_to_the_broker_checks_its_certificate(self):
        """mqtt_ca_file: the broker's certificate is checked against it;
        a broker whose certificate another CA signed is refused."""
        tls = Broker(passwords={"arcd": "arcd-secret", "4A01": "one"},
                     acl=ACL, tls=True)
        self.addCleanup(tls.cleanup)
        tls.start()
        from arctest import private_file
        import os
        a = Arcd("", test_build=True)
        self.addCleanup(a.cleanup)
        pw = private_file(os.path.join(a.dir, "mqtt.pw"), "arcd-secret\n")
        with open(a.conf, "a") as f:
            f.write(tls.conf_for_arcd(mqtt_username="arcd",
                                      mqtt_password_file=pw,
                                      mqtt_ca_file=tls.ca))
        a.arcctl("unit", "add", "4A01", "--protocol", "mqtt")
        a.start()
        wait_for(lambda: a.metric("mqtt_up") == 1, 10, "link up over TLS")
        self.assertEqual(a.metric("mqtt_connects"), 1)
        # The same arcd trusting another CA: the handshake fails.
        b = Arcd("", test_build=True)
        self.addCleanup(b.cleanup)
        with open(b.conf, "a") as f:
            f.write(tls.conf_for_arcd(mqtt_username="arcd",
                                      mqtt_password_file=pw,
                                      mqtt_ca_file=self.other_ca(b)))
        b.start()
        wait_for(lambda: "next try in 1 s" in b.logtext(), 10,
                 "the refused handshake in the log")
        self.assertEqual(b.metric("mqtt_up"), 0)
        self.assertEqual(b.metric("mqtt_connects"), 0)

    def other_ca(self, a):
        import os
        import subprocess
        ca = os.path.join(a.dir, "other-ca.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec",
                        "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                        "-keyout", os.path.join(a.dir, "other-ca.key"),
                        "-out", ca, "-days", "2", "-subj", "/CN=other"],
                       check=True, capture_output=True)
        return ca

    def test_a_wrong_password_keeps_the_link_down_and_says_so(self):
        a = self.arcd("wrong")
        wait_for(lambda: "not authorised; next try in 1 s" in
                 a.logtext(), 10, "the refusal in the log")
        self.assertEqual(a.metric("mqtt_up"), 0)
        self.assertEqual(a.metric("mqtt_connects"), 0)
        a.advance(1)                # tried again, and said again
        wait_for(lambda: "not authorised; next try in 2 s" in
                 a.logtext(), 10, "the second refusal")
