"""Data at rest (issue 9, point 7): what arcd and arcctl leave on disk is
theirs alone, secrets others could read are refused, the console speaks
only modern TLS, and unit keys are sealed in the database."""
import os
import stat
import unittest

from arctest import Arcd, ArcdCase, frame, read_reply, stamp, wait_for


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


if __name__ == "__main__":
    unittest.main()
