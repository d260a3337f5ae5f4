"""arcd's limits: idle timeout, the connection cap with accept back-off,
the per-source cap, and the unregistered-unit rate limit. Each limit hit
is counted, and arcd keeps serving."""
import socket
import unittest

from arctest import ArcdCase, Reply, frame, read_reply, stamp, wait_for


def pendant(seq, acct="1234"):
    return frame('"ADM-CID"%04dR1L1#%s[#%s|1101 01 015]_%s'
                 % (seq, acct, acct, stamp()))


def closed(s):
    try:
        return s.recv(1) == b""
    except ConnectionResetError:
        return True
    except socket.timeout:
        return False


class TestIdle(ArcdCase):
    conf_extra = "idle_timeout = 1\n"

    def test_idle_connection_is_closed(self):
        s = self.arcd.tcp()
        s.sendall(pendant(1))
        self.assertEqual(read_reply(s).seq, 1)
        s.settimeout(5)
        self.assertTrue(closed(s))
        self.assertEqual(self.arcd.metric("connections_idle_closed"), 1)


class TestConnectionCap(ArcdCase):
    conf_extra = "max_connections = 5\n"

    def test_cap_then_accept_again(self):
        socks = []
        for i in range(5):
            s = self.arcd.tcp()
            s.sendall(pendant(i + 1))
            self.assertEqual(read_reply(s).seq, i + 1)
            socks.append(s)
        extra = self.arcd.tcp()      # sits in the kernel's backlog
        extra.sendall(pendant(6))
        extra.settimeout(1)
        with self.assertRaises(socket.timeout):
            extra.recv(1)
        wait_for(lambda: self.arcd.metric("connections_refused_cap"),
                 5, "the cap to be counted")
        socks[0].close()             # a slot frees: arcd accepts again
        extra.settimeout(5)
        self.assertEqual(read_reply(extra).seq, 6)


class TestPerSource(ArcdCase):
    conf_extra = "max_per_source = 3\n"

    def test_fourth_from_one_address_is_refused(self):
        socks = [self.arcd.tcp() for _ in range(3)]
        for i, s in enumerate(socks):
            s.sendall(pendant(i + 1))
            self.assertEqual(read_reply(s).seq, i + 1)
        fourth = self.arcd.tcp()
        fourth.settimeout(5)
        self.assertTrue(closed(fourth))
        self.assertEqual(self.arcd.metric("connections_refused_source"), 1)
        # Another source address is not affected.
        other = socket.create_connection(("127.0.0.1", self.arcd.port),
                                         source_address=("127.0.0.2", 0),
                                         timeout=5)
        other.sendall(pendant(9))
        self.assertEqual(read_reply(other).seq, 9)


class TestUnregisteredRate(ArcdCase):
    conf_extra = "unregistered_burst = 3\nunregistered_per_min = 60\n"

    def test_burst_then_limited_then_refilled(self):
        s = self.arcd.tcp()
        for i in range(3):
            s.sendall(pendant(i + 1, acct="DEAD"))
            self.assertEqual(read_reply(s).token, "ACK")
        s.sendall(pendant(4, acct="DEAD"))   # over the burst: no reply
        s.settimeout(0.5)
        with self.assertRaises(socket.timeout):
            s.recv(1)
        self.assertEqual(self.arcd.metric("unregistered_rate_limited"), 1)
        # A registered unit on the same connection is never limited.
        s.settimeout(5)
        s.sendall(pendant(5))
        self.assertEqual(read_reply(s).acct, "#1234")
        # One token a second comes back: a retransmission gets through.
        data = pendant(4, acct="DEAD")

        def retransmit():
            s.sendall(data)
            s.settimeout(0.3)
            try:
                return read_reply(s).seq == 4
            except socket.timeout:
                return False
        wait_for(retransmit, 5, "a token to come back")

    def test_registered_traffic_leaves_the_bucket_alone(self):
        # Registered datagrams from one source once drained its bucket
        # for unregistered ones (a refill took a token): no longer.
        u = self.arcd.udp()
        for i in range(10):
            u.send(pendant(10 + i))
            self.assertEqual(Reply(u.recv(2048)).seq, 10 + i)
        u.send(pendant(30, acct="DEAD"))
        self.assertEqual(Reply(u.recv(2048)).token, "ACK")
        self.assertEqual(self.arcd.metric("unregistered_rate_limited"), 0)

    def setup_units(self):
        self.arcd.arcctl("unit", "add", "1234")


