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


def test_release_image_refuses_gdb_and_says_why(qemu):
    q = qemu(image("hello"), append="gdb=serial,wait")
    q.wait_for(r"gdb: this image has no GDB stub \(build it with make DEBUG=1\)")
    q.wait_for(r"hello: ready")
