# SPDX-License-Identifier: MIT
"""Core dumps: a crashing image with core=serial sends an ELF core over its debug port,
scripts/mote-core writes it, and gdb-multiarch shows the crash from it."""
import re
import socket
import subprocess

from debugimg import GDB, debug_port_args, image_slide, receive_core
from qemu import TIMEOUT_S, free_port, image



def test_core_of_a_crash_opens_in_gdb_with_the_crashing_function(qemu, tmp_path):
    port = free_port(socket.SOCK_STREAM)
    elf = image("crashtest")
    q = qemu(elf, append="crash=null core=serial", extra=debug_port_args(port, wait=True))
    q.wait_for(r"QEMU waiting for connection")
    core = tmp_path / "crash.core"
    receive_core(q, port, core)
    q.wait_for(r"core: sent, \d+ bytes")
    slide = image_slide(q)
    assert q.wait_exit() == 70

    # The core holds the addresses the image ran at (ASLR): gdb takes the ELF's symbols there.
    out = subprocess.run([GDB, "-q", "-nx", "-batch", "-ex", f"symbol-file -o {slide:#x} {elf}",
                          "-ex", f"core-file {core}", "-ex", "bt",
                          "-ex", "print/x $pc", "-ex", "print sink"],
                         capture_output=True, text=True, timeout=TIMEOUT_S).stdout
    assert re.search(r"#0\s+0x[0-9a-f]+ in crash_null_dereference \(\) at services/crashtest/main\.c:\d+", out), \
        f"expected the crashing function in gdb's backtrace of the core:\n{out}"
    assert re.search(r"#1\s+0x[0-9a-f]+ in service_start", out), f"expected its caller:\n{out}"
    assert "SIGSEGV" in out, f"expected the core to say SIGSEGV:\n{out}"
    assert re.search(r"^\$2 = 0$", out, re.M), f"expected a global read from the core's data:\n{out}"


def test_crash_without_a_receiver_still_reports_and_exits(qemu):
    port = free_port(socket.SOCK_STREAM)
    q = qemu(image("crashtest"), append="crash=panic core=serial",
             extra=debug_port_args(port))
    q.wait_for(r"MOTE CRASH: crashtest asked for a panic")
    q.wait_for(r"core: the receiver did not acknowledge; no core written")
    assert q.wait_exit() == 70


def test_core_argument_is_checked(qemu):
    q = qemu(image("hello"), append="core=tcp:1.2.3.4:5")
    q.wait_for(r"core: core=tcp:1\.2\.3\.4:5 not understood; expected core=serial")
    q = qemu(image("hello"), append="core=serial")
    q.wait_for(r"core: core=serial needs the board.s debug port, which is not there")
