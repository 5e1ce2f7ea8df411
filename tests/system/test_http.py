# SPDX-License-Identifier: MIT
"""The http service answers curl over TCP (lwIP, virtio-net, QEMU user networking):
pages, HEAD, 404, 405, persistent connections with pipelining, and 400 for malformed
requests, after which it keeps serving others."""
import socket
import subprocess

import pytest

from netns import GUEST_ADDR
from boards import board, guest  # noqa: F401 (fixtures)
from qemu import free_port, user_net


@pytest.fixture
def http_server(guest, board):
    port = free_port(socket.SOCK_STREAM)
    q = guest(board, "http", net=user_net(f"tcp:127.0.0.1:{port}-:80"))
    q.wait_for(r"mote: ready")
    return q, f"http://127.0.0.1:{port}"


def curl(*args):
    out = subprocess.run(["curl", "-sS", "--max-time", "30", *args], capture_output=True,
                         text=True, timeout=60)
    return out.stdout + out.stderr


def raw_exchange(base, data):
    """Sends data on one connection and returns what came back (until the server closes)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(data)
        got = b""
        while True:
            try:
                chunk = s.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            got += chunk
    return got.decode("latin-1")


def test_http_serves_the_home_page(http_server):
    q, base = http_server
    out = curl("-i", base + "/")
    assert out.startswith("HTTP/1.1 200 OK"), f"expected 200 OK, got:\n{out}"
    assert "Content-Type: text/html" in out and "<h1>Hello from Mote</h1>" in out, out


def test_http_keeps_the_connection_for_several_requests(http_server):
    q, base = http_server
    out = curl("-v", base + "/", base + "/stats.json", base + "/index.html")
    assert out.count("Connected to") == 1, f"expected one connection for three requests:\n{out}"
    assert out.count("< HTTP/1.1 200 OK") == 3, out
    assert '"tcp": {"rx": ' in out, f"expected live counters in /stats.json:\n{out}"


def test_http_head_has_the_length_but_no_body(http_server):
    q, base = http_server
    out = curl("-I", base + "/")
    assert out.startswith("HTTP/1.1 200 OK") and "Content-Length: 250" in out, out
    assert "<h1>" not in out, f"expected no body for HEAD:\n{out}"


def test_http_answers_404_for_an_unknown_path_and_405_for_post(http_server):
    q, base = http_server
    out = curl("-i", base + "/missing")
    assert out.startswith("HTTP/1.1 404 Not Found"), f"expected 404, got:\n{out}"
    out = curl("-i", "-d", "x=1", base + "/")
    assert out.startswith("HTTP/1.1 405 Method Not Allowed") and "Allow: GET, HEAD" in out, out


def test_http_answers_pipelined_requests_in_order(http_server):
    q, base = http_server
    got = raw_exchange(base, b"GET /missing HTTP/1.1\r\nHost: a\r\n\r\n"
                             b"GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n")
    first, second = got.find("HTTP/1.1 404"), got.find("HTTP/1.1 200")
    assert 0 <= first < second, f"expected 404 then 200 on one connection, got:\n{got}"


@pytest.mark.parametrize("request_bytes, status", [
    (b"GARBAGE\r\n\r\n", "400 Bad Request"),
    (b"GET / HTTP/1.1\r\n\r\n", "400 Bad Request"),                       # no Host
    (b"GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", "400 Bad Request"),
    (b"GET / HTTP/3.0\r\nHost: a\r\n\r\n", "505 HTTP Version Not Supported"),
    (b"GET / HTTP/1.1\r\nHost: a\r\nX: " + b"x" * 9000 + b"\r\n\r\n", "431 Request Header"),
])
def test_http_refuses_malformed_requests_and_keeps_serving(http_server, request_bytes, status):
    q, base = http_server
    got = raw_exchange(base, request_bytes)
    assert got.startswith("HTTP/1.1 " + status) and "Connection: close" in got, \
        f"expected {status} and a closed connection, got:\n{got[:300]}"
    out = curl("-i", base + "/")
    assert out.startswith("HTTP/1.1 200 OK"), f"expected the server to keep serving, got:\n{out}"


CONCURRENT_CLIENT = """
import socket, sys
conns = [socket.create_connection((sys.argv[1], 80), timeout=60) for _ in range(100)]
for i, s in enumerate(conns):
    s.sendall(f"GET /?n={i} HTTP/1.1\\r\\nHost: a\\r\\nConnection: close\\r\\n\\r\\n".encode())
for i, s in enumerate(conns):
    got = b""
    while chunk := s.recv(65536):
        got += chunk
    ok = got.startswith(b"HTTP/1.1 200 OK") and got.endswith(b"</html>\\n")
    print(i, "ok" if ok else repr(got[:80]))
"""


def test_http_serves_100_concurrent_connections(netns, guest, board):
    """100 connections open at once (from a network namespace, straight to the guest on
    a tap device), then a request on each: every one answered with the whole page."""
    q = guest(board, "http", append=f"ip={GUEST_ADDR}/24", net=netns.qemu_net(),
              wrapper=netns.wrapper())
    q.wait_for(r"mote: ready")
    out = netns.exec("/usr/bin/python3", "-c", CONCURRENT_CLIENT, GUEST_ADDR, check=False,
                     timeout=300)
    lines = out.stdout.splitlines()
    bad = [line for line in lines if not line.endswith(" ok")]
    assert len(lines) == 100 and not bad, \
        f"expected 100 whole pages, got {len(lines)} answers, bad: {bad[:5]}\n{out.stderr}\n{q.tail()}"
