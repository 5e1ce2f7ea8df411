# SPDX-License-Identifier: MIT
"""Run inside a test's network namespace (netns.py): asks the guest's DNS server one
question and reports how the checksum of its answer looked on the tap device, or sends a
query with a corrupted UDP checksum and reports whether it was answered.

  csum_probe.py answer udp4|udp6|tcp4|tcp6 GUEST_ADDR   -> "full", "partial" or "bad"
  csum_probe.py corrupt GUEST_ADDR GUEST_MAC           -> "answered" or "silent"

"partial": the checksum field holds the pseudo-header's sum, as a guest using checksum
offload leaves it for the device; the host kernel completes it (QEMU's tap with vnet
headers passes the frame on as it is, flagged partial). "full": the whole checksum, as
computed in software. Anything else is "bad". Both forms are verified here with the RFC
1071 sum, independently of the guest."""
import socket
import struct
import sys
import time

TAP = "motetap0"
DNS_PORT = 53
ETH_P_ALL = 0x0003
WAIT_S = 20


def query(name, qid):
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack(">HH", 1, 1)


def csum16(data):
    if len(data) % 2:
        data += b"\x00"
    s = sum(struct.unpack(f">{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def classify(frame):
    """The checksum of a UDP or TCP segment in an Ethernet frame: full, partial or bad."""
    ethertype = struct.unpack(">H", frame[12:14])[0]
    if ethertype == 0x0800:
        ihl = (frame[14] & 0x0f) * 4
        total = struct.unpack(">H", frame[16:18])[0]
        proto = frame[23]
        l4 = frame[14 + ihl:14 + total]
        pseudo = frame[26:34] + struct.pack(">BBH", 0, proto, len(l4))
    else:
        plen = struct.unpack(">H", frame[18:20])[0]
        proto = frame[20]
        l4 = frame[54:54 + plen]
        pseudo = frame[22:54] + struct.pack(">IHBB", len(l4), 0, 0, proto)
    off = 6 if proto == 17 else 16
    field = struct.unpack(">H", l4[off:off + 2])[0]
    if csum16(pseudo + l4) == 0xffff:
        return "full"
    zeroed = l4[:off] + b"\x00\x00" + l4[off + 2:]
    return "partial" if field == csum16(pseudo) and csum16(pseudo + zeroed) != 0xffff else "bad"


def from_guest(frame, guest, v6, proto, port):
    """Whether frame is the guest's UDP/TCP segment with data from DNS_PORT to port."""
    if v6:
        if frame[12:14] != b"\x86\xdd" or frame[20] != proto:
            return False
        if socket.inet_ntop(socket.AF_INET6, frame[22:38]) != guest:
            return False
        l4 = frame[54:]
    else:
        if frame[12:14] != b"\x08\x00" or frame[23] != proto:
            return False
        if socket.inet_ntoa(frame[26:30]) != guest:
            return False
        l4 = frame[14 + (frame[14] & 0x0f) * 4:]
    sport, dport = struct.unpack(">HH", l4[:4])
    if (sport, dport) != (DNS_PORT, port):
        return False
    return proto == 17 or len(l4) > (l4[12] >> 4) * 4  # TCP: a segment with data


def answer(kind, guest):
    v6 = kind.endswith("6")
    family = socket.AF_INET6 if v6 else socket.AF_INET
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sniff.bind((TAP, 0))
    sniff.settimeout(WAIT_S)
    dest = (guest, DNS_PORT, 0, socket.if_nametoindex(TAP)) if v6 else (guest, DNS_PORT)
    q = query("host42.mote.test", 0x4242)
    if kind.startswith("udp"):
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.bind(("::" if v6 else "0.0.0.0", 0))
        s.sendto(q, dest)
        proto = 17
    else:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(WAIT_S)
        s.connect(dest)
        s.sendall(struct.pack(">H", len(q)) + q)
        proto = 6
    port = s.getsockname()[1]
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline:
        frame = sniff.recv(65535)
        if from_guest(frame, guest, v6, proto, port):
            return classify(frame)
    return "none"


def corrupt(guest, guest_mac):
    """A query with a wrong UDP checksum (dropped?), then the same one right (answered?)."""
    from scapy.all import Ether, IP, UDP, Raw, sendp, get_if_hwaddr  # noqa: E402 (slow import)
    results = []
    sniff = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    sniff.bind((TAP, 0))
    sniff.settimeout(1)
    for i, bad in enumerate((True, False)):
        port = 40000 + i
        pkt = Ether(dst=guest_mac, src=get_if_hwaddr(TAP)) / IP(src="192.168.77.1", dst=guest) \
            / UDP(sport=port, dport=DNS_PORT) / Raw(query("host7.mote.test", 0x700 + i))
        raw = bytearray(bytes(pkt))
        if bad:
            raw[14 + 20 + 6] ^= 0x5a  # the UDP checksum, wrong now
        sendp(bytes(raw), iface=TAP, verbose=False)
        deadline = time.monotonic() + (5 if bad else WAIT_S)
        seen = "silent"
        while time.monotonic() < deadline and seen == "silent":
            try:
                frame = sniff.recv(65535)
            except socket.timeout:
                continue
            if from_guest(frame, guest, False, 17, port):
                seen = "answered"
        results.append(seen)
    return " ".join(results)


def main():
    if sys.argv[1] == "answer":
        print(answer(sys.argv[2], sys.argv[3]))
    elif sys.argv[1] == "corrupt":
        print(corrupt(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(f"usage: {sys.argv[0]} answer KIND ADDR | corrupt ADDR MAC")


if __name__ == "__main__":
    main()
