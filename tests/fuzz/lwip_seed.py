#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Seeds for tests/fuzz/fuzz_lwip_input.c: real frames, checksums right, in its input format
(a mode byte, then per frame a 2-byte length, a time step and the frame).
Usage: lwip_seed.py DIR"""
import os
import struct
import sys

GUEST_MAC = bytes.fromhex("525400123456")
HOST_MAC = bytes.fromhex("525400abcdef")
GUEST_IP, HOST_IP = bytes([10, 0, 2, 15]), bytes([10, 0, 2, 2])
GUEST_LL = bytes.fromhex("fe800000000000005054 00fffe123456".replace(" ", ""))
HOST_LL = bytes.fromhex("fe80000000000000505400fffeabcdef")
STATIC, DHCP = 1, 0
OFFLOAD = 0x02  # mode bit: the device completes UDP and TCP checksums
GENERAL = 0x08  # mode bit: UDP answers from the service's own buffer (mote_udp_send)
TX_FULL = 0x10  # mode bit: the transmit ring full, replies in place refused (-EAGAIN)


def csum(data):
    data += b"\0" * (len(data) % 2)
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def eth(payload, ethertype, dst=GUEST_MAC, src=HOST_MAC):
    return dst + src + struct.pack("!H", ethertype) + payload


def ipv4(proto, payload, src=HOST_IP, dst=GUEST_IP, ident=1, frag=0):
    h = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, frag, 64, proto, 0, src, dst)
    return eth(h[:10] + struct.pack("!H", csum(h)) + h[12:] + payload, 0x0800)


def l4sum(proto, seg, src=HOST_IP, dst=GUEST_IP):
    if len(src) == 4:
        pseudo = src + dst + struct.pack("!BBH", 0, proto, len(seg))
    else:
        pseudo = src + dst + struct.pack("!IxxxB", len(seg), proto)
    return csum(pseudo + seg)


def tcp(sport, dport, seq, ack, flags, data=b"", opts=b""):
    off = (20 + len(opts)) // 4 << 4
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, off, flags, 64240, 0, 0) + opts + data
    return seg[:16] + struct.pack("!H", l4sum(6, seg)) + seg[18:]


def udp(sport, dport, data, src=HOST_IP, dst=GUEST_IP):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    return seg[:6] + struct.pack("!H", l4sum(17, seg, src, dst) or 0xffff) + seg[8:]


def ipv6(nh, payload, src=HOST_LL, dst=GUEST_LL, dst_mac=GUEST_MAC):
    return eth(struct.pack("!IHBB", 6 << 28, len(payload), nh, 255) + src + dst + payload, 0x86dd,
               dst=dst_mac)


def icmp6(typ, code, body, src=HOST_LL, dst=GUEST_LL, dst_mac=GUEST_MAC):
    msg = struct.pack("!BBH", typ, code, 0) + body
    msg = msg[:2] + struct.pack("!H", l4sum(58, msg, src, dst)) + msg[4:]
    return ipv6(58, msg, src, dst, dst_mac)


def arp_request():
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + HOST_MAC + HOST_IP + bytes(6) + GUEST_IP
    return eth(body, 0x0806, dst=b"\xff" * 6)


def ping(ident=7, size=56):
    msg = struct.pack("!BBHHH", 8, 0, 0, ident, 1) + bytes(range(size % 256))[:size]
    return ipv4(1, msg[:2] + struct.pack("!H", csum(msg)) + msg[4:])


def fragments():
    msg = struct.pack("!BBHHH", 8, 0, 0, 9, 1) + bytes(1480)
    msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
    more = 0x2000
    return [ipv4(1, msg[:1480], ident=77, frag=more), ipv4(1, msg[1480:], ident=77, frag=1480 // 8)]


def empty_fragment():
    """An echo request whose last fragment has no data: lwIP 2.1.3 asserted on its reply while
    ARP for the sender was pending (net/ip_guard.c); a regression seed."""
    msg = struct.pack("!BBHHH", 8, 0, 0, 9, 1) + bytes(1472)
    msg = msg[:2] + struct.pack("!H", csum(msg)) + msg[4:]
    return [ipv4(1, msg, ident=78, frag=0x2000), ipv4(1, b"", ident=78, frag=len(msg) // 8)]


def dns_query():
    q = struct.pack("!HHHHHH", 0x1234, 0x0100, 1, 0, 0, 0) + b"\x04mote\x04test\x00\x00\x01\x00\x01"
    return ipv4(17, udp(5353, 53, q))


def dns_query6():
    q = struct.pack("!HHHHHH", 0x1235, 0x0100, 1, 0, 0, 0) + b"\x04mote\x04test\x00\x00\x1c\x00\x01"
    return ipv6(17, udp(5353, 53, q, src=HOST_LL, dst=GUEST_LL))


def dhcp(msg_type, xid=0):
    bootp = struct.pack("!BBBBIHH4s4s4s4s", 2, 1, 6, 0, xid, 0, 0, bytes(4), GUEST_IP, HOST_IP,
                        bytes(4)) + GUEST_MAC + bytes(10) + bytes(64) + bytes(128)
    opts = bytes([99, 130, 83, 99, 53, 1, msg_type, 54, 4, *HOST_IP, 51, 4, 0, 0, 14, 16,
                  1, 4, 255, 255, 255, 0, 3, 4, *HOST_IP, 6, 4, 10, 0, 2, 3, 255])
    return ipv4(17, udp(67, 68, bootp + opts, dst=b"\xff" * 4), dst=b"\xff" * 4)


def neighbor_solicit():
    solicited = bytes.fromhex("ff0200000000000000000001ff123456")
    body = bytes(4) + GUEST_LL + bytes([1, 1]) + HOST_MAC
    return icmp6(135, 0, body, dst=solicited, dst_mac=bytes.fromhex("3333ff123456"))


def router_advert():
    prefix = bytes.fromhex("fec00000000000000000000000000000")
    body = struct.pack("!BBHII", 64, 0, 1800, 0, 0)
    body += bytes([3, 4, 64, 0xc0]) + struct.pack("!II", 86400, 14400) + bytes(4) + prefix
    body += bytes([1, 1]) + HOST_MAC
    return icmp6(134, 0, body, dst=bytes.fromhex("ff020000000000000000000000000001"),
                 dst_mac=bytes.fromhex("333300000001"))


def ping6():
    return icmp6(128, 0, struct.pack("!HH", 5, 1) + b"mote")


def tcp_session():
    mss = bytes([2, 4, 5, 180])
    get = b"GET / HTTP/1.1\r\nHost: mote\r\n\r\n"
    return [ipv4(6, tcp(40000, 80, 1000, 0, 0x02, opts=mss)),
            ipv4(6, tcp(40000, 80, 1001, 1, 0x10)),
            ipv4(6, tcp(40000, 80, 1001, 1, 0x18, get)),
            ipv4(6, tcp(40000, 80, 1001 + len(get), 1, 0x11))]


def syn_flood(n=20):
    return [ipv4(6, tcp(20000 + i, 80, 5000 * i, 0, 0x02, opts=bytes([2, 4, 5, 180])),
                 src=bytes([10, 0, 2, 100 + i])) for i in range(n)]


def seed(mode, frames, step=1):
    out = bytes([mode])
    for f in frames:
        out += struct.pack("!HB", len(f), step) + f
    return out


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    seeds = {
        "arp_ping": seed(STATIC, [arp_request(), ping()]),
        "fragments": seed(STATIC, fragments()),
        "empty_fragment": seed(STATIC, empty_fragment()),
        "udp_dns": seed(STATIC, [dns_query()]),
        "tcp_get": seed(STATIC, tcp_session()),
        "syn_flood": seed(STATIC, syn_flood(), step=0),
        "dhcp": seed(DHCP, [dhcp(2), dhcp(5)], step=20),
        "ipv6": seed(STATIC, [neighbor_solicit(), router_advert(), ping6()]),
        # with transmit checksum offload (fuzz_lwip_input.c MODE_OFFLOAD)
        "udp_dns_offload": seed(STATIC | OFFLOAD, [dns_query()]),
        "tcp_get_offload": seed(STATIC | OFFLOAD, tcp_session()),
        # over IPv6 once its link-local address is past DAD (steps of 20 ticks); and answered
        # from the service's own buffer (MODE_GENERAL)
        "udp_dns6": seed(STATIC, [dns_query6(), dns_query6()], step=20),
        "udp_dns6_offload": seed(STATIC | OFFLOAD, [dns_query6(), dns_query6()], step=20),
        "udp_dns_general": seed(STATIC | GENERAL, [dns_query(), dns_query6(), dns_query6()],
                                step=20),
        "udp_dns_general_offload": seed(STATIC | GENERAL | OFFLOAD,
                                        [dns_query(), dns_query6(), dns_query6()], step=20),
        # the transmit ring full: a reply built in place goes lwIP's way instead
        "udp_dns_tx_full": seed(STATIC | TX_FULL, [dns_query(), dns_query6(), dns_query6()],
                                step=20),
        "udp_dns_general_tx_full": seed(STATIC | GENERAL | TX_FULL,
                                        [dns_query(), dns_query6(), dns_query6()], step=20),
    }
    for name, data in seeds.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
