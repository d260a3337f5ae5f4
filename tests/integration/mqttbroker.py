"""A real Mosquitto broker for the tests, on a free loopback port, and a
small MQTT client (paho) that waits for what it expects."""
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import time

import paho.mqtt.client as paho

from arctest import free_port, wait_for

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


class Broker:
    """mosquitto -c <its own file>: anonymous unless a password file is
    given; the same port across restarts (a restart is a test)."""

    def __init__(self, passwords=None, acl=None, tls=False):
        self.dir = tempfile.mkdtemp(prefix="arcmqtt-")
        self.port = free_port()
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        self.log = os.path.join(self.dir, "mosquitto.log")
        import pwd
        # As root mosquitto would drop to its own user, who cannot read
        # this test's private files: stay who we are.
        lines = ["user %s" % pwd.getpwuid(os.getuid()).pw_name,
                 "listener %d 127.0.0.1" % self.port,
                 "persistence false",
                 "log_dest file %s" % self.log,
                 "log_type error", "log_type warning", "log_type notice",
                 "max_queued_messages 100000",
                 "max_inflight_messages 1000",
                 # Nagle off: an ack waits for no timer (the benchmarks)
                 "set_tcp_nodelay true"]
        if passwords:
            pwfile = os.path.join(self.dir, "passwd")
            open(pwfile, "w").close()
            for user, pw in passwords.items():
                subprocess.run(["mosquitto_passwd", "-b", pwfile, user, pw],
                               check=True, capture_output=True)
            os.chmod(pwfile, 0o600)
            lines += ["allow_anonymous false", "password_file %s" % pwfile]
        else:
            lines.append("allow_anonymous true")
        if tls:
            lines += self.tls_files()
        if acl:
            aclfile = os.path.join(self.dir, "acl")
            with open(aclfile, "w") as f:
                f.write(acl)
            os.chmod(aclfile, 0o600)
            lines.append("acl_file %s" % aclfile)
        with open(self.conf, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.proc = None

    def tls_files(self):
        """A CA of its own and a certificate for 127.0.0.1 it signed:
        the listener speaks TLS only; self.ca is what a client trusts."""
        d = self.dir
        self.ca = os.path.join(d, "ca.pem")
        run = lambda *a: subprocess.run(a, check=True, capture_output=True)
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            os.path.join(d, "ca.key"), "-out", self.ca, "-days", "2",
            "-subj", "/CN=arc test CA")
        run("openssl", "req", "-newkey", "ec", "-pkeyopt",
            "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            os.path.join(d, "server.key"), "-out",
            os.path.join(d, "server.csr"), "-subj", "/CN=127.0.0.1")
        ext = os.path.join(d, "ext.cnf")
        with open(ext, "w") as f:
            f.write("subjectAltName = IP:127.0.0.1\n")
        run("openssl", "x509", "-req", "-in", os.path.join(d, "server.csr"),
            "-CA", self.ca, "-CAkey", os.path.join(d, "ca.key"),
            "-CAcreateserial", "-out", os.path.join(d, "server.pem"),
            "-days", "2", "-extfile", ext)
        return ["cafile %s" % self.ca,
                "certfile %s" % os.path.join(d, "server.pem"),
                "keyfile %s" % os.path.join(d, "server.key"),
                "tls_version tlsv1.2"]

    def start(self):
        self.proc = subprocess.Popen([MOSQUITTO, "-c", self.conf],
                                     stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)

        def up():
            if self.proc.poll() is not None:
                raise AssertionError("mosquitto exited: %s" % self.logtext())
            import socket
            try:
                socket.create_connection(("127.0.0.1", self.port), 1).close()
                return True
            except OSError:
                return False
        wait_for(up, 10, "mosquitto to listen")
        return self

    def logtext(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, sig=signal.SIGTERM):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(10)
        self.proc = None

    def cleanup(self):
        try:
            self.stop()
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)

    def conf_for_arcd(self, **extra):
        keys = dict(mqtt_host="127.0.0.1", mqtt_port=self.port, **extra)
        return "".join("%s = %s\n" % kv for kv in keys.items())


class Client:
    """A paho client on its own network thread; messages to a queue."""

    def __init__(self, broker, client_id, user=None, password=None,
                 will=None, clean=True):
        self.c = paho.Client(client_id=client_id, clean_session=clean)
        if user:
            self.c.username_pw_set(user, password)
        if will:
            self.c.will_set(will[0], will[1], qos=1, retain=will[2])
        self.msgs = queue.Queue()
        self.subacks = queue.Queue()
        self.c.on_message = lambda c, u, m: self.msgs.put(
            (m.topic, m.payload))
        self.c.on_subscribe = lambda c, u, mid, q: self.subacks.put(q)
        self.connected = queue.Queue()
        self.c.on_connect = lambda c, u, f, rc: self.connected.put(rc)
        self.c.connect("127.0.0.1", broker.port, keepalive=30)
        self.c.loop_start()
        rc = self.connected.get(timeout=10)
        if rc != 0:
            self.close()
            raise ConnectionRefusedError("MQTT connect refused: %d" % rc)

    def subscribe(self, topic, qos=1):
        self.c.subscribe(topic, qos)
        return self.subacks.get(timeout=10)

    def publish(self, topic, payload, qos=1, retain=False):
        info = self.c.publish(topic, payload, qos=qos, retain=retain)
        info.wait_for_publish(10)
        return info

    def expect(self, pred=lambda t, p: True, timeout=10.0, what="a message"):
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("timed out waiting for %s" % what)
            try:
                topic, payload = self.msgs.get(timeout=left)
            except queue.Empty:
                continue
            if pred(topic, payload):
                return topic, payload

    def drop(self):
        """Gone without a goodbye: the broker publishes the will."""
        self.c.loop_stop()
        self.c.socket().close()
        self.dropped = True

    def close(self):
        if not getattr(self, "dropped", False):
            self.c.disconnect()
            self.c.loop_stop()
