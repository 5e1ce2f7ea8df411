# SPDX-License-Identifier: MIT
"""Remote logs: mote_log lines arrive at a UDP collector as RFC 5424 syslog messages, from
virt (virtio-net) and from the Pi (usb-net behind the DWC2: boards.py)."""
import re
import socket
import time

from boards import board, guest  # noqa: F401 (fixtures)
from qemu import TIMEOUT_S, free_port, image, user_net, wait_until

# <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD MSG (RFC 5424 §6)
RFC5424 = re.compile(r"^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z|-) (\S+) (\S+) - - - (.*)$")


class Collector:
    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.messages = []

    def wait_for(self, pattern, timeout=TIMEOUT_S):
        """Reads datagrams until one's MSG matches pattern; returns the parsed message."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for m in self.messages:
                if re.search(pattern, m[4]):
                    return m
            self.sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                data = self.sock.recv(4096)
            except socket.timeout:
                break
            text = data.decode("utf-8")
            parsed = RFC5424.match(text)
            assert parsed, f"not an RFC 5424 message: {text!r}"
            self.messages.append(parsed.groups())
        raise AssertionError(f"no syslog message matching {pattern!r}; got {self.messages}")

    def close(self):
        self.sock.close()


def test_syslog_lines_arrive_with_hostname_and_severity(guest, board):
    c = Collector()
    try:
        # 10.0.2.2 is the host as QEMU user networking shows it to the guest.
        q = guest(board, "dns", append=f"syslog=10.0.2.2:{c.port} hostname=dns-eu-7",
                  net=user_net(f"udp:127.0.0.1:{free_port()}-:53"))
        q.wait_for(r"syslog: sending logs to 10\.0\.2\.2:%d as dns-eu-7" % c.port)
        pri, stamp, host, app, msg = c.wait_for(r"^dns: serving \d+ records")
        assert host == "dns-eu-7" and app == "mote", f"expected HOSTNAME dns-eu-7, APP-NAME mote: {host} {app}"
        assert int(pri) == 1 * 8 + 6, f"expected facility user, severity informational (14), got {pri}"
        c.wait_for(r"^mote: ready$")
        # A console command the service logs on, while the network runs.
        q.type("stats\n")
        c.wait_for(r"queries")
    finally:
        c.close()


def test_syslog_warning_has_warning_severity_and_default_hostname(guest, board):
    c = Collector()
    try:
        q = guest(board, "dns", append=f'syslog=10.0.2.2:{c.port} hostname="two words"',
                  net=user_net(f"udp:127.0.0.1:{free_port()}-:53"))
        pri, stamp, host, app, msg = c.wait_for(r"^syslog: hostname= must be")
        assert int(pri) == 1 * 8 + 4, f"expected severity warning (12), got {pri}"
        assert host == "mote", f"expected the default HOSTNAME mote, got {host}"
        assert q.proc.poll() is None
    finally:
        c.close()


def test_syslog_argument_is_checked(qemu):
    q = qemu(image("dns"), append="syslog=collector.example:514",
             extra=user_net(f"udp:127.0.0.1:{free_port()}-:53"))
    q.wait_for(r"syslog: syslog=collector\.example:514 not understood; expected syslog=HOST:PORT")
    q = qemu(image("hello"), append="syslog=10.0.2.2:514")
    q.wait_for(r"syslog: this service does not use the network; remote logs are off")


LINES, BATCH = 400, 50


# virt only: QEMU's set_link reaches virtio-net's link status; on the Pi the link goes
# down by unplugging the adapter (test_raspi3_usb.py).
def test_syslog_drops_and_counts_while_the_link_is_down(qemu):
    c = Collector()
    try:
        q = qemu(image("dns"), append=f"syslog=10.0.2.2:{c.port}",
                 extra=user_net(f"udp:127.0.0.1:{free_port()}-:53"), monitor=True)
        c.wait_for(r"^mote: ready$")
        q.hmp("set_link n0 off")
        q.wait_for(r"net: link down")
        # Far more lines than the queue holds (SYSLOG_QUEUE_BYTES: about 160 of these),
        # each logged by the service's console command; typed in batches the console takes.
        start = len(q.output)
        for batch in range(1, LINES // BATCH + 1):
            for _ in range(BATCH):
                q.type("zz\n")
            wait_until(lambda: q.output.count('dns: unknown command "zz"', start) >= batch * BATCH,
                       lambda: f"{batch * BATCH} lines on the console:\n{q.tail()}")
        assert q.proc.poll() is None, "expected the service to keep running with the link down"
        q.hmp("set_link n0 on")
        q.wait_for(r"net: link up")
        _, _, _, _, msg = c.wait_for(r"^syslog: \d+ messages dropped")
        dropped = int(re.search(r"(\d+) messages", msg).group(1))
        received = [m for m in c.messages if 'unknown command "zz"' in m[4]]
        assert dropped > 0 and len(received) + dropped >= LINES, \
            f"expected the lines beyond the queue dropped and counted: {dropped} dropped, {len(received)} received"
    finally:
        c.close()
