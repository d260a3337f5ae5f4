"""BENCH_ONLY=ladder: an operator's "send responder" to the page at the
responder's MQTT client. A real Mosquitto broker and arcd; an operator's
console takes an alarm (a pendant press from one of the clients' units),
sends a responder and, once the page has reached the responder (a paho
client subscribed to every responder's page topic, timestamping on its
network thread), stops the ladder and closes the alarm with a reason;
again, PAGES times a run. The figure: request sent -> page received,
p50/p99/max; idle, and while arc-loadgen drives 1,000 events/s from
5,000 other units (a storm of periodic tests and mains failures), each
against the bare broker's round trip measured with the same clients in
the same run (a publish on one, its arrival at the other).

A benchmark: it measures and prints, it asserts nothing. Called from
bench.py's main(); docs/BENCHMARKS.md has the figures.
"""
import json
import os
import queue
import sqlite3
import statistics
import subprocess
import time

from arctest import LOADGEN, Arcd, frame, read_reply, stamp, wait_for
from consoleclient import Console
from mqttbroker import Broker, Client

CLIENTS = 50
PAGES = int(os.environ.get("BENCH_LADDER_PAGES", "200"))
LOAD_UNITS = 5000
LOAD_FIRST = 0x500000
PASSWORD = "bench-ladder-pass-1"


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def seed(arcd):
    """CLIENTS clients (L1), each with a unit 4000xx and one responder."""
    arcd.rows("SELECT 1")
    c = sqlite3.connect(arcd.db)
    for i in range(CLIENTS):
        ref = "B-%04d" % i
        c.execute("INSERT INTO client (ref, name, address, access) VALUES "
                  "(?, ?, ?, ?)", (ref, "Client %d" % i, "%d High St" % i,
                                   "key safe %04d" % i))
        cid = c.execute("SELECT id FROM client WHERE ref = ?",
                        (ref,)).fetchone()[0]
        rid = c.execute("INSERT INTO responder (name, phones) VALUES "
                        "(?, ?)", ("Responder %d" % i, "+44 7700 9%05d" %
                                   i)).lastrowid
        c.execute("INSERT INTO client_responder (client_id, responder_id, "
                  "rank) VALUES (?, ?, 1)", (cid, rid))
        c.execute("INSERT INTO unit (account, client) VALUES (?, ?)",
                  ("%06X" % (0x400000 + i), ref))
    c.executemany("INSERT INTO unit (account) VALUES (?)",
                  [("%06X" % (LOAD_FIRST + i),) for i in range(LOAD_UNITS)])
    c.commit()
    c.close()


class Pages:
    """Every responder's pages, stamped on arrival (paho's thread)."""

    def __init__(self, broker):
        self.q = queue.Queue()
        self.c = Client(broker, "bench-responders")
        self.c.c.on_message = lambda c, u, m: self.q.put(
            (time.monotonic(), m.topic, m.payload))
        self.c.subscribe("arc/responder/+/page")
        self.c.subscribe("bench/echo")

    def next(self, pred, timeout=10):
        deadline = time.monotonic() + timeout
        while True:
            t, topic, payload = self.q.get(timeout=max(0.01, deadline -
                                                       time.monotonic()))
            if pred(topic, payload):
                return t, json.loads(payload) if topic != "bench/echo" \
                    else payload


def broker_rtt(broker, pages, n=PAGES):
    """The bare broker: a publish on one client to its arrival at the
    responders' client."""
    pub = Client(broker, "bench-pub")
    out = []
    try:
        for i in range(n):
            t0 = time.monotonic()
            pub.c.publish("bench/echo", b"%d" % i, qos=1)
            t1, _ = pages.next(lambda t, p: t == "bench/echo" and
                               p == b"%d" % i)
            out.append((t1 - t0) * 1000)
    finally:
        pub.close()
    return out


