"""A console protocol client for tests (docs/console-protocol.md): TLS, one
JSON object per line, requests with ids, pushes collected as they come."""
import json
import socket
import ssl
import time


class Console:
    def __init__(self, port, timeout=10.0, rcvbuf=None):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:   # a console on a slow link: a small window
            raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        raw.settimeout(timeout)
        raw.connect(("127.0.0.1", port))
        self.sock = ctx.wrap_socket(raw)
        self.buf = b""
        self.pushes = []
        self.next_id = 1
        self.hello = self.read()

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def send(self, obj):
        self.sock.sendall(json.dumps(obj).encode() + b"\n")

    def read(self, timeout=10.0):
        """The next message, or raise on timeout or close."""
        self.sock.settimeout(timeout)
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed by arcd")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

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

    def login(self, login, password):
        r = self.request("login", protocol=1, login=login, password=password)
        if r["ok"]:
            while True:
                m = self.read()
                if m["type"] == "snapshot":
                    self.snapshot = m
                    break
                self.pushes.append(m)
        return r

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

    def wait_alarm(self, pred, timeout=10.0, what="an alarm"):
        return self.wait(lambda m: m["type"] == "alarm" and pred(m["alarm"]),
                         timeout, what)["alarm"]
