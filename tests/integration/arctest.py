"""arctest -- the integration harness: a real arcd on loopback ports with a
temporary SQLite database, driven with real sockets.

The DC-09 helpers here are an independent oracle: CRC-16/ARC bit by bit,
framing and AES written from PROTOCOLS.md, not from arc's own encoder.
"""
import os
import re
import signal
import socket
import sqlite3
import subprocess
import tempfile
import time
import unittest
import warnings
from datetime import datetime, timezone

# Tests drop sockets on purpose (a unit that vanishes); do not warn.
warnings.simplefilter("ignore", ResourceWarning)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD = os.path.join(ROOT, os.environ.get("BUILD", "build"))
ARCD = os.path.join(BUILD, "arcd")
# The test build: the same daemon, with a loopback control of its clock
# and fault injection on its metrics listener (arc/arcd.c).
ARCD_TEST = os.path.join(BUILD, "arcd-test")
ARCCTL = os.path.join(BUILD, "arcctl")
LOADGEN = os.path.join(BUILD, "arc-loadgen")


def crc16_arc(data: bytes) -> int:
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def stamp(t=None) -> str:
    """DC-09 timestamp without the leading '_'."""
    if t is None:
        t = time.time()
    return datetime.fromtimestamp(t, timezone.utc).strftime("%H:%M:%S,%m-%d-%Y")


def parse_stamp(s: str) -> float:
    return datetime.strptime(s, "%H:%M:%S,%m-%d-%Y").replace(
        tzinfo=timezone.utc).timestamp()


def frame(body, binary=False) -> bytes:
    if isinstance(body, str):
        body = body.encode("latin-1")
    crc = crc16_arc(body)
    if binary:
        head = bytes([crc >> 8, crc & 0xFF])
    else:
        head = b"%04X" % crc
    return b"\n" + head + b"%04X" % len(body) + body + b"\r"


def aes_cbc(key: bytes, data: bytes, decrypt=False) -> bytes:
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    c = Cipher(algorithms.AES(key), modes.CBC(b"\0" * 16))
    op = c.decryptor() if decrypt else c.encryptor()
    return op.update(data) + op.finalize()


def encrypted_body(token, seq, acct, data, key: bytes, t=None, rl="R1L1",
                   pad_char=b"p") -> str:
    """'"*TOKEN"seqRLL#acct[' + hex(AES(pad|data]_ts))."""
    tail = ("|" + data + "]_" + stamp(t)).encode()
    pad = (16 - len(tail) % 16) or 16
    plain = pad_char * pad + tail
    return '"*%s"%04d%s#%s[%s' % (token, seq, rl, acct,
                                  aes_cbc(key, plain).hex().upper())


class Reply:
    """A parsed receiver reply (ACK/NAK/DUH), CRC and length checked."""
    RX = re.compile(rb'^\n([0-9A-F]{4})([0-9A-F]{4})(".*)\r$', re.S)

    def __init__(self, raw: bytes, key: bytes = None):
        self.raw = raw
        m = self.RX.match(raw)
        if m is None:
            raise AssertionError("malformed reply %r" % raw)
        body = m.group(3)
        if int(m.group(1), 16) != crc16_arc(body):
            raise AssertionError("bad CRC in reply %r" % raw)
        if int(m.group(2), 16) != len(body):
            raise AssertionError("bad length in reply %r" % raw)
        self.body = body.decode("latin-1")
        m = re.match(r'^"(\*?[A-Z]+)"(\d{4})(R[0-9A-F]+?)?(L[0-9A-F]+?)?'
                     r'(#[0-9A-F]+|A[0-9A-F]+)?\[(.*)$', self.body)
        if m is None:
            raise AssertionError("unparsable reply body %r" % self.body)
        self.token, self.seq = m.group(1), int(m.group(2))
        self.rcvr, self.pref, self.acct = m.group(3), m.group(4), m.group(5)
        rest = m.group(6)
        if self.token.startswith("*"):
            if key is None:
                raise AssertionError("encrypted reply and no key")
            plain = aes_cbc(key, bytes.fromhex(rest), decrypt=True)
            rest = "]" + plain.split(b"]", 1)[1].decode()
        m = re.search(r"\]_(\d\d:\d\d:\d\d,\d\d-\d\d-\d{4})$", rest)
        self.ts = parse_stamp(m.group(1)) if m else None


def login_user():
    """Who arcctl audits a change with when --actor is not given: the
    login user (getlogin), else the user of the process."""
    import pwd
    try:
        name = os.getlogin()
        if name:
            return name
    except OSError:
        pass
    return pwd.getpwuid(os.getuid()).pw_name


