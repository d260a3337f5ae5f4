"""mockconsole -- a stand-in for arcd's console listener, written from
docs/console-protocol.md, to develop and test arc-console without arcd.

TLS with a self-signed certificate made by the openssl CLI in a temporary
directory; one JSON object per line; hello, login (op1 / secret-pass, or
the supervisor boss / boss-pass), a snapshot of three alarms, an offer of
the top one (to operators), replies to accept, note, close, release,
decline, ping and (supervisors) operators, an `alarm` delta and `stats`
(with `over_180`) to every console after each change, and an `operators`
push to supervisors whenever someone logs in or out or an alarm changes.
Every request received is kept in `MockConsole.requests` for the tests.

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


def now_ms():
    return int(time.time() * 1000)


def make_alarm(aid, cls, account, zone_label, name, code, client, age_s,
               count=1, responders=()):
    t = now_ms() - age_s * 1000
    return {
        "id": aid, "state": "waiting", "class": cls, "code": code,
        "name": name, "operator": None, "opened_at": t,
        "last_at": t + (count - 1) * 2000, "count": count,
        "offered_to": None, "accepted_at": None, "closed_at": None,
        "outcome": None,
        "unit": {"account": account, "protocol": "dc09", "zone": "001",
                 "zone_label": zone_label},
        "client": client,
        "responders": list(responders),
        "events": [{"id": aid * 10 + i, "code": code, "raw_code": "101",
                    "class": cls, "qualifier": "1", "zone": "001",
                    "text": "", "location": "X=-1.51 Y=52.40" if i == 0
                    else "", "received_at": t + i * 2000}
                   for i in range(count)],
        "notes": [],
    }


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

    def send(self, obj):
        data = (json.dumps(obj) + "\n").encode()
        with self.wlock:
            try:
                self.sock.sendall(data)
            except OSError:
                self.alive = False

    def run(self):
        self.send({"type": "hello", "server": "arcd", "protocol": 1})
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

    def __init__(self, port=0, auth_delay=0.2, offer=True):
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
        self.lock = threading.RLock()
        self.alarms = {a["id"]: a for a in demo_alarms()}
        self.next_alarm = 100
        self.requests = []          # every request, in arrival order
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
        """What arcd lists: every logged-in console and the alarm it holds."""
        return [{"login": s.login, "name": ACCOUNTS[s.login][1],
                 "role": s.role, "connected": True,
                 "alarms": [a["id"] for a in self.queue()
                            if a["operator"] == s.login]}
                for s in self.sessions if s.login]

    def push_operators(self):
        msg = {"type": "operators", "operators": self.operators()}
        for s in list(self.sessions):
            if s.role == "supervisor":
                s.send(msg)

    def broadcast(self, a):
        msg = {"type": "alarm", "alarm": copy.deepcopy(a)}
        stats = {"type": "stats", "stats": self.stats()}
        for s in list(self.sessions):
            if s.login:
                s.send(msg)
                s.send(stats)
        self.push_operators()

    def push_alarm(self, cls=1, name="Alice Brown", label="pendant"):
        """A new alarm arrives (sent to every logged-in console)."""
        with self.lock:
            aid = self.next_alarm
            self.next_alarm += 1
            client = {"id": "C-%04d" % aid, "name": name,
                      "born": "1940-01-01", "address": "5 Mill Lane",
                      "phone": "+44 1000 000000", "language": "en",
                      "medical": "", "access": "", "response_level": "L1"}
            a = make_alarm(aid, cls, str(200000 + aid), label,
                           "personal emergency", "QA", client, 0)
            self.alarms[aid] = a
            self.broadcast(a)
            return aid

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

    def on_login(self, s, msg):
        if msg.get("protocol") != 1:
            return self.reply(s, msg, False, "protocol")
        login = msg.get("login")
        if login not in ACCOUNTS or msg.get("password") != ACCOUNTS[login][0]:
            time.sleep(self.auth_delay)
            return self.reply(s, msg, False, "auth")
        with self.lock:
            s.login = login
            s.role = ACCOUNTS[login][2]
            self.logins += 1
            self.reply(s, msg, operator={"login": login,
                       "name": ACCOUNTS[login][1], "role": s.role})
            s.send({"type": "snapshot",
                    "alarms": copy.deepcopy(self.queue()),
                    "stats": self.stats(), "server_time": now_ms()})
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
        note = {"at": now_ms(), "operator": s.login, "text": text}
        a["notes"].append(note)
        self.reply(s, msg, note=note)
        self.broadcast(a)

    def on_operators(self, s, msg):
        if s.role != "supervisor":
            return self.reply(s, msg, False, "forbidden")
        self.reply(s, msg, operators=self.operators())

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
        if msg.get("text"):
            a["notes"].append({"at": now_ms(), "operator": s.login,
                               "text": msg["text"]})
        self.reply(s, msg)
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
