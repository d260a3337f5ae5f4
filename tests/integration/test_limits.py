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
