"""make bench: arc's throughput, latency and memory figures, each beside a
bare libevent echo baseline measured in the same run (arc-echo: same
frames, a reply without parsing or storage), so every figure is also a
ratio. Prints a table; BENCH_RUNS runs of BENCH_SECONDS each, medians.

This is a benchmark, not a test: it measures and prints, it asserts
nothing. Targets are in docs/BENCHMARKS.md.
"""
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "integration"))
from arctest import BUILD, LOADGEN, Arcd, free_port, wait_for  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
ONLY = os.environ.get("BENCH_ONLY", "")
KEY = "ascii:AAAAAAAAAAAAAAAA"
results = {}


def loadgen(port, *args, duration=SECONDS, cpu=None):
    """An arc-loadgen run; cpu: pinned to that CPU (taskset)."""
    cmd = [LOADGEN, "--target", "127.0.0.1:%d" % port, "--json",
           "--duration", str(duration), "--drain", "5"] + list(args)
    if cpu is not None:
        cmd = ["taskset", "-c", str(cpu)] + cmd
    r = subprocess.run(cmd, capture_output=True, text=True,
                       timeout=duration + 120)
    if r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr))
    return json.loads(r.stdout)


def record(name, runs, field="acked_per_s"):
    vals = [r[field] if field != "p99" else r["latency_ms"]["p99"]
            for r in runs]
    results[name] = {"median": statistics.median(vals), "runs": vals,
                     "last": runs[-1]}
    return results[name]["median"]


def cpu_s(pid):
    """User + system CPU seconds of a process so far."""
    with open("/proc/%d/stat" % pid) as f:
        v = f.read().rsplit(")", 1)[1].split()
    return (int(v[11]) + int(v[12])) / os.sysconf("SC_CLK_TCK")


def thread_cpu(pid):
    """{tid: (name, user + system CPU seconds)} of every thread of a
    process so far."""
    out = {}
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                v = f.read().rsplit(")", 1)[1].split()
            with open("/proc/%d/task/%s/comm" % (pid, tid)) as f:
                name = f.read().strip()
        except OSError:     # the thread has just exited
            continue
        out[int(tid)] = (name, (int(v[11]) + int(v[12]))
                         / os.sysconf("SC_CLK_TCK"))
    return out


def thread_split(pid, before, after, events):
    """CPU microseconds per event of arcd's network thread (tid == pid),
    its store writer and all other threads, between two thread_cpu()
    readings. The writer is the thread named "arc-store"; in a build whose
    threads are all named "arcd", the busiest thread but the main one."""
    used = {t: after[t][1] - before.get(t, ("", 0.0))[1] for t in after}
    net = used.pop(pid, 0.0)
    named = [t for t in used if after[t][0] == "arc-store"]
    if named:
        writer = named[0]
    else:
        writer = max(used, key=used.get) if used else None
    w = used.pop(writer) if writer is not None else 0.0
    per = 1e6 / max(events, 1)
    return {"net_us": net * per, "writer_us": w * per,
            "other_us": sum(used.values()) * per}


def timed(pid, port, *args, threads=False, cpu=None):
    """A loadgen run, with the server's CPU microseconds per event;
    threads: also per thread (r["threads"], see thread_split); cpu: the
    CPU loadgen is pinned to."""
    t0 = thread_cpu(pid) if threads else None
    c0 = cpu_s(pid)
    r = loadgen(port, *args, cpu=cpu)
    r["server_us_per_event"] = (cpu_s(pid) - c0) * 1e6 / max(r["acked"], 1)
    if threads:
        r["threads"] = thread_split(pid, t0, thread_cpu(pid), r["acked"])
    return r


def pin(pid, cpu):
    """Every thread of a running process onto one CPU."""
    for tid in os.listdir("/proc/%d/task" % pid):
        try:
            os.sched_setaffinity(int(tid), {cpu})
        except OSError:     # the thread has just exited
            pass


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def echo_server(cpu=None):
    port = free_port()
    cmd = [os.path.join(BUILD, "arc-echo"), "-L", "tcp=127.0.0.1:%d" % port,
           "-L", "udp=127.0.0.1:%d" % port]
    if cpu is not None:
        cmd = ["taskset", "-c", str(cpu)] + cmd
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    time.sleep(0.3)
    return p, port


def bulk_units(arcd, first, n, key=None):
    arcd.rows("SELECT 1")  # the file exists
    import sqlite3
    c = sqlite3.connect(arcd.db)
    c.executemany("INSERT INTO unit (account, key) VALUES (?, ?)",
                  [("%06X" % (first + i), key) for i in range(n)])
    c.commit()
    c.close()


def want(name):
    return not ONLY or ONLY in name


