# SPDX-License-Identifier: MIT
"""The service API's boundary and its newer functions, seen from outside with the
apicheck service (services/apicheck/): a service may define functions named like the
kernel's own and still link and run (mk/global.syms keeps only the API global), and
mote_tcp_connect, mote_endpoint_parse and mote_random_bytes work against a host server
reached through QEMU user networking (the host is 10.0.2.2 there)."""
import re
import socket
import subprocess

import pytest

from qemu import image, user_net

NM = "aarch64-linux-gnu-nm"
KERNEL_NAMES = ("event_raise", "heap_size", "random_u64", "tcp_write", "console_write")
# Static addresses: the network has its address before service_start connects.
STATIC_IP = "ip=10.0.2.15/24 gw=10.0.2.2"
HOST_FROM_GUEST = "10.0.2.2"
RANDOM_LINE = re.compile(rb"^random ([0-9a-f]{32})\n$")


def symbols(elf, *flags):
    out = subprocess.run([NM, *flags, elf], capture_output=True, text=True, check=True).stdout
    return [line.split()[-2:] for line in out.splitlines() if len(line.split()) == 3]


def test_a_service_defines_functions_named_like_kernel_internals():
    syms = symbols(image("apicheck"))
    for name in KERNEL_NAMES:
        kinds = sorted(kind for kind, sym in syms if sym == name)
        assert kinds == ["T", "t"], (
            f"expected {name} twice in apicheck.elf, the service's (T) and Mote's own, local (t); "
            f"got {kinds}")


def test_only_the_api_is_global_in_the_dns_image():
    glob = {sym for kind, sym in symbols(image("dns"), "-g", "--defined-only")}
    assert {"mote_udp_bind", "mote_tcp_serve", "service_start"} <= glob, sorted(glob)
    leaked = glob & {"event_raise", "heap_size", "random_u64", "tcp_write", "pbuf_alloc",
                     "netdev_register", "net_up", "fdt_getprop", "symtab_lookup"}
    assert not leaked, f"expected kernel and lwIP functions to be local, found global: {sorted(leaked)}"


def listener():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(1)
    s.settimeout(60)
    return s


def connect_and_echo(qemu, net_args):
    """Boots apicheck towards a host listener; returns its random line after checking the echo."""
    with listener() as srv:
        port = srv.getsockname()[1]
        qemu(image("apicheck"), append=f"{net_args} connect={HOST_FROM_GUEST}:{port}".strip(),
             extra=user_net())
        conn, _ = srv.accept()
        with conn:
            conn.settimeout(30)
            line = b""
            while not line.endswith(b"\n"):
                chunk = conn.recv(100)
                assert chunk, f"expected a line from the image, got {line!r} and then EOF"
                line += chunk
            m = RANDOM_LINE.match(line)
            assert m, f"expected 'random <32 hex digits>', got {line!r}"
            conn.sendall(b"echo this\n")
            got = b""
            while len(got) < len(b"echo this\n"):
                chunk = conn.recv(100)
                assert chunk, f"expected the echo, got {got!r} and then EOF"
                got += chunk
            assert got == b"echo this\n", f"expected the line echoed, got {got!r}"
        return m.group(1)


def test_tcp_connect_reaches_a_host_server_with_random_bytes(qemu):
    first = connect_and_echo(qemu, STATIC_IP)
    # With DHCP the connection is opened before the lease: it waits for the address.
    second = connect_and_echo(qemu, "")
    assert first != second, f"expected different random bytes on two boots, got {first!r} twice"
    # Not the service's own random_u64 (0x5a repeated): the kernel kept its source.
    assert b"5a5a5a5a" not in first + second, (first, second)


def test_tcp_connect_reports_a_refused_connection(qemu):
    with listener() as srv:
        port = srv.getsockname()[1]
    q = qemu(image("apicheck"), append=f"{STATIC_IP} connect={HOST_FROM_GUEST}:{port}",
             extra=user_net())
    q.wait_for(rf"apicheck: cannot connect to {HOST_FROM_GUEST}:{port}: connection refused")


@pytest.mark.parametrize("endpoint", ["10.0.2.2", "10.0.2.2:0", "10.0.2.2:65536", "10.0.2.2:+80",
                                      "fe80::1:53", "[fe80::1]:", "[10.0.2.2]:80", "host:80"])
def test_endpoint_parse_refuses_a_malformed_address(qemu, endpoint):
    q = qemu(image("apicheck"), append=f"{STATIC_IP} connect={endpoint}", extra=user_net())
    assert q.wait_exit() == 2, f"expected exit status 2 for connect={endpoint}:\n{q.tail()}"
    q.wait_for(r"apicheck: connect: expected ADDR:PORT")
