# SPDX-License-Identifier: MIT
"""The dns service answers real dig queries over virtio-net, lwIP and QEMU user networking."""
import socket
import subprocess

import pytest

from qemu import image


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def dns_server(qemu):
    port = free_udp_port()
    q = qemu(image("dns"), append="records=10000",
             extra=("-netdev", f"user,id=n0,hostfwd=udp:127.0.0.1:{port}-:53",
                    "-device", "virtio-net-device,netdev=n0"))
    q.wait_for(r"net: IPv4 10\.0\.2\.15/24 gw 10\.0\.2\.2")
    q.wait_for(r"dns: serving 10000 records of mote\.test on UDP port 53")
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
