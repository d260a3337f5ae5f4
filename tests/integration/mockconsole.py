"""mockconsole -- a stand-in for arcd's console listener, written from
docs/console-protocol.md (version 2), to develop and test arc-console
without arcd.

TLS with a self-signed certificate made by the openssl CLI in a temporary
directory; one JSON object per line; hello (protocol 2, line_max,
heartbeat), login (op1 / secret-pass, or the supervisor boss /
boss-pass; a login in `locked` is refused with "locked" until a
supervisor unlocks it; a second login
of the same operator takes the session over: the old one is told
"replaced" and closed), a streamed snapshot (snapshot_begin, one `alarm`
per open alarm with its newest 20 events and notes, snapshot_end) of
three alarms (plus `extra_alarms`, with `snapshot_delay` seconds between
them), an offer of the top one (to operators), replies to accept (at most
`max_held` held: "limit"), note, close, release, decline, ping, alarm,
events and notes (paged with before and limit) and (supervisors)
operators (with each one's state, held alarms and today's figures, the
locked logins, on the operator's row or on a row of their own, and
`locked_sources`), unlock (by login or source) and reassign (the loser
told with a system push); away (any operator); the hello names
`timezone` if given;
deltas to every console after each change (`alarm` for a new
alarm, `alarm_update` without the card, events and notes, `alarm_event`,
`alarm_note`) and `stats` (with `over_180`), an `operators` push to
supervisors whenever someone logs in or out or an alarm changes; a
heartbeat every `heartbeat` seconds, a console that leaves two unanswered
closed as stuck. Every request received is kept in
`MockConsole.requests` for the tests, every heartbeat answered in
`MockConsole.heartbeats`.

    python3 mockconsole.py [--port 7010]      # then: arc-console -k 127.0.0.1:7010
"""
import argparse
import copy
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
import time

LOGIN = "op1"
PASSWORD = "secret-pass"
SUPERVISOR = "boss"
SUPERVISOR_PASSWORD = "boss-pass"
ACCOUNTS = {    # login: (password, name, role)
    LOGIN: (PASSWORD, "Ann Operator", "operator"),
    SUPERVISOR: (SUPERVISOR_PASSWORD, "Sam Supervisor", "supervisor"),
}
OUTCOMES = {"no_assistance", "assisted_by_phone", "responder_sent",
            "emergency_services", "false_alarm", "technical_fault"}
PROTOCOL = 2
LINE_MAX = 65536
WINDOW = 20                     # events and notes an alarm carries
CARD = ("unit", "client", "responders", "events", "notes")


def now_ms():
    return int(time.time() * 1000)


def make_alarm(aid, cls, account, zone_label, name, code, client, age_s,
               count=1, responders=()):
    """An alarm as the mock keeps it: every event (newest first) and note
    (oldest first); window() makes what goes on the wire."""
    t = now_ms() - age_s * 1000
    return {
        "id": aid, "state": "waiting", "class": cls, "code": code,
        "name": name, "incident": None, "incident_id": None,
        "operator": None, "opened_at": t,
        "last_at": t + (count - 1) * 2000, "count": count,
        "offered_to": None, "accepted_at": None, "closed_at": None,
        "outcome": None, "restored_at": None,
        "unit": {"account": account, "protocol": "dc09", "zone": "001",
                 "zone_label": zone_label},
        "client": client,
        "responders": list(responders),
        "events": [{"id": aid * 10 + i, "seq": i, "code": code,
                    "raw_code": "101", "class": cls, "qualifier": "1",
                    "zone": "001", "text": "",
                    "location": "X=-1.51 Y=52.40" if i == 0 else "",
                    "received_at": t + i * 2000}
                   for i in reversed(range(count))],
        "notes": [],
    }


def window(a):
    """The whole alarm on the wire: the newest 20 events and notes."""
    w = {k: copy.deepcopy(v) for k, v in a.items()
         if k not in ("events", "notes")}
    w["events"] = copy.deepcopy(a["events"][:WINDOW])
    w["events_total"] = len(a["events"])
    w["notes"] = copy.deepcopy(a["notes"][-WINDOW:])
    w["notes_total"] = len(a["notes"])
    return w


def update_of(a):
    """An alarm_update: without the card, events and notes (an incident
    without its members)."""
    u = {k: copy.deepcopy(v) for k, v in a.items() if k not in CARD}
    if isinstance(u.get("incident"), dict):
        u["incident"].pop("members", None)
    return u


