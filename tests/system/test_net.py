# SPDX-License-Identifier: MIT
"""The network stack seen from outside: ICMP echo (with fragmented pings), IPv6 link-local
and SLAAC, static addressing and DHCP, bad configuration, and malformed frames, which are
dropped and counted while the image keeps answering. The tap tests run inside a network
namespace that each test creates and deletes (netns.py)."""
import os
import socket
import struct
import subprocess

import pytest

from netns import GUEST_ADDR, TAP
from boards import board, guest  # noqa: F401 (fixtures)
from qemu import free_port, image, user_net

GUEST_LINK_LOCAL = "fe80::5054:ff:fe12:3456"  # from QEMU's default MAC 52:54:00:12:34:56


def dig(*args):
    out = subprocess.run(["dig", "+time=5", "+tries=3", *args], capture_output=True, text=True,
                         timeout=60)
    return out.stdout


@pytest.fixture
def tap_guest(netns, guest, board):
    q = guest(board, "dns", append=f"records=10000 ip={GUEST_ADDR}/24", net=netns.qemu_net(),
              wrapper=netns.wrapper())
    q.wait_for(r"mote: ready")
    return q, netns


def test_guest_answers_ping_including_fragmented_echoes(tap_guest):
    q, ns = tap_guest
    out = ns.exec("ping", "-c", "3", "-i", "0.3", "-W", "10", GUEST_ADDR, check=False)
    assert out.returncode == 0 and " 0% packet loss" in out.stdout, \
        f"expected 3 echo replies from {GUEST_ADDR}:\n{out.stdout}{out.stderr}\n{q.tail()}"
    # 4000 bytes: three fragments each way, reassembled by lwIP and fragmented again
    out = ns.exec("ping", "-c", "2", "-s", "4000", "-W", "10", GUEST_ADDR, check=False)
    assert out.returncode == 0 and "4008 bytes from" in out.stdout, \
        f"expected fragmented echoes to be answered:\n{out.stdout}{out.stderr}"


def test_guest_answers_ipv6_ping_and_dns_on_its_link_local_address(tap_guest):
    q, ns = tap_guest
    q.wait_for(r"net: IPv6 FE80::5054:FF:FE12:3456")  # after duplicate address detection
    out = ns.exec("ping", "-6", "-c", "2", "-W", "10", f"{GUEST_LINK_LOCAL}%{TAP}", check=False)
    assert out.returncode == 0, f"expected IPv6 echo replies:\n{out.stdout}{out.stderr}"
    out = ns.exec("dig", "+time=5", "+tries=3", "+short", f"@{GUEST_LINK_LOCAL}%{TAP}",
                  "host77.mote.test", check=False)
    assert out.stdout.strip() == "10.0.0.77", f"expected an answer over IPv6, got:\n{out.stdout}"


def ethernet_frames():
    """Malformed frames to the guest: each must be dropped without harm."""
    guest_mac = bytes.fromhex("525400123456")
    src_mac = bytes.fromhex("02000000aa01")
    src, dst = socket.inet_aton("192.168.77.1"), socket.inet_aton(GUEST_ADDR)

    def ip4(payload, proto=17, total=None, csum=None, ihl=5):
        total = 20 + len(payload) if total is None else total
        hdr = struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, total, 1, 0, 64, proto, 0, src, dst)
        if csum is None:
            s = sum(struct.unpack(">10H", hdr))
            s = (s & 0xffff) + (s >> 16)
            csum = ~((s & 0xffff) + (s >> 16)) & 0xffff
        return hdr[:10] + struct.pack(">H", csum) + hdr[12:] + payload

    def eth(payload, ethertype=0x0800):
        return guest_mac + src_mac + struct.pack(">H", ethertype) + payload

    udp_bad_csum = struct.pack(">HHHH", 1234, 53, 8 + 4, 0xdead) + b"abcd"
    tcp_bad_opts = struct.pack(">HHIIBBHHH", 1234, 53, 1, 0, 0x70, 0x02, 1024, 0, 0) + b"\x02\xff\x00\x00\x01\x01\x01\x01"
    return [
        eth(ip4(udp_bad_csum, csum=0x1234)),             # IPv4 header checksum wrong
        eth(ip4(udp_bad_csum)),                          # UDP checksum wrong
        eth(ip4(udp_bad_csum, total=2000)),              # total length beyond the frame
        eth(ip4(udp_bad_csum, ihl=3)),                   # header length below the minimum
        eth(ip4(tcp_bad_opts, proto=6)),                 # TCP with an option longer than the header
        eth(ip4(b"\x08\x00", proto=1)),                  # truncated ICMP
        eth(b"\x00\x01\x08\x00\x06\x04\x00\x01", 0x0806),  # truncated ARP
        eth(b"\x60\x00\x00\x00\xff\xff\x3a\x40" + bytes(8), 0x86dd),  # IPv6 payload past the end
        eth(bytes(range(256)) * 5, 0x0800),              # garbage
    ]


