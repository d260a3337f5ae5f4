"""BENCH_ONLY=queue: a big queue. 5,000 open alarms with 200 notes and 25
events each (written into the database before arcd starts, row for row
what arcd would have written, the audit chain included), then, while
arc-loadgen drives 1,000 events/s into those alarms: consoles logging in
one after another, one every 2 s (BENCH_QUEUE_LOGIN_EVERY; connect to
snapshot_end), another console already
logged in (its ping round trip and the lag of the deltas it is pushed)
and the units' ACK latency, against a baseline run without the logins.

A benchmark: it measures and prints, it asserts nothing. Called from
bench.py's main(); docs/BENCHMARKS.md has the figures.
"""
import hashlib
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time

from arctest import LOADGEN, Arcd, frame, wait_for
import bench_console as bc

ALARMS = int(os.environ.get("BENCH_QUEUE_ALARMS", "5000"))
NOTES = int(os.environ.get("BENCH_QUEUE_NOTES", "200"))
EVENTS = 25                 # per alarm: more than the window of 20
FIRST = 0x300000            # the queue's units
SECONDS = 20                # each loadgen run
LOGIN_EVERY = float(os.environ.get("BENCH_QUEUE_LOGIN_EVERY", "2"))
MIX = "pendant=20,test=70,restore=10"
PASSWORD = "bench-queue-pass-1"
OPERATORS = ["op%d" % i for i in range(1, 6)]

NOTE_TEXTS = [
    "Called client, no answer. Calling first responder.",
    "Spoke to %s: fine, pressed the pendant by accident while dressing.",
    "Son %s says he will look in within the hour; will call back to check.",
    "No speech on the line, only a television. Sending the mobile warden.",
    "Warden on site 14:32, client on the floor but unhurt, helped to chair.",
    "Client confused about the day; GP surgery informed, daughter too.",
    "Key safe code confirmed with the warden; back door was locked.",
    "Ambulance requested, reference 4471; client conscious and talking.",
]
FIRST_NAMES = ["Mary", "John", "Margaret", "George", "Joan", "Arthur",
               "Dorothy", "Harold", "Betty", "Albert"]
LAST_NAMES = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson",
              "Johnson", "Davies", "Patel", "Wright"]


def audit_hash(prev, rid, at, actor, action, subject, detail):
    """db_audit.c's chain: SHA-256(prev || "id\\nat\\n" || len:field\\n...)."""
    h = hashlib.sha256()
    if prev is not None:
        h.update(prev)
    h.update(b"%d\n%d\n" % (rid, at))
    for f in (actor, action, subject, detail):
        b = f.encode()
        h.update(b"%d:" % len(b) + b + b"\n")
    return h.digest()


