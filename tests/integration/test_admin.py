"""arcctl's administration end to end: edit and delete of units (and their
keys), zones, clients, responders and operators; --dry-run; --force and
what a delete takes with it; --actor in the audit trail and arcctl audit;
export -> import round trip of clients and units; operator passwd; and
operator unlock against a real arcd-test (a login locked by wrong
passwords over the console protocol, lifted by arcctl, the clock advanced
rather than waited out). Checked on stdout/stderr and in the database."""
import csv
import hashlib
import io
import json
import os
import shutil
import sqlite3
import stat
import subprocess
import time
import unittest

from arctest import (ARCCTL, Arcd, encrypted_body, frame, login_user,
                     private_file, read_reply, wait_for)
from consoleclient import Console
from test_console_guard import GuardCase
from test_console import PW

KEY = b"Admin-Unit-Key16"       # 16 bytes: AES-128


def dump(db):
    """Every row of every table (but the audit trail's head), to compare a
    database before and after."""
    c = sqlite3.connect(db)
    try:
        tables = [r[0] for r in c.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "ORDER BY name")]
        return {t: sorted(map(repr, c.execute("SELECT * FROM %s" % t)))
                for t in tables}
    finally:
        c.close()


def pbkdf2_ok(password, stored):
    _, it, salt, h = stored.split("$")
    return hashlib.pbkdf2_hmac("sha256", password.encode(),
                               bytes.fromhex(salt), int(it)).hex() == h


class AdminCase(unittest.TestCase):
    def setUp(self):
        self.arcd = Arcd()
        self.addCleanup(self.arcd.cleanup)

    def ctl(self, *args, check=True):
        return self.arcd.arcctl(*args, check=check)

    def fails(self, *args):
        r = self.ctl(*args, check=False)
        self.assertEqual(r.returncode, 1, "%s: %s" % (args, r.stdout))
        return r.stderr

    def rows(self, sql, args=()):
        return self.arcd.rows(sql, args)

    def audit(self):
        return self.rows("SELECT actor, action, subject, detail FROM audit "
                         "ORDER BY id")

    def people(self):
        """Mary with a unit (two zones) and a responder; Bob alone."""
        self.ctl("client", "add", "C-0001", "--name", "Mary Smith",
                 "--phone", "+44 1", "--medical", "diabetic")
        self.ctl("client", "add", "C-0002", "--name", "Bob Jones")
        self.ctl("unit", "add", "1234", "--client", "C-0001", "--key",
                 "ascii:" + KEY.decode())
        self.ctl("zone", "add", "1234", "001", "pendant")
        self.ctl("zone", "add", "1234", "002", "smoke")
        rid = self.ctl("responder", "add", "--name", "John", "--phones",
                       "+44 2").stdout.strip()
        self.ctl("client", "link-responder", "C-0001", rid)
        return rid

    def open_alarm(self, account="1234"):
        c = sqlite3.connect(self.arcd.db)
        with c:
            c.execute("INSERT INTO alarm (id, unit_id, account, class, state,"
                      " opened_at, last_at) SELECT 1, id, account, 1, "
                      "'waiting', 1, 1 FROM unit WHERE account = ?",
                      (account,))
        c.close()