def demo_alarms():
    mary = {"id": "C-0001", "name": "Mary Smith", "born": "1938-04-02",
            "address": "1 High St, Coventry CV1 1AA",
            "phone": "+44 24 7600 0001", "language": "en",
            "medical": "diabetic; hip replacement",
            "access": "key safe 1234 by back door", "response_level": "L2"}
    bob = {"id": "C-0002", "name": "Robert Jones", "born": "1945-11-20",
           "address": "22 Park Rd, Leamington CV32 4AA",
           "phone": "+44 1926 000002", "language": "en",
           "medical": "COPD", "access": "neighbour at no. 24 has a key",
           "response_level": "L3"}
    son = {"rank": 1, "name": "John Smith", "relation": "son",
           "phones": "+44 7700 900001", "availability": "evenings"}
    return [
        make_alarm(42, 1, "100000", "pendant", "personal emergency", "QA",
                   mary, 70, count=2, responders=[son]),
        make_alarm(43, 2, "100001", "smoke detector in hall", "fire trouble",
                   "FT", bob, 200),
        make_alarm(44, 3, "100002", "", "low battery", "YT", None, 20),
    ]


def make_cert(tmp):
    cert = os.path.join(tmp, "cert.pem")
    key = os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048",
                    "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                    "-keyout", key, "-out", cert],
                   check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return cert, key


class Session:
    def __init__(self, server, sock):
        self.server = server
        self.sock = sock
        self.login = None
        self.role = None
        self.wlock = threading.Lock()
        self.alive = True
        self.hb_sent = 0            # the last heartbeat's seq
        self.hb_answered = 0        # the last seq answered

    def send(self, obj):
        self.send_raw((json.dumps(obj) + "\n").encode())

    def send_raw(self, data):
        with self.wlock:
            try:
                self.sock.sendall(data)
            except OSError:
                self.alive = False

    def close(self):
        self.alive = False
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def beat(self):
        """Every heartbeat seconds: one more; two unanswered: stuck."""
        period = self.server.heartbeat
        while self.alive and self.server.running:
            time.sleep(period)
            if not self.alive or self.login is None:
                continue
            if self.hb_sent - self.hb_answered >= 2:
                self.server.stuck += 1
                self.close()
                return
            self.hb_sent += 1
            self.send({"type": "heartbeat", "seq": self.hb_sent})

    def run(self):
        hello = {"type": "hello", "server": "arcd", "protocol": PROTOCOL,
                 "line_max": LINE_MAX,
                 "heartbeat": max(1, int(self.server.heartbeat))}
        if self.server.timezone is not None:
            hello["timezone"] = self.server.timezone
        self.send(hello)
        threading.Thread(target=self.beat, daemon=True).start()
        buf = b""
        try:
            while self.alive:
                data = self.sock.recv(65536)
                if not data:
                    break
                buf += data
                while b"\n" in buf:
                    line, buf = buf.split(b"\n", 1)
                    try:
                        msg = json.loads(line)
                    except ValueError:
                        return
                    self.server.handle(self, msg)
        except (OSError, ssl.SSLError):
            pass
        finally:
            self.alive = False
            self.server.gone(self)
            try:
                self.sock.close()
            except OSError:
                pass


