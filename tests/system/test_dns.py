# SPDX-License-Identifier: MIT
"""The dns service answers real dig queries over lwIP and QEMU user networking, on virt
(virtio-net, both transports) and on raspi3 (usb-net behind the DWC2: boards.py)."""
import re
import socket
import struct
import subprocess

import pytest

from boards import board, guest  # noqa: F401 (fixtures)
from qemu import VIRTIO_MODES, free_port, user_net

SETUPS = [f"virt-{mode}" for mode in sorted(VIRTIO_MODES)] + ["raspi3"]


@pytest.fixture(params=SETUPS)
def dns_server(guest, request):
    """The dns image on each virtio-mmio transport version and on the Pi, UDP port 53 forwarded."""
    board, _, mode = request.param.partition("-")
    port = free_port()
    q = guest(board, "dns", append="records=10000", net=user_net(f"udp:127.0.0.1:{port}-:53"),
              extra=VIRTIO_MODES[mode] if mode else ())
    q.wait_for(r"net: IPv4 10\.0\.2\.15/24 gw 10\.0\.2\.2")
    q.wait_for(r"dns: serving 10000 records of mote\.test on UDP and TCP port 53")
    return q, port


def dig(port, *args):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+time=5", "+tries=3", *args],
                         capture_output=True, text=True, timeout=60)
    return out.stdout


def test_dns_answers_a_record_of_the_zone(dns_server):
    q, port = dns_server
    out = dig(port, "host42.mote.test", "+short")
    assert out.strip() == "10.0.0.42", f"expected 10.0.0.42 from dig, got:\n{out}\n{q.tail()}"
    out = dig(port, "host256.mote.test", "+short")
    assert out.strip() == "10.0.1.0", f"expected 10.0.1.0 from dig, got:\n{out}"


def test_dns_answers_nxdomain_for_unknown_name(dns_server):
    q, port = dns_server
    out = dig(port, "host10001.mote.test")
    assert "status: NXDOMAIN" in out and "flags: qr aa" in out, f"expected authoritative NXDOMAIN, got:\n{out}"


def test_dns_answers_nodata_with_soa_for_aaaa_and_honours_edns(dns_server):
    q, port = dns_server
    out = dig(port, "host42.mote.test", "AAAA")
    assert "status: NOERROR" in out and "ANSWER: 0" in out and "IN\tSOA\tns.mote.test." in out, \
        f"expected NOERROR/NODATA with the SOA, got:\n{out}"
    out = dig(port, "+edns=0", "+bufsize=4096", "host42.mote.test")
    assert "EDNS: version: 0" in out and "udp: 1232" in out, f"expected our OPT back, got:\n{out}"
    out = dig(port, "+edns=1", "+noednsnegotiation", "host42.mote.test")
    assert "status: BADVERS" in out, f"expected BADVERS for EDNS version 1, got:\n{out}"


def test_dns_answers_nslookup_as_in_the_paper(dns_server):
    q, port = dns_server
    out = subprocess.run(["nslookup", "-port=" + str(port), "host1234.mote.test", "127.0.0.1"],
                         capture_output=True, text=True, timeout=60).stdout
    assert "Address: 10.0.4.210" in out, f"expected host1234's address from nslookup, got:\n{out}"


def test_dns_refuses_names_outside_the_zone(dns_server):
    q, port = dns_server
    out = dig(port, "example.com", "+norec")
    assert "status: REFUSED" in out, f"expected REFUSED, got:\n{out}"


def query(name, qid, qtype=1):
    """A DNS query for name (type A by default), as bytes, without TCP's length prefix."""
    q = struct.pack(">HHHHHH", qid, 0x0100, 1, 0, 0, 0)
    for label in name.rstrip(".").split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\0" + struct.pack(">HH", qtype, 1)


def read_reply(sock):
    """One length-prefixed DNS message from a TCP stream."""
    buf = b""
    while len(buf) < 2:
        chunk = sock.recv(2 - len(buf))
        assert chunk, "expected a reply, the server closed the connection"
        buf += chunk
    want = struct.unpack(">H", buf)[0]
    msg = b""
    while len(msg) < want:
        chunk = sock.recv(want - len(msg))
        assert chunk, f"expected {want} bytes of reply, got {len(msg)} before the connection closed"
        msg += chunk
    return msg


def a_record(reply):
    """The IPv4 address in the last 4 bytes of a one-answer reply."""
    return socket.inet_ntoa(reply[-4:])


@pytest.fixture
def dns_tcp_server(guest, board):
    port = free_port(socket.SOCK_STREAM)
    q = guest(board, "dns", append="records=10000", net=user_net(f"tcp:127.0.0.1:{port}-:53"))
    q.wait_for(r"mote: ready")
    return q, port


