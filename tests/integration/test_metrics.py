"""The wallboard's figures against a real arcd-test: every line of
/metrics is Prometheus text (checked by a strict parser of our own, which
is itself shown to refuse bad lines); the queue depth and the oldest
alarm's age per class move as alarms arrive, wait (the clock advanced,
never slept), are held for their restore, offered, accepted and closed;
operators logged in, free, offered, handling and away as consoles log in,
go away and leave; logins refused by reason; /healthz 200, then 503 under
an injected storage fault or a writer kept waiting, and 200 again. The
alerting rules in docs/MONITORING.md parse as YAML and fire on what arcd
serves, and every metric served is documented there."""
import json
import math
import os
import re
import sqlite3
import unittest
import urllib.error
import urllib.request

import yaml

from arctest import ROOT, frame, read_reply, stamp, wait_for
from consoleclient import Console
from test_console import PW, ConsoleCase

NAME = re.compile(r"[a-zA-Z_:][a-zA-Z0-9_:]*\Z")
SAMPLE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)"
                    r"(?: (-?\d+))?\Z")
LABEL = re.compile(r'\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"'
                   r'\s*(,|\Z)')
TYPES = ("counter", "gauge", "histogram", "summary", "untyped")
DOC = os.path.join(ROOT, "docs", "MONITORING.md")


def labels_of(text):
    """{k: v} from '{k="v",...}'; AssertionError if malformed."""
    out, rest = {}, text[1:-1]
    while rest.strip():
        m = LABEL.match(rest)
        if not m:
            raise AssertionError("bad labels %r" % text)
        if m.group(1) in out:
            raise AssertionError("label %s twice" % m.group(1))
        out[m.group(1)] = m.group(2)
        rest = rest[m.end():]
    return out


