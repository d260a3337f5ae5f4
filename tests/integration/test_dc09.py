"""DC-09 behaviour of a real arcd (PROTOCOLS.md section 1), over real sockets,
checked on the wire and in the database."""
import socket
import time
import unittest

from arctest import (ArcdCase, Reply, encrypted_body, frame, read_reply,
                     stamp, wait_for)

KEY = b"AAAAAAAAAAAAAAAA"
PENDANT = '"ADM-CID"%04dR1L1#%s[#%s|1101 01 015]_%s'


def pendant(seq, acct="1234", t=None):
    return frame(PENDANT % (seq, acct, acct, stamp(t)))


class TestPlain(ArcdCase):
    conf_extra = "lastseen_flush = 1\n"

    def setup_units(self):
        self.arcd.arcctl("unit", "add", "1234", "--interval", "60")
        self.arcd.arcctl("unit", "add", "5678", "--key", "ascii:" + KEY.decode())

    def test_pendant_acked_after_storage(self):
        s = self.arcd.tcp()
        s.sendall(pendant(1))
        r = read_reply(s)
        self.assertEqual((r.token, r.seq, r.rcvr, r.pref, r.acct),
                         ("ACK", 1, "R1", "L1", "#1234"))
        self.assertIsNotNone(r.ts, "an ACK always carries the receiver time")
        self.assertLess(abs(r.ts - time.time()), 5)
        # ACKed means stored: the row is there the moment the ACK is.
        ev = self.arcd.events("1234")
        self.assertEqual(len(ev), 1)
        acct, seq, token, code, cls, zone, flags, dup, unit_id, _, raw = ev[0]
        self.assertEqual((acct, seq, token, code, cls, zone, raw),
                         ("1234", 1, "ADM-CID", "QA", 1, "015", "101"))
        self.assertEqual((flags, dup), (0, 0))
        self.assertIsNotNone(unit_id)

    def test_absent_r_and_l_stay_absent(self):
        s = self.arcd.tcp()
        s.sendall(frame('"SIA-DCS"0002#1234[#1234|Nri1MA15]_' + stamp()))
        r = read_reply(s)
        self.assertEqual((r.token, r.seq, r.rcvr, r.pref), ("ACK", 2, None, None))
        self.assertNotIn("None", r.body)

    def test_split_frame(self):
        s = self.arcd.tcp()
        data = pendant(7)
        for i in range(len(data)):
            s.sendall(data[i:i + 1])
            time.sleep(0.001)
        self.assertEqual(read_reply(s).seq, 7)
        self.assertEqual(len(self.arcd.events()), 1)

    def test_coalesced_frames_and_junk(self):
        s = self.arcd.tcp()
        s.sendall(b"junk\x00\xff" + pendant(1) + pendant(2) + b"xx" + pendant(3))
        self.assertEqual([read_reply(s).seq for _ in range(3)], [1, 2, 3])
        self.assertEqual([e[1] for e in self.arcd.events()], [1, 2, 3])

    def test_retransmission_acked_and_stored_once(self):
        s = self.arcd.tcp()
        data = pendant(42)
        for _ in range(3):
            s.sendall(data)
            self.assertEqual(read_reply(s).seq, 42)
        wait_for(lambda: self.arcd.events()[0][7] == 2, what="dup_count 2")
        self.assertEqual(len(self.arcd.events()), 1)

    def test_same_seq_new_timestamp_is_a_new_event(self):
        # A unit that restarted re-uses seq 0001: its press is not a copy.
        s = self.arcd.tcp()
        now = time.time()
        for t in (now - 30, now):
            s.sendall(pendant(1, t=t))
            self.assertEqual(read_reply(s).seq, 1)
        self.assertEqual(len(self.arcd.events()), 2)

    def test_retransmission_on_a_new_connection(self):
        data = pendant(43)
        for _ in range(2):
            s = self.arcd.tcp()
            s.sendall(data)
            self.assertEqual(read_reply(s).seq, 43)
            s.close()
        self.assertEqual(len(self.arcd.events()), 1)

    def test_bad_crc_and_bad_length_get_no_reply(self):
        s = self.arcd.tcp()
        good = pendant(5)
        bad_crc = b"\n0000" + good[5:]
        bad_len = good[:5] + b"0001" + good[9:]
        s.sendall(bad_crc + bad_len + good)
        # The first reply on the connection answers the good frame.
        self.assertEqual(read_reply(s).seq, 5)
        self.assertEqual(len(self.arcd.events()), 1)
        self.assertEqual(self.arcd.metric("frames_bad_crc"), 1)
        self.assertEqual(self.arcd.metric("frames_bad_length"), 1)

    def test_unknown_token_gets_duh(self):
        s = self.arcd.tcp()
        s.sendall(frame('"XYZ-ABC"0009R1L1#1234[#1234|1101 01 015]'))
        r = read_reply(s)
        self.assertEqual((r.token, r.seq, r.acct), ("DUH", 9, "#1234"))
        self.assertEqual(self.arcd.events(), [])

    def test_unknown_code_is_stored_for_a_person(self):
        s = self.arcd.tcp()
        s.sendall(frame('"ADM-CID"0011R1L1#1234[#1234|1999 01 001]'))
        self.assertEqual(read_reply(s).token, "ACK")
        ev = self.arcd.events()[0]
        self.assertEqual((ev[3], ev[4], ev[6] & 4), ("999", 2, 4))

    def test_sia_dcs_several_events_and_location(self):
        s = self.arcd.tcp()
        s.sendall(frame('"SIA-DCS"0012R1L1#1234[#1234|Nri1/BA01/MA02]'
                        '[X-1.5123][Y52.4068]_' + stamp()))
        self.assertEqual(read_reply(s).seq, 12)
        ev = self.arcd.events()
        self.assertEqual([(e[3], e[5]) for e in ev], [("BA", "01"), ("MA", "02")])
        self.assertIn("X=-1.5123", ev[0][9])
        self.assertIn("Y=52.4068", ev[0][9])

    def test_null_poll_acked_and_last_seen_written_lazily(self):
        s = self.arcd.tcp()
        s.sendall(frame('"NULL"0000R1L1#1234[]_' + stamp()))
        r = read_reply(s)
        self.assertEqual((r.token, r.seq), ("ACK", 0))
        self.assertEqual(self.arcd.events(), [], "a poll is not an event")
        wait_for(lambda: self.arcd.rows(
            "SELECT last_seen FROM unit WHERE account='1234'")[0][0],
            timeout=10, what="last_seen written")

    def test_unregistered_unit_acked_and_flagged(self):
        s = self.arcd.tcp()
        s.sendall(pendant(3, acct="ABCDEF"))
        self.assertEqual(read_reply(s).acct, "#ABCDEF")
        ev = self.arcd.events("ABCDEF")
        self.assertEqual(len(ev), 1)
        self.assertEqual((ev[0][6] & 1, ev[0][8]), (1, None))

    def test_plaintext_to_keyed_unit_is_naked(self):
        s = self.arcd.tcp()
        s.sendall(pendant(4, acct="5678"))
        r = read_reply(s)
        self.assertEqual((r.token, r.seq, r.acct), ("NAK", 0, "A0"))
        self.assertLess(abs(r.ts - time.time()), 5, "NAK carries receiver time")
        self.assertEqual(self.arcd.events(), [])

    def test_encrypted_acked(self):
        s = self.arcd.tcp()
        s.sendall(frame(encrypted_body("ADM-CID", 21, "5678", "1101 01 015", KEY)))
        r = read_reply(s, KEY)
        self.assertEqual((r.token, r.seq, r.acct), ("*ACK", 21, "#5678"))
        self.assertLess(abs(r.ts - time.time()), 5)
        ev = self.arcd.events("5678")
        self.assertEqual((ev[0][2], ev[0][3], ev[0][6] & 2), ("*ADM-CID", "QA", 2))

    def test_encrypted_odd_pads(self):
        s = self.arcd.tcp()
        for seq, pad in ((22, b"\0"), (23, b"\x07"), (24, b"|")):
            s.sendall(frame(encrypted_body("ADM-CID", seq, "5678",
                                           "1101 01 015", KEY, pad_char=pad)))
            r = read_reply(s, KEY)
            self.assertEqual((r.token, r.seq), ("*ACK", seq))

    def test_encrypted_stale_or_future_is_naked(self):
        s = self.arcd.tcp()
        for seq, skew in ((31, -60), (32, +30)):
            s.sendall(frame(encrypted_body("ADM-CID", seq, "5678",
                                           "1101 01 015", KEY, t=time.time() + skew)))
            r = read_reply(s)
            self.assertEqual(r.token, "NAK")
            self.assertLess(abs(r.ts - time.time()), 5)
        self.assertEqual(self.arcd.events(), [])

    def test_encrypted_with_wrong_key_is_naked(self):
        s = self.arcd.tcp()
        s.sendall(frame(encrypted_body("ADM-CID", 33, "5678", "1101 01 015",
                                       b"BBBBBBBBBBBBBBBB")))
        self.assertEqual(read_reply(s).token, "NAK")

    def test_encrypted_poll(self):
        s = self.arcd.tcp()
        tail = ("]_" + stamp()).encode()
        plain = b"p" * (16 - len(tail) % 16) + tail
        from arctest import aes_cbc
        s.sendall(frame('"*NULL"0000R0L0#5678[' + aes_cbc(KEY, plain).hex()))
        r = read_reply(s, KEY)
        self.assertEqual((r.token, r.seq), ("*ACK", 0))

    def test_binary_crc_form_answered_in_kind(self):
        s = self.arcd.tcp()
        s.sendall(frame('"NULL"0000R1L1#9413[]_' + stamp(), binary=True))
        buf = b""
        while not buf.endswith(b"\r") or len(buf) < 8:
            buf += s.recv(1)
        self.assertEqual(buf[0:1], b"\n")
        body = buf[7:-1]
        from arctest import crc16_arc
        self.assertEqual((buf[1] << 8) | buf[2], crc16_arc(body))
        self.assertEqual(int(buf[3:7], 16), len(body))
        self.assertTrue(body.startswith(b'"ACK"0000R1L1#9413['))

    def test_64k_without_cr_closes_the_connection(self):
        s = self.arcd.tcp()
        try:
            s.sendall(b"\n" + b"A" * 65536)
        except (BrokenPipeError, ConnectionResetError):
            pass
        def closed():
            try:
                return s.recv(100) == b""
            except ConnectionResetError:
                return True
        self.assertTrue(closed())
        self.assertEqual(self.arcd.metric("connections_frame_too_long"), 1)
        # ... and arcd keeps serving.
        t = self.arcd.tcp()
        t.sendall(pendant(8))
        self.assertEqual(read_reply(t).seq, 8)

    def test_udp(self):
        u = self.arcd.udp()
        data = pendant(51)
        for _ in range(2):
            u.send(data)
            r = Reply(u.recv(2048))
            self.assertEqual((r.token, r.seq), ("ACK", 51))
        self.assertEqual(len(self.arcd.events()), 1)
        wait_for(lambda: self.arcd.events()[0][7] == 1, what="dup_count 1")

    def test_one_connection_per_message(self):
        for seq in range(1, 51):
            s = self.arcd.tcp()
            s.sendall(pendant(seq))
            self.assertEqual(read_reply(s).seq, seq)
            s.close()
        self.assertEqual(len(self.arcd.events()), 50)

    def test_thousand_simultaneous_connections(self):
        socks = [self.arcd.tcp() for _ in range(1000)]
        for i, s in enumerate(socks):
            s.sendall(pendant(1 + i))
        for i, s in enumerate(socks):
            r = read_reply(s)
            self.assertEqual((r.token, r.seq), ("ACK", 1 + i))
        self.assertEqual(len(self.arcd.events()), 1000)
        for s in socks:
            s.close()