class TestUsage(AdminCase):
    def test_help_and_version(self):
        r = self.ctl("--help")
        self.assertEqual(r.stderr, "")
        for cmd in ("init", "unit edit", "unit delete", "unit import",
                    "zone edit", "zone delete", "client edit",
                    "client delete", "client unlink-responder",
                    "responder edit", "responder delete", "export",
                    "operator edit", "operator delete", "operator passwd",
                    "operator unlock", "audit [list]", "audit verify",
                    "--actor", "--dry-run", "--force", "--no-key"):
            self.assertIn(cmd, r.stdout)
        self.assertEqual(self.ctl("client", "delete", "--help").stdout,
                         r.stdout)
        v = self.ctl("--version")
        self.assertRegex(v.stdout, r"^arcctl \d+\.\d+")
        r = self.ctl("--bogus", check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("usage: arcctl", r.stderr)
        self.assertEqual(r.stdout, "")


class TestActor(AdminCase):
    def test_actor_defaults_to_the_login_user(self):
        self.ctl("client", "add", "C-1", "--name", "A")
        self.ctl("--actor", "alice", "client", "add", "C-2", "--name", "B")
        self.ctl("client", "edit", "C-2", "--phone", "1",
                 "--actor=bob")
        self.assertEqual(self.audit(), [
            (login_user(), "client add", "C-1", ""),
            ("alice", "client add", "C-2", ""),
            ("bob", "client edit", "C-2", "fields=phone")])
        rows = json.loads(self.ctl("audit", "--by", "alice",
                                   "--json").stdout)
        self.assertEqual([(r["actor"], r["action"], r["subject"])
                          for r in rows], [("alice", "client add", "C-2")])
        text = self.ctl("audit").stdout
        self.assertIn("bob", text)
        self.assertIn("client edit", text)
        self.assertEqual(json.loads(self.ctl(
            "audit", "list", "--since", "-1m", "--json").stdout)[0]["id"], 1)
        self.assertEqual(json.loads(self.ctl(
            "audit", "--since", "2100-01-01T00:00:00Z", "--json").stdout), [])
        self.assertIn("chain intact", self.ctl("audit", "verify").stdout)

    def test_a_bad_actor_is_refused(self):
        for bad in ("", "a\nb", "x" * 64, "\x1b[2J"):
            self.assertIn("--actor", self.fails("--actor", bad, "client",
                                                "add", "C-1", "--name", "A"))
        self.assertIn("--actor", self.fails("client", "list", "--actor"))
        self.assertEqual(self.rows("SELECT count(*) FROM client"), [(0,)])


class TestClients(AdminCase):
    def test_edit_changes_only_what_is_given(self):
        self.people()
        out = self.ctl("client", "edit", "C-0001", "--phone", "+44 9",
                       "--level", "L3").stdout
        self.assertEqual(out, "client C-0001 changed\n")
        card = json.loads(self.ctl("client", "show", "C-0001",
                                   "--json").stdout)
        self.assertEqual((card["name"], card["phone"], card["medical"],
                          card["level"]),
                         ("Mary Smith", "+44 9", "diabetic", "L3"))
        self.assertIn((login_user(), "client edit", "C-0001",
                       "fields=phone,level"), self.audit())
        # Bad values: nothing changes.
        self.assertIn("not a date", self.fails("client", "edit", "C-0001",
                                               "--born", "1938-13-01"))
        self.assertIn("not L1", self.fails("client", "edit", "C-0001",
                                           "--level", "L9"))
        self.assertIn("no client C-9", self.fails("client", "edit", "C-9",
                                                  "--name", "X"))
        self.assertIn("usage", self.fails("client", "edit"))
        self.assertEqual(self.rows("SELECT phone, response_level FROM client "
                                   "WHERE ref = 'C-0001'"), [("+44 9", "L3")])
        # No personal data in the audit trail.
        for row in self.audit():
            self.assertNotIn("+44 9", " ".join(row))

    def test_delete_needs_force_and_says_what_goes(self):
        rid = self.people()
        before = dump(self.arcd.db)
        err = self.fails("client", "delete", "C-0001")
        self.assertIn("client C-0001 has 1 unit (1234) with 2 zones, "
                      "1 responder link, 0 open alarms: --force", err)
        self.assertEqual(dump(self.arcd.db), before)
        out = self.ctl("--dry-run", "client", "delete", "C-0001",
                       "--force").stdout
        self.assertTrue(out.startswith("dry run: client C-0001 deleted, "
                                       "with 1 unit (1234)"), out)
        self.assertIn("(nothing changed)", out)
        self.assertEqual(dump(self.arcd.db), before)
        out = self.ctl("client", "delete", "C-0001", "--force").stdout
        self.assertEqual(out, "client C-0001 deleted, with 1 unit (1234) "
                         "with 2 zones, 1 responder link, 0 open alarms\n")
        self.assertEqual(self.rows("SELECT ref FROM client"), [("C-0002",)])
        self.assertEqual(self.rows("SELECT count(*) FROM unit"), [(0,)])
        self.assertEqual(self.rows("SELECT count(*) FROM zone"), [(0,)])
        self.assertEqual(self.rows("SELECT count(*) FROM client_responder"),
                         [(0,)])
        # The responder stays (another client may call on them).
        self.assertEqual(self.rows("SELECT id FROM responder"),
                         [(int(rid),)])
        self.assertIn((login_user(), "client delete", "C-0001",
                       "units=1 zones=2 responder_links=1 open_alarms=0"),
                      self.audit())
        # A client alone goes without --force.
        self.ctl("client", "delete", "C-0002")
        self.assertIn("no client C-0002", self.fails("client", "delete",
                                                     "C-0002"))

    def test_open_alarms_are_said_and_stay(self):
        self.people()
        self.open_alarm()
        err = self.fails("client", "delete", "C-0001")
        self.assertIn("1 open alarm: --force", err)
        err = self.fails("unit", "delete", "1234")
        self.assertIn("unit 1234 has 1 open alarm: --force", err)
        out = self.ctl("unit", "delete", "1234", "--force").stdout
        self.assertEqual(out, "unit 1234 deleted, with 2 zones; 1 open alarm "
                         "left to arcd\n")
        self.assertEqual(self.rows("SELECT state FROM alarm"), [("waiting",)])
        self.assertEqual(self.rows("SELECT count(*) FROM zone"), [(0,)])
        self.assertIn((login_user(), "unit delete", "1234",
                       "zones=2 open_alarms=1"), self.audit())

    def test_responders(self):
        rid = self.people()
        self.ctl("responder", "edit", rid, "--relation", "son",
                 "--phones", "+44 3")
        self.assertEqual(self.rows("SELECT name, phones, relation FROM "
                                   "responder"), [("John", "+44 3", "son")])
        self.assertIn("phones missing", self.fails("responder", "edit", rid,
                                                   "--phones", ""))
        self.assertIn("no responder 99", self.fails("responder", "edit",
                                                    "99", "--name", "X"))
        err = self.fails("responder", "delete", rid)
        self.assertIn("linked to client C-0001: --force", err)
        self.ctl("client", "unlink-responder", "C-0001", rid)
        self.assertIn("not linked", self.fails("client", "unlink-responder",
                                               "C-0001", rid))
        self.assertEqual(self.ctl("responder", "delete", rid).stdout,
                         "responder %s deleted, with no links\n" % rid)
        self.assertEqual(self.rows("SELECT count(*) FROM responder"), [(0,)])


class TestUnits(AdminCase):
    def test_edit_key_client_interval(self):
        self.people()
        old = self.rows("SELECT key FROM unit")[0][0]
        self.ctl("unit", "edit", "1234", "--key",
                 "hex:00112233445566778899aabbccddeeff", "--interval", "60")
        key, client, interval = self.rows(
            "SELECT key, client, interval FROM unit")[0]
        self.assertTrue(key.startswith("enc:") and key != old, key)
        self.assertEqual((client, interval), ("C-0001", 60))
        self.ctl("unit", "edit", "1234", "--no-key", "--client", "C-0002")
        self.assertEqual(self.rows("SELECT key, client FROM unit"),
                         [(None, "C-0002")])
        self.ctl("unit", "edit", "1234", "--no-client", "--interval", "0")
        self.assertEqual(self.rows("SELECT client, interval FROM unit"),
                         [(None, 0)])
        for args, msg in ((["--interval", "10"], "not 0 or 20..90000"),
                          (["--client", "C-9"], "no client C-9"),
                          (["--key", "ascii:short"], "key is not"),
                          ([], "usage")):
            self.assertIn(msg, self.fails("unit", "edit", "1234", *args))
        self.assertIn("no unit 9999", self.fails("unit", "edit", "9999",
                                                 "--interval", "60"))
        self.assertIn((login_user(), "unit edit", "1234",
                       "key=new interval=60"), self.audit())
        # A key is never in the audit trail or the output.
        for row in self.audit():
            self.assertNotIn("00112233", " ".join(row))

    def test_zones(self):
        self.people()
        self.ctl("zone", "edit", "1234", "001", "neck pendant")
        self.assertIn("no zone 009", self.fails("zone", "edit", "1234", "009",
                                                "x"))
        self.ctl("zone", "delete", "1234", "002")
        self.assertIn("no zone 002", self.fails("zone", "delete", "1234",
                                                "002"))
        self.assertEqual(self.rows("SELECT zone, label FROM zone"),
                         [("001", "neck pendant")])
        self.assertIn((login_user(), "zone delete", "1234", "zone=002"),
                      self.audit())


class TestOperators(AdminCase):
    def test_edit_passwd_delete(self):
        self.arcd.operator("op1", "first-password")
        self.ctl("operator", "edit", "op1", "--role", "supervisor",
                 "--disable", "--name", "Ann")
        self.assertEqual(self.rows("SELECT name, role, disabled FROM "
                                   "operator"), [("Ann", "supervisor", 1)])
        self.ctl("operator", "edit", "op1", "--enable")
        self.assertEqual(self.rows("SELECT role, disabled FROM operator"),
                         [("supervisor", 0)])
        self.assertIn("role boss", self.fails("operator", "edit", "op1",
                                              "--role", "boss"))
        r = subprocess_input(self.arcd, "second-password\n", "operator",
                             "passwd", "op1", "--password-file", "-")
        self.assertEqual(r.returncode, 0, r.stderr)
        h = self.rows("SELECT hash FROM operator")[0][0]
        self.assertTrue(pbkdf2_ok("second-password", h))
        self.assertFalse(pbkdf2_ok("first-password", h))
        pw = private_file(os.path.join(self.arcd.dir, "pw"), "short\n")
        self.assertIn("shorter than 8", self.fails(
            "operator", "passwd", "op1", "--password-file", pw))
        self.assertIn("no operator op9", self.fails(
            "operator", "passwd", "op9", "--password-file", pw))
        self.assertEqual(self.rows("SELECT hash FROM operator")[0][0], h)
        self.assertIn((login_user(), "operator passwd", "op1", ""),
                      self.audit())
        for row in self.audit():
            self.assertNotIn("password", " ".join(row[2:]))
        self.ctl("operator", "delete", "op1")
        self.assertIn("no operator op1", self.fails("operator", "delete",
                                                    "op1"))
        self.assertEqual(self.rows("SELECT count(*) FROM operator"), [(0,)])


def subprocess_input(arcd, text, *args):
    return subprocess.run([ARCCTL, "-D", arcd.db] + list(args), input=text,
                          capture_output=True, text=True, timeout=30)


def raw(arcd, *args):
    """arcctl's output as it is, bytes (no newline translation)."""
    r = subprocess.run([ARCCTL, "-D", arcd.db] + list(args),
                       capture_output=True, timeout=30)
    if r.returncode != 0:
        raise AssertionError("arcctl %s: %s" % (args, r.stderr))
    return r.stdout


class TestDryRun(AdminCase):
    def test_no_change_is_kept(self):
        rid = self.people()
        self.arcd.operator("op1", "first-password")
        pw = private_file(os.path.join(self.arcd.dir, "pw2"), "new-password\n")
        before = dump(self.arcd.db)
        for args in (["client", "add", "C-9", "--name", "X"],
                     ["client", "edit", "C-0001", "--name", "Y"],
                     ["client", "delete", "C-0002"],
                     ["unit", "add", "9999"],
                     ["unit", "edit", "1234", "--no-key"],
                     ["unit", "delete", "1234"],
                     ["zone", "add", "1234", "003", "door"],
                     ["zone", "edit", "1234", "001", "x"],
                     ["zone", "delete", "1234", "001"],
                     ["responder", "add", "--name", "Z", "--phones", "1"],
                     ["responder", "edit", rid, "--name", "Z"],
                     ["responder", "delete", rid, "--force"],
                     ["client", "unlink-responder", "C-0001", rid],
                     ["operator", "edit", "op1", "--disable"],
                     ["operator", "passwd", "op1", "--password-file", pw],
                     ["operator", "delete", "op1"],
                     ["operator", "unlock", "op1"]):
            out = self.ctl("--dry-run", *args).stdout
            self.assertTrue(out.startswith("dry run: ") and
                            out.endswith("(nothing changed)\n"), (args, out))
            self.assertEqual(dump(self.arcd.db), before, args)
        # A dry run still says what is wrong.
        self.assertIn("--force", self.fails("--dry-run", "client", "delete",
                                            "C-0001"))


class TestExportImport(AdminCase):
    CLIENTS = [
        ["C-0001", "Mary Smith", "1938-04-02", "1 High St, Coventry",
         "+44 24 7600 0001", "en", "diabetic;\nhip \"replacement\"",
         "key safe, \"1234\"", "L2"],
        ["C-0002", "  Bob Jones", "", "Flat 2\r\n3 Low Rd", "", "cy",
         "", "", "L1"],
        ["C-0003", "Zoë Ångström", "1950-02-28", "", "", "", "\tnone", "",
         "L4"],
    ]

    def fill(self):
        for c in self.CLIENTS:
            opts = ["--name", c[1]]
            for opt, v in zip(("born", "address", "phone", "language",
                               "medical", "access", "level"), c[2:]):
                if v:
                    opts += ["--" + opt, v]
            self.ctl("client", "add", c[0], *opts)
        self.ctl("unit", "add", "1234", "--client", "C-0001", "--key",
                 "ascii:" + KEY.decode(), "--interval", "3600")
        self.ctl("unit", "add", "ABCDEF", "--key",
                 "hex:00112233445566778899aabbccddeeff00112233445566778899aa"
                 "bbccddeeff")
        self.ctl("unit", "add", "5678", "--client", "C-0003")

    def test_round_trip(self):
        self.fill()
        clients = raw(self.arcd, "export", "clients")
        units = raw(self.arcd, "export", "units")
        got = list(csv.reader(io.StringIO(clients.decode(), newline="")))
        self.assertEqual(got[0], ["ref", "name", "born", "address", "phone",
                                  "language", "medical", "access", "level"])
        self.assertEqual(got[1:], self.CLIENTS)
        got = list(csv.reader(io.StringIO(units.decode(), newline="")))
        self.assertEqual(got[0], ["account", "protocol", "key", "client",
                                  "interval"])
        self.assertEqual([(u[0], u[3], u[4]) for u in got[1:]],
                         [("1234", "C-0001", "3600"), ("5678", "C-0003", "0"),
                          ("ABCDEF", "", "0")])
        self.assertTrue(got[1][2].startswith("enc:"))
        self.assertNotIn(KEY, units)

        # A new database with the first one's key file takes both back.
        b = Arcd()
        self.addCleanup(b.cleanup)
        shutil.copyfile(self.arcd.db + ".key", b.db + ".key")
        cpath = private_file(os.path.join(b.dir, "c.csv"), clients.decode())
        upath = private_file(os.path.join(b.dir, "u.csv"), units.decode())
        self.assertIn("no client C-0001", b.arcctl(
            "unit", "import", upath, check=False).stderr)
        self.assertEqual(b.arcctl("client", "import", cpath).stdout,
                         "imported 3 clients\n")
        self.assertEqual(b.arcctl("unit", "import", upath).stdout,
                         "imported 3 units\n")
        self.assertEqual(raw(b, "export", "clients"), clients)
        self.assertEqual(raw(b, "export", "units"), units)
        self.assertIn((login_user(), "unit import", upath, "3 units"),
                      b.rows("SELECT actor, action, subject, detail FROM "
                             "audit"))
        # The sealed key opens there: arcd ACKs the unit's encrypted frame.
        b.start()
        s = b.tcp()
        s.sendall(frame(encrypted_body("ADM-CID", 1, "1234", "1101 01 015",
                                       KEY)))
        self.assertEqual(read_reply(s, KEY).token, "*ACK")
        s.close()

    def test_export_to_a_file(self):
        self.fill()
        path = os.path.join(self.arcd.dir, "out.csv")
        self.ctl("export", "clients", "--output", path)
        self.assertEqual(stat.S_IMODE(os.stat(path).st_mode), 0o600)
        with open(path, "rb") as f:
            self.assertEqual(f.read(), raw(self.arcd, "export", "clients"))
        self.assertIn("File exists", self.fails("export", "clients",
                                                "--output", path))
        self.assertIn("usage", self.fails("export", "people"))
        self.assertIn((login_user(), "client export", path, ""),
                      self.audit())

    def test_bad_unit_rows_import_nothing(self):
        self.fill()
        other = Arcd()          # another key file
        self.addCleanup(other.cleanup)
        other.arcctl("unit", "add", "4321", "--key", "ascii:" + KEY.decode())
        foreign = other.rows("SELECT key FROM unit")[0][0]
        text = ("account,key,client,interval\n"
                "12,,,\n"
                "777,ascii:short,,\n"
                "778,%s,,\n"
                "779,,C-9,\n"
                "77A,,,15\n"
                "1234,,,\n"
                "77B,,,\n"
                "77b,,,\n" % foreign)
        path = private_file(os.path.join(self.arcd.dir, "bad.csv"), text)
        err = self.fails("unit", "import", path)
        for msg in ("line 2, field account: not 3-16 hex digits",
                    "line 3, field key: not ascii: or hex:",
                    "line 4, field key: sealed, and does not open",
                    "line 5, field client: no client C-9",
                    "line 6, field interval: not 0 or 20..90000",
                    "line 7, field account: unit 1234 exists",
                    "line 9, field account: 77B is also on line 8",
                    "7 errors, nothing imported"):
            self.assertIn(msg, err)
        self.assertEqual(self.rows("SELECT count(*) FROM unit"), [(3,)])


class TestUnlock(GuardCase):
    """operator unlock against a running arcd-test."""

    def wrong(self, login, source="127.0.0.1", password="wrong"):
        c = Console(self.arcd.cport, source=source)
        self.addCleanup(c.close)
        c.send({"type": "login", "id": 1, "protocol": 2, "login": login,
                "password": password})
        time.sleep(0.1)         # checked on the worker
        self.arcd.advance(1)    # the refusal's second
        r = c.read()
        c.close()
        return r

    def unlocked(self, action, subject):
        """Tick arcd's clock (the refresh job reads the request) until the
        unlock is audited with the person who asked."""
        def done():
            self.arcd.advance(1)
            return self.arcd.rows(
                "SELECT actor FROM audit WHERE action = ? AND subject = ?",
                (action, subject)) == [("alice",)]
        wait_for(done, 10, "%s %s" % (action, subject))

    def test_unlock_a_login_and_a_source(self):
        for _ in range(5):
            self.assertEqual(self.wrong("op1")["error"], "auth")
        self.assertEqual(self.wrong("op1", password=PW)["error"], "locked")
        out = self.arcd.arcctl("--actor", "alice", "operator", "unlock",
                               "op1").stdout
        self.assertIn("login op1: unlock asked of arcd", out)
        self.unlocked("login unlocked", "operator op1")
        c = Console(self.arcd.cport)
        self.addCleanup(c.close)
        self.assertTrue(c.login("op1", PW)["ok"])
        self.assertIn(("alice", "unlock requested", "operator op1"),
                      self.arcd.rows("SELECT actor, action, subject FROM "
                                     "audit"))

        for i in range(8):
            self.assertEqual(self.wrong("guess%d" % i, "127.0.0.5")["error"],
                             "auth")
        self.assertEqual(self.wrong("op2", "127.0.0.5", PW)["error"],
                         "locked")
        self.arcd.arcctl("--actor", "alice", "operator", "unlock",
                         "--source", "127.0.0.5")
        self.unlocked("source unlocked", "source 127.0.0.5")
        d = Console(self.arcd.cport, source="127.0.0.5")
        self.addCleanup(d.close)
        self.assertTrue(d.login("op2", PW)["ok"])

        # Asking for a login that is not locked changes nothing.
        self.arcd.arcctl("operator", "unlock", "op2")
        wait_for(lambda: (self.arcd.advance(1),
                          "login op2 was not locked" in
                          self.arcd.logtext())[1], 10, "the request read")
        self.assertIn("usage", self.arcd.arcctl("operator", "unlock",
                                                check=False).stderr)
        self.assertIn("not a login", self.arcd.arcctl(
            "operator", "unlock", "a b", check=False).stderr)


if __name__ == "__main__":
    unittest.main()
