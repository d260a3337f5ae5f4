"""BENCH_ONLY=soak (or BENCH_SOAK=1 beside other scenarios; never in a
plain make bench): a leak check over time. For SOAK_SECONDS (300; 60 is
enough to try it) arcd takes a steady SOAK_RATE events/s (500) from
SOAK_UNITS units (10,000) while

  - arc-loadgen's console accepts and closes every alarm it is offered;
  - one console stays logged in and pings arcd (bench_console.watch);
  - one console logs in and out every SOAK_RELOGIN seconds (5);
  - a few abusers: 2 wrong passwords/s, 12 consoles that never log in
    (within arcd's cap of 16: they are cut at the login deadline and come
    back), 50 unregistered units pressing their pendants every 2 s.

arcd's bounded tables are set small (BOUNDS below) so that they are full
within the first interval. arc-loadgen runs SOAK_SECONDS / SOAK_INTERVAL
intervals (3 at least) of SOAK_INTERVAL seconds (20: under arcd's
first_frame_timeout of 30 s, so a unit with no event in its interval is
not cut for that; the units connecting and closing and the sampling
between intervals are not counted in SOAK_SECONDS): every interval starts with its 10,000 units and its console connecting afresh
(a reconnect wave) and ends with all of them closing. Per interval: the
units' ACK p50/p99, the console's frame-to-shown p99 (P1 pendants and
all classes apart), the watcher's ping
p99, the relogins' login time; and at the end of every interval, once
the units have gone (so every sample is taken in the same phase), arcd's
RSS and open fds. The summary compares the first third of the samples
with the last third: a leak shows as growth there.

A benchmark: it measures and prints, it asserts nothing, but it fails
loudly if the scenario could not run.
"""
import json
import os
import statistics
import subprocess
import time

from arctest import LOADGEN, Arcd, wait_for
import bench_console as bc
import bench_guard as bg

SECONDS = float(os.environ.get("SOAK_SECONDS", "300"))
INTERVAL = float(os.environ.get("SOAK_INTERVAL", "20"))
RATE = int(os.environ.get("SOAK_RATE", "500"))
UNITS = int(os.environ.get("SOAK_UNITS", "10000"))
RELOGIN = float(os.environ.get("SOAK_RELOGIN", "5"))
FIRST = 0x100000
MIX = os.environ.get("SOAK_MIX", "pendant=10,test=80,mains=5,restore=5")
PASSWORD = "bench-soak-pass-1"
# Bounded tables made small so they are full within the first interval:
# at 500 events/s the dedupe ring (16,384) wraps in 33 s, past its 30 s
# window. What grows after that is a leak or a cache. SOAK_DEFAULTS=1:
# arcd's defaults (a 600 s window in a ring of 2^20: RSS grows until the
# ring wraps, about 35 minutes at 500 events/s).
BOUNDS = ("dedupe_window = 30\ndedupe_window_untimed = 30\n"
          "dedupe_max = 16384\n")


def asked(b):
    """Only when asked: BENCH_SOAK=1, or BENCH_ONLY naming it."""
    return os.environ.get("BENCH_SOAK") == "1" or \
        (b.ONLY != "" and b.want("soak"))


def relogins(stop, ready, port, login, password, every):
    """A console that logs in (connect to snapshot_end) and out again
    every `every` seconds: (monotonic start, seconds or None, error)."""
    out = []
    ready.set()
    while not stop.is_set():
        t = time.monotonic()
        r = bc.timed_login(port, login, password, source="127.0.0.30",
                           timeout=30)
        out.append((t, r.get("s"), r.get("error")))
        stop.wait(every)
    return {"logins": out}


def chunk(a, pwfile, seconds):
    """One arc-loadgen interval: units and console connect, run, close."""
    cmd = [LOADGEN, "--target", "127.0.0.1:%d" % a.port, "--json",
           "--units", str(UNITS), "--first-account", "%X" % FIRST,
           "--rate", str(RATE), "--sources", "4", "--mix", MIX,
           "--duration", str(seconds), "--drain", "2",
           "--console", "127.0.0.1:%d" % a.cport, "--console-login",
           "loadgen", "--console-password-file", pwfile]
    r = subprocess.run(cmd, capture_output=True, text=True,
                       timeout=seconds + 120)
    if r.returncode != 0:
        raise RuntimeError("arc-loadgen: %s" % r.stderr[-2000:])
    return json.loads(r.stdout)


