"""Consoles for the benchmarks (bench_queue, bench_guard, bench_soak): a
login timed from connect to snapshot_end, a watching console in its own
process that pings arcd and times the deltas it is pushed, and small
helpers (arcd's counters, a child process stopped for sure).

A benchmark, not a test: these measure, they assert nothing.
"""
import json
import multiprocessing
import os
import random
import socket
import ssl
import statistics
import time
import urllib.request

from consoleclient import PROTOCOL, Console

# What a refused or cut console connection raises in the client.
CONN_ERRORS = (OSError, ssl.SSLError, ConnectionError, ValueError)


def metrics(arcd):
    """Every counter of arcd's /metrics, {name: value} (arc_ and _total
    taken off)."""
    url = "http://127.0.0.1:%d/metrics" % arcd.metrics_port
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    out = {}
    for line in text.splitlines():
        if line.startswith("arc_") and " " in line:
            k, v = line.split(" ", 1)
            k = k[4:]
            if k.endswith("_total"):
                k = k[:-6]
            try:
                out[k] = float(v)
            except ValueError:
                pass
    return out


def delta(before, after):
    """The counters that moved between two metrics() readings."""
    return {k: after[k] - before.get(k, 0) for k in after
            if after[k] != before.get(k, 0)}


def pct(vals, p):
    """The p-th percentile (0..100) of vals, nearest rank; None if empty."""
    if not vals:
        return None
    v = sorted(vals)
    return v[min(len(v) - 1, max(0, int(round(p / 100.0 * len(v) + 0.5))
                                 - 1))]


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")


def fds(pid):
    return len(os.listdir("/proc/%d/fd" % pid))


class Lines:
    """The lines console c is sent, parsed, heartbeats answered: next()
    is (bytes, message) and raises socket.timeout past deadline; close()
    gives what is left over back to c."""

    def __init__(self, c, deadline):
        self.c, self.deadline = c, deadline
        self.buf = bytearray(c.buf)
        self.pos = 0

    def next(self):
        buf, c = self.buf, self.c
        while True:
            i = buf.find(b"\n", self.pos)
            if i < 0:
                del buf[:self.pos]
                self.pos = 0
                left = self.deadline - time.monotonic()
                if left <= 0:
                    raise socket.timeout("deadline")
                c.sock.settimeout(left)
                chunk = c.sock.recv(1 << 18)
                if not chunk:
                    raise ConnectionError("closed by arcd")
                buf += chunk
                continue
            line = bytes(buf[self.pos:i])
            self.pos = i + 1
            m = json.loads(line)
            if m.get("type") == "heartbeat":
                c.send({"type": "heartbeat", "seq": m["seq"]})
                continue
            return len(line) + 1, m

    def close(self):
        self.c.buf = bytes(self.buf[self.pos:])


def timed_login(port, login, password, source="127.0.0.1", timeout=30.0,
                keep=False, backoff=None):
    """A console's login as an operator sees it: from connect to the
    snapshot's end, every line parsed. A connection refused or cut before
    the login's reply is tried again until timeout: 100 ms later, or with
    backoff="console" as arc-console does (1 s, doubling, at most 30 s:
    console/console.c). Returns
    {"s", "reply_s", "bytes", "alarms", "tries", "cpu_s", "error"} (and
    "console" if keep, else the connection is closed)."""
    t0 = time.monotonic()
    cpu0 = time.thread_time()
    deadline = t0 + timeout
    tries, last, wait = 0, "timeout", 1.0
    while time.monotonic() < deadline:
        tries += 1
        c = None
        r = {"tries": tries, "bytes": 0, "alarms": 0}
        try:
            c = Console(port, timeout=max(0.1, deadline - time.monotonic()),
                        source=source)
            c.send({"type": "login", "id": 1, "protocol": PROTOCOL,
                    "login": login, "password": password})
            lines = Lines(c, deadline)
            while True:
                n, m = lines.next()
                t = m.get("type")
                if t == "reply" and m.get("id") == 1:
                    r["reply_s"] = time.monotonic() - t0
                    if not m.get("ok"):
                        r["error"] = m.get("error")
                        break
                elif t == "snapshot_begin":
                    r["bytes"] += n
                elif t == "alarm" and r["bytes"]:
                    r["bytes"] += n
                    r["alarms"] += 1
                elif t == "snapshot_end":
                    r["bytes"] += n
                    r["s"] = time.monotonic() - t0
                    break
            lines.close()
            r["cpu_s"] = time.thread_time() - cpu0
            if keep and "s" in r:
                c.next_id = 2
                r["console"] = c
            else:
                c.close()
            return r
        except socket.timeout:
            last = "timeout"
        except CONN_ERRORS as e:
            last = type(e).__name__
        if c is not None:
            c.close()
        if "reply_s" in r:      # cut after its reply: not a refusal
            r.update(error="cut: " + last, cpu_s=time.thread_time() - cpu0)
            return r
        if backoff == "console":
            time.sleep(min(wait, max(0, deadline - time.monotonic())))
            wait = min(wait * 2, 30.0)
        else:
            time.sleep(0.1)
    return {"tries": tries, "error": last,
            "cpu_s": time.thread_time() - cpu0}