CASES = [
    # name, loadgen args, units, first account, key
    ("plain-tcp", ["--closed", "--units", "1000"], 0x100000),
    ("aes128-tcp", ["--closed", "--units", "1000", "--key", KEY], 0x200000),
    ("reconnect", ["--closed", "--units", "200", "--reconnect"], 0x100000),
    ("udp", ["--closed", "--units", "1000", "--udp"], 0x100000),
]


def throughput():
    for name, args, first in CASES:
        if not want(name):
            continue
        echo_runs, arc_runs = [], []
        for _ in range(RUNS):
            p, port = echo_server()
            try:
                echo_runs.append(timed(p.pid, port, "--first-account",
                                       "%X" % first, *args))
            finally:
                p.send_signal(signal.SIGTERM)
                p.wait()
            a = Arcd("max_connections = 19500\nmax_per_source = 19500\n",
                 verbose=False)
            try:
                bulk_units(a, 0x100000, 1000)
                bulk_units(a, 0x200000, 1000, KEY)
                a.start()
                arc_runs.append(timed(a.proc.pid, a.uport if "--udp" in args
                                      else a.port, "--first-account",
                                      "%X" % first, *args, threads=True))
            finally:
                a.cleanup()
        e = record("echo " + name, echo_runs)
        m = record("arcd " + name, arc_runs)
        ratios = [a["acked_per_s"] / b["acked_per_s"]
                  for a, b in zip(arc_runs, echo_runs) if b["acked_per_s"]]
        ecpu = statistics.median(r["server_us_per_event"] for r in echo_runs)
        acpu = statistics.median(r["server_us_per_event"] for r in arc_runs)
        results["ratio " + name] = {"median": statistics.median(ratios),
                                    "runs": ratios}
        th = {k: statistics.median(r["threads"][k] for r in arc_runs)
              for k in ("net_us", "writer_us", "other_us")}
        results["cpu " + name] = dict({"arcd_us": acpu, "echo_us": ecpu},
                                      **th)
        print("%-12s arcd %7.0f/s  echo %7.0f/s  ratio %.2f  "
              "cpu/event arcd %.1f us echo %.1f us  (arcd runs: %s)  "
              "arcd threads: net %.1f writer %.1f other %.1f us"
              % (name, m, e, statistics.median(ratios), acpu, ecpu,
                 " ".join("%.0f" % r["acked_per_s"] for r in arc_runs),
                 th["net_us"], th["writer_us"], th["other_us"]), flush=True)


def pinned():
    """plain-tcp with the server on CPU 0 and arc-loadgen on CPU 1: how
    single-threaded receivers are compared. arcd's network thread and its
    store writer share CPU 0 (arcd on one core)."""
    name, args, first = CASES[0]
    name += " pinned"
    if not want("pinned"):
        return
    if (os.cpu_count() or 1) < 2 or \
            not {0, 1} <= os.sched_getaffinity(0):
        print("%-12s skipped: needs CPUs 0 and 1 (%d CPUs, allowed %s)"
              % (name, os.cpu_count() or 1,
                 sorted(os.sched_getaffinity(0))), flush=True)
        return
    if not shutil.which("taskset"):
        print("%-12s skipped: no taskset (util-linux)" % name, flush=True)
        return
    args = ["--first-account", "%X" % first] + args
    echo_runs, arc_runs = [], []
    for _ in range(RUNS):
        p, port = echo_server(cpu=0)
        try:
            echo_runs.append(timed(p.pid, port, *args, cpu=1))
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait()
        a = Arcd("max_connections = 19500\nmax_per_source = 19500\n",
                 verbose=False)
        try:
            bulk_units(a, 0x100000, 1000)
            bulk_units(a, 0x200000, 1000, KEY)
            a.start()
            pin(a.proc.pid, 0)
            arc_runs.append(timed(a.proc.pid, a.port, *args, threads=True,
                                  cpu=1))
        finally:
            a.cleanup()
    e = record("echo " + name, echo_runs)
    m = record("arcd " + name, arc_runs)
    ratios = [a["acked_per_s"] / b["acked_per_s"]
              for a, b in zip(arc_runs, echo_runs) if b["acked_per_s"]]
    cpu = {"arcd_us": statistics.median(r["server_us_per_event"]
                                        for r in arc_runs),
           "echo_us": statistics.median(r["server_us_per_event"]
                                        for r in echo_runs)}
    for k in ("net_us", "writer_us", "other_us"):
        cpu[k] = statistics.median(r["threads"][k] for r in arc_runs)
    results["ratio " + name] = {"median": statistics.median(ratios),
                                "runs": ratios}
    results["cpu " + name] = cpu
    print("%-12s arcd %7.0f/s  echo %7.0f/s  ratio %.2f  cpu/event arcd "
          "%.1f us (net %.1f writer %.1f other %.1f) echo %.1f us  "
          "(arcd runs: %s)  server on CPU 0, loadgen on CPU 1"
          % (name, m, e, statistics.median(ratios), cpu["arcd_us"],
             cpu["net_us"], cpu["writer_us"], cpu["other_us"],
             cpu["echo_us"],
             " ".join("%.0f" % r["acked_per_s"] for r in arc_runs)),
          flush=True)


