"""arc-loadgen --mqtt against a real arcd and a real Mosquitto broker:
every event the report counts as acked is in the database once and none
is reported lost; without arcd the events are retransmitted and reported
never acked; --mqtt-echo is acked by the broker round trip alone, in the
same process or (--units 0) in one of its own."""
import collections
import json
import os
import signal
import subprocess
import unittest

from arctest import LOADGEN, Arcd, wait_for
from mqttbroker import Broker, Client

FIRST = 0x4A0100
UNITS = 20


def loadgen(broker, *args, log=None):
    cmd = [LOADGEN, "--mqtt", "127.0.0.1:%d" % broker.port, "--json",
           "--first-account", "%X" % FIRST] + list(args)
    if log:
        cmd += ["--acked-log", log]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    summary = json.loads(r.stdout) if r.stdout.startswith("{") else None
    return r, summary


class TestLoadgenMqtt(unittest.TestCase):
    def setUp(self):
        self.broker = Broker()
        self.addCleanup(self.broker.cleanup)
        self.broker.start()

    def start_arcd(self):
        self.arcd = Arcd(self.broker.conf_for_arcd(), verbose=False)
        self.addCleanup(self.arcd.cleanup)
        for i in range(UNITS):
            self.arcd.arcctl("unit", "add", "%X" % (FIRST + i),
                             "--protocol", "mqtt")
        self.arcd.start()
        wait_for(lambda: self.arcd.metric("mqtt_up") == 1, 10, "link up")

    def run_arcd(self, *args):
        log = os.path.join(self.arcd.dir, "acked-%s.log" %
                           self.id().split(".")[-1])
        r, s = loadgen(self.broker, "--units", str(UNITS), "--duration",
                       "1.5", "--drain", "5", "--expect-all", *args, log=log)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        with open(log) as f:
            lines = [tuple(l.split()[:2]) for l in f if l.strip()]
        return s, lines

    def assert_all_stored_once(self, s, lines):
        rows = self.arcd.rows("SELECT account, seq FROM event WHERE "
                              "protocol = 'mqtt'")
        stored = collections.Counter((a, str(q)) for a, q in rows)
        self.assertEqual(s["acked"], len(rows))
        self.assertEqual(s["acked"], len(lines))
        for l in lines:
            self.assertEqual(stored[l], 1, l)
        self.assertEqual((s["unacked"], s["unsent"], s["dropped"],
                          s["nak"], s["bad"]), (0, 0, 0, 0, 0))
        self.assertEqual((s["mqtt"]["errors"], s["mqtt"]["unmatched"],
                          s["mqtt"]["not_sent"]), (0, 0, 0))

    def test_open_loop_every_acked_event_is_stored_once(self):
        self.start_arcd()
        s, lines = self.run_arcd("--rate", "200", "--mqtt-per-connection",
                                 "7")
        self.assertGreater(s["acked"], 150)
        self.assertEqual(s["mqtt"]["connections"], 3)
        self.assertEqual(s["connected_peak"], UNITS)
        self.assert_all_stored_once(s, lines)
        self.assertGreater(s["latency_ms"]["p50"], 0)

    def test_closed_loop_every_acked_event_is_stored_once(self):
        self.start_arcd()
        s, lines = self.run_arcd("--closed", "--mix", "pendant=50,mains=50")
        self.assertGreater(s["acked"], 100)
        self.assertEqual(s["sent"], s["acked"])
        self.assert_all_stored_once(s, lines)
        codes = {r[0] for r in self.arcd.rows(
            "SELECT raw_code FROM event WHERE protocol = 'mqtt'")}
        self.assertLessEqual(codes, {"101", "301"})
        self.assertEqual(len(codes), 2, codes)

    def test_without_arcd_events_are_retransmitted_and_never_acked(self):
        r, s = loadgen(self.broker, "--units", "5", "--rate", "20",
                       "--duration", "0.5", "--drain", "0.7", "--retry",
                       "0.2", "--expect-all")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(s["acked"], 0)
        self.assertGreater(s["sent"], 0)
        self.assertGreater(s["retransmits"], 0)
        # One event out per unit, never acked; the rest still queued.
        self.assertEqual(s["unacked"], s["sent"])
        self.assertGreater(s["unsent"], 0)

    def test_echo_is_the_broker_round_trip(self):
        r, s = loadgen(self.broker, "--mqtt-echo", "--units", "50",
                       "--rate", "300", "--duration", "1", "--drain", "3",
                       "--expect-all")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertGreater(s["acked"], 150)
        self.assertEqual(s["acked"], s["sent"])
        self.assertEqual(s["mqtt"]["echoed"], s["sent"] + s["retransmits"])
        self.assertTrue(s["mqtt"]["echo"])
        self.assertEqual(s["mqtt"]["connections"], 2)

    def test_echo_alone_answers_another_loadgen(self):
        e = subprocess.Popen([LOADGEN, "--mqtt", "127.0.0.1:%d" %
                              self.broker.port, "--mqtt-echo", "--units", "0",
                              "--duration", "60", "--drain", "0", "--json"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        self.addCleanup(lambda: e.poll() is not None or e.kill() or e.wait())
        probe = Client(self.broker, "probe")
        self.addCleanup(probe.close)
        probe.subscribe("arc/unit/FFFF/ack")
        probes = []

        def answered():
            probes.append(1)
            probe.publish("arc/unit/FFFF/event", '{"seq": %d}' % len(probes))
            try:
                probe.expect(timeout=0.3)
                return True
            except AssertionError:
                return False
        wait_for(answered, 10, "the echo to answer")
        r, s = loadgen(self.broker, "--units", "10", "--rate", "100",
                       "--duration", "1", "--drain", "3", "--expect-all")
        self.assertEqual(r.returncode, 0, r.stderr)
        e.send_signal(signal.SIGTERM)
        out, err = e.communicate(timeout=10)
        self.assertEqual(e.returncode, 0, err)
        echo = json.loads(out)
        self.assertGreater(s["acked"], 50)
        self.assertEqual(s["acked"], s["sent"])
        self.assertEqual(echo["units"], 0)
        # Every copy loadgen sent, and the probes that came after the
        # echo subscribed (the last one at least).
        probed = echo["mqtt"]["echoed"] - s["sent"] - s["retransmits"]
        self.assertGreaterEqual(probed, 1)
        self.assertLessEqual(probed, len(probes))

    def test_bad_command_lines(self):
        for args in (["--mqtt", "127.0.0.1"], ["--mqtt", "127.0.0.1:0"],
                     ["--mqtt", "::1:1883"],
                     ["--mqtt", "127.0.0.1:1883", "--udp"],
                     ["--mqtt", "127.0.0.1:1883", "--key",
                      "ascii:AAAAAAAAAAAAAAAA"],
                     ["--target", "127.0.0.1:1", "--mqtt-echo"],
                     ["--target", "127.0.0.1:1", "--units", "0"],
                     ["--mqtt", "127.0.0.1:1883", "--units", "0"],
                     ["--target", "127.0.0.1:1", "--mqtt", "127.0.0.1:2"]):
            r = subprocess.run([LOADGEN] + args, capture_output=True,
                               text=True, timeout=10)
            self.assertIn(r.returncode, (1, 2), args)
            self.assertNotEqual(r.stderr, "", args)


if __name__ == "__main__":
    unittest.main()