def number(text):
    if text in ("NaN", "+Inf", "-Inf"):
        return float(text.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?", text):
        raise AssertionError("bad value %r" % text)
    return float(text)


def parse(text):
    """Prometheus text format 0.0.4, strictly, plus arc's own rules (every
    family has HELP and TYPE before its samples, which come together;
    counters end in _total and do not go below 0). Returns
    {name: {"type", "help", "samples": {((k, v), ...): value}}}."""
    if not text.endswith("\n"):
        raise AssertionError("no newline at the end")
    fams, done, cur = {}, set(), None

    def family(name):
        if not NAME.match(name):
            raise AssertionError("bad name %r" % name)
        if name in done:
            raise AssertionError("%s: its lines are not together" % name)
        return fams.setdefault(name, {"type": None, "help": None,
                                      "samples": {}})

    def switch(name):
        nonlocal cur
        if cur is not None and cur != name:
            done.add(cur)
        cur = name

    for n, line in enumerate(text.split("\n")[:-1], 1):
        where = "line %d: %r" % (n, line)
        try:
            if line.startswith("# HELP ") or line.startswith("# TYPE "):
                kind, rest = line[2:6], line[7:]
                name, _, value = rest.partition(" ")
                switch(name)
                f = family(name)
                key = "help" if kind == "HELP" else "type"
                if f[key] is not None:
                    raise AssertionError("second %s" % kind)
                if kind == "TYPE":
                    if value not in TYPES:
                        raise AssertionError("bad type")
                    if f["samples"]:
                        raise AssertionError("TYPE after samples")
                elif not value or "\\" in value.replace("\\\\", ""). \
                        replace("\\n", ""):
                    raise AssertionError("bad HELP text")
                f[key] = value
                continue
            if line.startswith("#") or not line:
                raise AssertionError("a comment or a blank line")
            m = SAMPLE.match(line)
            if not m:
                raise AssertionError("not a sample")
            name = m.group(1)
            switch(name)
            f = family(name)
            if f["type"] is None or f["help"] is None:
                raise AssertionError("a sample before its HELP and TYPE")
            lab = tuple(sorted(labels_of(m.group(2) or "{}").items()))
            if lab in f["samples"]:
                raise AssertionError("a sample twice")
            v = number(m.group(3))
            if f["type"] == "counter" and (not name.endswith("_total") or
                                           not v >= 0):
                raise AssertionError("a counter not _total or below 0")
            f["samples"][lab] = v
        except AssertionError as e:
            raise AssertionError("%s: %s" % (where, e)) from None
    for name, f in fams.items():
        if not f["samples"]:
            raise AssertionError("%s: no samples" % name)
    return fams


def cid(seq, q, code, acct, zone="001"):
    return frame('"ADM-CID"%04dR1L1#%s[#%s|%s%s 01 %s]_%s'
                 % (seq, acct, acct, q, code, zone, stamp()))


class MetricsCase(ConsoleCase):
    test_build = True
    conf_extra = ConsoleCase.conf_extra + "hold = AT:300\n" \
        "login_max_fails = 2\n"
    # Registered too (an unregistered unit's alarm is at least P2 and is
    # neither held nor part of a storm): loaded by arcd as it runs.
    UNITS = ["200001"] + ["3%05d" % i for i in range(6)]

    def setUp(self):
        super().setUp()
        c = sqlite3.connect(self.arcd.db, timeout=10)
        c.executemany("INSERT INTO unit (account) VALUES (?)",
                      [(u,) for u in self.UNITS])
        c.commit()
        c.close()
        wait_for(lambda: "units: %d changed" % len(self.UNITS) in
                 self.arcd.logtext(), 10, "arcd to load the units")

    def get(self, path):
        """(status, body, content type) of a GET on the metrics port."""
        url = "http://127.0.0.1:%d%s" % (self.arcd.metrics_port, path)
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                return r.status, r.read().decode(), r.headers["Content-Type"]
        except urllib.error.HTTPError as e:
            with e:
                return e.code, e.read().decode(), e.headers["Content-Type"]

    def scrape(self):
        status, body, ctype = self.get("/metrics")
        self.assertEqual(status, 200)
        self.assertEqual(ctype, "text/plain; version=0.0.4")
        return parse(body)

    def value(self, name, **labels):
        f = self.scrape()["arc_" + name]
        return f["samples"][tuple(sorted(labels.items()))]

    def health(self):
        status, body, ctype = self.get("/healthz")
        self.assertEqual(ctype, "application/json")
        return status, json.loads(body)

    def send(self, data):
        s = self.arcd.tcp()
        s.sendall(data)
        self.assertEqual(read_reply(s).token, "ACK")
        s.close()


class TestFormat(MetricsCase):
    def test_every_line_parses(self):
        self.scrape()                   # idle
        c = self.console("op1")
        self.send(cid(1, "1", "101", "100000"))
        c.wait(lambda m: m["type"] == "offer", what="the offer")
        fams = self.scrape()            # busy
        self.assertEqual(fams["arc_alarms_opened_total"]["type"], "counter")
        self.assertEqual(fams["arc_queue_depth"]["type"], "gauge")
        self.assertEqual(set(fams["arc_queue_depth"]["samples"]),
                         {(("class", k),) for k in ("P1", "P2", "P3")})
        self.assertEqual(set(fams["arc_operators"]["samples"]),
                         {(("state", k),) for k in
                          ("free", "offered", "handling", "away")})

    def test_the_parser_refuses_what_is_not_prometheus_text(self):
        good = "# HELP arc_x an x\n# TYPE arc_x gauge\narc_x 1\n"
        parse(good)
        for bad in (good[:-1],                          # no newline
                    good + "arc_x 2\n",                 # twice
                    good.replace("arc_x 1", "arc_x one"),
                    good.replace("arc_x 1", 'arc_x{a="b} 1'),
                    good.replace("arc_x 1", "arc-x 1"),
                    good.replace("gauge", "gauges"),
                    "# TYPE arc_x gauge\narc_x 1\n",    # no HELP
                    "arc_x 1\n" + good,                 # before TYPE
                    good + "# HELP arc_y y\n# TYPE arc_y gauge\narc_y 1\n"
                    'arc_x{a="b"} 1\n',                 # not together
                    good.replace("gauge", "counter")):  # not _total
            with self.assertRaises(AssertionError, msg=bad):
                parse(bad)


class TestQueue(MetricsCase):
    def test_depth_and_age_per_class(self):
        self.assertEqual(self.value("queue_depth", **{"class": "P1"}), 0)
        self.send(cid(1, "1", "101", "100000"))        # P1, no one in
        wait_for(lambda: self.value("queue_depth", **{"class": "P1"}) == 1,
                 10, "a P1 in the queue")
        self.arcd.advance(30)
        p1 = self.value("queue_oldest_seconds", **{"class": "P1"})
        self.assertGreaterEqual(p1, 30)
        self.assertLess(p1, 60)
        self.send(cid(1, "1", "154", "100001"))        # P2: water leak
        wait_for(lambda: self.value("queue_depth", **{"class": "P2"}) == 1,
                 10, "a P2 in the queue")
        self.assertLess(self.value("queue_oldest_seconds",
                                   **{"class": "P2"}), 30)
        # A mains loss is held for its restore, then queued as a P3.
        self.send(cid(1, "1", "301", "200001", "000"))
        wait_for(lambda: self.value("alarms_awaiting_restore") == 1, 10,
                 "the P3 held")
        self.assertEqual(self.value("queue_depth", **{"class": "P3"}), 0)
        self.arcd.advance(300)
        wait_for(lambda: self.value("queue_depth", **{"class": "P3"}) == 1,
                 10, "the P3 queued after its hold")
        self.assertEqual(self.value("alarms_awaiting_restore"), 0)
        self.assertGreaterEqual(self.value("queue_oldest_seconds",
                                           **{"class": "P1"}), 330)
        self.assertEqual(self.value("alarms_open"), 3)
        # Offered: still waiting for an answer; accepted: out of the queue.
        c = self.console("op1")
        m = c.wait(lambda m: m["type"] == "offer", what="the offer")
        self.assertEqual(self.value("offers_pending"), 1)
        self.assertEqual(self.value("alarms_held"), 1)
        self.assertEqual(self.value("queue_depth", **{"class": "P1"}), 1)
        self.assertTrue(c.request("accept", alarm_id=m["alarm_id"])["ok"])
        wait_for(lambda: self.value("queue_depth", **{"class": "P1"}) == 0,
                 10, "the P1 accepted")
        self.assertEqual(self.value("queue_oldest_seconds",
                                    **{"class": "P1"}), 0)
        self.assertEqual(self.value("offers_pending"), 0)
        self.assertEqual(self.value("alarms_held"), 1)
        self.assertEqual(self.value("queue_depth", **{"class": "P2"}), 1)
        self.assertTrue(c.request("close", alarm_id=m["alarm_id"],
                                  outcome="false_alarm")["ok"])
        wait_for(lambda: self.value("alarms_open") == 2, 10, "closed")
        self.assertEqual(self.value("queue_depth", **{"class": "P1"}), 0)



class TestIncidents(MetricsCase):
    conf_extra = MetricsCase.conf_extra + "storm_units = 3\n"

    def test_a_storm_is_one_incident(self):
        self.assertEqual(self.value("incidents_open"), 0)
        # A storm: battery low at 6 units within the window.
        s = self.arcd.tcp()
        for i in range(6):
            s.sendall(cid(1, "1", "302", "3%05d" % i, "000"))
            self.assertEqual(read_reply(s).token, "ACK")
        s.close()
        wait_for(lambda: self.value("incidents_open") == 1, 10,
                 "an incident")
        self.assertGreater(self.value("incident_members"), 0)


class TestOperators(MetricsCase):
    def states(self):
        f = self.scrape()["arc_operators"]["samples"]
        return {k[0][1]: int(v) for k, v in f.items()}

    def test_logged_in_free_offered_handling_away(self):
        self.assertEqual(self.value("operators_logged_in"), 0)
        op1 = self.console("op1")
        op2 = self.console("op2")
        boss = self.console("boss")
        self.assertEqual(self.value("operators_logged_in"), 3)
        self.assertEqual(self.states(), dict(free=3, offered=0, handling=0,
                                             away=0))
        self.assertTrue(op1.request("away", away=True)["ok"])
        self.assertEqual(self.states(), dict(free=2, offered=0, handling=0,
                                             away=1))
        self.send(cid(1, "1", "101", "100000"))
        m = op2.wait(lambda m: m["type"] == "offer", what="op2's offer")
        self.assertEqual(self.states(), dict(free=1, offered=1, handling=0,
                                             away=1))
        self.assertTrue(op2.request("accept", alarm_id=m["alarm_id"])["ok"])
        wait_for(lambda: self.states()["handling"] == 1, 10, "handling")
        self.assertEqual(self.states(), dict(free=1, offered=0, handling=1,
                                             away=1))
        boss.close()
        wait_for(lambda: self.value("operators_logged_in") == 2, 10,
                 "boss gone")
        self.assertEqual(self.states(), dict(free=0, offered=0, handling=1,
                                             away=1))


class TestLogins(MetricsCase):
    def attempt(self, login, password):
        """A login on a new connection; the refusal's second advanced."""
        before = self.value("console_login_failures_total") + \
            self.value("console_login_refused_locked_total")
        c = Console(self.arcd.cport)
        self.addCleanup(c.close)
        c.send({"type": "login", "id": 1, "protocol": 2, "login": login,
                "password": password})
        wait_for(lambda: self.value("console_login_failures_total") +
                 self.value("console_login_refused_locked_total") > before,
                 10, "the refusal counted")
        self.arcd.advance(1)
        r = c.read()
        c.close()
        return r["error"]

    def refused(self):
        return {r: int(self.value("console_login_refused_%s_total" % r))
                for r in ("unknown", "disabled", "password", "locked")}

    def test_refusals_by_reason(self):
        self.assertEqual(self.refused(), dict(unknown=0, disabled=0,
                                              password=0, locked=0))
        self.assertEqual(self.attempt("nobody", PW), "auth")
        # The operator's row is read at each login.
        db = sqlite3.connect(self.arcd.db, timeout=10)
        db.execute("UPDATE operator SET disabled = 1 WHERE login = 'op2'")
        db.commit()
        db.close()
        self.assertEqual(self.attempt("op2", PW), "auth")
        self.assertEqual(self.attempt("op1", "wrong"), "auth")
        self.assertEqual(self.attempt("op1", "wrong"), "auth")  # locks op1
        self.assertEqual(self.attempt("op1", PW), "locked")
        self.assertEqual(self.refused(), dict(unknown=1, disabled=1,
                                              password=2, locked=1))
        self.assertEqual(self.value("console_login_failures_total"), 4)
        self.assertEqual(self.value("console_logins_total"), 0)


class TestHealth(MetricsCase):
    def test_storage_fault_then_well_again(self):
        status, h = self.health()
        self.assertEqual((status, h["status"], h["storage"], h["store"]),
                         (200, "ok", "writable", "keeping up"))
        self.assertEqual(self.value("storage_writable"), 1)
        self.arcd.control("/test/fail-alarms?n=1")
        s = self.arcd.tcp()
        self.addCleanup(s.close)
        s.sendall(cid(1, "1", "101", "100000"))         # not ACKed
        wait_for(lambda: self.value("alarm_writes_failed_total") == 1, 10,
                 "the write to fail")
        status, h = self.health()
        self.assertEqual((status, h["status"], h["storage"]),
                         (503, "unhealthy", "failing"))
        self.assertLess(h["last_failure_seconds_ago"], 10)
        self.assertEqual(self.value("storage_writable"), 0)
        self.arcd.advance(11)
        status, h = self.health()
        self.assertEqual((status, h["storage"]), (200, "writable"))
        self.assertGreaterEqual(h["last_failure_seconds_ago"], 11)
        self.assertEqual(self.value("storage_writable"), 1)

    def test_a_writer_kept_waiting_is_behind(self):
        lock = sqlite3.connect(self.arcd.db, timeout=10,
                               isolation_level=None)
        self.addCleanup(lock.close)
        s = self.arcd.tcp(timeout=10)
        self.addCleanup(s.close)
        lock.execute("BEGIN IMMEDIATE")     # the writer waits (2 s at most)
        try:
            s.sendall(cid(1, "1", "101", "100000"))
            wait_for(lambda: self.value("store_pending_requests") >= 1, 1,
                     "a request waiting")
            self.arcd.advance(6)
            status, h = self.health()
            behind = self.value("store_behind_seconds")
        finally:
            lock.execute("COMMIT")
        self.assertEqual((status, h["status"], h["store"]),
                         (503, "unhealthy", "behind"))
        self.assertGreaterEqual(h["store_behind_seconds"], 6)
        self.assertGreaterEqual(h["store_pending"], 1)
        self.assertGreaterEqual(behind, 6)
        self.assertEqual(read_reply(s).token, "ACK")
        wait_for(lambda: self.health()[0] == 200, 10, "caught up")
        self.assertEqual(self.value("store_behind_seconds"), 0)


class TestDocs(MetricsCase):
    def rules(self):
        with open(DOC) as f:
            text = f.read()
        blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
        docs = [yaml.safe_load(b) for b in blocks]
        groups = [d for d in docs if isinstance(d, dict) and "groups" in d]
        self.assertEqual(len(groups), 1, "one rules file in the guide")
        rules = {}
        for g in groups[0]["groups"]:
            for r in g["rules"]:
                rules[r["alert"]] = r
        return text, rules

    def fires(self, expr):
        """A rule of the form `arc_x{l="v"} OP number` against a scrape."""
        m = re.fullmatch(r'\s*(arc_\w+)(\{[^}]*\})?\s*(>|<|==|>=|<=)\s*'
                         r'([\d.]+)\s*', expr)
        self.assertIsNotNone(m, "a rule this test can evaluate: " + expr)
        f = self.scrape()[m.group(1)]
        v = f["samples"][tuple(sorted(labels_of(m.group(2) or
                                                "{}").items()))]
        limit = float(m.group(4))
        return {">": v > limit, "<": v < limit, "==": v == limit,
                ">=": v >= limit, "<=": v <= limit}[m.group(3)]

    def test_every_metric_is_documented(self):
        text, rules = self.rules()
        served = self.scrape()
        for name in served:
            self.assertIn("`%s`" % name, text, "%s not in the guide" % name)
        for name in re.findall(r"^\| `(arc_\w+)`", text, re.M):
            self.assertIn(name, served, "the guide lists %s" % name)
        for r in rules.values():
            for name in re.findall(r"\barc_\w+", r["expr"]):
                self.assertIn(name, served, "a rule names %s" % name)

    def test_the_alerts_fire_on_what_arcd_serves(self):
        _, rules = self.rules()
        p1, nobody = rules["ArcP1Waiting"], rules["ArcNoOperator"]
        self.assertEqual((p1["for"], nobody["for"]), ("1m", "5m"))
        self.assertTrue(self.fires(nobody["expr"]))
        self.assertFalse(self.fires(p1["expr"]))
        self.send(cid(1, "1", "101", "100000"))
        wait_for(lambda: self.value("queue_depth", **{"class": "P1"}) == 1,
                 10, "a P1 waiting")
        self.assertFalse(self.fires(p1["expr"]))
        self.arcd.advance(61)
        self.assertTrue(self.fires(p1["expr"]))
        c = self.console("op1")
        self.assertFalse(self.fires(nobody["expr"]))
        m = c.wait(lambda m: m["type"] == "offer", what="the offer")
        self.assertTrue(c.request("accept", alarm_id=m["alarm_id"])["ok"])
        wait_for(lambda: not self.fires(p1["expr"]), 10, "answered")
        self.assertFalse(math.isnan(self.value("queue_oldest_seconds",
                                               **{"class": "P1"})))


if __name__ == "__main__":
    unittest.main()
