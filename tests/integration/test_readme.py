"""README's runnable examples run as written on a fresh `make run` setup.

A fenced block whose info string is `sh runnable` must run: this test
sets up what `make run` sets up (arc/demo.sh in a temporary directory,
with build/ and arc/ linked in), then runs every such block in README
order with `sh -e` from that directory. Three things differ from a
person at a terminal, all for a shared test machine: the demo's ports
(7009, 7010, 9109, and 7883 for MQTT) are replaced by free loopback
ports, in the setup and in the blocks; a `--duration` over 10 s is cut to
3 s; and every block (and the demo) runs in its own process group, killed
at the end, so nothing a block starts outlives the test."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from arctest import BUILD, ROOT, free_port

README = os.path.join(ROOT, "README.md")
BLOCK = re.compile(r"^```sh runnable\n(.*?)^```$", re.S | re.M)
PORTS = ("7009", "7010", "9109", "7883")


def runnable_blocks(text):
    return BLOCK.findall(text)


def killpg(p, sig=signal.SIGKILL):
    try:
        os.killpg(p.pid, sig)
    except ProcessLookupError:
        pass


class TestReadme(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="arc-readme-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        os.symlink(BUILD, os.path.join(self.dir, "build"))
        os.symlink(os.path.join(ROOT, "arc"), os.path.join(self.dir, "arc"))
        self.ports = {p: str(free_port()) for p in PORTS}
        env = dict(os.environ, BUILD="build",
                   ARC_PORT=self.ports["7009"],
                   ARC_CONSOLE_PORT=self.ports["7010"],
                   ARC_METRICS_PORT=self.ports["9109"],
                   ARC_MQTT_PORT=self.ports["7883"])
        self.demo_log = open(os.path.join(self.dir, "demo.log"), "w+")
        self.addCleanup(self.demo_log.close)
        self.demo = subprocess.Popen(
            ["sh", "arc/demo.sh"], cwd=self.dir, env=env,
            stdin=subprocess.DEVNULL, stdout=self.demo_log,
            stderr=subprocess.STDOUT, start_new_session=True)
        self.addCleanup(self.stop_demo)
        self.wait_running()

    def stop_demo(self):
        killpg(self.demo, signal.SIGTERM)
        try:
            self.demo.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        killpg(self.demo)      # anything left in the demo's group
        if self.demo.poll() is None:
            self.demo.wait(timeout=15)

    def demo_output(self):
        self.demo_log.seek(0)
        return self.demo_log.read()

    def wait_running(self):
        deadline = time.monotonic() + 120
        while "arc is running" not in self.demo_output():
            if self.demo.poll() is not None:
                self.fail("make run's demo exited:\n" + self.demo_output())
            if time.monotonic() > deadline:
                self.fail("make run's demo did not start:\n" +
                          self.demo_output())
            time.sleep(0.1)
        with socket.create_connection(
                ("127.0.0.1", int(self.ports["7009"])), timeout=5):
            pass

    def localise(self, block):
        for old, new in self.ports.items():
            block = re.sub(r":%s\b" % old, ":" + new, block)
        # The longer runs are cut short: the same commands, 3 s each.
        return re.sub(r"--duration (\d+)", lambda m: "--duration %s" %
                      (m.group(1) if int(m.group(1)) <= 10 else "3"), block)

    def run_block(self, n, block):
        path = os.path.join(self.dir, "readme-%d.sh" % n)
        with open(path, "w") as f:
            f.write(self.localise(block))
        p = subprocess.Popen(["sh", "-e", path], cwd=self.dir,
                             stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True,
                             start_new_session=True)
        try:
            out, _ = p.communicate(timeout=120)
        except subprocess.TimeoutExpired:
            killpg(p)
            out, _ = p.communicate()
            self.fail("README block %d took over 120 s:\n%s\n%s"
                      % (n, block, out))
        finally:
            killpg(p)
        self.assertEqual(p.returncode, 0, "README block %d failed:\n%s\n"
                         "--- output:\n%s" % (n, block, out))
        return out

    def test_runnable_blocks_run(self):
        with open(README) as f:
            blocks = runnable_blocks(f.read())
        # The -L example, the load test and the storm at least.
        self.assertGreaterEqual(len(blocks), 3)
        outs = [self.run_block(n, b) for n, b in enumerate(blocks, 1)]
        joined = "\n".join(outs)
        if os.environ.get("ARC_README_OUT"):
            with open(os.environ["ARC_README_OUT"], "w") as f:
                f.write(joined)
        for proto in ("dc09-tcp", "dc09-udp", "console", "metrics"):
            self.assertRegex(joined, r"(?m)^listen = %s=" % proto)
        # The load and storm runs: everything ACKed, the plot drawn.
        self.assertGreaterEqual(joined.count("timeouts         0 "), 2)
        self.assertIn("plot             run/load.svg", joined)
        self.assertTrue(os.path.getsize(os.path.join(self.dir, "run",
                                                     "load.svg")) > 0)
        self.assertIn("reconnect wave   done", joined)
        # The administrator's examples: registered, imported, changed,
        # refused, deleted, exported and imported elsewhere, verified.
        for said in ("imported 1 clients", "operator ann has a new password",
                     "--force deletes it", "dry run: client C-0042 deleted",
                     "imported 11 clients", "chain intact",
                     'arc_queue_depth{class="P1"}'):
            self.assertIn(said, joined)



class TestReadmeBlocks(unittest.TestCase):
    def test_blocks_are_found(self):
        text = "a\n```sh runnable\necho 1\n```\n```sh\nno\n```\n" \
               "```sh runnable\necho 2\n```\n"
        self.assertEqual(runnable_blocks(text), ["echo 1\n", "echo 2\n"])


if __name__ == "__main__":
    unittest.main()