def one(arcd, con, pages, unit, seq):
    """Press, accept, send a responder (timed to the page), stop, close."""
    s = arcd.tcp()
    s.sendall(frame('"ADM-CID"%04dR1L1#%06X[#%06X|1101 01 001]_%s'
                    % (seq % 10000, unit, unit, stamp())))
    read_reply(s)
    s.close()
    a = con.wait_alarm(lambda x: x["unit"]["account"] == "%06X" % unit and
                       x["state"] in ("waiting", "offered"), 20)
    r = con.request("accept", alarm_id=a["id"])
    if not r["ok"]:
        return None
    t0 = time.monotonic()
    r = con.request("send_responder", alarm_id=a["id"])
    if not r["ok"]:
        raise RuntimeError("send_responder: %s" % r)
    t1, page = pages.next(lambda t, p: t.endswith("/page") and
                          json.loads(p).get("alarm_id") == a["id"] and
                          "withdrawn" not in json.loads(p))
    con.request("ladder", alarm_id=a["id"], do="stop")
    con.request("close", alarm_id=a["id"], outcome="responder_sent",
                text="bench")
    con.pushes.clear()
    return (t1 - t0) * 1000


def idle(con, proc=None, seconds=0.0):
    """Keep reading the console (its heartbeats answered) until proc ends,
    or for seconds."""
    end = time.monotonic() + seconds
    while (proc is not None and proc.poll() is None) or \
            time.monotonic() < end:
        try:
            con.wait(lambda m: False, timeout=0.5)
        except AssertionError:
            pass
        con.pushes.clear()


def run(arcd, con, pages, n):
    out = []
    for i in range(n):
        ms = one(arcd, con, pages, 0x400000 + i % CLIENTS, i + 1)
        if ms is not None:
            out.append(ms)
    return out


def load(arcd, seconds):
    return subprocess.Popen(
        [LOADGEN, "--target", "127.0.0.1:%d" % arcd.port, "--json",
         "--units", str(LOAD_UNITS), "--first-account", "%06X" % LOAD_FIRST,
         "--rate", "1000", "--sources", "4", "--mix", "test=70,mains=30",
         "--duration",
         str(seconds), "--drain", "5"], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)


def ladder(bench):
    if not bench.want("ladder"):
        return
    broker = Broker().start()
    arcd = Arcd(broker.conf_for_arcd() + "max_held = 1000\n"
                "max_per_source = 20000\nunregistered_burst = 1000000\n",
                console=True, verbose=False)
    try:
        seed(arcd)
        arcd.operator("op1", PASSWORD)
        arcd.start()
        wait_for(lambda: arcd.metric("mqtt_up") == 1, 10, "link up")
        pages = Pages(broker)
        con = Console(arcd.cport)
        con.login("op1", PASSWORD)
        figures = {}
        for case in ("idle", "load"):
            runs, rtts, lg = [], [], None
            for _ in range(bench.RUNS):
                proc = load(arcd, 30) if case == "load" else None
                if proc is not None:
                    idle(con, seconds=3)    # the storm under way
                rtts += broker_rtt(broker, pages)
                runs.append(run(arcd, con, pages, PAGES))
                if proc is not None:
                    idle(con, proc)
                    out, err = proc.communicate(timeout=120)
                    lg = json.loads(out) if proc.returncode == 0 else err
            p99s = [pct(r, 99) for r in runs]
            figures[case] = {
                "p50_ms": statistics.median(pct(r, 50) for r in runs),
                "p99_ms": statistics.median(p99s), "p99_runs": p99s,
                "max_ms": max(max(r) for r in runs),
                "broker_p50_ms": pct(rtts, 50),
                "broker_p99_ms": pct(rtts, 99), "pages": sum(map(len, runs)),
                "loadgen": lg}
            f = figures[case]
            print("%-22s send responder -> page p50 %.2f p99 %.2f (runs %s) "
                  "max %.2f ms over %d pages; bare broker p50 %.2f p99 "
                  "%.2f ms%s" % ("ladder " + case, f["p50_ms"], f["p99_ms"],
                                 " ".join("%.2f" % p for p in p99s),
                                 f["max_ms"], f["pages"], f["broker_p50_ms"],
                                 f["broker_p99_ms"], "" if lg is None else
                                 "; loadgen acked/s %s, ACK p99 %s ms" % (
                                     lg.get("acked_per_s") if
                                     isinstance(lg, dict) else "?",
                                     lg.get("latency_ms", {}).get("p99") if
                                     isinstance(lg, dict) else "?")),
                  flush=True)
        bench.results["ladder"] = figures
        con.close()
        pages.c.close()
    except Exception:
        print(arcd.logtext()[-3000:])
        raise
    finally:
        arcd.cleanup()
        broker.cleanup()
