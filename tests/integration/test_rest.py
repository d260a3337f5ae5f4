"""Data at rest (issue 9, point 7): what arcd and arcctl leave on disk is
theirs alone, secrets others could read are refused, the console speaks
only modern TLS, and unit keys are sealed in the database."""
import os
import socket
import sqlite3
import ssl
import stat
import subprocess
import unittest

from arctest import (ARCD, Arcd, login_user, ArcdCase, encrypted_body, frame,
                     private_file, read_reply, stamp, wait_for)

KEY = b"Unit-5678-Secret"       # 16 bytes: AES-128, easy to find if leaked


def mode(path):
    return stat.S_IMODE(os.stat(path).st_mode)


class TestFileModes(ArcdCase):
    def setup_units(self):
        self.arcd.arcctl("unit", "add", "1234")

    def test_database_and_wal_files_are_private(self):
        # Python's umask (022) would make 0644 files: arc sets its own.
        os.umask(0o022)
        s = self.arcd.tcp()
        s.sendall(frame('"ADM-CID"0001R1L1#1234[#1234|1101 01 015]_' +
                        stamp()))
        self.assertEqual(read_reply(s).token, "ACK")
        for suffix in ("", "-wal", "-shm"):
            path = self.arcd.db + suffix
            self.assertTrue(os.path.exists(path), path)
            self.assertEqual(mode(path), 0o600, path)


class TestLooseDatabase(unittest.TestCase):
    def test_open_database_is_tightened_with_a_warning(self):
        arcd = Arcd()
        self.addCleanup(arcd.cleanup)
        os.chmod(arcd.db, 0o644)
        arcd.start()
        self.assertEqual(mode(arcd.db), 0o600)
        self.assertIn("%s: readable by group or others (mode 0644); made "
                      "0600" % arcd.db, arcd.logtext())
        for suffix in ("-wal", "-shm"):
            wait_for(lambda: os.path.exists(arcd.db + suffix), 5, suffix)
            self.assertEqual(mode(arcd.db + suffix), 0o600, suffix)