def test_dns_answers_dig_over_tcp(dns_tcp_server):
    q, port = dns_tcp_server
    out = dig(port, "+tcp", "+keepopen", "host1.mote.test", "host4097.mote.test", "+short")
    assert out.split() == ["10.0.0.1", "10.0.16.1"], f"expected two answers over one TCP connection, got:\n{out}"
    out = dig(port, "+tcp", "host10001.mote.test")
    assert "status: NXDOMAIN" in out, f"expected NXDOMAIN over TCP, got:\n{out}"


def test_dns_over_tcp_answers_pipelined_queries_sent_byte_by_byte(dns_tcp_server):
    q, port = dns_tcp_server
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        stream = b""
        for i in range(1, 6):
            msg = query(f"host{i}.mote.test", 0x100 + i)
            stream += struct.pack(">H", len(msg)) + msg
        for i in range(0, 40):  # the first bytes one by one, the rest at once
            s.sendall(stream[i:i + 1])
        s.sendall(stream[40:])
        for i in range(1, 6):
            reply = read_reply(s)
            assert struct.unpack(">H", reply[:2])[0] == 0x100 + i, f"expected answers in order, got id {reply[:2].hex()}"
            assert a_record(reply) == f"10.0.0.{i}", f"expected 10.0.0.{i} for host{i}, got {a_record(reply)}"


def test_dns_over_tcp_closes_a_connection_with_an_impossible_length(dns_tcp_server):
    q, port = dns_tcp_server
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        s.sendall(struct.pack(">H", 0))
        try:
            data = s.recv(100)
        except ConnectionResetError:
            data = b""
        assert data == b"", f"expected the server to close on a zero-length message, got {data!r}"
    # and it still serves others
    out = dig(port, "+tcp", "host9.mote.test", "+short")
    assert out.strip() == "10.0.0.9", f"expected the server to keep answering, got:\n{out}"


def test_dns_answers_bursts_of_queries_without_copying_frames(dns_server):
    """500 queries in bursts of 50 in flight at once: every one answered right, and every
    received frame was handed to the stack in the driver's own buffer (none copied, so
    no lent buffer leaked). A burst's unanswered queries are sent again: the host's UDP
    socket in front of QEMU may drop datagrams under a burst, which is not the guest's doing."""
    q, port = dns_server
    answered = {}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(5)
        for first in range(1, 501, 50):
            burst = range(first, first + 50)
            for attempt in range(5):
                missing = [i for i in burst if i not in answered]
                if not missing:
                    break
                for i in missing:
                    s.sendto(query(f"host{i}.mote.test", i), ("127.0.0.1", port))
                try:
                    while any(i not in answered for i in burst):
                        reply, _ = s.recvfrom(4096)
                        answered[struct.unpack(">H", reply[:2])[0]] = a_record(reply)
                except socket.timeout:
                    pass
    assert len(answered) == 500, f"expected 500 answers, got {len(answered)}\n{q.tail()}"
    for i, addr in answered.items():
        assert addr == f"10.0.{i >> 8}.{i & 255}", f"host{i}: expected its address, got {addr}"
    start = len(q.output)
    q.type("stats\n")
    m = q.wait_for(r"net: link rx (\d+) tx \d+ drops \d+ copied (\d+);", start=start)
    assert int(m.group(1)) >= 500 and m.group(2) == "0", \
        f"expected every frame received in place (copied 0): {m.group(0)}"


def test_dns_over_tcp_holds_answers_back_until_the_client_reads(dns_tcp_server):
    """300 pipelined queries before reading anything: the answers (15 KB) exceed the
    guest's TCP send buffer (11 KB), so whenever the host side does not acknowledge as
    fast as they are produced, the service meets back-pressure (partial writes) and
    sends the rest from its sent callback. Every answer arrives, in order."""
    q, port = dns_tcp_server
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        stream = b""
        for i in range(1, 301):
            msg = query(f"host{i}.mote.test", i)
            stream += struct.pack(">H", len(msg)) + msg
        s.sendall(stream)
        for i in range(1, 301):
            reply = read_reply(s)
            assert struct.unpack(">H", reply[:2])[0] == i and a_record(reply) == f"10.0.{i >> 8}.{i & 255}", \
                f"expected answer {i} in order, got id {reply[:2].hex()} {a_record(reply)}"


def test_dns_over_tcp_closes_idle_connections(dns_tcp_server):
    """RFC 7766 §6.2.3: a connection with no query for 10 s is closed by the server (FIN),
    after answering what it was sent."""
    q, port = dns_tcp_server
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        msg = query("host5.mote.test", 5)
        s.sendall(struct.pack(">H", len(msg)) + msg)
        assert a_record(read_reply(s)) == "10.0.0.5"
        assert s.recv(100) == b"", "expected the server to close the idle connection"


