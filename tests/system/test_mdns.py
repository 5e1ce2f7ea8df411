# SPDX-License-Identifier: MIT
"""mDNS (include/mote/mdns.h, net/mdns.c over lwIP's responder) from outside, on a tap
device in the test's network namespace: avahi-resolve finds NAME.local from hostname=,
avahi-browse finds the services the images announce (the gateway's and the http service's
_http._tcp), and dig's one-shot query to port 5353 gets its answer. mDNS is a feature a
service names (service_uses := ... mdns): the dns service does not, and carries none."""
import subprocess

import pytest

from avahi import Avahi
from netns import GUEST_ADDR
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
