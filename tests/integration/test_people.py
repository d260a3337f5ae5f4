"""arcctl's people commands end to end: clients (add, import, list, show),
unit links, zones, responders, operators; checked on stdout/stderr and in
the database. No arcd is started."""
import hashlib
import json
import os
import shutil
import unittest

from arctest import ARCCTL, Arcd, login_user, private_file


class PeopleCase(unittest.TestCase):
    def setUp(self):
        self.arcd = Arcd()
        self.addCleanup(shutil.rmtree, self.arcd.dir, True)

    def ctl(self, *args, check=True):
        return self.arcd.arcctl(*args, check=check)

    def fails(self, *args):
        r = self.ctl(*args, check=False)
        self.assertEqual(r.returncode, 1, "%s: %s" % (args, r.stdout))
        return r.stderr

    def write(self, name, text):
        return private_file(os.path.join(self.arcd.dir, name), text)

    def write_bytes(self, name, data):
        path = os.path.join(self.arcd.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def audit(self):
        return self.arcd.rows("SELECT actor, action, subject, detail "
                              "FROM audit ORDER BY id")

    def assert_audit_clean(self, *private):
        """Every audit row names the person using arcctl and carries none
        of the private strings; the chain verifies."""
        for row in self.audit():
            self.assertEqual(row[0], login_user())
            for p in private:
                for field in row:
                    self.assertNotIn(p, field, row)
        self.assertIn("chain intact", self.ctl("audit", "verify").stdout)


class TestClients(PeopleCase):
    def add_mary(self):
        self.ctl("client", "add", "C-0001", "--name", "Mary Smith",
                 "--born", "1938-04-02", "--address", "1 High St, Coventry",
                 "--phone", "+44 24 7600 0001", "--language", "en",
                 "--medical", "diabetic; hip replacement",
                 "--access", "key safe 1234 by back door", "--level", "L2")

    def test_add_show_list(self):
        self.add_mary()
        self.ctl("client", "add", "C-0002", "--name", "Bob Jones")
        card = json.loads(self.ctl("client", "show", "C-0001",
                                   "--json").stdout)
        self.assertEqual(card["name"], "Mary Smith")
        self.assertEqual(card["born"], "1938-04-02")
        self.assertEqual(card["address"], "1 High St, Coventry")
        self.assertEqual(card["phone"], "+44 24 7600 0001")
        self.assertEqual(card["language"], "en")
        self.assertEqual(card["medical"], "diabetic; hip replacement")
        self.assertEqual(card["access"], "key safe 1234 by back door")
        self.assertEqual(card["level"], "L2")
        self.assertEqual(card["units"], [])
        self.assertEqual(card["responders"], [])
        text = self.ctl("client", "show", "C-0001").stdout
        self.assertIn("key safe 1234 by back door", text)
        self.assertIn("L2", text)
        clients = json.loads(self.ctl("client", "list", "--json").stdout)
        self.assertEqual([(c["ref"], c["level"]) for c in clients],
                         [("C-0001", "L2"), ("C-0002", "L1")])
        listing = self.ctl("client", "list").stdout.splitlines()
        self.assertEqual(len(listing), 3)
        self.assertTrue(listing[1].startswith("C-0001"))
        self.assert_audit_clean("Mary", "1938", "diabetic", "1234 by")
        actions = [r[1] for r in self.audit()]
        self.assertEqual(actions.count("client add"), 2)
        self.assertIn("client show", actions)

    def test_add_errors(self):
        self.add_mary()
        for args, want in (
                (["C-0001", "--name", "X"], "client C-0001 exists"),
                (["C-0003", "--name", "X", "--born", "1938-13-02"],
                 "field born: not a date YYYY-MM-DD: 1938-13-02"),
                (["C-0003", "--name", "X", "--level", "L5"],
                 "field level: not L1, L2, L3 or L4: L5"),
                (["C-0003"], "field name: missing"),
                (["C 3", "--name", "X"], "field ref"),
                (["C-0003", "--name", "X", "--phone", "9" * 50],
                 "--phone too long")):
            self.assertIn(want, self.fails("client", "add", *args), args)
        self.assertIn("no client C-9", self.fails("client", "show", "C-9"))
        self.assertEqual(self.arcd.rows("SELECT count(*) FROM client"),
                         [(1,)])

    def test_import(self):
        path = self.write("clients.csv",
                          "name,ref,born,level,address,medical,access\r\n"
                          "Mary Smith,C-0001,1938-04-02,L2,"
                          "\"1 High St, Coventry\",diabetic,\r\n"
                          "\"Bob \"\"Bobby\"\" Jones\",C-0002,,,"
                          "\"Flat 2\n3 Low Rd\",,\"key safe, \"\"1234\"\"\"\r\n"
                          "\r\n"
                          "Ann Lee,C-0003,1950-02-28,L4,,,\r\n")
        r = self.ctl("client", "import", path)
        self.assertEqual(r.stdout.strip(), "imported 3 clients")
        rows = self.arcd.rows("SELECT ref, name, born, response_level, "
                              "address, access FROM client ORDER BY ref")
        self.assertEqual(rows, [
            ("C-0001", "Mary Smith", "1938-04-02", "L2",
             "1 High St, Coventry", None),
            ("C-0002", 'Bob "Bobby" Jones', None, "L1", "Flat 2\n3 Low Rd",
             'key safe, "1234"'),
            ("C-0003", "Ann Lee", "1950-02-28", "L4", None, None)])
        self.assertIn((login_user(), "client import", path, "3 clients"),
                      self.audit())

        # Again: every ref exists now; nothing more is imported.
        err = self.fails("client", "import", path)
        self.assertIn("%s: line 2, field ref: client C-0001 exists" % path,
                      err)
        self.assertIn("%s: line 3, field ref: client C-0002 exists" % path,
                      err)
        self.assertIn("%s: line 6, field ref: client C-0003 exists" % path,
                      err)
        self.assertEqual(self.arcd.rows("SELECT count(*) FROM client"),
                         [(3,)])

    def test_import_errors(self):
        path = self.write("clients.csv",
                          "ref,name,born,level,phone\n"
                          "C-0001,Mary Smith,1938-04-02,L2,1\n"
                          "C-0002,Bob,1938-13-02,L1,2\n"
                          "C-0003,,1950-01-01,L1,3\n"
                          "C-0004,Ann,1950-01-01,L1,4\n"
                          "C-0001,Eve,1951-01-01,L1,5\n"
                          "C-0006,Joe,1951-01-01,L1\n")
        r = self.ctl("client", "import", path, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr.splitlines(), [
            "arcctl: %s: line 3, field born: not a date YYYY-MM-DD: "
            "1938-13-02" % path,
            "arcctl: %s: line 4, field name: missing" % path,
            "arcctl: %s: line 6, field ref: C-0001 is also on line 2" % path,
            "arcctl: %s: line 7, 4 fields, the header has 5" % path,
            "arcctl: client import: 4 errors, nothing imported"])
        self.assertEqual(self.arcd.rows("SELECT count(*) FROM client"),
                         [(0,)])
        self.assertEqual(self.audit(), [])

    def test_import_not_utf8(self):
        """A byte that is not UTF-8 (a Latin-1 file) or a control
        character: each named with its line, field and byte; nothing is
        imported."""
        path = self.write_bytes("latin1.csv",
                                b"ref,name,medical,address\n"
                                b"C-0001,Mary Smith,diabetic,1 High St\n"
                                b"C-0002,Bob,diab\xe9tic,2 Low Rd\n"
                                b"C-0003,Zo\xc3\xab,ok,\"3 Road\x1b[2J\"\n"
                                b"C-0004,Ann \xed\xa0\x80,,\n")
        r = self.ctl("client", "import", path, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertEqual(r.stdout, "")
        self.assertEqual(r.stderr.splitlines(), [
            "arcctl: %s: line 3, field medical: not valid UTF-8 at byte 5"
            % path,
            "arcctl: %s: line 4, field address: control character U+001B "
            "at byte 7" % path,
            "arcctl: %s: line 5, field name: not valid UTF-8 at byte 5"
            % path,
            "arcctl: client import: 3 errors, nothing imported"])
        self.assertEqual(self.arcd.rows("SELECT count(*) FROM client"),
                         [(0,)])
        self.assertEqual(self.audit(), [])
        # The same file in UTF-8 (and tabs, line breaks) is imported.
        path = self.write_bytes("utf8.csv",
                                b"ref,name,medical,address\n"
                                b"C-0002,Bob,diab\xc3\xa9tic,\"2 Low Rd\n"
                                b"Leeds\"\n"
                                b"C-0003,Zo\xc3\xab \xe6\x97\xa5,\tok,\n")
        self.assertEqual(self.ctl("client", "import", path).stdout.strip(),
                         "imported 2 clients")
        self.assertEqual(self.arcd.rows(
            "SELECT name, medical FROM client ORDER BY ref"),
            [("Bob", "diab\u00e9tic"), ("Zo\u00eb \u65e5", "\tok")])

    def test_add_not_utf8(self):
        """Every text arcctl stores: a bad byte (passed as raw bytes, as a
        shell would) is refused naming the field; nothing is stored."""
        self.add_mary()
        bad = "diab\udce9tic"          # os.fsencode: b"diab\xe9tic"
        self.assertIn("client add: C-0003: field medical: not valid UTF-8 "
                      "at byte 5", self.fails("client", "add", "C-0003",
                                              "--name", "X", "--medical",
                                              bad))
        self.assertIn("field name: control character U+001B at byte 1",
                      self.fails("client", "add", "C-0003", "--name",
                                 "\x1b[2JX"))
        self.ctl("unit", "add", "100000", "--client", "C-0001")
        self.assertIn("zone add: zone 001: label: not valid UTF-8 at byte 5",
                      self.fails("zone", "add", "100000", "001", bad))
        self.assertIn("responder add: field name: not valid UTF-8 at byte 5",
                      self.fails("responder", "add", "--name", bad,
                                 "--phones", "1"))
        pw = self.write("pw", "long enough\n")
        self.assertIn("operator add: operator op1: name: not valid UTF-8 at "
                      "byte 5", self.fails("operator", "add", "op1",
                                           "--name", bad, "--password-file",
                                           pw))
        for table, n in (("client", 1), ("zone", 0), ("responder", 0),
                         ("operator", 0)):
            self.assertEqual(self.arcd.rows("SELECT count(*) FROM " + table),
                             [(n,)], table)
        # An error quoting a bad byte shows U+FFFD, never the byte itself.
        err = self.fails("client", "add", "C-\udcff", "--name", "X")
        self.assertIn("client add: C-\ufffd: field ref: not valid UTF-8 at "
                      "byte 3", err)

    def test_import_bad_header_and_quotes(self):
        path = self.write("h.csv", "ref,nom\nC-1,Mary\n")
        err = self.fails("client", "import", path)
        self.assertIn("h.csv: line 1, field 2: unknown column nom", err)
        self.assertIn("h.csv: line 1, no name column", err)
        path = self.write("q.csv", 'ref,name\nC-1,"Mary\nC-2,Bob\n')
        self.assertIn("q.csv: line 2, field 2: quoted field not closed",
                      self.fails("client", "import", path))
        self.assertIn("No such file", self.fails("client", "import",
                                                 "/nonexistent.csv"))


class TestLinks(PeopleCase):
    def setUp(self):
        super().setUp()
        self.ctl("unit", "add", "100000")
        self.ctl("client", "add", "C-0001", "--name", "Mary Smith")

    def test_unit_link_and_zone(self):
        self.ctl("unit", "link", "100000", "C-0001")
        units = json.loads(self.ctl("unit", "list", "--json").stdout)
        self.assertEqual(units[0]["client"], "C-0001")
        self.assertIn("no unit 100009",
                      self.fails("unit", "link", "100009", "C-0001"))
        self.assertIn("no client C-0009",
                      self.fails("unit", "link", "100000", "C-0009"))
        self.ctl("zone", "add", "100000", "001", "pendant")
        self.ctl("zone", "add", "100000", "002", "smoke detector in hall")
        self.ctl("zone", "add", "100000", "001", "wrist pendant")
        self.assertEqual(self.arcd.rows(
            "SELECT zone, label FROM zone ORDER BY zone"),
            [("001", "wrist pendant"), ("002", "smoke detector in hall")])
        self.assertIn("no unit 999999",
                      self.fails("zone", "add", "999999", "001", "x"))
        card = json.loads(self.ctl("client", "show", "C-0001",
                                   "--json").stdout)
        self.assertEqual([u["account"] for u in card["units"]], ["100000"])
        self.assert_audit_clean("Mary", "pendant")

    def test_unit_add_needs_an_existing_client(self):
        self.assertIn("unit add: account 100001: no client C-0009",
                      self.fails("unit", "add", "100001", "--client",
                                 "C-0009"))
        self.ctl("unit", "add", "100002", "--client", "C-0001")
        self.assertEqual(self.arcd.rows(
            "SELECT account, client FROM unit ORDER BY account"),
            [("100000", None), ("100002", "C-0001")])
        self.assertNotIn((login_user(), "unit add", "100001"),
                         [r[:3] for r in self.audit()])

    def test_responders(self):
        ids = []
        for name, rel in (("John Smith", "son"), ("Jane Doe", "neighbour"),
                          ("Warden", "")):
            args = ["responder", "add", "--name", name,
                    "--phones", "+44 7700 90000%d" % len(ids)]
            if rel:
                args += ["--relation", rel, "--availability", "evenings"]
            ids.append(int(self.ctl(*args).stdout))
        self.assertEqual(len(set(ids)), 3)
        out = self.ctl("client", "link-responder", "C-0001",
                       str(ids[1])).stdout
        self.assertIn("rank 1", out)
        self.ctl("client", "link-responder", "C-0001", str(ids[0]),
                 "--rank", "3")
        out = self.ctl("client", "link-responder", "C-0001",
                       str(ids[2])).stdout
        self.assertIn("rank 4", out)
        self.assertIn("already rank 4", self.fails(
            "client", "link-responder", "C-0001", str(ids[2])))
        extra = self.ctl("responder", "add", "--name", "Extra", "--phones",
                         "1").stdout.strip()
        self.assertIn("rank 3 of C-0001 is taken", self.fails(
            "client", "link-responder", "C-0001", extra, "--rank", "3"))
        self.assertIn("no responder 999", self.fails(
            "client", "link-responder", "C-0001", "999"))
        self.assertIn("no client C-7", self.fails(
            "client", "link-responder", "C-7", str(ids[0])))
        self.assertIn("name missing",
                      self.fails("responder", "add", "--phones", "1"))
        card = json.loads(self.ctl("client", "show", "C-0001",
                                   "--json").stdout)
        self.assertEqual([(r["rank"], r["name"]) for r in card["responders"]],
                         [(1, "Jane Doe"), (3, "John Smith"), (4, "Warden")])
        self.assertEqual(card["responders"][0]["relation"], "neighbour")
        text = self.ctl("client", "show", "C-0001").stdout
        self.assertLess(text.index("Jane Doe"), text.index("John Smith"))
        self.assert_audit_clean("John", "Jane", "7700")


def pbkdf2_ok(password, stored):
    """An independent check of the stored hash (Python's hashlib)."""
    scheme, iters, salt, key = stored.split("$")
    if scheme != "pbkdf2-sha256":
        return False
    dk = hashlib.pbkdf2_hmac("sha256", password.encode(),
                             bytes.fromhex(salt), int(iters))
    return dk.hex() == key


class TestOperators(PeopleCase):
    def test_add_with_password_file(self):
        pw = self.write("pw", "correct horse battery\nsecond line\n")
        r = self.ctl("operator", "add", "op1", "--name", "Ann Operator",
                     "--password-file", pw)
        self.assertNotIn("correct horse", r.stdout + r.stderr)
        pw2 = self.write("pw2", "sup3rvisor-pass\r\n")
        self.ctl("operator", "add", "sup", "--name", "Sue", "--role",
                 "supervisor", "--password-file", pw2)
        rows = self.arcd.rows("SELECT login, name, role, hash, disabled "
                              "FROM operator ORDER BY login")
        self.assertEqual([r[:3] for r in rows],
                         [("op1", "Ann Operator", "operator"),
                          ("sup", "Sue", "supervisor")])
        h = rows[0][3]
        self.assertTrue(h.startswith("pbkdf2-sha256$60000$"), h)
        self.assertEqual(len(h.split("$")[2]), 32)      # 16-byte salt
        self.assertTrue(pbkdf2_ok("correct horse battery", h))
        self.assertFalse(pbkdf2_ok("correct horse batter", h))
        self.assertTrue(pbkdf2_ok("sup3rvisor-pass", rows[1][3]))
        self.assertNotEqual(h.split("$")[2], rows[1][3].split("$")[2])
        self.assertIn((login_user(), "operator add", "op1", "role=operator"),
                      self.audit())
        self.assert_audit_clean("correct", "horse", "sup3r")

    def test_errors(self):
        short = self.write("short", "seven77\n")
        good = self.write("good", "long enough\n")
        empty = self.write("empty", "")
        for args, want in (
                (["op1", "--name", "A", "--password-file", short],
                 "shorter than 8"),
                (["op1", "--name", "A", "--password-file", empty],
                 "no password"),
                (["op1", "--name", "A", "--password-file", "/nonexistent"],
                 "/nonexistent"),
                (["op1", "--password-file", good], "--name is required"),
                (["op1", "--name", "A", "--role", "boss",
                  "--password-file", good], "role boss"),
                (["bad login", "--name", "A", "--password-file", good],
                 "login")):
            self.assertIn(want, self.fails("operator", "add", *args), args)
        self.ctl("operator", "add", "op1", "--name", "A",
                 "--password-file", good)
        self.assertIn("operator op1 exists", self.fails(
            "operator", "add", "op1", "--name", "A", "--password-file",
            good))
        self.assertEqual(self.arcd.rows("SELECT count(*) FROM operator"),
                         [(1,)])

    def prompt(self, *answers):
        """Run operator add on a pseudo-terminal, answering the prompts."""
        import pty
        import select
        import time
        try:
            pid, fd = pty.fork()
        except OSError as e:
            self.skipTest("no pseudo-terminal: %s" % e)
        if pid == 0:
            os.execv(ARCCTL, [ARCCTL, "-D", self.arcd.db, "operator", "add",
                              "op9", "--name", "Tty Op"])
        out = b""
        pending = list(answers)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(fd, 1024)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
            asked = out.count(b"Password for") + out.count(b"Again:")
            if pending and asked > len(answers) - len(pending):
                os.write(fd, pending.pop(0).encode() + b"\n")
        _, status = os.waitpid(pid, 0)
        os.close(fd)
        return os.waitstatus_to_exitcode(status), out.decode(errors="replace")

    def test_prompt(self):
        rc, out = self.prompt("tty-password-1", "tty-password-1")
        self.assertEqual(rc, 0, out)
        self.assertIn("Password for op9:", out)
        self.assertIn("Again:", out)
        self.assertNotIn("tty-password-1", out, "echo is off")
        h = self.arcd.rows("SELECT hash FROM operator WHERE login = 'op9'")
        self.assertTrue(pbkdf2_ok("tty-password-1", h[0][0]))

    def test_prompt_mismatch(self):
        rc, out = self.prompt("tty-password-1", "tty-password-2")
        self.assertEqual(rc, 1, out)
        self.assertIn("the passwords differ", out)
        self.assertEqual(self.arcd.rows("SELECT count(*) FROM operator"),
                         [(0,)])


if __name__ == "__main__":
    unittest.main()
