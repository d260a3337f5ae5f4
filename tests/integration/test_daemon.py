"""The conventions of a Unix daemon: --help and --version on every
program, arcd -n saying where it would listen, -F logging to syslog unless
stderr is a terminal, SIGHUP reading arc.conf again, man pages that render
without warnings, and make install (PREFIX, DESTDIR) with a systemd unit."""
import os
import shutil
import pty
import re
import select
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from arctest import (ARCD, BUILD, ROOT, Arcd, ArcdCase, free_port, frame,
                     read_reply, stamp, wait_for)

PROGRAMS = ("arcd", "arcd-test", "arcctl", "arc-console", "arc-loadgen",
            "arc-echo", "arc-responder")


def run(*args, timeout=30, **kw):
    return subprocess.run(list(args), capture_output=True, text=True,
                          timeout=timeout, **kw)


class TestOptions(unittest.TestCase):
    def test_help_and_version_on_every_program(self):
        for p in PROGRAMS:
            path = os.path.join(BUILD, p)
            r = run(path, "--help")
            self.assertEqual(r.returncode, 0, (p, r.stderr))
            self.assertTrue(r.stdout.startswith("usage: " +
                                                p.replace("-test", "")),
                            (p, r.stdout))
            self.assertEqual(r.stderr, "", p)
            r = run(path, "--version")
            self.assertEqual(r.returncode, 0, p)
            self.assertRegex(r.stdout, r"^%s \d+\.\d+\.\d+\n$"
                             % p.replace("-test", ""))

    def test_a_bad_option_is_an_error_on_stderr(self):
        for p in PROGRAMS:
            r = run(os.path.join(BUILD, p), "--no-such-option")
            self.assertNotEqual(r.returncode, 0, p)
            self.assertEqual(r.stdout, "", p)
            self.assertIn("usage:", r.stderr, p)


class TestCheck(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="arctest-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", self.dir]))

    def test_check_says_where_it_would_listen_and_opens_nothing(self):
        port = free_port()
        db = os.path.join(self.dir, "sub", "arc.db")
        conf = os.path.join(self.dir, "arc.conf")
        with open(conf, "w") as f:
            f.write("[arcd]\ndatabase = %s\n"
                    "listen = dc09-tcp=127.0.0.1:%d\n"
                    "listen = metrics=[::1]:9109\n" % (db, port))
        r = run(ARCD, "-n", "-f", conf, "-L", "dc09-udp=127.0.0.1:%d" % port,
                "-L", "dc09-tcp=127.0.0.1:%d" % port)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("configuration OK", r.stderr)
        lines = [l for l in r.stdout.splitlines() if l.startswith("#   ")]
        self.assertEqual(len(lines), 2, r.stdout)
        self.assertRegex(lines[0], r"dc09-udp +127\.0\.0\.1:%d +UDP" % port)
        self.assertRegex(lines[1], r"dc09-tcp +127\.0\.0\.1:%d +TCP" % port)
        self.assertIn("database %s" % db, r.stdout)
        self.assertFalse(os.path.exists(os.path.dirname(db)),
                         "-n touched the database")
        s = socket.socket()
        s.bind(("127.0.0.1", port))     # nothing holds the port
        s.close()
        r = run(ARCD, "-n", "-f", conf)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"metrics +\[::1\]:9109 +TCP: HTTP")

    def test_check_fails_with_the_reason(self):
        r = run(ARCD, "-n", "-L", "dc09-tcp=127.0.0.1:99999")
        self.assertEqual(r.returncode, 1)
        self.assertIn("bad address", r.stderr)
        self.assertNotIn("would listen", r.stdout)


class TestLogging(unittest.TestCase):
    """-F: in the foreground; syslog unless stderr is a terminal."""

    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="arctest-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", self.dir]))
        self.port = free_port()
        self.argv = [ARCD, "-F", "-D", os.path.join(self.dir, "arc.db"),
                     "-L", "dc09-tcp=127.0.0.1:%d" % self.port]

    def stop(self, p):
        p.send_signal(signal.SIGTERM)
        self.assertEqual(p.wait(20), 0)

    def listening(self):
        try:
            socket.create_connection(("127.0.0.1", self.port), 1).close()
            return True
        except OSError:
            return False

    def test_not_a_terminal_logs_to_syslog(self):
        log = os.path.join(self.dir, "stderr")
        with open(log, "w") as f:
            p = subprocess.Popen(self.argv, stdout=f, stderr=f)
        try:
            wait_for(self.listening, 15, "arcd -F to listen")
            self.assertIsNone(p.poll(), "arcd -F left the foreground")
        finally:
            self.stop(p)
        with open(log) as f:
            self.assertEqual(f.read(), "", "logged to stderr, not syslog")

    def test_a_terminal_gets_the_log(self):
        master, slave = pty.openpty()
        p = subprocess.Popen(self.argv, stdout=slave, stderr=slave)
        os.close(slave)
        out = b""
        try:
            deadline = time.monotonic() + 15
            while b"arcd: running" not in out:
                left = deadline - time.monotonic()
                self.assertGreater(left, 0, "no log on the terminal: %r"
                                   % out)
                if select.select([master], [], [], left)[0]:
                    out += os.read(master, 4096)
        finally:
            self.stop(p)
            os.close(master)