class TestRestart(ArcdCase):
    def setup_units(self):
        self.arcd.arcctl("unit", "add", "1234")

    def test_duplicate_after_restart_is_stored_once(self):
        s = self.arcd.tcp()
        data = pendant(77)
        s.sendall(data)
        self.assertEqual(read_reply(s).seq, 77)
        self.arcd.kill()
        self.arcd.start()
        s = self.arcd.tcp()
        s.sendall(data)
        self.assertEqual(read_reply(s).seq, 77)
        self.assertEqual(len(self.arcd.events()), 1)

    def test_unit_added_while_running_is_picked_up(self):
        self.arcd.arcctl("unit", "add", "9999", "--key", "ascii:" + KEY.decode())

        data = pendant(1, acct="9999")   # retransmitted: one event

        def naked():
            s = self.arcd.tcp()
            s.sendall(data)
            return read_reply(s).token == "NAK"
        wait_for(naked, 10, "the new keyed unit to be known")

    def test_storage_failure_no_ack_then_recovery(self):
        import sqlite3
        lock = sqlite3.connect(self.arcd.db, timeout=10, isolation_level=None)
        lock.execute("BEGIN EXCLUSIVE")
        s = self.arcd.tcp(timeout=10)
        data = pendant(88)
        s.sendall(data)
        s.settimeout(4)     # the writer's busy_timeout is 2 s
        with self.assertRaises(socket.timeout):
            s.recv(100)
        wait_for(lambda: "store: write failed" in self.arcd.logtext(), 10,
                 "the failure to be logged")
        lock.execute("COMMIT")
        lock.close()
        s.settimeout(10)
        s.sendall(data)     # the unit retransmits
        self.assertEqual(read_reply(s).seq, 88)
        self.assertEqual(len(self.arcd.events()), 1)


if __name__ == "__main__":
    unittest.main()