def latency():
    if not want("latency"):
        return
    runs, echo = [], []
    for _ in range(RUNS):
        p, port = echo_server()
        try:
            echo.append(loadgen(port, "--units", "10000", "--rate", "1000",
                                "--sources", "4", duration=10))
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait()
        a = Arcd("max_connections = 19500\nmax_per_source = 19500\n",
                 verbose=False)
        try:
            bulk_units(a, 0x100000, 10000)
            a.start()
            runs.append(loadgen(a.port, "--units", "10000", "--rate", "1000",
                                "--sources", "4", duration=10))
        finally:
            a.cleanup()
    p99 = record("arcd latency 1000/s 10k conns", runs, "p99")
    e99 = record("echo latency 1000/s 10k conns", echo, "p99")
    l = runs[-1]["latency_ms"]
    print("%-22s arcd p50 %.3f p99 %.3f p99.9 %.3f max %.3f ms   echo p99 %.3f"
          " ms   (p99 runs: %s)" % ("ack latency", l["p50"], p99, l["p999"],
                                    l["max"], e99,
                                    " ".join("%.3f" % r["latency_ms"]["p99"]
                                             for r in runs)), flush=True)


def console_latency():
    """Frame sent to alarm shown on a logged-in console that accepts and
    closes everything, at 1,000 events/s over 10,000 connections."""
    if not want("console latency"):
        return
    runs = []
    for _ in range(RUNS):
        a = Arcd("max_connections = 19500\nmax_per_source = 19500\n",
                 verbose=False, console=True)
        try:
            bulk_units(a, 0x100000, 10000)
            a.operator("loadgen", "bench-pass-1")
            pw = os.path.join(a.dir, "pw-loadgen")
            a.start()
            runs.append(loadgen(a.port, "--units", "10000", "--rate", "1000",
                                "--sources", "4", "--console",
                                "127.0.0.1:%d" % a.cport, "--console-login",
                                "loadgen", "--console-password-file", pw,
                                duration=10))
        finally:
            a.cleanup()
    for r in runs:
        r["shown_p99"] = r["console"]["shown_ms"]["p99"]
        r["p1_p99"] = r["console"]["p1_shown_ms"]["p99"]
    p99 = record("arcd console shown 1000/s 10k conns", runs, "shown_p99")
    p1 = record("arcd console P1 shown 1000/s 10k conns", runs, "p1_p99")
    c = runs[-1]["console"]
    s, p = c["shown_ms"], c["p1_shown_ms"]
    print("%-22s shown p50 %.3f p99 %.3f p99.9 %.3f max %.3f ms   P1 p50 %.3f"
          " p99 %.3f ms   ack p99 %.3f ms   shown %d/%d acked, not shown %d,"
          " closed %d, errors %d   (p99 runs: %s)"
          % ("console latency", s["p50"], p99, s["p999"], s["max"], p["p50"],
             p1, runs[-1]["latency_ms"]["p99"], c["events_shown"],
             runs[-1]["acked"], c["not_shown"], c["closed"], c["errors"],
             " ".join("%.3f" % r["shown_p99"] for r in runs)), flush=True)


def idle():
    if not want("idle"):
        return
    per = []
    for _ in range(RUNS):
        a = Arcd("max_connections = 19500\nmax_per_source = 19500\n"
                 "idle_timeout = 3600\n", verbose=False)
        try:
            bulk_units(a, 0x100000, 19000)
            a.start()
            wait_for(lambda: a.metric("connections_accepted") is not None, 10)
            before = rss_kib(a.proc.pid)
            lg = subprocess.Popen(
                [LOADGEN, "--target", "127.0.0.1:%d" % a.port, "--units",
                 "19000", "--rate", "0", "--sources", "8", "--duration",
                 "60", "--drain", "0", "--json"], stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL, text=True)

            def held():
                t = a.metric("connections_accepted") or 0
                return t >= 19000
            wait_for(held, 60, "19,000 connections")
            time.sleep(1)
            after = rss_kib(a.proc.pid)
            conns = a.metric("connections_accepted") - \
                (a.metric("connections_closed") or 0)
            lg.send_signal(signal.SIGINT)
            lg.communicate(timeout=30)
            per.append((after - before) * 1024.0 / conns)
        finally:
            a.cleanup()
    results["idle bytes per connection"] = {"median": statistics.median(per),
                                            "runs": per}
    print("%-22s %d held; arcd memory per idle connection %.0f bytes "
          "(runs: %s)" % ("idle connections", conns, statistics.median(per),
                          " ".join("%.0f" % x for x in per)), flush=True)