class Reloads:
    """Rewrite the test's arc.conf (its listeners kept) and SIGHUP."""

    def write_conf(self, extra):
        with open(self.arcd.conf) as f:
            base = [l for l in f.read().splitlines(True)
                    if l.startswith(("[", "listen"))]
        with open(self.arcd.conf, "w") as f:
            f.write("".join(base) + extra)

    def hup(self, want):
        before = self.arcd.logtext().count("reload:")
        self.arcd.proc.send_signal(signal.SIGHUP)
        wait_for(lambda: self.arcd.logtext().count("reload:") > before and
                 want in self.arcd.logtext(), 10, "reload: " + want)


class TestReload(Reloads, ArcdCase):
    """SIGHUP: arc.conf again; live keys apply, bad files change nothing."""
    conf_extra = "max_per_source = 100\n"

    def refused(self):
        """A new connection is closed at once (per-source limit)."""
        s = self.arcd.tcp()
        try:
            return s.recv(1) == b""
        except socket.timeout:
            return False
        finally:
            s.close()

    def test_live_key_applies_and_bad_file_keeps_serving(self):
        held = [self.arcd.tcp() for _ in range(3)]
        self.assertEqual(self.arcd.metric("connections_refused_source"), 0)
        self.write_conf("max_per_source = 3\ndedupe_max = 2048\n")
        self.hup("max_per_source")
        log = self.arcd.logtext()
        self.assertIn("dedupe_max changed: takes a restart", log)
        self.assertEqual(self.arcd.metric("config_reloads"), 1)
        self.assertTrue(self.refused(), "max_per_source = 3 not applied")
        self.assertEqual(self.arcd.metric("connections_refused_source"), 1)

        self.write_conf("max_per_source = 100\nmax_held = 7\nbogus = 1\n")
        self.hup("line 7: unknown key bogus")
        self.assertIn("the running configuration is kept",
                      self.arcd.logtext())
        self.assertEqual(self.arcd.metric("config_reload_failures"), 1)
        self.assertTrue(self.refused(), "a bad file changed the limit")
        # ... and arcd serves: a held connection's frame is ACKed.
        held[0].settimeout(5)
        held[0].sendall(frame('"NULL"0001R0L0#1234[]_' + stamp()))
        self.assertEqual(read_reply(held[0]).token, "ACK")
        self.assertIsNone(self.arcd.proc.poll())

        self.write_conf("max_per_source = 100\n")
        self.hup("reload: %s: max_per_source" % self.arcd.conf)
        s = self.arcd.tcp()
        s.sendall(frame('"NULL"0002R0L0#1234[]_' + stamp()))
        self.assertEqual(read_reply(s).token, "ACK")
        for c in held + [s]:
            c.close()


class TestReloadTimers(Reloads, ArcdCase):
    """A new supervision default on the test build's clock: the unit takes
    it at its next frame."""
    conf_extra = "supervision_grace = 1\n"

    def setUp(self):
        self.arcd = Arcd(self.conf_extra, test_build=True)
        self.addCleanup(self.arcd.cleanup)
        self.arcd.arcctl("unit", "add", "100000")     # no interval: default
        self.arcd.start()

    def silent(self):
        return self.arcd.rows("SELECT code FROM alarm WHERE account = "
                              "'100000' AND code = 'YS'")

    def test_supervision_default_applies_at_the_next_frame(self):
        s = self.arcd.tcp(timeout=10)
        s.sendall(frame('"NULL"0001R1L1#100000[]_' + stamp()))
        self.assertEqual(read_reply(s).token, "ACK")
        self.write_conf("supervision_default = 20\nsupervision_grace = 1\n")
        self.hup("supervision_default")
        s.sendall(frame('"NULL"0002R1L1#100000[]_' + stamp()))
        self.assertEqual(read_reply(s).token, "ACK")
        self.arcd.advance(20)       # 20 s + 1 s of grace: not yet
        self.assertEqual(self.silent(), [])
        self.arcd.advance(2)        # before the reload: 3601 s
        wait_for(self.silent, 10, "the unit silent alarm")
        s.close()


MAN_PAGES = ("arcd.8", "arcctl.8", "arc-console.1", "arc-loadgen.1",
             "arc-responder.1", "arc.conf.5")


