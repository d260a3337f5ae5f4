"""A console protocol client for tests (docs/console-protocol.md, version 2):
TLS, one JSON object per line, requests with ids, pushes collected as they
come. Like a real console it keeps each alarm as the sum of what it was
sent (the whole alarm, then alarm_update, alarm_event, alarm_note), reads
the streamed snapshot at login and answers heartbeats (unless told not
to)."""
import copy
import json
import socket
import ssl
import time

PROTOCOL = 2
WINDOW = 20          # events and notes an alarm carries


class Console:
    def __init__(self, port, timeout=10.0, rcvbuf=None, source="127.0.0.1",
                 heartbeats=True):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:   # a console on a slow link: a small window
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        raw.settimeout(timeout)
        if source != "127.0.0.1":
            raw.bind((source, 0))
        raw.connect(("127.0.0.1", port))
        self.sock = ctx.wrap_socket(raw)
        self.buf = b""
        self.pushes = []
        self.alarms = {}          # id -> the alarm as this console has it
        self.heartbeats = heartbeats
        self.heartbeats_seen = 0
        self.next_id = 1
        self.snapshot = None
        self.hello = self.read()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, obj):
        self.sock.sendall(json.dumps(obj).encode() + b"\n")

    def send_raw(self, data):
        self.sock.sendall(data)

    def apply(self, m):
        """What a push does to this console's alarms."""
        t = m.get("type")
        if t == "alarm":
            self.alarms[m["alarm"]["id"]] = m["alarm"]
        elif t == "alarm_update":
            a = self.alarms.setdefault(m["alarm"]["id"], {})
            inc = a.get("incident")
            a.update(m["alarm"])
            if inc and a.get("incident"):     # keep the members
                a["incident"] = dict(inc, **a["incident"])
        elif t == "alarm_event":
            a = self.alarms.setdefault(m["alarm_id"], {"id": m["alarm_id"]})
            a["events"] = ([m["event"]] + a.get("events", []))[:WINDOW]
            for k in ("count", "last_at", "events_total"):
                a[k] = m[k]
        elif t == "alarm_note":
            a = self.alarms.setdefault(m["alarm_id"], {"id": m["alarm_id"]})
            a["notes"] = (a.get("notes", []) + [m["note"]])[-WINDOW:]
            a["notes_total"] = m["notes_total"]

    def read(self, timeout=10.0):
        """The next message, or raise on timeout or close."""
        deadline = time.monotonic() + timeout
        while True:
            while b"\n" not in self.buf:
                self.sock.settimeout(max(0.01, deadline - time.monotonic()))
                chunk = self.sock.recv(262144)
                if not chunk:
                    raise ConnectionError("closed by arcd")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            m = json.loads(line)
            if m.get("type") == "heartbeat":
                self.heartbeats_seen += 1
                if self.heartbeats:
                    self.send({"type": "heartbeat", "seq": m["seq"]})
                continue
            self.apply(m)
            return m

    def request(self, type, timeout=10.0, **fields):
        rid = self.next_id
        self.next_id += 1
        self.send(dict(type=type, id=rid, **fields))
        deadline = time.monotonic() + timeout
        while True:
            m = self.read(max(0.01, deadline - time.monotonic()))
            if m.get("type") == "reply" and m.get("id") == rid:
                return m
            self.pushes.append(m)

    def login(self, login, password, timeout=10.0):
        r = self.request("login", timeout=timeout, protocol=PROTOCOL,
                         login=login, password=password)
        if r["ok"]:
            self.read_snapshot(timeout)
        return r

    def read_snapshot(self, timeout=10.0):
        """snapshot_begin, one alarm each, snapshot_end; what came between
        them besides (deltas) is kept as pushes."""
        deadline = time.monotonic() + timeout
        begin, ids = None, []
        while True:
            m = self.read(max(0.01, deadline - time.monotonic()))
            t = m.get("type")
            if t == "snapshot_begin":
                begin = m
            elif t == "alarm" and begin is not None and \
                    m["alarm"]["id"] not in ids:
                ids.append(m["alarm"]["id"])
            elif t == "snapshot_end":
                break
            else:
                self.pushes.append(m)
        self.snapshot = dict(begin, alarms=[
            copy.deepcopy(self.alarms[i]) for i in ids if i in self.alarms])
        return self.snapshot

    def wait(self, pred, timeout=10.0, what="a message"):
        """The first push (already seen or new) for which pred is true."""
        deadline = time.monotonic() + timeout
        while True:
            for i, m in enumerate(self.pushes):
                if pred(m):
                    return self.pushes.pop(i)
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("timed out waiting for " + what)
            try:
                self.pushes.append(self.read(left))
            except socket.timeout:
                pass

    def alarm_of(self, m):
        """The id of the alarm a push is about, or None."""
        t = m.get("type")
        if t in ("alarm", "alarm_update"):
            return m["alarm"]["id"]
        if t in ("alarm_event", "alarm_note"):
            return m["alarm_id"]
        return None

    def wait_alarm(self, pred, timeout=10.0, what="an alarm"):
        """The alarm (as this console has it, after a push about it) for
        which pred is true."""
        def about(m):
            aid = self.alarm_of(m)
            if aid is None or aid not in self.alarms:
                return False
            try:
                return pred(self.alarms[aid])
            except (KeyError, TypeError, IndexError):
                return False     # only an update known so far
        m = self.wait(about, timeout, what)
        return copy.deepcopy(self.alarms[self.alarm_of(m)])