def summary(vals, scale=1.0):
    """median, max, n of a list (scaled), None entries left out."""
    v = [x * scale for x in vals if x is not None]
    if not v:
        return {"median": None, "max": None, "n": 0}
    return {"median": statistics.median(v), "max": max(v), "n": len(v),
            "runs": v}


class Child:
    """A function in its own process (its own interpreter lock, its CPU
    measured apart), told to stop with an event; whatever it returns comes
    back through a pipe. Always stop() it (a finally block): the process
    and every socket it holds are gone after."""

    def __init__(self, fn, *args):
        ctx = multiprocessing.get_context("fork")
        self.stop_ev = ctx.Event()
        self.ready_ev = ctx.Event()
        self.rx, tx = ctx.Pipe(duplex=False)
        self.p = ctx.Process(target=self._main, args=(fn, tx) + args,
                             daemon=True)
        self.p.start()
        tx.close()
        self.result = None

    def _main(self, fn, tx, *args):
        try:
            r = fn(self.stop_ev, self.ready_ev, *args)
        except Exception as e:      # reported, not raised in the parent
            r = {"error": "%s: %s" % (type(e).__name__, e)}
        self.ready_ev.set()
        tx.send(r)
        tx.close()

    def wait_ready(self, timeout):
        return self.ready_ev.wait(timeout)

    def cpu_s(self):
        try:
            return cpu_s(self.p.pid)
        except OSError:
            return None

    def stop(self, timeout=20.0):
        """Stop it and return what it returned (None if it did not);
        again: the same."""
        if self.rx.closed:
            return self.result
        self.stop_ev.set()
        if self.rx.poll(timeout):
            try:
                self.result = self.rx.recv()
            except EOFError:
                pass
        self.p.join(5)
        if self.p.is_alive():
            self.p.kill()
            self.p.join(5)
        self.rx.close()
        return self.result


def watch(stop, ready, port, login, password, source, every=0.1):
    """A logged-in console in its own process: pings arcd every `every`
    seconds and keeps, against the monotonic clock, each ping's round
    trip and each alarm_event's lag (the wall clock at arrival minus the
    event's received_at, both arcd's and ours being the same clock)."""
    c = Console(port, timeout=120, source=source)
    r = c.login(login, password, timeout=120)
    c.alarms.clear()        # keep what follows small
    if not r.get("ok"):
        return {"error": "login: %s" % r}
    ready.set()
    pings, lags, last_push, gaps = [], [], None, []
    next_id, sent, next_ping = 1000, None, time.monotonic()
    while not stop.is_set():
        now = time.monotonic()
        if sent is None and now >= next_ping:
            c.send({"type": "ping", "id": next_id})
            sent = now
            next_ping = now + every
        try:
            m = c.read(max(0.005, next_ping - time.monotonic())
                       if sent is None else 1.0)
        except socket.timeout:
            continue
        except CONN_ERRORS as e:
            return {"error": "watcher lost: %s" % e, "pings": pings,
                    "lags": lags, "gaps": gaps}
        now = time.monotonic()
        t = m.get("type")
        if t == "reply" and m.get("id") == next_id:
            pings.append((sent, now - sent))
            sent = None
            next_id += 1
        elif t == "alarm_event":
            lags.append((now, time.time() * 1000.0 -
                         m["event"]["received_at"]))
            if last_push is not None:
                gaps.append((now, now - last_push))
            last_push = now
        if len(c.alarms) > 10000:
            c.alarms.clear()
    c.close()
    return {"pings": pings, "lags": lags, "gaps": gaps}


def window(pairs, t0, t1):
    """The values of (t, value) pairs with t0 <= t <= t1."""
    return [v for t, v in pairs if t0 <= t <= t1]


def watch_figures(w, t0, t1):
    """Ping round trip and push lag (ms) of a watcher between t0 and t1."""
    if not w or "pings" not in w:
        return {"error": (w or {}).get("error", "no watcher")}
    pings = [x * 1000 for x in window(w["pings"], t0, t1)]
    lags = window(w["lags"], t0, t1)
    gaps = [x * 1000 for x in window(w["gaps"], t0, t1)]
    return {"ping_ms": {"p50": pct(pings, 50), "p99": pct(pings, 99),
                        "max": max(pings) if pings else None,
                        "n": len(pings)},
            "push_lag_ms": {"p50": pct(lags, 50), "p99": pct(lags, 99),
                            "max": max(lags) if lags else None,
                            "n": len(lags)},
            "push_gap_max_ms": max(gaps) if gaps else None,
            "error": w.get("error")}


def rand_password():
    return "".join(random.choice("abcdefghijkmnpqrstuvwxyz23456789")
                   for _ in range(12))


def fsync_probe(directory, n=300):
    """The disk as it is now: p50 and p99 (ms) of n 4 KiB writes each
    followed by fdatasync, in directory (what arcd's store waits on before
    every ACK). The machine is shared; this says how noisy it was."""
    path = os.path.join(directory, "fsync-probe")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    lat = []
    try:
        for i in range(n):
            os.pwrite(fd, b"x" * 4096, (i % 16) * 4096)
            t = time.perf_counter()
            os.fdatasync(fd)
            lat.append((time.perf_counter() - t) * 1000)
    finally:
        os.close(fd)
        os.unlink(path)
    return {"p50": pct(lat, 50), "p99": pct(lat, 99)}
