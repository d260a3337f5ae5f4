"""BENCH_ONLY=abuse: arcd's guards under abuse. The units' ACK latency at
1,000 events/s (arc-loadgen, 1,000 registered units over 4 source
addresses) and a legitimate operator's login (from 127.0.0.200, connect
to snapshot_end, several in each run), measured with no abuse and then
during each of:

  wrongpw  50 wrong passwords a second from 250 addresses (127.0.1.x),
           one to three tries a connection, random logins and the other
           operators' (never the legitimate one's);
  unauth   200 console connections that never log in, from 50 addresses
           (127.0.2.x, 4 each: the per-address cap), reopened when closed;
  conncap  as many silent DC-09 connections as max_connections (2,500)
           from 250 addresses (127.0.3.x), reopened when evicted;
  unreg    1,000 unregistered units, one address each (127.0.4-7.x), each
           sending a pendant press a second.

Each abuser runs in its own process, bounded in sockets, rate and time,
and is stopped (with every socket it holds) in a finally block. Reopened
connections are capped at ABUSE_RECONNECTS a second so the abuser's own
CPU (it shares the machine's two cores with arcd and arc-loadgen; its CPU
is reported) stays a small part of what is measured.

A benchmark: it measures and prints, it asserts nothing.
"""
import collections
import heapq
import json
import random
import selectors
import socket
import statistics
import subprocess
import tempfile
import threading
import time

from arctest import LOADGEN, Arcd, crc16_arc, stamp
import bench_console as bc

UNITS = 1000
FIRST = 0x100000
SECONDS = 15
MIX = "pendant=10,test=90"      # ~100 alarms/s: the queue stays small
MAX_CONNECTIONS = 2500
LOGINS = 6                      # the legitimate operator's, each run
LOGIN_TIMEOUT = 30              # a login not done by then has failed
ABUSE_RECONNECTS = 1000         # new connections a second, at most
PASSWORD = "bench-duty-pass-1"
OTHERS = ["op%d" % i for i in range(1, 10)]
CASES = ["none", "wrongpw", "unauth", "conncap", "unreg"]


