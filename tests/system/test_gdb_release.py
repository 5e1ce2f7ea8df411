# SPDX-License-Identifier: MIT
"""Release images carry no GDB stub: their symbol tables say so, and gdb= is refused with a reason."""
import glob
import os
import re
import subprocess

from debugimg import DEBUG_BUILD, debug_image
from qemu import BUILD, image

# Every function of the stub, its protocol core, its CPU layer and its TCP transport.
STUB_SYMBOL = re.compile(r" [tTdDbBrR] (gdbstub_\w+|gdb_serve|gdb_session_init|gdb_read_packet|"
                         r"gdb_arch_\w+|gdb_tcp_\w+|stop_here)$", re.M)


def symbols(elf):
    return subprocess.run(["aarch64-linux-gnu-nm", elf], capture_output=True, text=True,
                          check=True).stdout


def test_release_images_contain_no_stub_code():
    elfs = [e for e in glob.glob(os.path.join(BUILD, "*.elf")) if not e.endswith(".stage1.elf")]
    assert elfs, f"no images in {BUILD}: run `make images` first"
    for elf in elfs:
        found = STUB_SYMBOL.findall(symbols(elf))
        assert not found, f"{elf} is a release image but links stub code: {found[:5]}"


def test_debug_images_contain_the_stub():
    found = set(STUB_SYMBOL.findall(symbols(debug_image("dns"))))
    assert {"gdbstub_trap", "gdb_serve", "gdb_arch_breakpoint", "gdb_tcp_read"} <= found, \
        f"expected the stub in {DEBUG_BUILD}/dns.elf, found only {sorted(found)}"


# What lwIP and the stub's TCP transport leave in a symbol table when linked.
NETWORK_SYMBOL = re.compile(r" [tTdDbBrR] (lwip_init|tcp_input|udp_input|pbuf_alloc|etharp_output|"
                            r"netif_add|net_up|syslog_start|gdb_tcp_\w+)$", re.M)


def test_debug_image_without_network_carries_no_lwip():
    # The stub reaches TCP through a transport the network registers, so hello links no lwIP.
    found = NETWORK_SYMBOL.findall(symbols(debug_image("hello")))
    assert not found, f"expected no network code in {DEBUG_BUILD}/hello.elf, found {found}"
    assert "gdb_serial_register" in symbols(debug_image("hello")), "expected the serial transport"
    found = set(NETWORK_SYMBOL.findall(symbols(debug_image("dns"))))
    assert {"lwip_init", "syslog_start", "gdb_tcp_register"} <= found, \
        f"expected lwIP, remote logs and the TCP transport in {DEBUG_BUILD}/dns.elf, found {sorted(found)}"


def test_release_image_refuses_gdb_and_says_why(qemu):
    q = qemu(image("hello"), append="gdb=serial,wait")
    q.wait_for(r"gdb: this image has no GDB stub \(build it with make DEBUG=1\)")
    q.wait_for(r"hello: ready")