class TestManPages(unittest.TestCase):
    def test_every_page_renders_without_warnings(self):
        env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="80")
        pages = sorted(os.listdir(os.path.join(ROOT, "docs", "man")))
        self.assertEqual(sorted(MAN_PAGES), pages)
        for page in pages:
            path = os.path.join(ROOT, "docs", "man", page)
            r = run("man", "--warnings", "-l", path, env=env)
            self.assertEqual(r.returncode, 0, page)
            self.assertEqual(r.stderr, "", page)
            name = page.rsplit(".", 1)[0]
            self.assertIn("%s(%s)" % (name.upper(), page[-1]), r.stdout)
            self.assertIn("NAME", r.stdout, page)

    def test_the_pages_name_every_option(self):
        """Each program's page shows every option its --help lists."""
        env = dict(os.environ, LC_ALL="C.UTF-8", MANWIDTH="200")
        for prog, page in (("arcd", "arcd.8"), ("arcctl", "arcctl.8"),
                           ("arc-console", "arc-console.1"),
                           ("arc-loadgen", "arc-loadgen.1"),
                           ("arc-responder", "arc-responder.1")):
            usage = run(os.path.join(BUILD, prog), "--help").stdout
            text = run("man", "-l", os.path.join(ROOT, "docs", "man", page),
                       env=env).stdout
            opts = set(re.findall(r"(?<![\w-])(--?[A-Za-z][\w-]*)", usage))
            self.assertGreater(len(opts), 3, prog)
            for o in opts:
                self.assertIn(o, text, "%s: %s not in %s" % (prog, o, page))


class TestInstall(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="arctest-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", self.dir]))

    def make_install(self, *args):
        build = os.path.basename(BUILD)
        var = "SAN=1" if build == "build-san" else "BUILD=" + build
        # make test built everything; alone, this may build (SAN=1: slow).
        r = run("make", "-s", "--no-print-directory", "-C", ROOT, var,
                "install", *args, timeout=900)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r

    def test_install_with_destdir_and_prefix(self):
        root = os.path.join(self.dir, "root")
        self.make_install("DESTDIR=" + root, "PREFIX=/usr")
        want = {
            "usr/sbin/arcd": 0o755, "usr/sbin/arcctl": 0o755,
            "usr/bin/arc-console": 0o755, "usr/bin/arc-loadgen": 0o755,
            "usr/bin/arc-echo": 0o755, "usr/bin/arc-responder": 0o755,
            "usr/share/man/man8/arcd.8": 0o644,
            "usr/share/man/man8/arcctl.8": 0o644,
            "usr/share/man/man1/arc-console.1": 0o644,
            "usr/share/man/man1/arc-loadgen.1": 0o644,
            "usr/share/man/man1/arc-responder.1": 0o644,
            "usr/share/man/man5/arc.conf.5": 0o644,
            "usr/share/doc/arc/arc.conf": 0o644,
            "etc/arc/arc.conf": 0o644,
            "usr/lib/systemd/system/arcd.service": 0o644,
            "usr/lib/sysusers.d/arc.conf": 0o644,
        }
        for rel, mode in want.items():
            st = os.stat(os.path.join(root, rel))
            self.assertEqual(st.st_mode & 0o7777, mode, rel)
        got = set()
        for d, _, files in os.walk(root):
            got |= {os.path.relpath(os.path.join(d, f), root) for f in files}
        self.assertEqual(got - set(want), {"usr/share/doc/arc/README.md"})
        r = run(os.path.join(root, "usr/sbin/arcd"), "--version")
        self.assertTrue(r.stdout.startswith("arcd "), r.stdout)
        with open(os.path.join(root, "usr/lib/systemd/system/arcd.service")) as f:
            unit = f.read()
        self.assertIn("ExecStart=/usr/sbin/arcd -F -f /etc/arc/arc.conf\n",
                      unit)
        for line in ("Type=simple", "User=arc", "StateDirectory=arc",
                     "ProtectSystem=strict", "NoNewPrivileges=yes",
                     "ExecReload=/bin/kill -HUP $MAINPID"):
            self.assertIn(line + "\n", unit)
        self.assertNotIn("@", unit.replace("@system-service", ""))
        # The installed sample is a valid configuration.
        r = run(os.path.join(root, "usr/sbin/arcd"), "-n", "-f",
                os.path.join(root, "etc/arc/arc.conf"))
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_an_edited_config_is_not_overwritten(self):
        root = os.path.join(self.dir, "root")
        conf = os.path.join(root, "usr/local/etc/arc/arc.conf")
        os.makedirs(os.path.dirname(conf))
        with open(conf, "w") as f:
            f.write("[arcd]\n# mine\n")
        self.make_install("DESTDIR=" + root)
        with open(conf) as f:
            self.assertEqual(f.read(), "[arcd]\n# mine\n")
        self.assertTrue(os.path.exists(
            os.path.join(root, "usr/local/share/doc/arc/arc.conf")))
        self.assertTrue(os.path.exists(
            os.path.join(root, "usr/local/lib/systemd/system/arcd.service")))

    def test_systemd_accepts_the_unit(self):
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze is not installed")
        # Installed where it runs from, so verify finds the programs.
        prefix = os.path.join(self.dir, "usr")
        self.make_install("PREFIX=" + prefix,
                          "SYSCONFDIR=" + os.path.join(self.dir, "etc"))
        unit = os.path.join(prefix, "lib/systemd/system/arcd.service")
        r = run("systemd-analyze", "verify", "--man=no", unit)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        r = run("systemd-sysusers", "--dry-run", "--root=" + self.dir,
                os.path.join(prefix, "lib/sysusers.d/arc.conf"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("Creating user 'arc'", r.stdout + r.stderr)


if __name__ == "__main__":
    unittest.main()
