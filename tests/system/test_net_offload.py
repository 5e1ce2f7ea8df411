# SPDX-License-Identifier: MIT
"""Checksum offload on virtio-net (VIRTIO_NET_F_CSUM, VIRTIO_NET_F_GUEST_CSUM), both ways:
QEMU's tap backend with vnet headers offers it, and csum=off,guest_csum=off on the device
takes it away. Either way DNS answers over UDP and TCP, IPv4 and IPv6, carry checksums
that are right as seen on the tap device (partial ones for the host to complete when
offloaded, whole ones otherwise: checked here with the RFC 1071 sum, not trusted from the
guest), and a datagram whose checksum is wrong and that the device did not vouch for
(sent raw from the namespace) is dropped while the same datagram with its checksum right is
answered. The boot log names what was negotiated. UDP answers are built three ways
(udp_in_place=, net/udp.c): over the query in place (mote_udp_reply), from the service's own
buffer over the query's headers (mote_udp_send), and through lwIP's udp_sendto; each is
checked."""
import os

import pytest

from boards import guest  # noqa: F401 (fixture)
from netns import GUEST_ADDR, TAP

PROBE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "csum_probe.py")
GUEST_MAC = "52:54:00:12:34:56"  # QEMU's default
GUEST_LINK_LOCAL = "fe80::5054:ff:fe12:3456"
OFFLOAD = {  # device options -> what the driver reports, how the answers' checksums look
    "on": ("", "tx rx", "partial"),
    "off": (",csum=off,guest_csum=off", "off", "full"),
}


def probe(ns, *args):
    out = ns.exec("/usr/bin/python3", PROBE, *args, check=False, timeout=120)
    assert out.returncode == 0, f"csum_probe.py {' '.join(args)} failed:\n{out.stdout}{out.stderr}"
    return out.stdout.strip()


# checksum offload, udp_in_place=: every way a UDP answer is built, with and without offload
SETUPS = [("on", "on"), ("off", "on"), ("on", "off"), ("off", "off"), ("on", "never")]


@pytest.fixture(params=SETUPS, ids=[f"offload_{o}-in_place_{p}" for o, p in SETUPS])
def offload_guest(request, netns, guest):
    offload, in_place = request.param
    device_opts, reported, form = OFFLOAD[offload]
    net = tuple(a + device_opts if a.startswith("virtio-net-device") else a
                for a in netns.qemu_net())
    q = guest("virt", "dns", append=f"records=10000 ip={GUEST_ADDR}/24 udp_in_place={in_place}",
              net=net, wrapper=netns.wrapper())
    m = q.wait_for(r"info: virtio-net: MAC \S+, link up, \w+, checksum offload (.+)$")
    assert m.group(1) == reported, f"expected checksum offload {reported}, got: {m.group(0)}"
    q.wait_for(r"mote: ready")
    q.wait_for(r"net: IPv6 FE80::5054:FF:FE12:3456")  # after duplicate address detection
    return q, netns, form


def test_answers_over_udp_and_tcp_ipv4_and_ipv6_carry_right_checksums(offload_guest):
    q, ns, form = offload_guest
    for kind in ("udp4", "tcp4", "udp6", "tcp6"):
        addr = GUEST_LINK_LOCAL if kind.endswith("6") else GUEST_ADDR
        got = probe(ns, "answer", kind, addr)
        assert got == form, f"expected a {form} checksum on the {kind} answer, got {got}\n{q.tail()}"
    # and dig, which the host's kernel hands only answers whose checksums it accepts
    for args in ((GUEST_ADDR,), (GUEST_ADDR, "+tcp"), (f"{GUEST_LINK_LOCAL}%{TAP}",),
                 (f"{GUEST_LINK_LOCAL}%{TAP}", "+tcp")):
        out = ns.exec("dig", "+time=5", "+tries=3", "+short", f"@{args[0]}", *args[1:],
                      "host123.mote.test", check=False)
        assert out.stdout.strip() == "10.0.0.123", \
            f"expected 10.0.0.123 from dig {' '.join(args)}, got:\n{out.stdout}{out.stderr}"
    # Datagrams that took the receive fast path are counted as lwIP counts its own.
    start = len(q.output)
    q.type("stats\n")
    m = q.wait_for(r"net: link rx \d+ tx \d+ drops \d+ copied \d+; udp rx (\d+) tx (\d+);",
                   start=start)
    assert int(m.group(1)) >= 4 and int(m.group(2)) >= 4, \
        f"expected the 4 UDP queries and their answers counted: {m.group(0)}"


def test_datagram_with_a_wrong_checksum_is_dropped(offload_guest):
    q, ns, _ = offload_guest
    got = probe(ns, "corrupt", GUEST_ADDR, GUEST_MAC)
    assert got == "silent answered", \
        f"expected the corrupted query dropped and the right one answered, got: {got}\n{q.tail()}"