HEADER = struct.Struct(">HHHHHH")
QNAME = b"\x06host42\x04mote\x04test\x00"
QTAIL = b"\x00\x01\x00\x01"  # type A, class IN

# RFC 9267's malformed messages (and a few more), each with the RCODE it must get or
# None for "dropped": (name, message).
MALFORMED = [
    ("pointer to itself", HEADER.pack(1, 0, 1, 0, 0, 0) + b"\xc0\x0c" + QTAIL, 1),
    ("forward pointer", HEADER.pack(2, 0, 1, 0, 0, 0) + b"\xc0\x10" + QTAIL + b"\x00", 1),
    ("pointer past the end", HEADER.pack(3, 0, 1, 0, 0, 0) + b"\xc3\xff" + QTAIL, 1),
    ("pointer loop", HEADER.pack(4, 0, 1, 0, 0, 0) + b"\x01a\xc0\x0e" + QTAIL, 1),
    ("label over 63", HEADER.pack(5, 0, 1, 0, 0, 0) + b"\x40" + b"a" * 64 + b"\x00" + QTAIL, 1),
    ("name over 255", HEADER.pack(6, 0, 1, 0, 0, 0) + b"\x3f" + b"a" * 63 + b"\x3f" + b"b" * 63
        + b"\x3f" + b"c" * 63 + b"\x3f" + b"d" * 63 + b"\x00" + QTAIL, 1),
    ("label runs past the end", HEADER.pack(7, 0, 1, 0, 0, 0) + b"\x10host", 1),
    ("question without type", HEADER.pack(8, 0, 1, 0, 0, 0) + QNAME, 1),
    ("two questions", HEADER.pack(9, 0, 2, 0, 0, 0) + QNAME + QTAIL + QNAME + QTAIL, 1),
    ("no question", HEADER.pack(10, 0, 0, 0, 0, 0), 1),
    ("answer count past the end", HEADER.pack(11, 0, 1, 5, 0, 0) + QNAME + QTAIL, 1),
    ("opcode STATUS", HEADER.pack(12, 2 << 11, 1, 0, 0, 0) + QNAME + QTAIL, 4),
    ("a response", HEADER.pack(13, 0x8000, 1, 0, 0, 0) + QNAME + QTAIL, None),
    ("shorter than a header", b"\x00\x0e\x01", None),
]


def test_dns_answers_malformed_queries_with_the_right_rcode_and_keeps_serving(dns_server):
    q, port = dns_server
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(3)
        for name, msg, rcode in MALFORMED:
            want_id = struct.unpack(">H", msg[:2])[0]
            got = None
            for attempt in range(3):
                s.sendto(msg, ("127.0.0.1", port))
                try:
                    while True:
                        reply, _ = s.recvfrom(4096)
                        if struct.unpack(">H", reply[:2])[0] == want_id:
                            got = reply
                            break
                except socket.timeout:
                    pass
                if got is not None or rcode is None:
                    break
            if rcode is None:
                assert got is None, f"{name}: expected the query dropped, got a reply {got.hex()}"
            else:
                assert got is not None, f"{name}: expected RCODE {rcode}, got no reply"
                assert got[3] & 0x0f == rcode and got[2] & 0x80, \
                    f"{name}: expected a response with RCODE {rcode}, got flags {got[2:4].hex()}"
    out = dig(port, "host42.mote.test", "+short")
    assert out.strip() == "10.0.0.42", f"expected the server to keep answering, got:\n{out}\n{q.tail()}"


def test_dnsperf_gets_every_answer(dns_server, tmp_path):
    """dnsperf, one query at a time in flight: 2000 queries over 1000 names, none lost."""
    q, port = dns_server
    queries = tmp_path / "queries"
    queries.write_text("".join(f"host{i}.mote.test A\n" for i in range(1, 1001)))
    out = subprocess.run(["dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", str(queries),
                          "-n", "2", "-q", "1", "-t", "10"],
                         capture_output=True, text=True, timeout=600).stdout
    m = re.search(r"Queries sent:\s+(\d+)\s+Queries completed:\s+(\d+).*?Queries lost:\s+(\d+)",
                  out, re.S)
    assert m, f"expected dnsperf's summary, got:\n{out}"
    assert m.group(1, 2, 3) == ("2000", "2000", "0"), f"expected 2000 queries answered, none lost:\n{out}"
    assert "NOERROR 2000 (100.00%)" in out, f"expected every answer NOERROR:\n{out}"
