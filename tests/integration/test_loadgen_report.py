"""arc-loadgen's view of a run: the progress line (on a terminal, and not
elsewhere), the results file (--report PREFIX.json: the summary, every
second, the latency distribution) and its plot (PREFIX.svg by gnuplot)."""
import json
import os
import pty
import select
import subprocess
import time
import unittest
import xml.etree.ElementTree as ET

from arctest import LOADGEN, Arcd

SVG = "{http://www.w3.org/2000/svg}"


class TestLoadgenReport(unittest.TestCase):
    def setUp(self):
        self.arcd = Arcd()
        self.addCleanup(self.arcd.cleanup)
        for i in range(10):
            self.arcd.arcctl("unit", "add", "%06X" % (0x100000 + i))
        self.arcd.start()
        self.prefix = os.path.join(self.arcd.dir, "run1")

    def args(self, *extra):
        return [LOADGEN, "--target", "127.0.0.1:%d" % self.arcd.port,
                "--units", "10", "--rate", "200", "--duration", "2.5",
                "--drain", "5"] + list(extra)

    def loadgen(self, *extra, env=None):
        r = subprocess.run(self.args(*extra), capture_output=True, text=True,
                           timeout=90, env=env)
        self.assertEqual(r.returncode, 0, r.stderr + r.stdout)
        return r

    def test_results_match_the_summary(self):
        r = self.loadgen("--json", "--report", self.prefix)
        summary = json.loads(r.stdout)
        self.assertEqual(summary["results"], self.prefix + ".json")
        self.assertEqual(summary["plot"], self.prefix + ".svg")
        self.assertNotIn("plot_error", summary)
        with open(summary["results"]) as f:
            res = json.load(f)
        for k in ("sent", "acked", "nak", "unacked", "retransmits",
                  "latency_ms", "duration_s", "acked_per_s"):
            self.assertEqual(res[k], summary[k], k)
        self.assertGreater(res["acked"], 200)
        samples = res["samples"]
        self.assertEqual([s["t"] for s in samples], list(range(len(samples))))
        self.assertGreaterEqual(len(samples), 2)
        self.assertEqual(res["samples_dropped"], 0)
        self.assertEqual(sum(s["sent"] for s in samples), res["sent"])
        self.assertEqual(sum(s["acked"] for s in samples), res["acked"])
        self.assertEqual(sum(s["nak"] for s in samples), res["nak"])
        for s in samples:
            if s["acked"]:
                self.assertLessEqual(s["p50_ms"], s["p99_ms"])
                self.assertLessEqual(s["p99_ms"], s["max_ms"])
                self.assertLessEqual(s["max_ms"], res["latency_ms"]["max"])
            else:
                self.assertIsNone(s["p99_ms"])
        dist = res["distribution"]
        self.assertEqual(sum(d["count"] for d in dist), res["acked"])
        self.assertEqual([d["ms"] for d in dist], sorted(d["ms"] for d in dist))
        # The top bucket's middle (buckets are within 1.6 %), not past max.
        top, mx = dist[-1]["ms"], res["latency_ms"]["max"]
        self.assertLessEqual(top, mx + 0.001)
        self.assertGreaterEqual(top, mx * 0.98 - 0.002)

    def test_plot_has_both_panels(self):
        r = self.loadgen("--report", self.prefix)
        self.assertIn("results          %s.json\n" % self.prefix, r.stdout)
        self.assertIn("plot             %s.svg\n" % self.prefix, r.stdout)
        root = ET.parse(self.prefix + ".svg").getroot()
        self.assertEqual(root.tag, SVG + "svg")
        texts = [t.text.strip() for t in root.iter(SVG + "text") if t.text]
        self.assertTrue(any(t.startswith("ACK latency per second") for t in texts), texts)
        self.assertTrue(any(t.startswith("ACK latency distribution") for t in texts), texts)
        for label in ("p50", "p99", "ACKed/s"):
            self.assertIn(label, texts)
        # Drawn lines: the two panels' curves are paths in the SVG.
        self.assertGreater(len(list(root.iter(SVG + "path"))), 4)
        # The data and the script stay, to draw again by hand.
        with open(self.prefix + ".dat") as f:
            blocks = f.read().split("\n\n\n")
        self.assertEqual(len(blocks), 2)

    def test_without_gnuplot_the_results_stay(self):
        env = dict(os.environ, PATH="/nonexistent")
        r = self.loadgen("--json", "--report", self.prefix, env=env)
        summary = json.loads(r.stdout)
        self.assertIn("gnuplot not found", summary["plot_error"])
        self.assertNotIn("plot", summary)
        self.assertFalse(os.path.exists(self.prefix + ".svg"))
        with open(self.prefix + ".json") as f:
            self.assertEqual(json.load(f)["acked"], summary["acked"])

    def test_unwritable_report_is_said(self):
        r = self.loadgen("--report", "/nonexistent/dir/run")
        self.assertIn("plot             none: no results", r.stdout)
        self.assertIn("/nonexistent/dir/run.json", r.stderr)

    def test_bad_options(self):
        for args in (("--report", ""), ("--progress", "-1"),
                     ("--progress", "soon")):
            r = subprocess.run(self.args(*args), capture_output=True,
                               text=True, timeout=30)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn(args[0], r.stderr)

    def test_progress_on_a_terminal(self):
        master, slave = pty.openpty()
        p = subprocess.Popen(self.args(), stdout=subprocess.PIPE,
                             stderr=slave, stdin=subprocess.DEVNULL)
        os.close(slave)
        out = b""
        deadline = time.monotonic() + 60
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.2)
                if ready:
                    try:
                        chunk = os.read(master, 4096)
                    except OSError:
                        break   # EIO: the child closed the terminal
                    if not chunk:
                        break
                    out += chunk
                elif p.poll() is not None:
                    break
        finally:
            os.close(master)
            if p.poll() is None:
                p.kill()
            p.wait(timeout=30)
            p.stdout.close()
        text = out.decode()
        lines = [l for l in text.split("\r") if "acked" in l]
        self.assertGreaterEqual(len(lines), 2, repr(text))
        for l in lines:
            self.assertRegex(l, r"sent \d+  acked \d+  nak \d+  in flight "
                             r"\d+  \d+/s  p99 [\d.]+ ms")
        self.assertTrue(text.rstrip(" \n").endswith("\x1b[K") or
                        text.endswith("\n"), repr(text[-40:]))
        self.assertEqual(p.returncode, 0)

    def test_no_progress_without_a_terminal(self):
        r = self.loadgen()
        self.assertNotIn("acked", r.stderr)
        self.assertNotIn("\r", r.stderr)
        t0 = time.monotonic()
        r = self.loadgen("--progress", "1")
        took = time.monotonic() - t0
        lines = [l for l in r.stderr.splitlines() if " acked " in l]
        self.assertGreaterEqual(len(lines), 2, r.stderr)
        self.assertLessEqual(len(lines), took + 1, r.stderr)   # one a second
        self.assertNotIn("\r", r.stderr)


if __name__ == "__main__":
    unittest.main()