class QueueWatcher:
    """A passive console: the longest queue an operator saw (open alarms
    that are not members of an incident) and whether a P1 was ever behind
    a technical alarm in it."""

    def __init__(self, port, login, password):
        import threading
        from consoleclient import Console
        self.c = Console(port)
        self.c.login(login, password)
        self.open = {a["id"]: a for a in self.c.snapshot["alarms"]}
        self.max_rows = len(self.open)
        self.p1_behind = 0
        self.stop = False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop:
            try:
                m = self.c.read(0.5)
            except Exception:
                continue
            # Protocol 2: the whole alarm once, then what changed; the
            # client keeps the sum.
            if m.get("type") not in ("alarm", "alarm_update"):
                continue
            a = self.c.alarms.get(m["alarm"]["id"], m["alarm"])
            if "class" not in a or "opened_at" not in a:
                continue
            if a["state"] == "closed" or a.get("incident_id"):
                self.open.pop(a["id"], None)
            else:
                self.open[a["id"]] = a
            rows = sorted(self.open.values(),
                          key=lambda x: (x["class"], x["opened_at"], x["id"]))
            self.max_rows = max(self.max_rows, len(rows))
            seen_tech = False
            for r in rows:      # queue order: a P1 after a P3 is a defect
                seen_tech = seen_tech or r["class"] == 3
                if r["class"] == 1 and seen_tech:
                    self.p1_behind += 1
                    break

    def close(self):
        self.stop = True
        self.t.join(2)
        self.c.close()


def storm():
    """The storm scenario: 10,000 units, 5,000 "mains lost" within 30 s,
    then every unit reconnects at once, pendants throughout."""
    if not want("storm"):
        return
    pw = "bench-password-1"
    a = Arcd("max_connections = 19500\nmax_per_source = 19500\n",
             verbose=False, console=True)
    try:
        bulk_units(a, 0x100000, 10000)
        a.operator("loadgen", pw)
        a.operator("watch", pw)
        pwfile = os.path.join(a.dir, "pw")
        with open(pwfile, "w") as f:
            f.write(pw + "\n")
        a.start()
        w = QueueWatcher(a.cport, "watch", pw)
        r = loadgen(a.port, "--scenario", "storm", "--units", "10000",
                    "--sources", "4", "--rate", "20", "--storm-spread", "30",
                    "--console", "127.0.0.1:%d" % a.cport,
                    "--console-login", "loadgen",
                    "--console-password-file", pwfile,
                    "--console-urgent-only", duration=60)
        w.close()
        stored = a.rows("SELECT count(*) FROM event WHERE raw_code = '301'")[0][0]
        incidents = a.rows("SELECT count(*) FROM alarm WHERE account LIKE '*%'")[0][0]
    finally:
        a.cleanup()
    con = r.get("console", {})
    p1 = con.get("p1_shown_ms", {})
    results["storm"] = {"p1_shown_ms": p1, "technical_stored": stored,
                        "incidents": incidents, "max_queue_rows": w.max_rows,
                        "p1_behind_technical": w.p1_behind, "loadgen": r}
    print("%-22s P1 frame->console p50 %.3f p99 %.3f max %.3f ms; mains "
          "stored %d; incidents %d; longest queue %d rows; P1 behind a "
          "technical alarm: %d" % ("storm", p1.get("p50", 0), p1.get("p99", 0),
                                   p1.get("max", 0), stored, incidents,
                                   w.max_rows, w.p1_behind), flush=True)


def main():
    print("arc benchmarks: %d runs of %.0f s each, medians; loopback, "
          "durable (synchronous=FULL) storage" % (RUNS, SECONDS), flush=True)
    throughput()
    pinned()
    latency()
    console_latency()
    idle()
    storm()
    # Issue 9's scenarios live in their own modules; each takes this one.
    import bench_queue
    import bench_guard
    import bench_soak
    import bench_ladder
    me = sys.modules[__name__]
    bench_queue.queue(me)
    bench_guard.abuse(me)
    bench_soak.soak(me)
    bench_ladder.ladder(me)
    out = os.path.join(BUILD, "bench.json")
    with open(out, "w") as f:
        json.dump(results, f, indent=1)
    print("figures written to %s" % out)


if __name__ == "__main__":
    main()