class TestSecretFiles(unittest.TestCase):
    """A secret others could read is refused, named, with the fix."""

    def setUp(self):
        self.arcd = Arcd(console=True)
        self.addCleanup(self.arcd.cleanup)

    def refused(self):
        r = subprocess.run([ARCD, "-d", "-f", self.arcd.conf, "-D",
                            self.arcd.db], capture_output=True, text=True,
                           timeout=20)
        self.assertEqual(r.returncode, 1, r.stderr)
        return r.stderr

    def test_tls_key_readable_by_others_is_refused(self):
        os.chmod(self.arcd.key, 0o644)
        self.assertIn("tls_key %s: readable by group or others (mode 0644); "
                      "chmod 600 it" % self.arcd.key, self.refused())
        os.chmod(self.arcd.key, 0o640)
        self.assertIn("tls_key %s: readable by group or others (mode 0640)"
                      % self.arcd.key, self.refused())
        os.chmod(self.arcd.key, 0o600)
        self.arcd.start()       # the same key, now private: accepted
        self.assertIn("listen console", self.arcd.logtext())

    def test_tls_key_not_a_regular_file_is_refused(self):
        os.unlink(self.arcd.key)
        os.mkdir(self.arcd.key, 0o700)
        self.assertIn("tls_key %s: not a regular file" % self.arcd.key,
                      self.refused())

    def test_password_file_readable_by_others_is_refused(self):
        pw = private_file(os.path.join(self.arcd.dir, "pw"), "long enough\n")
        os.chmod(pw, 0o644)
        r = self.arcd.arcctl("operator", "add", "ann", "--name", "Ann",
                             "--password-file", pw, check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("--password-file %s: readable by group or others "
                      "(mode 0644); chmod 600 it" % pw, r.stderr)
        self.assertEqual(self.arcd.rows("SELECT count(*) FROM operator"),
                         [(0,)])
        os.chmod(pw, 0o600)
        self.arcd.arcctl("operator", "add", "ann", "--name", "Ann",
                         "--password-file", pw)


class TestConsoleTls(unittest.TestCase):
    """TLS 1.3, or 1.2 with ECDHE and AEAD; the certificate is ECDSA P-256."""

    @classmethod
    def setUpClass(cls):
        cls.arcd = Arcd(console=True)
        cls.arcd.start()

    @classmethod
    def tearDownClass(cls):
        cls.arcd.cleanup()

    def connect(self, ciphers=None, tls12=False):
        """The negotiated (version, cipher) once arcd's hello is read."""
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        if tls12:
            ctx.maximum_version = ssl.TLSVersion.TLSv1_2
        if ciphers:
            ctx.set_ciphers(ciphers)
        raw = socket.create_connection(("127.0.0.1", self.arcd.cport), 10)
        with ctx.wrap_socket(raw) as s:
            self.assertIn(b'"hello"', s.recv(4096))
            return s.version(), s.cipher()[0]

    def test_tls13(self):
        self.assertEqual(self.connect()[0], "TLSv1.3")

    def test_tls12_aead(self):
        for c in ("ECDHE-ECDSA-AES128-GCM-SHA256",
                  "ECDHE-ECDSA-AES256-GCM-SHA384",
                  "ECDHE-ECDSA-CHACHA20-POLY1305"):
            self.assertEqual(self.connect(c, tls12=True), ("TLSv1.2", c))

    def test_tls12_server_order(self):
        self.assertEqual(self.connect("ECDHE-ECDSA-CHACHA20-POLY1305:"
                                      "ECDHE-ECDSA-AES128-GCM-SHA256",
                                      tls12=True)[1],
                         "ECDHE-ECDSA-AES128-GCM-SHA256")

    def test_tls12_cbc_and_sha1_refused(self):
        for c in ("ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA",
                  "ECDHE-ECDSA-AES128-SHA256"):
            with self.assertRaises(ssl.SSLError, msg=c):
                self.connect(c, tls12=True)
        # arcd still serves everyone else.
        self.assertEqual(self.connect()[0], "TLSv1.3")


def on_disk(db):
    """Every byte of the database and its WAL, as a thief would copy them."""
    data = b""
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            with open(db + suffix, "rb") as f:
                data += f.read()
    return data


def encrypted(arcd, seq, acct="5678"):
    """An encrypted pendant press from acct; arcd's reply, read with KEY."""
    s = arcd.tcp()
    s.sendall(frame(encrypted_body("ADM-CID", seq, acct, "1101 01 015",
                                   KEY)))
    r = read_reply(s, KEY)
    s.close()
    return r


class TestSealedKeys(ArcdCase):
    def setup_units(self):
        self.arcd.arcctl("unit", "add", "5678", "--key",
                         "ascii:" + KEY.decode())

    def test_key_sealed_in_database_and_frames_still_acked(self):
        keyfile = self.arcd.db + ".key"
        self.assertEqual(mode(keyfile), 0o600)
        stored = self.arcd.rows("SELECT key FROM unit")[0][0]
        self.assertTrue(stored.startswith("enc:"), stored)
        self.assertNotIn(KEY, on_disk(self.arcd.db))
        self.assertNotIn(KEY.hex().encode(), on_disk(self.arcd.db).lower())
        r = encrypted(self.arcd, 21)
        self.assertEqual((r.token, r.seq, r.acct), ("*ACK", 21, "#5678"))
        self.assertEqual(len(self.arcd.events("5678")), 1)
        self.assertNotIn(KEY, on_disk(self.arcd.db))
        self.assertIn("sealed", self.arcd.arcctl("unit", "list").stdout)

    def test_loose_key_file_is_refused(self):
        keyfile = self.arcd.db + ".key"
        self.arcd.stop()
        os.chmod(keyfile, 0o644)
        r = subprocess.run([ARCD, "-d", "-f", self.arcd.conf, "-D",
                            self.arcd.db], capture_output=True, text=True,
                           timeout=20)
        self.assertEqual(r.returncode, 1)
        self.assertIn("key file %s: readable by group or others (mode "
                      "0644); chmod 600 it" % keyfile, r.stderr)
        r = self.arcd.arcctl("unit", "add", "9999", "--key",
                             "ascii:" + KEY.decode(), check=False)
        self.assertEqual(r.returncode, 1)
        self.assertIn("key file %s: readable by group" % keyfile, r.stderr)
        os.chmod(keyfile, 0o600)
        self.arcd.start()

    def test_another_key_file_opens_nothing(self):
        other = Arcd()
        self.addCleanup(other.cleanup)
        self.arcd.stop()
        os.replace(other.db + ".key", self.arcd.db + ".key")
        self.arcd.start()
        self.assertIn("unit 5678: sealed key does not open with key file",
                      self.arcd.logtext())
        self.assertEqual(encrypted(self.arcd, 22).token, "NAK")
        self.assertEqual(self.arcd.events(), [])


class TestClearKeyFromBefore(unittest.TestCase):
    """A key stored in the clear by an older arcctl loads as it is, and
    arcctl init seals it in place."""

    def test_clear_key_loads_then_init_seals_it(self):
        arcd = Arcd()
        self.addCleanup(arcd.cleanup)
        c = sqlite3.connect(arcd.db)
        c.execute("INSERT INTO unit (account, key) VALUES ('5678', ?)",
                  ("ascii:" + KEY.decode(),))
        c.commit()
        c.close()
        arcd.start()
        self.assertEqual(encrypted(arcd, 1).token, "*ACK")
        arcd.stop()
        self.assertIn(KEY, on_disk(arcd.db))        # as an old arcctl left it
        out = arcd.arcctl("init").stdout
        self.assertIn("1 unit keys stored in the clear are now sealed", out)
        self.assertNotIn(KEY, on_disk(arcd.db))
        self.assertTrue(arcd.rows("SELECT key FROM unit")[0][0]
                        .startswith("enc:"))
        self.assertIn((login_user(), "unit keys sealed", "keys=1"), arcd.rows(
            "SELECT actor, action, detail FROM audit"))
        arcd.start()
        self.assertEqual(encrypted(arcd, 2).token, "*ACK")
        self.assertEqual(len(arcd.events("5678")), 2)


if __name__ == "__main__":
    unittest.main()
