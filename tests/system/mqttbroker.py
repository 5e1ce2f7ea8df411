# SPDX-License-Identifier: MIT
"""mosquitto (Debian's) as the MQTT broker of a test, on 127.0.0.1 (the guest reaches it as
10.0.2.2 through QEMU user networking), with persistence so that a stop and a start keep
persistent sessions, as a real broker restart does; and mosquitto_sub/mosquitto_pub as the
test's clients. Everything started is stopped by close(), even when a test fails."""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading

from qemu import wait_until

GUEST_HOST = "10.0.2.2"  # the host as QEMU user networking shows it to the guest


class Subscriber:
    """mosquitto_sub -v on a filter; lines() is what arrived so far, as (topic, payload)."""

    def __init__(self, port, topic, client_id=None, qos=0):
        argv = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-v", "-q", str(qos),
                "-t", topic]
        if client_id:  # a persistent session: the broker keeps what arrives while we are away
            argv += ["-i", client_id, "-c"]
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, start_new_session=True)
        self._lines = []
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            with self._lock:
                self._lines.append(line.rstrip("\n"))

    def lines(self):
        with self._lock:
            return [tuple(l.split(" ", 1)) if " " in l else (l, "") for l in self._lines]

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
        self.proc.wait(timeout=10)


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    """mosquitto with a plain listener (port) for the test's own clients and, given
    tls=(ca, cert, key) files, a TLS listener (tls_port) for the image."""

    def __init__(self, tls=None):
        self.dir = tempfile.mkdtemp(prefix="mote-mqtt-")
        # Started as root, mosquitto runs as its own user: it must be able to write its
        # log and its sessions here, and read its certificate files.
        os.chmod(self.dir, 0o777)
        self.port = _free_port()
        self.tls_port = _free_port() if tls else None
        self.conf = os.path.join(self.dir, "mosquitto.conf")
        self.log = os.path.join(self.dir, "mosquitto.log")
        with open(self.conf, "w") as f:
            f.write(f"allow_anonymous true\npersistence true\npersistence_location {self.dir}/\n"
                    f"log_dest file {self.log}\nlog_type all\n"
                    f"listener {self.port} 127.0.0.1\n")
            if tls:
                names = []
                for src, name in zip(tls, ("ca.pem", "cert.pem", "key.pem")):
                    shutil.copy(src, os.path.join(self.dir, name))
                    os.chmod(os.path.join(self.dir, name), 0o644)
                    names.append(os.path.join(self.dir, name))
                f.write(f"listener {self.tls_port} 127.0.0.1\ncafile {names[0]}\n"
                        f"certfile {names[1]}\nkeyfile {names[2]}\ntls_version tlsv1.2\n")
        self.proc = None
        self.subscribers = []

    def start(self):
        self.proc = subprocess.Popen(["mosquitto", "-c", self.conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.STDOUT, start_new_session=True)

        def listening():
            assert self.proc.poll() is None, f"mosquitto exited: {self.log_text()}"
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", self.port)) == 0
        wait_until(listening, f"mosquitto listening on 127.0.0.1:{self.port}")
        return self

    def stop(self):
        """Stops the broker the way an administrator does (SIGTERM: it saves its sessions)."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)

    def log_text(self):
        try:
            with open(self.log) as f:
                return f.read()
        except OSError:
            return ""

    def subscribe(self, topic, client_id=None, qos=0):
        sub = Subscriber(self.port, topic, client_id, qos)
        self.subscribers.append(sub)
        return sub

    def publish(self, topic, message, qos=1, retain=False):
        argv = ["mosquitto_pub", "-h", "127.0.0.1", "-p", str(self.port), "-q", str(qos),
                "-t", topic, "-m", message] + (["-r"] if retain else [])
        subprocess.run(argv, check=True, timeout=30)

    def close(self):
        for s in self.subscribers:
            s.stop()
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