def private_file(path, text):
    """Write text to a new file only its owner may read (0600)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", newline="") as f:
        f.write(text)
    os.chmod(path, 0o600)
    return path


def free_port(kind=socket.SOCK_STREAM) -> int:
    s = socket.socket(socket.AF_INET, kind)
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_for(cond, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for %s" % what)
        time.sleep(0.02)


class Arcd:
    """One arcd process with its own database and ports."""

    def __init__(self, conf_extra="", args=(), verbose=True, console=False,
                 test_build=False):
        self.dir = tempfile.mkdtemp(prefix="arctest-")
        self.binary = ARCD_TEST if test_build else ARCD
        if console:
            conf_extra += self.console_conf()
        self.db = os.path.join(self.dir, "arc.db")
        self.conf = os.path.join(self.dir, "arc.conf")
        self.log = os.path.join(self.dir, "arcd.log")
        self.port = free_port()
        self.uport = free_port(socket.SOCK_DGRAM)
        with open(self.conf, "w") as f:
            f.write("[arcd]\nlisten = dc09-tcp=127.0.0.1:%d\n"
                    "listen = dc09-udp=127.0.0.1:%d\n"
                    "listen = metrics=127.0.0.1:0\n%s"
                    % (self.port, self.uport, conf_extra))
        self.args = list(args) + (["-v"] if verbose else [])
        self.proc = None
        self.arcctl("init")

    def console_conf(self):
        """A self-signed certificate and a console listener."""
        self.cert = os.path.join(self.dir, "cert.pem")
        self.key = os.path.join(self.dir, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
                        self.key, "-out", self.cert, "-days", "2", "-subj",
                        "/CN=localhost"], check=True, capture_output=True)
        os.chmod(self.key, 0o600)   # arcd refuses a key others can read
        self.cport = free_port()
        return ("listen = console=127.0.0.1:%d\ntls_cert = %s\ntls_key = %s\n"
                % (self.cport, self.cert, self.key))

    def operator(self, login, password, role="operator", name=None):
        pw = private_file(os.path.join(self.dir, "pw-" + login),
                          password + "\n")
        self.arcctl("operator", "add", login, "--name", name or login.title(),
                    "--role", role, "--password-file", pw)

    def arcctl(self, *args, check=True):
        r = subprocess.run([ARCCTL, "-D", self.db] + list(args),
                           capture_output=True, text=True, timeout=30)
        if check and r.returncode != 0:
            raise AssertionError("arcctl %s: %s" % (args, r.stderr))
        return r

    def start(self):
        self.logf = open(self.log, "a")
        start = os.path.getsize(self.log)
        self.proc = subprocess.Popen(
            [self.binary, "-d", "-f", self.conf, "-D", self.db] + self.args,
            stdout=self.logf, stderr=self.logf)

        def ready():
            if self.proc.poll() is not None:
                raise AssertionError("arcd exited: %s" % self.logtext())
            with open(self.log) as f:
                f.seek(start)
                return "arcd: running" in f.read()
        wait_for(ready, 15, "arcd to start")
        m = re.findall(r"listen metrics 127\.0\.0\.1:(\d+)", self.logtext())
        self.metrics_port = int(m[-1]) if m else None
        return self

    def logtext(self):
        with open(self.log) as f:
            return f.read()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("arcd did not stop on SIGTERM")
        rc = self.proc.returncode if self.proc else 0
        self.proc = None
        if getattr(self, "logf", None):
            self.logf.close()
        # A clean stop exits 0; under SAN=1 a leak or error would not.
        log = self.logtext() if os.path.exists(self.log) else ""
        if rc != 0 or "Sanitizer" in log or "runtime error" in log:
            raise AssertionError("arcd exited %s:\n%s" % (rc, log[-4000:]))
        return rc

    def kill(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.proc = None
        self.logf.close()

    def cleanup(self):
        try:
            self.stop()
        finally:
            subprocess.run(["rm", "-rf", self.dir])

    def tcp(self, timeout=5.0):
        s = socket.create_connection(("127.0.0.1", self.port), timeout=timeout)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return s

    def udp(self, timeout=5.0):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(timeout)
        s.connect(("127.0.0.1", self.uport))
        return s

    def rows(self, sql, args=()):
        c = sqlite3.connect(self.db, timeout=10)
        try:
            return c.execute(sql, args).fetchall()
        finally:
            c.close()

    def events(self, account=None):
        sql = ("SELECT account, seq, token, code, class, zone, flags, "
               "dup_count, unit_id, location, raw_code FROM event")
        if account:
            return self.rows(sql + " WHERE account = ? ORDER BY id", (account,))
        return self.rows(sql + " ORDER BY id")

    def control(self, path):
        """The test build's loopback control: /test/clock?advance=MS, ..."""
        import urllib.request
        url = "http://127.0.0.1:%d%s" % (self.metrics_port, path)
        return urllib.request.urlopen(url, timeout=10).read().decode()

    def advance(self, seconds):
        """Time passes at once: deadlines of minutes without waiting."""
        self.control("/test/clock?advance=%d" % int(seconds * 1000))

    def metric(self, name):
        import urllib.request
        url = "http://127.0.0.1:%d/metrics" % self.metrics_port
        text = urllib.request.urlopen(url, timeout=5).read().decode()
        m = re.search(r"^arc_%s(?:_total)? (\d+)$" % name, text, re.M)
        return int(m.group(1)) if m else None


def read_reply(sock, key=None) -> Reply:
    """Read exactly one reply frame (up to its CR) from a TCP socket."""
    buf = b""
    while not buf.endswith(b"\r"):
        chunk = sock.recv(1)
        if not chunk:
            raise AssertionError("connection closed, got %r" % buf)
        buf += chunk
    return Reply(buf[buf.index(b"\n"):], key)


class ArcdCase(unittest.TestCase):
    """A test case with a fresh arcd per test."""
    conf_extra = ""

    def setUp(self):
        self.arcd = Arcd(self.conf_extra)
        self.addCleanup(self.arcd.cleanup)
        self.setup_units()
        self.arcd.start()

    def setup_units(self):
        pass
