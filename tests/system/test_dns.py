# SPDX-License-Identifier: MIT
"""The dns service answers real dig queries over virtio-net, lwIP and QEMU user networking."""
import socket
import struct
import subprocess

import pytest

from qemu import free_port, image, user_net


@pytest.fixture
def dns_server(qemu):
    port = free_port()
    q = qemu(image("dns"), append="records=10000", extra=user_net(f"udp:127.0.0.1:{port}-:53"))
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
def dns_tcp_server(qemu):
    port = free_port(socket.SOCK_STREAM)
    q = qemu(image("dns"), append="records=10000", extra=user_net(f"tcp:127.0.0.1:{port}-:53"))
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