if __name__ == "__main__":
    unittest.main()


class TestUnprovenConnections(ArcdCase):
    """Connections that never send a valid frame: closed after
    first_frame_timeout, and the first to go when the table is full."""
    conf_extra = "first_frame_timeout = 1\nmax_connections = 3\n"

    def setUp(self):
        from arctest import Arcd
        self.arcd = Arcd(self.conf_extra, test_build=True)
        self.addCleanup(self.arcd.cleanup)
        self.setup_units()
        self.arcd.start()

    def setup_units(self):
        self.arcd.arcctl("unit", "add", "1234")

    def test_silence_is_closed(self):
        s = self.arcd.tcp()
        s.settimeout(5)
        self.assertTrue(closed(s))
        self.assertEqual(self.arcd.metric("connections_no_valid_frame"), 1)
        u = self.arcd.tcp()             # a unit that speaks stays
        u.sendall(pendant(1))
        self.assertEqual(read_reply(u).seq, 1)
        u.settimeout(1.5)
        with self.assertRaises(socket.timeout):
            u.recv(1)



class TestFullTable(ArcdCase):
    """When the connection table is full, the oldest connection that never
    sent a valid frame (and had a second to) makes room for a unit."""
    conf_extra = "max_connections = 3\n"

    def setUp(self):
        from arctest import Arcd
        self.arcd = Arcd(self.conf_extra, test_build=True)
        self.addCleanup(self.arcd.cleanup)
        self.arcd.arcctl("unit", "add", "1234")
        self.arcd.start()

    def test_full_table_evicts_the_silent(self):
        silent = [self.arcd.tcp() for _ in range(3)]
        wait_for(lambda: self.arcd.metric("connections") == 3, 5,
                 "three connections held")
        self.arcd.advance(2)            # they had their chance
        for i in range(2):              # real units still get in
            u = self.arcd.tcp()
            u.sendall(pendant(10 + i))
            self.assertEqual(read_reply(u).seq, 10 + i)
        self.assertEqual(self.arcd.metric("connections_evicted_unproven"), 2)
        silent[0].settimeout(5)
        self.assertTrue(closed(silent[0]))


class TestHalfClosed(ArcdCase):
    """A peer that closed its side and does not read its answers is
    closed after halfclosed_timeout instead of being held for ever."""
    conf_extra = "halfclosed_timeout = 1\n"

    def setup_units(self):
        self.arcd.arcctl("unit", "add", "1234")

    def test_half_closed_and_not_reading(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 2048)
        s.connect(("127.0.0.1", self.arcd.port))
        # More answers than the kernel holds, fewer than arcd's own bound:
        # until arcd itself holds some.
        seq = 1
        while not self.arcd.metric("output_waiting_bytes"):
            s.sendall(b"".join(pendant(seq + i) for i in range(20)))
            seq += 20
            wait_for(lambda: self.arcd.metric("acks") >= seq - 1, 10,
                     "the answers")
            self.assertLess(seq, 2000, "answers never held")
        s.shutdown(socket.SHUT_WR)      # and never reads
        wait_for(lambda: self.arcd.metric("connections_halfclosed_closed"),
                 20, "the half-closed connection to be closed")
        self.assertEqual(self.arcd.metric("connections"), 0)
        s.close()


class TestUnregisteredEverySource(ArcdCase):
    """The unregistered limit holds across sources, and the table of
    sources is bounded and swept."""
    conf_extra = ("unregistered_all_burst = 5\nunregistered_all_per_min = 1\n"
                  "max_sources = 16\n")

    def test_global_limit_and_bounded_table(self):
        socks = []
        for i in range(30):             # 30 sources, one frame each
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            u.bind(("127.0.0.%d" % (10 + i), 0))
            u.sendto(pendant(1, acct="DEAD%02X" % i),
                     ("127.0.0.1", self.arcd.uport))
            socks.append(u)
        acked = 0
        for u in socks:
            u.settimeout(0.5 if acked < 5 else 0.05)
            try:
                if Reply(u.recv(2048)).token == "ACK":
                    acked += 1
            except socket.timeout:
                pass
            u.close()
        self.assertEqual(acked, 5)
        self.assertEqual(self.arcd.metric("unregistered_global_limited"), 25)
        self.assertGreater(self.arcd.metric("sources_table_full"), 0)
        self.assertLessEqual(self.arcd.metric("sources"), 16)
