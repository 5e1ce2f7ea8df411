# SPDX-License-Identifier: MIT
"""mDNS (include/mote/mdns.h, net/mdns.c over lwIP's responder) from outside, on a tap
device in the test's network namespace: avahi-resolve finds NAME.local from hostname=,
avahi-browse finds the services the images announce (the gateway's and the http service's
_http._tcp), and dig's one-shot query to port 5353 gets its answer. mDNS is a feature a
service names (service_uses := ... mdns): the dns service does not, and carries none."""
import subprocess

import pytest

from avahi import Avahi
from netns import GUEST_ADDR, HOST_ADDR, TAP
from qemu import image, wait_until


@pytest.fixture
def avahi(netns):
    a = Avahi(netns)
    try:
        yield a.start()
    finally:
        a.close()


def boot(qemu, netns, service, args):
    return qemu(image(service), append=f"ip={GUEST_ADDR}/24 {args}", extra=netns.qemu_net(),
                wrapper=netns.wrapper())


def test_mdns_avahi_resolves_the_hostname_and_browses_the_gateway_http(qemu, netns, avahi):
    q = boot(qemu, netns, "gateway", "hostname=sensor7")
    q.wait_for(r"mdns: answering sensor7\.local")
    addr = wait_until(lambda: avahi.resolve("sensor7.local"), "avahi-resolve to find sensor7.local")
    assert addr == GUEST_ADDR, f"expected sensor7.local at {GUEST_ADDR}, got {addr}"
    found = wait_until(lambda: avahi.browse("_http._tcp"), "avahi-browse to find _http._tcp")
    assert any(f["name"] == "sensor7" and f["host"] == "sensor7.local" and
               f["address"] == GUEST_ADDR and f["port"] == 80 for f in found), \
        f"expected sensor7's HTTP on {GUEST_ADDR}:80; got {found}"
    assert avahi.resolve("nobody.local") is None, "expected no answer for another name"


def test_mdns_http_service_announces_http_tcp_and_answers_dig(qemu, netns, avahi):
    q = boot(qemu, netns, "http", "hostname=web1")
    q.wait_for(r"mdns: answering web1\.local")
    found = wait_until(lambda: avahi.browse("_http._tcp"), "avahi-browse to find _http._tcp")
    assert any(f["name"] == "web1" and f["port"] == 80 for f in found), \
        f"expected web1's HTTP on port 80; got {found}"
    # A one-shot (legacy) query from an ordinary port, sent to the responder's port 5353:
    # answered to that port (RFC 6762 §6.7). (dig @224.0.0.251 would not take the answer,
    # which comes, as it must, from the responder's own address.)
    r = netns.exec("dig", "+short", "+tries=3", "+time=5", "-p", "5353", f"@{GUEST_ADDR}",
                   "web1.local", check=False)
    assert r.stdout.strip() == GUEST_ADDR, f"expected dig to get {GUEST_ADDR}: {r.stdout}{r.stderr}"


def test_mdns_without_tls_answers_the_hostname(qemu, netns, avahi):
    """apicheck names mdns and not tls: lwIP's mDNS build (mk/lwip.mk), IGMP included."""
    q = boot(qemu, netns, "apicheck", "hostname=plain1 mdns=1")
    q.wait_for(r"mdns: answering plain1\.local")
    addr = wait_until(lambda: avahi.resolve("plain1.local"), "avahi-resolve to find plain1.local")
    assert addr == GUEST_ADDR, f"expected plain1.local at {GUEST_ADDR}, got {addr}"


def test_mdns_is_not_in_the_dns_image():
    """The dns service does not name mdns: its image has no responder and joins no group."""
    nm = subprocess.run(["aarch64-linux-gnu-nm", image("dns")],
                        capture_output=True, text=True, check=True).stdout
    mdns = [line.split()[-1] for line in nm.splitlines()
            if line.split()[-1].startswith(("mdns_", "mote_mdns_"))]
    assert not mdns, f"expected no mDNS in the dns image; found {mdns[:5]}"


def test_mdns_refuses_a_bad_hostname_and_answers_the_default(qemu, netns, avahi):
    q = boot(qemu, netns, "gateway", "hostname=bad_name http=0")
    # The gateway itself refuses it first; mDNS alone would fall back to mote.local.
    q.wait_for(r"gateway: hostname=bad_name: expected 1 to 63 letters, digits and -")


# Sends a DNS query for host1.mote.test to ADDR:53 from the namespace's side of the tap and
# prints the answer's size, or "none" after a few seconds. argv: ADDR.
QUERY = """
import socket, struct, sys
q = struct.pack(">HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(p)]) + p for p in (b"host1", b"mote", b"test")) + b"\\0"
q += struct.pack(">HH", 1, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("%s"))
s.settimeout(4)
for _ in range(2):
    s.sendto(q, (sys.argv[1], 53))
    try:
        print(len(s.recv(512)))
        break
    except socket.timeout:
        pass
else:
    print("none")
""" % HOST_ADDR


def test_an_image_without_mdns_drops_ipv4_multicast(qemu, netns):
    """The dns image has no IGMP (net/lwipopts.h): a datagram to a group it never joined is
    dropped (net/ip_guard.c, RFC 1112), while the same query to its address is answered."""
    q = boot(qemu, netns, "dns", "records=10")
    q.wait_for(r"dns: serving 10 records")
    netns.exec("ip", "route", "replace", "224.0.0.0/4", "dev", TAP, check=False)
    unicast = netns.exec("/usr/bin/python3", "-c", QUERY, GUEST_ADDR).stdout.strip()
    assert unicast != "none", "expected an answer to the query sent to the image's address"
    multicast = netns.exec("/usr/bin/python3", "-c", QUERY, "224.0.0.53").stdout.strip()
    assert multicast == "none", f"expected no answer to a query sent to 224.0.0.53: {multicast}"
