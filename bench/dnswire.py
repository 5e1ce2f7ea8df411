# SPDX-License-Identifier: MIT
"""DNS messages as the benchmark's client needs them: an A (or AAAA) query
for host<i>.mote.test and a strict check of the reply (RFC 1035 §4.1).

The zone is lib/dns's synthetic one: host<i>.mote.test. A 10.0.0.0 + i for
i = 1..records, and no AAAA anywhere: an AAAA query for host<i> is answered
NOERROR with no answer and the zone's SOA in the authority section (NODATA,
RFC 2308 §2.2). Kept apart from the client so it can be unit-tested.
"""

import ipaddress
import struct

ZONE = "mote.test"
TYPE_A = 1
TYPE_SOA = 6
TYPE_AAAA = 28
QTYPES = {"A": TYPE_A, "AAAA": TYPE_AAAA}  # what the client may ask
CLASS_IN = 1
FLAG_QR = 0x8000
FLAG_AA = 0x0400
RCODE_MASK = 0x000F
POINTER_MASK = 0xC0
MAX_POINTERS = 16  # more jumps than any sane reply needs: a loop
FIRST_HOST_ADDRESS = int(ipaddress.IPv4Address("10.0.0.0"))
RECORDS_MAX = 1000000  # lib/dns's DNS_ZONE_RECORDS_MAX


class BadReply(ValueError):
    """A reply that is not the expected answer; the message says how."""


def host_name(i):
    return f"host{i}.{ZONE}"


def host_address(i):
    """The address lib/dns gives host<i>: 10.0.0.0 + i."""
    if not 1 <= i <= RECORDS_MAX:
        raise ValueError(f"host index {i} outside 1..{RECORDS_MAX}")
    return str(ipaddress.IPv4Address(FIRST_HOST_ADDRESS + i))


def host_index(k, first, records):
    """The k-th name (from 0) of a run that starts at host<first>, wrapping inside the zone."""
    return (first - 1 + k) % records + 1


def encode_name(name):
    out = b""
    for label in name.rstrip(".").split("."):
        raw = label.encode("ascii")
        if not 1 <= len(raw) <= 63:
            raise ValueError(f"DNS label {label!r} must be 1 to 63 bytes")
        out += bytes([len(raw)]) + raw
    return out + b"\0"


def build_query(msg_id, name, qtype=TYPE_A):
    """A standard query (no RD, no EDNS), as dig +norec would send it."""
    header = struct.pack("!HHHHHH", msg_id, 0, 1, 0, 0, 0)
    return header + encode_name(name) + struct.pack("!HH", qtype, CLASS_IN)


def read_name(msg, off):
    """(name, offset after it) at off, following compression pointers."""
    labels, end, jumps = [], None, 0
    while True:
        if off >= len(msg):
            raise BadReply(f"name runs past the end of the {len(msg)}-byte message")
        n = msg[off]
        if n & POINTER_MASK == POINTER_MASK:
            if off + 1 >= len(msg):
                raise BadReply("compression pointer cut short")
            jumps += 1
            if jumps > MAX_POINTERS:
                raise BadReply("compression pointer loop")
            if end is None:
                end = off + 2
            off = ((n & ~POINTER_MASK) << 8) | msg[off + 1]
            continue
        if n & POINTER_MASK:
            raise BadReply(f"label type 0x{n:02x} is not defined")
        if n == 0:
            return ".".join(labels), (end if end is not None else off + 1)
        if off + 1 + n > len(msg):
            raise BadReply("label runs past the end of the message")
        labels.append(msg[off + 1:off + 1 + n].decode("ascii", "replace"))
        off += 1 + n


def parse_reply(msg):
    """{'id', 'flags', 'rcode', 'question', 'answers', 'authority'}, each record
    (name, type, class, ttl, rdata)."""
    if len(msg) < 12:
        raise BadReply(f"reply of {len(msg)} bytes is shorter than the 12-byte header")
    msg_id, flags, qd, an, ns, _ = struct.unpack("!HHHHHH", msg[:12])
    off, question = 12, None
    for _ in range(qd):
        qname, off = read_name(msg, off)
        if off + 4 > len(msg):
            raise BadReply("question cut short")
        qtype, qclass = struct.unpack("!HH", msg[off:off + 4])
        off += 4
        question = (qname, qtype, qclass)
    sections = {}
    for section, count in (("answer", an), ("authority", ns)):
        records = sections[section] = []
        for _ in range(count):
            name, off = read_name(msg, off)
            if off + 10 > len(msg):
                raise BadReply(f"{section} record header cut short")
            rtype, rclass, ttl, rdlen = struct.unpack("!HHIH", msg[off:off + 10])
            off += 10
            if off + rdlen > len(msg):
                raise BadReply(f"{section} record data cut short")
            records.append((name, rtype, rclass, ttl, msg[off:off + rdlen]))
            off += rdlen
    return {"id": msg_id, "flags": flags, "rcode": flags & RCODE_MASK, "question": question,
            "answers": sections["answer"], "authority": sections["authority"]}


def check_answer(msg, msg_id, i, qtype=TYPE_A):
    """Raises BadReply unless msg is the authoritative answer to host<i>.mote.test's
    qtype: for A, the record 10.0.0.0+i; for AAAA, none and the zone's SOA (NODATA)."""
    r = parse_reply(msg)
    name, want = host_name(i), host_address(i)
    if r["id"] != msg_id:
        raise BadReply(f"reply id {r['id']} does not match query id {msg_id}")
    if not r["flags"] & FLAG_QR:
        raise BadReply("reply has QR=0 (it is a query)")
    if r["rcode"] != 0:
        raise BadReply(f"{name}: rcode {r['rcode']}, expected 0 (NOERROR)")
    if not r["flags"] & FLAG_AA:
        raise BadReply(f"{name}: AA not set, expected an authoritative answer")
    if r["question"] is None or r["question"][0].lower() != name or r["question"][1] != qtype:
        raise BadReply(f"question echoed as {r['question']!r}, expected {name} type {qtype}")
    if qtype != TYPE_A:
        soa = [x for x in r["authority"] if x[1] == TYPE_SOA and x[2] == CLASS_IN]
        if r["answers"] or len(r["authority"]) != 1 or len(soa) != 1 or soa[0][0].lower() != ZONE:
            raise BadReply(f"{name} type {qtype}: expected no answer and {ZONE}'s SOA, got "
                           f"{r['answers']!r} and {r['authority']!r}")
        return
    a = [x for x in r["answers"] if x[1] == TYPE_A and x[2] == CLASS_IN]
    if len(a) != 1 or a[0][0].lower() != name or len(a[0][4]) != 4:
        raise BadReply(f"{name}: expected one A record for it, got {r['answers']!r}")
    got = str(ipaddress.IPv4Address(a[0][4]))
    if got != want:
        raise BadReply(f"{name}: address {got}, expected {want}")