def addrs(third, n):
    """n loopback addresses 127.0.third.1.., spilling into third + 1..."""
    return ["127.0.%d.%d" % (third + i // 250, 1 + i % 250)
            for i in range(n)]


# --- the abusers (each in its own process: bench_console.Child) ---

def wrong_passwords(stop, ready, port, rate=50, naddrs=250, threads=100):
    """`rate` wrong passwords a second, paced in all (each try waits its
    turn), from naddrs addresses. Each connection is opened when its turn
    comes and makes one to three tries (arcd answers a wrong password a
    second after it was asked); a connection arcd cuts ends its tries."""
    lock = threading.Lock()
    st = collections.Counter()
    pace = {"next": time.monotonic()}
    sources = addrs(1, naddrs)

    def turn(k):
        """Wait for k tries' worth of the rate; False if told to stop."""
        with lock:
            t = max(time.monotonic(), pace["next"])
            pace["next"] = t + float(k) / rate
        while not stop.is_set() and time.monotonic() < t:
            time.sleep(min(0.05, t - time.monotonic()))
        return not stop.is_set()

    def worker(k):
        rng = random.Random(k)
        while True:
            tries = rng.randint(1, 3)
            if not turn(1):
                return
            try:
                c = bc.Console(port, timeout=5,
                               source=rng.choice(sources))
            except bc.CONN_ERRORS:
                with lock:
                    st["refused"] += 1
                continue
            try:
                for n in range(tries):
                    if n > 0 and not turn(1):
                        return
                    login = rng.choice(OTHERS) if rng.random() < 0.5 else \
                        "u%08x" % rng.getrandbits(32)
                    with lock:
                        st["tries"] += 1
                    r = c.request("login", timeout=5, protocol=2,
                                  login=login, password=bc.rand_password())
                    with lock:
                        st[r.get("error") or "ok"] += 1
            except bc.CONN_ERRORS:
                with lock:
                    st["cut"] += 1
            finally:
                c.close()

    t0 = time.monotonic()
    ts = [threading.Thread(target=worker, args=(k,), daemon=True)
          for k in range(threads)]
    for t in ts:
        t.start()
    ready.set()
    stop.wait()
    for t in ts:
        t.join(10)
    out = dict(st)
    out["seconds"] = time.monotonic() - t0
    out["answered_per_s"] = (st.get("auth", 0) + st.get("locked", 0)) / \
        out["seconds"]
    out["tries_per_s"] = st.get("tries", 0) / out["seconds"]
    return out


def hold(stop, ready, port, n, sources, every=None, first_account=None):
    """n TCP connections from `sources` (round robin), reopened when the
    other side closes them (at most ABUSE_RECONNECTS a second). Silent, or
    with every: each sends an unregistered pendant press (account
    first_account + its index) every `every` seconds and counts the ACKs."""
    sel = selectors.DefaultSelector()
    st = collections.Counter()
    socks = {}                       # index -> socket
    todo = collections.deque(range(n))
    sends = []                       # heap of (due, index)
    seqs = [0] * n

    def connect(i):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        try:
            s.bind((sources[i % len(sources)], 0))
            s.connect_ex(("127.0.0.1", port))
        except OSError:
            st["connect_errors"] += 1
            s.close()
            todo.append(i)
            return
        socks[i] = s
        sel.register(s, selectors.EVENT_READ, i)
        st["connects"] += 1

    def drop(i):
        s = socks.pop(i, None)
        if s is not None:
            sel.unregister(s)
            s.close()
            st["closed_by_peer"] += 1
            todo.append(i)

    def send(i):
        s = socks.get(i)
        if s is None:
            return
        seqs[i] = seqs[i] % 9999 + 1
        acct = "%06X" % (first_account + i)
        body = ('"ADM-CID"%04dR1L1#%s[#%s|1101 01 001]_%s'
                % (seqs[i], acct, acct, stamp())).encode()
        f = b"\n%04X%04X" % (crc16_arc(body), len(body)) + body + b"\r"
        try:
            s.send(f)
            st["sent"] += 1
        except (BlockingIOError, InterruptedError):
            st["send_busy"] += 1
        except OSError:
            st["send_errors"] += 1

    t0 = last = time.monotonic()
    budget = float(ABUSE_RECONNECTS)
    if every:
        for i in range(n):
            heapq.heappush(sends, (t0 + every * i / n, i))
    while not stop.is_set():
        now = time.monotonic()
        budget = min(float(ABUSE_RECONNECTS),
                     budget + (now - last) * ABUSE_RECONNECTS)
        last = now
        while todo and budget >= 1:
            connect(todo.popleft())
            budget -= 1
        if not todo and not ready.is_set():
            ready.set()
        while sends and sends[0][0] <= now:
            _, i = heapq.heappop(sends)
            send(i)
            heapq.heappush(sends, (now + every, i))
        for key, _ in sel.select(0.01):
            try:
                data = key.fileobj.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:
                drop(key.data)
            else:
                st["acked"] += data.count(b'"ACK"')
    for s in socks.values():
        s.close()
    sel.close()
    out = dict(st)
    out["seconds"] = time.monotonic() - t0
    out["reconnects_per_s"] = st["closed_by_peer"] / out["seconds"]
    out["held_at_end"] = len(socks)
    return out


def abuser(case, a):
    """The case's abuser, started (None for the baseline)."""
    if case == "wrongpw":
        return bc.Child(wrong_passwords, a.cport)
    if case == "unauth":
        return bc.Child(hold, a.cport, 200, addrs(2, 50))
    if case == "conncap":
        return bc.Child(hold, a.port, MAX_CONNECTIONS, addrs(3, 250))
    if case == "unreg":
        return bc.Child(hold, a.port, 1000, addrs(4, 1000), 1.0, 0xF00000)
    return None


# --- one run ---

def one_run(case, b):
    a = Arcd("max_connections = %d\n" % MAX_CONNECTIONS, verbose=False,
             console=True)
    ab, lg = None, None
    try:
        b.bulk_units(a, FIRST, UNITS)
        a.operator("duty", PASSWORD)
        for op in OTHERS:
            a.operator(op, "other-" + PASSWORD)
        a.start()
        m0 = bc.metrics(a)
        ab = abuser(case, a)
        if ab is not None:
            ab.wait_ready(30)
            time.sleep(2)           # the abuse at its pace first
        cpu0 = ab.cpu_s() if ab else None
        th0 = b.thread_cpu(a.proc.pid)
        lg = subprocess.Popen(
            [LOADGEN, "--target", "127.0.0.1:%d" % a.port, "--json",
             "--units", str(UNITS), "--first-account", "%X" % FIRST,
             "--rate", "1000", "--sources", "4", "--mix", MIX,
             "--duration", str(SECONDS), "--drain", "5"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        t0 = time.monotonic()
        done = {}

        def loadgen_done():     # the CPU figures cover its run only
            done["out"], done["err"] = lg.communicate()
            done["wall"] = time.monotonic() - t0
            done["th"] = b.thread_cpu(a.proc.pid)
            done["ab"] = ab.cpu_s() if ab else None
        waiter = threading.Thread(target=loadgen_done, daemon=True)
        waiter.start()
        logins = []
        for k in range(LOGINS):
            wait = t0 + 2 + k * (SECONDS - 4) / LOGINS - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            # Half retry as arc-console does, half every 100 ms.
            r = bc.timed_login(a.cport, "duty", PASSWORD,
                               source="127.0.0.200", timeout=LOGIN_TIMEOUT,
                               backoff="console" if k % 2 == 0 else None)
            r["backoff"] = "console" if k % 2 == 0 else "100ms"
            logins.append(r)
        waiter.join(SECONDS + 180)
        if lg.returncode != 0:
            raise RuntimeError("arc-loadgen: %s" % done.get("err", "")[-2000:])
        lg = None
        wall = done["wall"]
        m = bc.delta(m0, bc.metrics(a))
        abuse = ab.stop() if ab else {}
        ab = None
        return {"loadgen": json.loads(done["out"]), "logins": logins,
                "metrics": m, "abuse": abuse,
                "arcd_cpu": thread_share(a.proc.pid, th0, done["th"], wall),
                "abuser_cpu": (done["ab"] - cpu0) / wall
                if cpu0 is not None and done["ab"] is not None else None}
    finally:
        try:
            if lg is not None and lg.poll() is None:
                lg.kill()
                lg.wait()
            if ab is not None:
                ab.stop()
        finally:
            a.cleanup()


def thread_share(pid, before, after, wall):
    """arcd's CPU share (1.0 = one core) by thread between two
    bench.thread_cpu() readings: net (the loop), arc-store, arc-lookup
    (password checks and reads), other."""
    out = collections.Counter()
    for tid, (name, s) in after.items():
        used = s - before.get(tid, (name, 0.0))[1]
        key = "net" if tid == pid else name if name in (
            "arc-store", "arc-lookup") else "other"
        out[key] += used / wall
    return dict(out)


# --- the cases ---

COUNTERS = ["console_login_failures", "console_login_refused_locked",
            "console_login_locks", "console_source_locks",
            "console_refused", "console_refused_source",
            "console_unauthenticated_evicted", "console_login_timeouts",
            "connections_evicted_unproven", "connections_refused_cap",
            "connections_no_valid_frame", "unregistered_rate_limited",
            "unregistered_global_limited", "events_unregistered",
            "alarms_opened"]


def case_figures(case, runs):
    lat = [r["loadgen"]["latency_ms"] for r in runs]
    logins = [l for r in runs for l in r["logins"]]
    ok = [l["s"] for l in logins if "s" in l]
    by = {p: [l for l in logins if l["backoff"] == p]
          for p in ("console", "100ms")}
    return {
        "login_console_s": bc.summary([l.get("s") for l in by["console"]]),
        "login_console_failed": sum("s" not in l for l in by["console"]),
        "login_100ms_s": bc.summary([l.get("s") for l in by["100ms"]]),
        "login_100ms_failed": sum("s" not in l for l in by["100ms"]),
        "runs": len(runs),
        "ack_p99_ms": statistics.median(x["p99"] for x in lat),
        "ack_p99_runs": [x["p99"] for x in lat],
        "ack_p50_ms": statistics.median(x["p50"] for x in lat),
        "ack_max_ms": max(x["max"] for x in lat),
        "acked_per_s": statistics.median(r["loadgen"]["acked_per_s"]
                                         for r in runs),
        "units_lost": sum(r["loadgen"].get("lost", 0) for r in runs),
        "units_reconnects": sum(r["loadgen"].get("reconnects", 0)
                                for r in runs),
        "units_unacked": sum(r["loadgen"].get("unacked", 0) for r in runs),
        "units_retransmits": sum(r["loadgen"].get("retransmits", 0)
                                 for r in runs),
        "login_s": bc.summary(ok),
        "login_failed": len(logins) - len(ok),
        "login_errors": [l.get("error") for l in logins if "s" not in l],
        "login_tries_max": max((l["tries"] for l in logins), default=0),
        "snapshot_alarms": statistics.median(l["alarms"] for l in logins
                                             if "s" in l) if ok else None,
        "arcd_cpu": {k: statistics.median(r["arcd_cpu"].get(k, 0)
                                          for r in runs)
                     for k in ("net", "arc-store", "arc-lookup", "other")},
        "abuser_cpu": statistics.median(r["abuser_cpu"] for r in runs)
        if runs[0]["abuser_cpu"] is not None else None,
        "abuse": runs[-1]["abuse"],
        "counters": {k: statistics.median(r["metrics"].get(k, 0)
                                          for r in runs) for k in COUNTERS
                     if any(r["metrics"].get(k) for r in runs)},
    }


def abuse_line(case, f):
    ab = f["abuse"]
    what = ""
    if case == "wrongpw":
        what = "%.1f wrong passwords/s sent, %.1f/s answered (auth %d, " \
               "locked %d, refused connections %d)" % (
                   ab.get("tries_per_s", 0),
                   ab.get("answered_per_s", 0), ab.get("auth", 0),
                   ab.get("locked", 0), ab.get("refused", 0))
    elif case in ("unauth", "conncap"):
        what = "%d held at the end, %.0f reopened/s" % (
            ab.get("held_at_end", 0), ab.get("reconnects_per_s", 0))
    elif case == "unreg":
        what = "%d unregistered frames sent, %d ACKed" % (
            ab.get("sent", 0), ab.get("acked", 0))
    cpu = f["arcd_cpu"]

    def login(k):
        v = f["login_%s_s" % k]
        return "%s s max %s s%s" % (
            "%.2f" % v["median"] if v["median"] is not None else "-",
            "%.2f" % v["max"] if v["max"] is not None else "-",
            " (%d failed)" % f["login_%s_failed" % k]
            if f["login_%s_failed" % k] else "")
    print("%-16s ACK p99 %.2f ms (runs %s) p50 %.2f max %.1f, %.0f acked/s"
          "%s; login %s retrying as arc-console, %s every 100 ms (%s "
          "alarms); %s; arcd CPU net %.0f%% store %.0f%% lookup %.0f%%%s; "
          "%s" % (
              "abuse " + case, f["ack_p99_ms"],
              " ".join("%.2f" % x for x in f["ack_p99_runs"]),
              f["ack_p50_ms"], f["ack_max_ms"], f["acked_per_s"],
              " (units' connections cut %d, reconnects %d, events "
              "unACKed %d, retransmits %d)" % (
                  f["units_lost"], f["units_reconnects"],
                  f["units_unacked"], f["units_retransmits"])
              if f["units_lost"] or f["units_reconnects"] or
              f["units_unacked"] else "",
              login("console"), login("100ms"), f["snapshot_alarms"],
              what or "no abuse", 100 * cpu["net"], 100 * cpu["arc-store"],
              100 * cpu["arc-lookup"],
              ("; abuser CPU %.0f%%" % (100 * f["abuser_cpu"]))
              if f["abuser_cpu"] is not None else "",
              ", ".join("%s %d" % kv for kv in f["counters"].items())),
          flush=True)


def abuse(b):
    """b: the bench module (results, want, RUNS)."""
    if not b.want("abuse"):
        return
    runs = {c: [] for c in CASES}
    disk0 = bc.fsync_probe(tempfile.gettempdir())
    for i in range(b.RUNS):
        # Each round runs every case once, in a rotated order.
        for c in CASES[i % len(CASES):] + CASES[:i % len(CASES)]:
            runs[c].append(one_run(c, b))
    disk1 = bc.fsync_probe(tempfile.gettempdir())
    for c in CASES:
        f = case_figures(c, runs[c])
        b.results["abuse " + c] = f
        abuse_line(c, f)
    b.results["abuse fsync_ms"] = [disk0, disk1]
    print("%-16s fdatasync p50 %.2f p99 %.2f ms before, p50 %.2f p99 %.2f ms"
          " after (a shared disk)" % ("abuse disk", disk0["p50"],
                                      disk0["p99"], disk1["p50"],
                                      disk1["p99"]), flush=True)