def test_malformed_frames_are_dropped_and_counted_while_the_guest_keeps_answering(tap_guest):
    q, ns = tap_guest
    frames = b"".join(struct.pack(">H", len(f)) + f for f in ethernet_frames() * 20)
    sender = ("import socket,struct,sys\n"
              f"s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(('{TAP}', 0))\n"
              "d = sys.stdin.buffer.read(); i = 0\n"
              "while i < len(d):\n"
              "    n = struct.unpack('>H', d[i:i + 2])[0]; s.send(d[i + 2:i + 2 + n]); i += 2 + n\n")
    subprocess.run(["ip", "netns", "exec", ns.name, "/usr/bin/python3", "-c", sender],
                   input=frames, check=True, timeout=60)
    out = ns.exec("ping", "-c", "2", "-W", "10", GUEST_ADDR, check=False)
    assert out.returncode == 0, f"expected the guest to answer after malformed frames:\n{out.stdout}\n{q.tail()}"
    start = len(q.output)
    q.type("stats\n")
    m = q.wait_for(r"net: link rx (\d+) tx \d+ drops \d+ copied \d+; udp rx \d+ tx \d+; tcp rx \d+ tx \d+ "
                   r"drops (\d+) errors (\d+)", start=start)
    assert int(m.group(1)) >= 180, f"expected the frames to be received and counted: {m.group(0)}"
    assert int(m.group(2)) >= 20 and int(m.group(3)) >= 20, \
        f"expected the bad TCP segments dropped and counted as errors: {m.group(0)}"


def test_static_address_from_boot_arguments(guest, board):
    port = free_port()
    q = guest(board, "dns", append="ip=10.0.2.77/24 gw=10.0.2.2 dns=10.0.2.3",
              net=user_net(f"udp:127.0.0.1:{port}-10.0.2.77:53"))
    q.wait_for(r"net: DNS server 10\.0\.2\.3")
    q.wait_for(r"net: IPv4 10\.0\.2\.77/24 gw 10\.0\.2\.2")
    q.wait_for(r"mote: ready")
    out = dig(f"@127.0.0.1", "-p", str(port), "+short", "host3.mote.test")
    assert out.strip() == "10.0.0.3", f"expected an answer at the static address, got:\n{out}"


def test_dhcp_and_slaac_configure_the_guest_by_default(guest, board):
    q = guest(board, "dns", net=user_net())
    q.wait_for(r"net: IPv4 10\.0\.2\.15/24 gw 10\.0\.2\.2")  # QEMU's DHCP server
    q.wait_for(r"net: IPv6 FEC0::5054:FF:FE12:3456")       # QEMU's router advertisement


@pytest.mark.parametrize("args, complaint", [
    ("ip=10.0.2.300/24", r"net: ip=10\.0\.2\.300/24: expected ip=dhcp or ip=ADDR/PREFIX"),
    ("ip=10.0.2.7/33", r"net: ip=10\.0\.2\.7/33: expected"),
    ("ip=10.7/8", r"net: ip=10\.7/8: expected"),
    ("ip=10.0.2.7/24 gw=nowhere", r"net: gw=nowhere: expected gw=ADDR"),
    ("ip=" + "1" * 60, r"net: ip=\(too long\): expected ip=dhcp"),
    ("dns=10.0.2", r"net: dns=10\.0\.2: expected an IPv4 or IPv6 address"),
])
def test_bad_network_arguments_are_named_and_the_service_stops(qemu, args, complaint):
    q = qemu(image("dns"), append=args, extra=user_net())
    q.wait_for(complaint)
    # The error is said in words (picolibc's errno numbers are not Linux's).
    q.wait_for(r"dns: cannot listen on UDP port 53: network is down")
    assert q.wait_exit() == 1, f"expected the dns service to exit with 1 without a network:\n{q.tail()}"


def test_dhcp_lease_from_dnsmasq_on_the_tap_link(netns, guest, board):
    """A real DHCP server (dnsmasq) inside the namespace: the guest takes its lease."""
    leases = f"/tmp/{netns.name}.leases"
    dnsmasq = subprocess.Popen(
        ["ip", "netns", "exec", netns.name, "dnsmasq", "--keep-in-foreground", "--no-daemon",
         "--port=0", f"--interface={TAP}", "--bind-interfaces", "--no-resolv", "--no-hosts",
         "--dhcp-range=192.168.77.50,192.168.77.60,255.255.255.0,1h",
         "--dhcp-option=option:router,192.168.77.1", f"--dhcp-leasefile={leases}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        q = guest(board, "dns", net=netns.qemu_net(), wrapper=netns.wrapper())
        m = q.wait_for(r"net: IPv4 (192\.168\.77\.(\d+))/24 gw 192\.168\.77\.1")
        assert 50 <= int(m.group(2)) <= 60, f"expected an address from dnsmasq's range: {m.group(0)}"
        out = netns.exec("dig", "+time=5", "+tries=3", "+short", f"@{m.group(1)}", "host8.mote.test")
        assert out.stdout.strip() == "10.0.0.8", f"expected an answer at the leased address:\n{out.stdout}"
    finally:
        dnsmasq.terminate()
        log = dnsmasq.communicate(timeout=30)[0]
        if os.path.exists(leases):
            os.unlink(leases)
    assert "DHCPACK" in log, f"expected dnsmasq to acknowledge a lease:\n{log}"
