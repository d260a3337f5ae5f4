"""arcd's command line and configuration, and arcctl's errors."""
import json
import os
import subprocess
import tempfile
import unittest

from arctest import ARCCTL, ARCD, ArcdCase, frame, read_reply, stamp


def run(*args, env=None):
    return subprocess.run(list(args), capture_output=True, text=True,
                          timeout=30, env=env)


class TestConfig(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="arctest-")
        self.addCleanup(lambda: subprocess.run(["rm", "-rf", self.dir]))

    def conf(self, text):
        path = os.path.join(self.dir, "arc.conf")
        with open(path, "w") as f:
            f.write(text)
        return path

    def test_check_prints_effective_settings_with_overrides(self):
        c = self.conf("[arcd]\ndatabase = /x/arc.db\n"
                      "listen = dc09-tcp=0.0.0.0:7009\nidle_timeout = 60\n")
        r = run(ARCD, "-n", "-f", c, "-D", "/y/other.db",
                "-L", "dc09-udp=127.0.0.1:7010", "-L", "dc09-tcp=[::1]:7011")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("database = /y/other.db", r.stdout)
        self.assertIn("listen = dc09-udp=127.0.0.1:7010", r.stdout)
        self.assertIn("listen = dc09-tcp=[::1]:7011", r.stdout)
        self.assertNotIn("0.0.0.0:7009", r.stdout, "-L replaces listen")
        self.assertIn("idle_timeout = 60", r.stdout)

    def test_documented_example_config_is_valid(self):
        from arctest import ROOT
        r = run(ARCD, "-n", "-f", os.path.join(ROOT, "docs", "arc.conf"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("listen = metrics=127.0.0.1:9109", r.stdout)

    def test_timezone_checked_and_printed(self):
        base = "[arcd]\nlisten = dc09-tcp=127.0.0.1:7009\n"
        r = run(ARCD, "-n", "-f", self.conf(base + "timezone = Asia/Tokyo\n"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("timezone = Asia/Tokyo", r.stdout)
        r = run(ARCD, "-n", "-f", self.conf(base + "timezone = Mars/Base\n"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("timezone Mars/Base: unknown zone", r.stderr)
        r = run(ARCD, "-n", "-f", self.conf(base + "timezone = ../x\n"))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("line 3: timezone ../x: not a zone name", r.stderr)
        # None: the system's (here TZ, when it names a zone).
        r = run(ARCD, "-n", "-f", self.conf(base), env=dict(
            os.environ, TZ="America/New_York"))
        self.assertIn("timezone = America/New_York", r.stdout)

    def test_errors_name_the_line(self):
        for text, want in (
                ("[arcd]\nidle_timeut = 5\n", "line 2: unknown key idle_timeut"),
                ("[arcd]\n\nidle_timeout = -1\n", "line 3: idle_timeout = -1"),
                ("[arcd]\nlisten = dc09-tcp=nowhere\n", "bad address"),
                ("[arcd]\nlisten = sip=1.2.3.4:5\n", "unknown protocol"),
                ("[other]\nx = 1\n", "unknown section [other]"),
                ("[arcd]\nidle_timeout = 5\n\nidle_timeout = 9\n",
                 "line 4: idle_timeout given twice (first on line 2)"),
                ("[arcd]\ndatabase = /a.db\ndatabase = /b.db\n",
                 "line 3: database given twice"),
                ("[arcd]\n#" + "x" * 200 + "listen = metrics=:9109\n",
                 "line 2: longer than 198 bytes")):
            r = run(ARCD, "-n", "-f", self.conf(text))
            self.assertEqual(r.returncode, 1, text)
            self.assertIn(want, r.stderr, text)

    def test_missing_config_and_no_listener(self):
        r = run(ARCD, "-n", "-f", os.path.join(self.dir, "none.conf"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("none.conf", r.stderr)
        r = run(ARCD, "-n")
        self.assertEqual(r.returncode, 1)
        self.assertIn("no dc09-tcp or dc09-udp listener", r.stderr)

    def test_bind_failure_names_the_address(self):
        db = os.path.join(self.dir, "arc.db")
        r = run(ARCD, "-d", "-D", db, "-L", "dc09-tcp=192.0.2.1:7009")
        self.assertEqual(r.returncode, 1)
        self.assertIn("192.0.2.1:7009", r.stderr)


class TestArcctl(ArcdCase):
    def setup_units(self):
        self.arcd.arcctl("unit", "add", "1234", "--interval", "90")
        self.arcd.arcctl("unit", "add", "abcd", "--key", "hex:" + "00" * 16)

    def test_unit_add_errors(self):
        for args, want in ((["12G4"], "12G4"), (["12"], "12"),
                           (["1234"], "1234"),
                           (["5555", "--key", "ascii:short"], "key"),
                           (["5556", "--interval", "5"], "interval")):
            r = self.arcd.arcctl("unit", "add", *args, check=False)
            self.assertNotEqual(r.returncode, 0, args)
            self.assertIn(want, r.stderr, args)

    def test_unit_list_never_shows_keys(self):
        out = self.arcd.arcctl("unit", "list").stdout
        self.assertIn("1234", out)
        self.assertIn("ABCD", out)
        self.assertNotIn("00000000", out)
        units = json.loads(self.arcd.arcctl("unit", "list", "--json").stdout)
        self.assertEqual(sorted(u["account"] for u in units), ["1234", "ABCD"])

    def test_events_json_and_since(self):
        s = self.arcd.tcp()
        s.sendall(frame('"ADM-CID"0005R1L1#1234[#1234|1101 01 015]_' + stamp()))
        read_reply(s)
        ev = json.loads(self.arcd.arcctl("events", "--json").stdout)
        self.assertEqual(len(ev), 1)
        self.assertEqual((ev[0]["account"], ev[0]["seq"], ev[0]["code"]),
                         ("1234", 5, "QA"))
        self.assertIn("QA", self.arcd.arcctl("events", "--since", "-1h").stdout)
        later = json.loads(self.arcd.arcctl("events", "--since", "2099-01-01T00:00:00Z",
                                            "--json").stdout)
        self.assertEqual(later, [])
        r = self.arcd.arcctl("events", "--since", "yesterday-ish", check=False)
        self.assertNotEqual(r.returncode, 0)

    def test_missing_database_is_an_error(self):
        r = run(ARCCTL, "-D", os.path.join(self.arcd.dir, "nope.db"),
                "unit", "list")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("nope.db", r.stderr)

    def test_audit_chain_verifies(self):
        r = self.arcd.arcctl("audit", "verify")
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