def at_rest(a, held):
    """arcd's RSS (KiB) and fds once the interval's units have gone (the
    abusers' `held` unit connections may stay)."""
    def gone():
        return (a.metric("connections") or 0) <= held
    try:
        wait_for(gone, 15, "the units to close")
    except AssertionError:
        pass            # sampled anyway; the gauge is printed beside it
    pid = a.proc.pid
    return {"rss_kib": bc_rss(pid), "fds": bc.fds(pid),
            "connections": a.metric("connections"),
            "consoles": a.metric("consoles"),
            "db_mb": sum(os.path.getsize(os.path.join(a.dir, f))
                         for f in os.listdir(a.dir)
                         if f.startswith("arc.db")) / 1e6}


def bc_rss(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS for %d" % pid)


def thirds(vals):
    """Medians of the first and the last third of vals."""
    k = max(1, len(vals) // 3)
    return statistics.median(vals[:k]), statistics.median(vals[-k:])


def soak_run(b):
    a = Arcd("max_connections = 19500\nmax_per_source = 19500\n" +
             ("" if os.environ.get("SOAK_DEFAULTS") == "1" else BOUNDS),
             verbose=False, console=True)
    kids = {}
    try:
        b.bulk_units(a, FIRST, UNITS)
        for op in ("loadgen", "watch", "rota"):
            a.operator(op, PASSWORD)
        pwfile = os.path.join(a.dir, "pw-loadgen")
        a.start()
        m0 = bc.metrics(a)
        kids["watch"] = bc.Child(bc.watch, a.cport, "watch", PASSWORD,
                                 "127.0.0.9", 0.5)
        kids["relogin"] = bc.Child(relogins, a.cport, "rota", PASSWORD,
                                   RELOGIN)
        kids["wrongpw"] = bc.Child(bg.wrong_passwords, a.cport, 2, 20, 4)
        kids["unauth"] = bc.Child(bg.hold, a.cport, 12, bg.addrs(2, 3))
        kids["unreg"] = bc.Child(bg.hold, a.port, 50, bg.addrs(4, 50), 2.0,
                                 0xF00000)
        for k, c in kids.items():
            if not c.wait_ready(120):
                raise RuntimeError("soak: %s did not start" % k)
        base = at_rest(a, 60)
        t_start = time.monotonic()
        samples = []
        n = max(3, int(round(SECONDS / INTERVAL)))
        for k in range(n):
            t0 = time.monotonic()
            r = chunk(a, pwfile, SECONDS / n)
            t1 = time.monotonic()
            s = at_rest(a, 60)
            s.update(t0=t0 - t_start, t1=t1 - t_start, loadgen=r)
            samples.append(s)
            print_interval(k + 1, s)
        m1 = bc.metrics(a)
        out = {k: c.stop() for k, c in kids.items()}
        kids = {}
        return {"base": base, "samples": samples, "kids": out,
                "t_start": t_start, "metrics": bc.delta(m0, m1)}
    finally:
        try:
            for c in kids.values():
                c.stop()
        finally:
            a.cleanup()


def print_interval(k, s):
    r = s["loadgen"]
    lat = r["latency_ms"]
    con = r.get("console", {})
    print("%-16s %2d  %4.0f-%4.0f s  ACK p50 %.2f p99 %.2f ms, %.0f acked/s;"
          " shown p99 P1 %.1f ms, all %.1f ms (%d shown); at rest: RSS "
          "%.1f MiB, fds %d, connections %s, db %.0f MB" % (
              "soak interval", k, s["t0"], s["t1"], lat["p50"], lat["p99"],
              r["acked_per_s"], con.get("p1_shown_ms", {}).get("p99", 0),
              con.get("shown_ms", {}).get("p99", 0),
              con.get("events_shown", 0), s["rss_kib"] / 1024.0, s["fds"],
              s["connections"], s["db_mb"]), flush=True)


def soak(b):
    """b: the bench module (results, ONLY, want, bulk_units)."""
    if not asked(b):
        return
    print("%-16s %.0f s at %d events/s from %d units in %.0f s intervals "
          "(a reconnect wave each), a console relogging every %.0f s, "
          "abusers on" % ("soak", SECONDS, RATE, UNITS, INTERVAL, RELOGIN),
          flush=True)
    run = soak_run(b)
    s = run["samples"]
    if len(s) < 3:
        raise RuntimeError("soak: %d intervals, 3 at least are needed "
                           "(SOAK_SECONDS %.0f, SOAK_INTERVAL %.0f)"
                           % (len(s), SECONDS, INTERVAL))
    kids = run["kids"]
    w, rl = kids.get("watch") or {}, kids.get("relogin") or {}
    if "pings" not in w:
        raise RuntimeError("soak: the watching console: %s" % w)
    t0 = run["t_start"]
    for x in s:
        x["ping"] = bc.watch_figures(w, t0 + x["t0"], t0 + x["t1"])
        x["logins"] = [v for t, v, e in rl.get("logins", [])
                       if t0 + x["t0"] <= t <= t0 + x["t1"] and v]
    rss = [x["rss_kib"] / 1024.0 for x in s]
    fds = [x["fds"] for x in s]
    p99 = [x["loadgen"]["latency_ms"]["p99"] for x in s]
    logins = [(v, e) for t, v, e in rl.get("logins", [])]
    ok = [v for v, e in logins if v is not None]
    if not ok:
        raise RuntimeError("soak: no console login succeeded: %s"
                           % logins[:5])
    res = {
        "intervals": [{"t0": x["t0"], "t1": x["t1"],
                       "rss_mib": x["rss_kib"] / 1024.0, "fds": x["fds"],
                       "ack_ms": x["loadgen"]["latency_ms"],
                       "unacked": x["loadgen"].get("unacked", 0),
                       "units_cut": x["loadgen"].get("lost", 0),
                       "console": {k: v for k, v in
                                   x["loadgen"].get("console", {}).items()
                                   if k != "error_kinds"},
                       "ping_ms": x["ping"].get("ping_ms"),
                       "logins_s": x["logins"]} for x in s],
        "seconds": SECONDS, "interval": INTERVAL, "rate": RATE,
        "units": UNITS, "base": run["base"],
        "rss_mib": rss, "fds": fds, "ack_p99_ms": p99,
        "rss_mib_thirds": thirds(rss), "fds_thirds": thirds(fds),
        "ack_p99_thirds": thirds(p99),
        "ping_p99_ms": [x["ping"].get("ping_ms", {}).get("p99") for x in s],
        "login_s": bc.summary(ok), "login_failed": len(logins) - len(ok),
        "login_errors": sorted({e for v, e in logins if v is None}),
        "acked": sum(x["loadgen"]["acked"] for x in s),
        "unacked": sum(x["loadgen"].get("unacked", 0) for x in s),
        "units_cut": sum(x["loadgen"].get("lost", 0) for x in s),
        "metrics": run["metrics"],
        "abusers": {k: kids.get(k) for k in ("wrongpw", "unauth", "unreg")},
    }
    b.results["soak"] = res
    r0, r1 = res["rss_mib_thirds"]
    f0, f1 = res["fds_thirds"]
    a0, a1 = res["ack_p99_thirds"]
    m = res["metrics"]
    print("%-16s RSS at rest %.1f MiB first third, %.1f MiB last third "
          "(%+.1f%%; before the load %.1f MiB, end %.1f MiB); fds %.0f -> %.0f "
          "(before the load %d); ACK p99 %.2f -> %.2f ms" % (
              "soak summary", r0, r1, 100.0 * (r1 - r0) / r0,
              run["base"]["rss_kib"] / 1024.0, rss[-1], f0, f1,
              run["base"]["fds"], a0, a1), flush=True)
    print("%-16s %d events ACKed, %d never; unit connections cut %d "
          "(no valid frame within first_frame_timeout: %d); relogins %d, median %.3f s, "
          "max %.3f s, %d failed %s; watcher ping p99 per interval %s ms; "
          "alarms opened %d, console logins %d, wrong passwords %d, "
          "unauthenticated evicted/timed out %d, unregistered limited %d" % (
              "soak consoles", res["acked"], res["unacked"],
              res["units_cut"], m.get("connections_no_valid_frame", 0),
              len(logins),
              res["login_s"]["median"], res["login_s"]["max"],
              res["login_failed"], res["login_errors"] or "",
              " ".join("%.1f" % v if v is not None else "-"
                       for v in res["ping_p99_ms"]),
              m.get("alarms_opened", 0), m.get("console_logins", 0),
              m.get("console_login_failures", 0),
              m.get("console_unauthenticated_evicted", 0) +
              m.get("console_login_timeouts", 0),
              m.get("unregistered_rate_limited", 0) +
              m.get("unregistered_global_limited", 0)), flush=True)