class MockConsole:
    """The mock server; start() runs it in threads, stop() ends it."""

    def __init__(self, port=0, auth_delay=0.2, offer=True, heartbeat=10,
                 extra_alarms=0, snapshot_delay=0.0, max_held=3,
                 locked=(), locked_sources=(), timezone=None,
                 extra_operators=()):
        self.tmp = tempfile.mkdtemp(prefix="mockconsole-")
        self.cert, self.key = make_cert(self.tmp)
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        self.ctx.load_cert_chain(self.cert, self.key)
        self.lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.lsock.bind(("127.0.0.1", port))
        self.lsock.listen(16)
        self.port = self.lsock.getsockname()[1]
        self.auth_delay = auth_delay
        self.offer = offer
        self.heartbeat = heartbeat
        self.snapshot_delay = snapshot_delay
        self.max_held = max_held
        self.timezone = timezone
        # rows added to the operators view as they are (drawing tests)
        self.extra_operators = list(extra_operators)
        self.away = set()           # logins that said away
        # login / address: locked until (wall ms), as arcd's lockout
        until = now_ms() + 900000
        self.locked = {login: until for login in locked}
        self.locked_sources = {a: until for a in locked_sources}
        self.lock = threading.RLock()
        self.alarms = {a["id"]: a for a in demo_alarms()}
        self.next_alarm = 100
        self.next_event = 100000
        self.next_note = 1
        for i in range(extra_alarms):
            self.add_alarm(cls=1 + i % 3, name="Client %04d" % i,
                           age_s=30 + i, notify=False)
        self.requests = []          # every request, in arrival order
        self.heartbeats = []        # (login, seq) of every answer
        self.stuck = 0              # sessions closed for not answering
        self.logins = 0
        self.sessions = []
        self.running = True
        self.thread = None

    # --- lifecycle ---
    def start(self):
        self.thread = threading.Thread(target=self.accept_loop, daemon=True)
        self.thread.start()
        return self

    def stop(self):
        self.running = False
        try:
            self.lsock.close()
        except OSError:
            pass
        self.drop_all()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def accept_loop(self):
        while self.running:
            try:
                raw, _ = self.lsock.accept()
            except OSError:
                return
            try:
                raw.settimeout(5)
                sock = self.ctx.wrap_socket(raw, server_side=True)
                sock.settimeout(None)
            except (OSError, ssl.SSLError):
                raw.close()
                continue
            s = Session(self, sock)
            with self.lock:
                self.sessions.append(s)
            threading.Thread(target=s.run, daemon=True).start()

    def drop_all(self):
        """Cut every console off (to test reconnects)."""
        with self.lock:
            sessions, self.sessions = self.sessions, []
        for s in sessions:
            s.alive = False
            try:
                s.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            try:
                s.sock.close()
            except OSError:
                pass

    def gone(self, s):
        with self.lock:
            if s in self.sessions:
                self.sessions.remove(s)
                if s.login:
                    self.push_operators()

    # --- state ---
    def queue(self):
        return sorted((a for a in self.alarms.values()
                       if a["state"] != "closed"),
                      key=lambda a: (a["class"], a["opened_at"], a["id"]))

    def stats(self):
        q = {"p1": 0, "p2": 0, "p3": 0}
        for a in self.queue():
            q["p%d" % a["class"]] += 1
        # Like arcd: today's alarms answered (or still waiting) past 180 s.
        over = [{"id": a["id"], "opened_at": a["opened_at"]}
                for a in sorted(self.alarms.values(), key=lambda a: a["id"])
                if (a["accepted_at"] or now_ms()) - a["opened_at"] > 180000]
        return {"queue": q, "today": {"answered": 3, "within_60": 3,
                "within_180": 3, "pct_60": 100.0, "pct_180": 100.0},
                "over_180": over, "broker": "n/a", "storage": "ok"}

    def operators(self):
        """What arcd lists: every logged-in console and the alarm it holds,
        every locked login (on its operator's row, else on a row of its
        own with name and role null) and the locked addresses."""
        rows = [self.operator_row(s) for s in self.sessions if s.login]
        rows += copy.deepcopy(self.extra_operators)
        listed = {r["login"] for r in rows}
        rows += [{"login": login, "name": None, "role": None,
                  "connected": False, "alarms": [], "locked_until": until}
                 for login, until in self.locked.items()
                 if login not in listed]
        return {"operators": rows,
                "locked_sources": [{"source": a, "locked_until": until}
                                   for a, until in
                                   self.locked_sources.items()]}

    def operator_row(self, s):
        held = [{"id": a["id"], "state": a["state"], "class": a["class"],
                 "since": a["accepted_at"] or a["opened_at"]}
                for a in self.queue()
                if s.login in (a["operator"], a["offered_to"])]
        handling = [h for h in held if h["state"] == "handling"]
        state = ("handling" if handling else "offered" if held else
                 "away" if s.login in self.away else "free")
        return {"login": s.login, "name": ACCOUNTS[s.login][1],
                "role": s.role, "connected": True, "state": state,
                "away": s.login in self.away,
                "alarms": [h["id"] for h in held], "held": held,
                "logins": 1, "answered": 4, "within_60": 3,
                "within_180": 4, "locked_until": self.locked.get(s.login)}

    def on_reassign(self, s, msg):
        """Supervisors: the alarm to `to`, its loser told."""
        if s.role != "supervisor":
            return self.reply(s, msg, False, "forbidden")
        a = self.alarms.get(msg.get("alarm_id"))
        if a is None or a["state"] == "closed":
            return self.reply(s, msg, False, "not_found")
        lost = a["operator"] or a["offered_to"]
        a.update(state="handling", operator=msg["to"], offered_to=None,
                 accepted_at=a["accepted_at"] or now_ms())
        self.reply(s, msg, alarm_id=a["id"])
        self.broadcast(a)
        if lost and lost != msg["to"]:
            self.tell(lost, code="reassigned", alarm_id=a["id"],
                      by=s.login, to=msg["to"],
                      text="alarm %d was given to %s by %s"
                      % (a["id"], msg["to"], s.login))

    def on_away(self, s, msg):
        if not isinstance(msg.get("away"), bool):
            return self.reply(s, msg, False, "bad_request")
        (self.away.add if msg["away"] else self.away.discard)(s.login)
        self.reply(s, msg)
        self.push_operators()

    def push_operators(self):
        msg = dict(type="operators", **self.operators())
        for s in list(self.sessions):
            if s.role == "supervisor":
                s.send(msg)

    def lock_out(self, login=None, source=None):
        """Failed logins locked a login or an address (supervisors told)."""
        with self.lock:
            until = now_ms() + 900000
            if login:
                self.locked[login] = until
            if source:
                self.locked_sources[source] = until
            self.push_operators()

    def to_all(self, *msgs):
        for s in list(self.sessions):
            if s.login:
                for m in msgs:
                    s.send(m)

    def broadcast(self, a, whole=False):
        """An alarm changed: an alarm_update (or the whole alarm), the
        figures, the operators view."""
        if whole:
            msg = {"type": "alarm", "alarm": window(a)}
        else:
            msg = {"type": "alarm_update", "alarm": update_of(a)}
        self.to_all(msg, {"type": "stats", "stats": self.stats()})
        self.push_operators()

    def add_alarm(self, cls=1, name="Alice Brown", label="pendant", age_s=0,
                  notify=True):
        with self.lock:
            aid = self.next_alarm
            self.next_alarm += 1
            client = {"id": "C-%04d" % aid, "name": name,
                      "born": "1940-01-01", "address": "5 Mill Lane",
                      "phone": "+44 1000 000000", "language": "en",
                      "medical": "", "access": "", "response_level": "L1"}
            a = make_alarm(aid, cls, str(200000 + aid), label,
                           "personal emergency", "QA", client, age_s)
            self.alarms[aid] = a
            if notify:
                self.broadcast(a, whole=True)
            return aid

    def push_alarm(self, cls=1, name="Alice Brown", label="pendant"):
        """A new alarm arrives (sent to every logged-in console)."""
        return self.add_alarm(cls, name, label)

    def push_event(self, aid, text=""):
        """A unit sends another event for alarm aid: alarm_event."""
        with self.lock:
            a = self.alarms[aid]
            ev = {"id": self.next_event, "seq": len(a["events"]),
                  "code": a["code"], "raw_code": "101", "class": a["class"],
                  "qualifier": "1", "zone": "001", "text": text,
                  "location": "", "received_at": now_ms()}
            self.next_event += 1
            a["events"].insert(0, ev)
            a["count"] += 1
            a["last_at"] = ev["received_at"]
            self.to_all({"type": "alarm_event", "alarm_id": aid,
                         "event": copy.deepcopy(ev), "count": a["count"],
                         "last_at": a["last_at"]})
            return ev["id"]

    def add_history(self, aid, events=0, notes=0):
        """Give alarm aid more past (quietly: before consoles connect)."""
        with self.lock:
            a = self.alarms[aid]
            for i in range(events):
                a["events"].insert(0, {
                    "id": self.next_event, "seq": len(a["events"]),
                    "code": a["code"], "raw_code": "101",
                    "class": a["class"], "qualifier": "1", "zone": "001",
                    "text": "event %d" % (len(a["events"]) + 1),
                    "location": "", "received_at": a["last_at"] + i})
                self.next_event += 1
            a["count"] = len(a["events"])
            for i in range(notes):
                self.store_note(a, "op2", "old note %d" % (i + 1))

    def store_note(self, a, login, text):
        note = {"id": self.next_note, "at": now_ms(), "operator": login,
                "text": text}
        self.next_note += 1
        a["notes"].append(note)
        return note

    def send_note(self, a, note):
        self.to_all({"type": "alarm_note", "alarm_id": a["id"],
                     "note": copy.deepcopy(note),
                     "notes_total": len(a["notes"])})

    def send_raw(self, data):
        """Bytes as they are to every logged-in console."""
        for s in list(self.sessions):
            if s.login:
                s.send_raw(data)

    def replace(self, login, keep=None):
        """What a second login does to the first: told, then closed."""
        with self.lock:
            old = [s for s in self.sessions
                   if s.login == login and s is not keep]
        for s in old:
            s.send({"type": "system", "text": "logged in elsewhere",
                    "code": "replaced"})
            s.login = None
            s.close()
        return len(old)

    def tell(self, login, **msg):
        """A system push to login's consoles (e.g. an alarm taken)."""
        with self.lock:
            to = [s for s in self.sessions if s.login == login]
        for s in to:
            s.send(dict(type="system", **msg))
        return len(to)

    def requests_of(self, kind):
        with self.lock:
            return [r for r in self.requests if r.get("type") == kind]

    # --- protocol ---
    def reply(self, s, msg, ok=True, error=None, **extra):
        r = {"type": "reply", "id": msg.get("id"), "ok": ok}
        if error:
            r["error"] = error
        r.update(extra)
        s.send(r)

    def handle(self, s, msg):
        t = msg.get("type")
        with self.lock:
            self.requests.append(msg)
        if t == "heartbeat":            # an answer, not a request
            if s.login and isinstance(msg.get("seq"), int):
                s.hb_answered = max(s.hb_answered, msg["seq"])
                with self.lock:
                    self.heartbeats.append((s.login, msg["seq"]))
            return None
        if t == "ping":
            return self.reply(s, msg)
        if t == "login":
            return self.on_login(s, msg)
        if s.login is None:
            return self.reply(s, msg, False, "login")
        fn = getattr(self, "on_" + str(t), None)
        if fn is None:
            return self.reply(s, msg, False, "unknown_type")
        with self.lock:
            fn(s, msg)

    def snapshot(self, s):
        """Streamed: begin, one alarm each in queue order, end."""
        q = self.queue()
        s.send({"type": "snapshot_begin", "alarms": len(q),
                "stats": self.stats(), "server_time": now_ms()})
        for a in q:
            if self.snapshot_delay:
                time.sleep(self.snapshot_delay)
            s.send({"type": "alarm", "alarm": window(a)})
        s.send({"type": "snapshot_end"})

    def on_login(self, s, msg):
        if msg.get("protocol") != PROTOCOL:
            return self.reply(s, msg, False, "protocol")
        login = msg.get("login")
        if login in self.locked:
            time.sleep(self.auth_delay)
            return self.reply(s, msg, False, "locked")
        if login not in ACCOUNTS or msg.get("password") != ACCOUNTS[login][0]:
            time.sleep(self.auth_delay)
            return self.reply(s, msg, False, "auth")
        self.replace(login, keep=s)
        with self.lock:
            s.login = login
            s.role = ACCOUNTS[login][2]
            self.logins += 1
            self.reply(s, msg, operator={"login": login,
                       "name": ACCOUNTS[login][1], "role": s.role})
            self.snapshot(s)
            self.push_operators()
            mine = [a for a in self.alarms.values()
                    if a["operator"] == login or a["offered_to"] == login]
            if (self.offer and s.role == "operator" and not mine
                    and self.queue()):
                top = self.queue()[0]
                if top["state"] == "waiting":
                    top["state"] = "offered"
                    top["offered_to"] = login
                    s.send({"type": "offer", "alarm_id": top["id"]})
                    self.broadcast(top)

    def find(self, s, msg):
        a = self.alarms.get(msg.get("alarm_id"))
        if a is None or a["state"] == "closed":
            self.reply(s, msg, False, "not_found")
            return None
        return a

    def on_accept(self, s, msg):
        held = [a for a in self.queue() if a["operator"] == s.login]
        if s.role != "supervisor" and len(held) >= self.max_held:
            return self.reply(s, msg, False, "limit")
        aid = msg.get("alarm_id")
        if aid is None:
            offered = [a for a in self.queue()
                       if a["offered_to"] == s.login]
            q = offered or [a for a in self.queue()
                            if a["state"] == "waiting"]
            if not q:
                return self.reply(s, msg, False, "not_found")
            aid = q[0]["id"]
        a = self.alarms.get(aid)
        if a is None or a["state"] == "closed":
            return self.reply(s, msg, False, "not_found")
        if a["state"] == "handling":
            return self.reply(s, msg, False, "taken")
        if a["state"] == "offered" and a["offered_to"] != s.login:
            return self.reply(s, msg, False, "taken")
        a.update(state="handling", operator=s.login, offered_to=None,
                 accepted_at=now_ms())
        self.reply(s, msg, alarm_id=aid)
        self.broadcast(a)

    def on_release(self, s, msg):
        a = self.find(s, msg)
        if a is None:
            return
        if a["operator"] != s.login and s.role != "supervisor":
            return self.reply(s, msg, False, "not_yours")
        a.update(state="waiting", operator=None, accepted_at=None)
        self.reply(s, msg)
        self.broadcast(a)

    def on_decline(self, s, msg):
        a = self.find(s, msg)
        if a is None:
            return
        if a["offered_to"] != s.login:
            return self.reply(s, msg, False, "state")
        a.update(state="waiting", offered_to=None)
        self.reply(s, msg)
        self.broadcast(a)

    def on_note(self, s, msg):
        a = self.find(s, msg)
        if a is None:
            return
        text = msg.get("text")
        if not isinstance(text, str) or not 1 <= len(text) <= 1000:
            return self.reply(s, msg, False, "bad_request")
        note = self.store_note(a, s.login, text)
        self.reply(s, msg)
        self.send_note(a, note)

    def on_alarm(self, s, msg):
        a = self.alarms.get(msg.get("alarm_id"))
        if a is None:
            return self.reply(s, msg, False, "not_found")
        self.reply(s, msg, alarm=window(a))

    def page(self, s, msg, items, key):
        """events / notes: newest first, older than before, limit."""
        a = self.alarms.get(msg.get("alarm_id"))
        if a is None:
            return self.reply(s, msg, False, "not_found")
        limit = msg.get("limit", 50)
        if not isinstance(limit, int) or not 1 <= limit <= 100:
            return self.reply(s, msg, False, "bad_request")
        before = msg.get("before")
        older = [x for x in items(a) if before is None or x["id"] < before]
        page = copy.deepcopy(older[:limit])
        self.reply(s, msg, **{key: page, "more": len(older) > limit})

    def on_events(self, s, msg):
        self.page(s, msg, lambda a: a["events"], "events")

    def on_notes(self, s, msg):
        self.page(s, msg, lambda a: list(reversed(a["notes"])), "notes")

    def on_operators(self, s, msg):
        if s.role != "supervisor":
            return self.reply(s, msg, False, "forbidden")
        self.reply(s, msg, **self.operators())

    def on_unlock(self, s, msg):
        if s.role != "supervisor":
            return self.reply(s, msg, False, "forbidden")
        login, source = msg.get("login"), msg.get("source")
        if (login is None) == (source is None):
            return self.reply(s, msg, False, "bad_request")
        table = self.locked if login is not None else self.locked_sources
        if table.pop(login if login is not None else source, None) is None:
            return self.reply(s, msg, False, "not_found")
        self.reply(s, msg)
        self.push_operators()

    def on_close(self, s, msg):
        a = self.find(s, msg)
        if a is None:
            return
        if msg.get("outcome") not in OUTCOMES:
            return self.reply(s, msg, False, "bad_request")
        if a["state"] != "handling":
            return self.reply(s, msg, False, "state")
        if a["operator"] != s.login:
            return self.reply(s, msg, False, "not_yours")
        a.update(state="closed", closed_at=now_ms(),
                 outcome=msg["outcome"])
        note = self.store_note(a, s.login, msg["text"]) \
            if msg.get("text") else None
        self.reply(s, msg)
        if note:
            self.send_note(a, note)
        self.broadcast(a)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=7010)
    ap.add_argument("--every", type=float, default=0,
                    help="push a new P1 alarm every N seconds")
    args = ap.parse_args()
    m = MockConsole(port=args.port).start()
    print("mockconsole on 127.0.0.1:%d (login %s, password %s; "
          "supervisor %s, password %s)" % (m.port, LOGIN, PASSWORD,
                                           SUPERVISOR, SUPERVISOR_PASSWORD),
          flush=True)
    try:
        while True:
            time.sleep(args.every or 3600)
            if args.every:
                m.push_alarm()
    except KeyboardInterrupt:
        m.stop()


if __name__ == "__main__":
    main()
