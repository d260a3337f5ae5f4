"""The supervisor's view and powers against a real arcd: every operator's
state (free, offered, handling, away), what each holds and since when,
logins and today's answers per operator; reassign and take-over, told to
the operator who loses the alarm and audited with both names; an operator
away gets no offers until back."""
import unittest

from arctest import wait_for
from test_console import ConsoleCase
from test_console_stream import press


def row(view, login):
    """login's row in an operators view ({} before it logs in)."""
    rows = [o for o in view["operators"] if o["login"] == login]
    return rows[0] if rows else {}


class TestSupervisor(ConsoleCase):
    test_build = True

    def test_the_view_says_what_each_operator_does(self):
        op1 = self.console("op1")       # first in: offered first
        boss = self.console("boss")
        v = boss.request("operators")
        r = row(v, "op1")
        self.assertEqual((r["state"], r["away"], r["logins"]),
                         ("free", False, 1))
        press(self.arcd, 1, "100000")
        m = op1.wait(lambda m: m["type"] == "offer", what="the offer")
        v = boss.wait(lambda m: m["type"] == "operators" and
                      row(m, "op1").get("state") == "offered", what="offered")
        held = row(v, "op1")["held"]
        self.assertEqual([(h["id"], h["state"]) for h in held],
                         [(m["alarm_id"], "offered")])
        self.assertGreater(held[0]["since"], 0)
        self.assertTrue(op1.request("accept", alarm_id=m["alarm_id"])["ok"])
        v = boss.wait(lambda m: m["type"] == "operators" and
                      row(m, "op1").get("state") == "handling",
                      what="handling")
        # Counted once the accept is stored: a later push, or on asking.
        wait_for(lambda: row(boss.request("operators"), "op1")["answered"]
                 == 1, 5, "the answer counted")
        r = row(boss.request("operators"), "op1")
        self.assertEqual((r["answered"], r["within_60"], r["within_180"]),
                         (1, 1, 1))

    def test_reassign_and_take_over(self):
        op1 = self.console("op1")
        op2 = self.console("op2")
        boss = self.console("boss")
        press(self.arcd, 1, "100000")
        m = op1.wait(lambda m: m["type"] == "offer", what="the offer")
        aid = m["alarm_id"]
        self.assertTrue(op1.request("accept", alarm_id=aid)["ok"])
        # Only a supervisor; only to someone logged in.
        self.assertEqual(op2.request("reassign", alarm_id=aid,
                                     to="op2")["error"], "forbidden")
        self.assertEqual(boss.request("reassign", alarm_id=aid,
                                      to="nobody")["error"], "not_found")
        r = boss.request("reassign", alarm_id=aid, to="op2")
        self.assertTrue(r["ok"], r)
        told = op1.wait(lambda m: m["type"] == "system", what="told")
        self.assertEqual((told["code"], told["alarm_id"], told["by"],
                          told["to"]), ("reassigned", aid, "boss", "op2"))
        a = op2.wait_alarm(lambda a: a["id"] == aid and
                           a["operator"] == "op2", what="op2 has it")
        self.assertEqual(a["state"], "handling")
        self.assertEqual(op1.request("note", alarm_id=aid,
                                     text="x")["ok"], True)  # notes: anyone
        self.assertEqual(op1.request("close", alarm_id=aid,
                                     outcome="false_alarm")["error"],
                         "not_yours")
        # Take over: to the supervisor themselves.
        self.assertTrue(boss.request("reassign", alarm_id=aid,
                                     to="boss")["ok"])
        told = op2.wait(lambda m: m["type"] == "system", what="told")
        self.assertEqual(told["to"], "boss")
        self.assertTrue(boss.request("close", alarm_id=aid,
                                     outcome="no_assistance")["ok"])
        wait_for(lambda: self.arcd.rows(
            "SELECT actor, detail FROM audit WHERE action = 'reassign' "
            "ORDER BY id") == [("boss", "from op1 to op2"),
                               ("boss", "from op2 to boss")], 5,
            "both reassigns audited with both names")

    def test_a_supervisor_release_is_told(self):
        op1 = self.console("op1")
        boss = self.console("boss")
        press(self.arcd, 1, "100000")
        m = op1.wait(lambda m: m["type"] == "offer", what="the offer")
        self.assertTrue(op1.request("accept", alarm_id=m["alarm_id"])["ok"])
        self.assertTrue(boss.request("release",
                                     alarm_id=m["alarm_id"])["ok"])
        told = op1.wait(lambda m: m["type"] == "system", what="told")
        self.assertEqual((told["code"], told["to"]), ("released", None))

    def test_away_gets_no_offers_until_back(self):
        op1 = self.console("op1")
        self.assertTrue(op1.request("away", away=True)["ok"])
        self.assertEqual(op1.request("away", away="yes")["error"],
                         "bad_request")
        boss = self.console("boss")
        v = boss.request("operators")
        self.assertEqual((row(v, "op1")["state"], row(v, "op1")["away"]),
                         ("away", True))
        boss.close()            # not offered anything itself
        press(self.arcd, 1, "100000")
        op1.wait_alarm(lambda a: a["id"] == 1, what="queued, not offered")
        self.arcd.advance(1)
        self.assertTrue(op1.request("ping")["ok"])
        self.assertFalse([p for p in op1.pushes if p["type"] == "offer"])
        self.assertTrue(op1.request("away", away=False)["ok"])
        op1.wait(lambda m: m["type"] == "offer", what="back: an offer")
        wait_for(lambda: [a for (a,) in self.arcd.rows(
            "SELECT action FROM audit WHERE actor = 'op1' AND action IN "
            "('away', 'back', 'login') ORDER BY id")] ==
            ["login", "away", "back"], 5, "away and back audited")


    def test_a_waiting_alarm_given(self):
        op1 = self.console("op1")
        boss = self.console("boss")
        for c in (op1, boss):           # nobody is offered it
            self.assertTrue(c.request("away", away=True)["ok"])
        press(self.arcd, 1, "100000")
        boss.wait_alarm(lambda a: a["id"] == 1 and a["state"] == "waiting",
                        what="waiting")
        self.assertTrue(boss.request("reassign", alarm_id=1,
                                     to="op1")["ok"])
        a = op1.wait_alarm(lambda a: a["id"] == 1 and
                           a["state"] == "handling", what="op1 has it")
        self.assertEqual(a["operator"], "op1")
        self.assertFalse([p for p in op1.pushes if p["type"] == "system"])
        wait_for(lambda: self.arcd.rows(
            "SELECT actor, detail FROM audit WHERE action = 'reassign'")
            == [("boss", "to op1")], 5, "given, audited")


if __name__ == "__main__":
    unittest.main()