def seed(db, n=ALARMS, notes=NOTES, events=EVENTS, rng=None):
    """n units with clients (card, two responders, a pendant zone), each
    with one waiting P1 alarm of `events` pendant presses (linked at
    insert, as arcd does) and `notes` notes, and the audit rows arcd
    writes for them ("open", "note"), chained from the head arcctl left.
    Returns the seconds it took."""
    rng = rng or random.Random(9)
    t0 = time.monotonic()
    now = int(time.time() * 1000)
    start = now - 3000 * 1000           # the queue built over 50 minutes
    c = sqlite3.connect(db)
    c.execute("PRAGMA synchronous=OFF")
    c.execute("BEGIN")
    for i in range(n):
        name = "%s %s" % (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES))
        c.execute("INSERT INTO client (id, ref, name, born, address, phone, "
                  "language, medical, access, response_level) VALUES "
                  "(?, ?, ?, ?, ?, ?, 'en', ?, ?, 'L2')",
                  (i + 1, "C-%05d" % i, name, "19%02d-%02d-%02d" %
                   (20 + i % 30, 1 + i % 12, 1 + i % 28),
                   "%d Station Road, Coventry CV%d %dAA" % (i + 1, 1 + i % 9,
                                                           i % 9),
                   "+44 24 7600 %04d" % i,
                   "diabetic; hip replacement 2019; lives alone",
                   "key safe %04d by back door; dog friendly" % i))
        for k in (1, 2):
            rid = 2 * i + k
            c.execute("INSERT INTO responder (id, name, phones, relation, "
                      "availability) VALUES (?, ?, ?, ?, ?)",
                      (rid, "%s %s" % (rng.choice(FIRST_NAMES),
                                       name.split()[1]),
                       "+44 7700 9%05d" % rid,
                       "son" if k == 1 else "neighbour",
                       "evenings" if k == 1 else "any time"))
            c.execute("INSERT INTO client_responder (client_id, "
                      "responder_id, rank) VALUES (?, ?, ?)", (i + 1, rid, k))
    c.executemany("INSERT INTO unit (id, account, client) VALUES (?, ?, ?)",
                  [(i + 1, "%06X" % (FIRST + i), "C-%05d" % i)
                   for i in range(n)])
    c.executemany("INSERT INTO zone (unit_id, zone, label) VALUES "
                  "(?, '001', 'pendant')", [(i + 1,) for i in range(n)])
    uid = {r[1]: r[0] for r in c.execute("SELECT id, account FROM unit")}

    audits = []                 # (at, actor, action, subject, detail)
    ev_rows, alarm_rows, note_rows = [], [], []
    for i in range(n):
        acct = "%06X" % (FIRST + i)
        aid = i + 1
        opened = start + i * 3000 * 1000 // (2 * n)
        at = [opened + k * 60000 * 1000 // (events * 60) for k in
              range(events)]
        for k, t in enumerate(at):
            stamp = time.strftime("%H:%M:%S,%m-%d-%Y",
                                  time.gmtime(t // 1000))
            body = '"ADM-CID"%04dR1L1#%s[#%s|1101 01 001]_%s' % (
                k + 1, acct, acct, stamp)
            ev_rows.append((uid[acct], acct, k + 1,
                            rng.getrandbits(63) - (1 << 62), t // 1000, t,
                            "127.0.0.%d:%d/tcp" % (1 + i % 4, 30000 + i),
                            frame(body), aid))
        alarm_rows.append((aid, uid[acct], acct, opened, at[-1], events))
        audits.append((opened, "arcd", "open", "alarm %d" % aid,
                       "QA P1 seq 0001 from %s" % acct))
        for k in range(notes):
            t = opened + 1000 + k * 7000
            op = OPERATORS[(i + k) % len(OPERATORS)]
            text = rng.choice(NOTE_TEXTS)
            if "%s" in text:
                text = text % rng.choice(FIRST_NAMES)
            note_rows.append((aid, t, op, text))
            audits.append((t, op, "note", "alarm %d" % aid, text))
    c.executemany(
        "INSERT INTO event (unit_id, protocol, account, seq, token, dedupe, "
        "part, code, raw_code, class, qualifier, area, zone, device_time, "
        "received_at, source, flags, raw, dup_count, alarm_id) VALUES "
        "(?, 'dc09', ?, ?, 'ADM-CID', ?, 0, 'QA', '101', 1, '1', '01', "
        "'001', ?, ?, ?, 0, ?, 0, ?)", ev_rows)
    c.executemany(
        "INSERT INTO alarm (id, unit_id, account, class, code, state, "
        "opened_at, last_at, count) VALUES (?, ?, ?, 1, 'QA', 'waiting', "
        "?, ?, ?)", alarm_rows)
    c.executemany("INSERT INTO alarm_note (alarm_id, at, operator, text) "
                  "VALUES (?, ?, ?, ?)", note_rows)
    seq, prev = c.execute("SELECT seq, hash FROM audit_head").fetchone()
    prev = prev if seq > 0 else None
    audits.sort(key=lambda a: a[0])
    rows = []
    for a in audits:
        seq += 1
        prev = audit_hash(prev, seq, *a)
        rows.append((seq,) + a + (prev,))
    c.executemany("INSERT INTO audit (id, at, actor, action, subject, "
                  "detail, hash) VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    c.execute("UPDATE meta SET value = (SELECT max(id) FROM event) "
              "WHERE key = 'alarm_hwm'")
    c.execute("COMMIT")
    c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    c.close()
    return time.monotonic() - t0


def template():
    """An arcd (not started) whose database holds the seeded queue and the
    operators; its files are copied for each run."""
    t = Arcd("", verbose=False, console=True)
    for op in OPERATORS + ["watch"]:
        t.operator(op, PASSWORD)
    took = seed(t.db)
    r = t.arcctl("audit", "verify", check=False)
    print("%-22s %d alarms x %d notes x %d events seeded in %.1f s; "
          "database %.0f MB; arcctl audit verify: %s"
          % ("queue", ALARMS, NOTES, EVENTS, took,
             os.path.getsize(t.db) / 1e6,
             (r.stdout + r.stderr).strip().splitlines()[-1:]), flush=True)
    return t


def fresh(tpl):
    """A new arcd on a copy of the template's database."""
    a = Arcd("max_connections = 19500\nmax_per_source = 19500\n",
             verbose=False, console=True)
    for f in os.listdir(a.dir):
        if f.startswith("arc.db"):
            os.unlink(os.path.join(a.dir, f))
    for f in os.listdir(tpl.dir):
        if f.startswith("arc.db"):
            shutil.copy(os.path.join(tpl.dir, f), os.path.join(a.dir, f))
    t0 = time.monotonic()
    a.start()
    a.startup_s = time.monotonic() - t0
    return a


def loadgen_start(a, seconds):
    cmd = [LOADGEN, "--target", "127.0.0.1:%d" % a.port, "--json",
           "--units", str(ALARMS), "--first-account", "%X" % FIRST,
           "--rate", "1000", "--sources", "4", "--mix", MIX,
           "--duration", str(seconds), "--drain", "5"]
    return subprocess.Popen(cmd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def loadgen_end(p, timeout):
    import json
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise
    if p.returncode != 0:
        raise RuntimeError("arc-loadgen: %s" % err[-2000:])
    return json.loads(out)


def connected(a, n):
    m = bc.metrics(a)
    return m.get("connections_accepted", 0) - \
        m.get("connections_closed", 0) >= n


def one_run(tpl, storm, b):
    """One arcd on the seeded queue, a watching console, one loadgen run;
    storm: a login every LOGIN_EVERY seconds (back to back if one takes
    longer) while it runs, one operator after another."""
    a = fresh(tpl)
    w, lg, logins = None, None, []
    try:
        rss0 = rss_kib(a.proc.pid)
        w = bc.Child(bc.watch, a.cport, "watch", PASSWORD, "127.0.0.9")
        if not w.wait_ready(180):
            raise RuntimeError("the watching console did not log in")
        lg = loadgen_start(a, SECONDS)
        wait_for(lambda: connected(a, ALARMS), 60, "the units to connect")
        th0 = b.thread_cpu(a.proc.pid)
        t0 = time.monotonic()
        end = t0 + SECONDS - 1
        k = 0
        while storm and time.monotonic() < end:
            due = t0 + 1 + k * LOGIN_EVERY
            if due > time.monotonic():
                time.sleep(min(due, end) - time.monotonic())
                continue
            r = bc.timed_login(a.cport, OPERATORS[k % len(OPERATORS)],
                               PASSWORD, source="127.0.0.%d" % (20 + k % 4))
            logins.append(r)
            k += 1
        if not storm:
            time.sleep(max(0, end - time.monotonic()))
        t1 = time.monotonic()
        th1 = b.thread_cpu(a.proc.pid)
        res = loadgen_end(lg, SECONDS + 120)
        lg = None
        rss1 = rss_kib(a.proc.pid)
        wres = w.stop()
        w = None
        return {"loadgen": res, "logins": logins,
                "watch": bc.watch_figures(wres, t0, t1),
                "startup_s": a.startup_s, "rss_kib_loaded": rss0,
                "rss_kib_after": rss1, "metrics": bc.metrics(a),
                "net_cpu": net_cpu(a.proc.pid, th0, th1) / (t1 - t0)}
    finally:
        try:
            if lg is not None:
                lg.kill()
                lg.communicate()
            if w is not None:
                w.stop()
        finally:
            a.cleanup()


def net_cpu(pid, before, after):
    """CPU seconds of arcd's network thread (tid == pid) between two
    bench.thread_cpu() readings."""
    return after[pid][1] - before.get(pid, ("", 0.0))[1]


def rss_kib(pid):
    import re
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def queue(b):
    """b: the bench module (results, want, RUNS)."""
    if not b.want("queue"):
        return
    disk0 = bc.fsync_probe(tempfile.gettempdir())
    tpl = template()
    base, storm = [], []
    try:
        for i in range(b.RUNS):
            # Alternate which goes first: the machine's neighbours change.
            order = (False, True) if i % 2 == 0 else (True, False)
            for s in order:
                (storm if s else base).append(one_run(tpl, s, b))
    finally:
        tpl.cleanup()
    disk1 = bc.fsync_probe(tempfile.gettempdir())
    logins = [l for r in storm for l in r["logins"]]
    ok = [l for l in logins if "s" in l]
    login_s = [l["s"] for l in ok]
    res = {
        "runs": b.RUNS, "alarms": ALARMS, "notes": NOTES, "events": EVENTS,
        "mix": MIX,
        "login_s": bc.summary(login_s),
        "login_failed": len(logins) - len(ok),
        "logins": len(logins),
        "login_reply_s": bc.summary([l.get("reply_s") for l in ok]),
        "login_client_cpu_s": bc.summary([l["cpu_s"] for l in ok]),
        "snapshot_bytes": statistics.median([l["bytes"] for l in ok])
        if ok else None,
        "snapshot_alarms": statistics.median([l["alarms"] for l in ok])
        if ok else None,
        "ack_p99_base": [r["loadgen"]["latency_ms"]["p99"] for r in base],
        "ack_p99_storm": [r["loadgen"]["latency_ms"]["p99"] for r in storm],
        "ack_rate_base": [r["loadgen"]["acked_per_s"] for r in base],
        "ack_rate_storm": [r["loadgen"]["acked_per_s"] for r in storm],
        "ping_p99_base": [r["watch"].get("ping_ms", {}).get("p99")
                          for r in base],
        "ping_p99_storm": [r["watch"].get("ping_ms", {}).get("p99")
                           for r in storm],
        "ping_max_storm": [r["watch"].get("ping_ms", {}).get("max")
                           for r in storm],
        "lag_p99_base": [r["watch"].get("push_lag_ms", {}).get("p99")
                         for r in base],
        "lag_p99_storm": [r["watch"].get("push_lag_ms", {}).get("p99")
                          for r in storm],
        "lag_max_storm": [r["watch"].get("push_lag_ms", {}).get("max")
                          for r in storm],
        "gap_max_storm": [r["watch"].get("push_gap_max_ms") for r in storm],
        "pushes_storm": [r["watch"].get("push_lag_ms", {}).get("n")
                         for r in storm],
        "startup_s": [r["startup_s"] for r in base + storm],
        "rss_mib_loaded": [r["rss_kib_loaded"] / 1024 for r in base + storm],
        "rss_mib_after": [r["rss_kib_after"] / 1024 for r in base + storm],
        "watch_errors": [r["watch"].get("error") for r in base + storm
                         if r["watch"].get("error")],
        "fsync_ms": [disk0, disk1],
        "net_cpu_base": [r["net_cpu"] for r in base],
        "net_cpu_storm": [r["net_cpu"] for r in storm],
        "logins_per_s": [len(r["logins"]) / (SECONDS - 1) for r in storm],
    }
    # The network thread's CPU a login costs: what the logins added,
    # pairing each run with logins with the median run without.
    nb = statistics.median(res["net_cpu_base"])
    res["net_cpu_per_login_s"] = statistics.median(
        (c - nb) / max(n, 1e-9) for c, n in zip(res["net_cpu_storm"],
                                                  res["logins_per_s"]))
    b.results["queue"] = res
    med = lambda v: statistics.median([x for x in v if x is not None]) \
        if any(x is not None for x in v) else float("nan")
    ls = res["login_s"]
    print("%-22s login (connect -> snapshot_end) median %.3f s max %.3f s "
          "over %d logins (%d failed; reply %.3f s; client CPU %.3f s); "
          "snapshot %.1f MB, %d alarms" %
          ("queue login", ls["median"] or 0, ls["max"] or 0, ls["n"],
           res["login_failed"], res["login_reply_s"]["median"] or 0,
           res["login_client_cpu_s"]["median"] or 0,
           (res["snapshot_bytes"] or 0) / 1e6, res["snapshot_alarms"] or 0),
          flush=True)
    print("%-22s ACK p99 %.3f ms during logins vs %.3f ms without (runs: "
          "%s / %s); acked/s %.0f vs %.0f" %
          ("queue ack", med(res["ack_p99_storm"]), med(res["ack_p99_base"]),
           " ".join("%.2f" % x for x in res["ack_p99_storm"]),
           " ".join("%.2f" % x for x in res["ack_p99_base"]),
           med(res["ack_rate_storm"]), med(res["ack_rate_base"])),
          flush=True)
    print("%-22s other console: ping p99 %.2f ms (max %.1f) during logins "
          "vs %.2f ms without; delta lag p99 %.2f ms (max %.1f) vs %.2f ms; "
          "longest gap between deltas %.1f ms; %s deltas a run" %
          ("queue other console", med(res["ping_p99_storm"]),
           med(res["ping_max_storm"]), med(res["ping_p99_base"]),
           med(res["lag_p99_storm"]), med(res["lag_max_storm"]),
           med(res["lag_p99_base"]), med(res["gap_max_storm"]),
           res["pushes_storm"]), flush=True)
    print("%-22s arcd's network thread busy %.0f%% during logins vs %.0f%% "
          "without: %.0f ms of its CPU a login" % (
              "queue network thread", 100 * med(res["net_cpu_storm"]),
              100 * med(res["net_cpu_base"]),
              1000 * res["net_cpu_per_login_s"]), flush=True)
    print("%-22s arcd start-up %.2f s; RSS with the queue loaded %.0f MiB, "
          "after the run %.0f MiB%s" %
          ("queue memory", med(res["startup_s"]), med(res["rss_mib_loaded"]),
           med(res["rss_mib_after"]),
           ("; watcher errors: %s" % res["watch_errors"])
           if res["watch_errors"] else ""), flush=True)
    print("%-22s fdatasync p50 %.2f p99 %.2f ms before, p50 %.2f p99 %.2f ms"
          " after (a shared disk)" % ("queue disk", disk0["p50"],
                                      disk0["p99"], disk1["p50"],
                                      disk1["p99"]), flush=True)
