"""The audit trail you can trust: arcd logs the chain's head at start, stop
and hourly; arcctl audit verify catches a tail deleted behind the triggers'
back (and still does after arcd has written more), and --head catches an
older copy of the database restored, head and all."""
import re
import sqlite3
import unittest

from arctest import Arcd, wait_for

HEAD = re.compile(r"audit head: seq (\d+) hash ([0-9a-f]{16}) \((\w+)\)")


class TestAuditHead(unittest.TestCase):
    def setUp(self):
        self.arcd = Arcd(test_build=True)
        self.addCleanup(self.arcd.cleanup)
        self.arcd.arcctl("client", "add", "C-0000", "--name", "Al Bo")  # 1
        self.arcd.start()                       # arcd's "start": row 2
        self.arcd.arcctl("client", "add", "C-0001", "--name", "Mary Smith")
        self.arcd.stop()                        # arcd's "stop": row 4

    def heads(self):
        return [(int(s), h, when) for s, h, when in
                HEAD.findall(self.arcd.logtext())]

    def verify(self, *args):
        return self.arcd.arcctl("audit", "verify", *args, check=False)

    def tamper(self, *sql):
        c = sqlite3.connect(self.arcd.db)
        try:
            for s in sql:
                c.execute(s)
            c.commit()
        finally:
            c.close()

    def test_logged_heads_are_accepted(self):
        heads = self.heads()
        self.assertEqual([w for _, _, w in heads], ["start", "stop"])
        # Start: the head found (before arcd's own row); stop: the last.
        self.assertEqual(heads[0][0], 1)
        last = self.arcd.rows("SELECT max(id), hex(hash) FROM audit")[0]
        self.assertEqual(heads[1][:2], (last[0], last[1][:16].lower()))
        self.assertEqual(last[0], 4)
        for seq, h, _ in heads:
            r = self.verify("--head", "%d:%s" % (seq, h))
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn("chain intact", r.stdout)
            self.assertIn("the logged head, row %d" % seq, r.stdout)
        r = self.verify("--head", "%d:%s" % (heads[1][0], "0" * 16))
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("the chain was rewritten", r.stderr)
        r = self.verify("--head", "4:xyz")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("not SEQ:HEX", r.stderr)

    def test_truncated_tail_fails_even_after_a_restart(self):
        self.tamper("DROP TRIGGER audit_no_delete",
                    "DELETE FROM audit WHERE id > 2")
        r = self.verify()
        self.assertEqual(r.returncode, 1)
        self.assertIn("audit: the chain ends at row 2 but its head says 4: "
                      "rows 3 to 4 deleted", r.stderr)

        # arcd starts on it and writes on: the gap stays in the chain.
        self.arcd.start()
        self.arcd.stop()
        self.assertEqual([(s, w) for s, _, w in self.heads()][2:],
                         [(4, "start"), (6, "stop")])
        r = self.verify()
        self.assertEqual(r.returncode, 1)
        self.assertIn("rows 3 to 4 missing (deleted): row 5 follows row 2",
                      r.stderr)

    def test_older_copy_restored_is_caught_by_the_logged_head(self):
        seq, h, _ = self.heads()[-1]
        # Rows and head rolled back together, as an old copy would be.
        self.tamper("DROP TRIGGER audit_no_delete",
                    "DROP TRIGGER audit_head_forward",
                    "DELETE FROM audit WHERE id > 2",
                    "UPDATE audit_head SET seq = 2, "
                    "hash = (SELECT hash FROM audit WHERE id = 2)")
        r = self.verify()
        self.assertEqual(r.returncode, 0, "the database alone is consistent")
        r = self.verify("--head", "%d:%s" % (seq, h))
        self.assertEqual(r.returncode, 1)
        self.assertIn("the logged head is row 4 but the chain ends at row 2",
                      r.stderr)

    def test_head_logged_hourly(self):
        self.arcd.start()
        wait_for(lambda: self.arcd.rows("SELECT max(id) FROM audit")[0][0]
                 == 5, what="arcd's start row")
        self.arcd.advance(3599)
        self.assertNotIn("hourly", [w for _, _, w in self.heads()])
        self.arcd.advance(1)
        hourly = [(s, h) for s, h, w in self.heads() if w == "hourly"]
        self.assertEqual([s for s, _ in hourly], [5])
        self.arcd.stop()
        r = self.verify("--head", "%d:%s" % hourly[0])
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
