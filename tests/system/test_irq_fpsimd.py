# SPDX-License-Identifier: MIT
"""Interrupts keep the FP/SIMD state of the code they stop. The kernel saves it only when a
handler uses FP/SIMD (kernel/irq.c: FP/SIMD traps while handlers run): hello's "fpspin MS"
holds patterns in v0-v31 and FPCR while interrupts come, then says whether they survived.
Console input interrupts it without touching FP/SIMD; a debugger's Ctrl-C stops it inside an
interrupt, where the GDB stub reads the registers (the first FP/SIMD use, which takes the
trap), and gdb must see the service's patterns."""
import re
import signal
import socket
import time

from debugimg import Gdb, debug_image, debug_port_args
from qemu import free_port, image, wait_until

MASK = (1 << 64) - 1
INTACT = r"^fpspin: v0-v31 and FPCR intact$"
RESULT = r"^fpspin: (v0-v31 and FPCR intact|v\d+ changed.*|FPCR changed.*)$"


def pattern(i):
    """fpspin.c's pattern for 64-bit half i (v(i/2), low half first)."""
    return ((0x9E3779B97F4A7C15 * (i + 1)) & MASK) ^ (i << 56)


def test_fpsimd_registers_survive_console_interrupts(qemu):
    q = qemu(image("hello"), append="ticks=0")
    q.wait_for(r"hello: ready")
    q.type("fpspin 3000\r")
    q.wait_for(r"^fpspin: spinning 3000 ms$")
    # Each burst is a receive interrupt (or a few) while the registers hold their patterns.
    for _ in range(20):
        q.type("abcdefgh")
        time.sleep(0.05)
    q.type("\r")
    m = q.wait_for(RESULT)
    assert re.match(INTACT, m.group(0)), f"expected the registers intact, got: {m.group(0)}\n{q.tail()}"
    q.wait_for(r"^echo: (abcdefgh)+")  # the input typed meanwhile arrived whole


def test_fpsimd_registers_read_by_gdb_inside_an_interrupt_are_the_services(qemu):
    gdb_port = free_port(socket.SOCK_STREAM)
    q = qemu(debug_image("hello"), append="ticks=0 gdb=serial", extra=debug_port_args(gdb_port))
    q.wait_for(r"hello: ready")
    g = Gdb(debug_image("hello"), gdb_port, [
        "echo MARK-CONTINUE\\n",
        "continue",
        "echo MARK-STOPPED\\n",
        "print/x $v5.d.u",
        "print/x $v30.d.u",
        "detach",
    ])
    try:
        wait_until(lambda: "MARK-CONTINUE" in g.output or g.proc.poll() is not None,
                   lambda: f"gdb to attach and continue:\n{g.output}\n{q.tail()}")
        q.type("fpspin 15000\r")
        start = q.wait_for(r"^fpspin: spinning 15000 ms$")
        time.sleep(0.5)
        g.proc.send_signal(signal.SIGINT)  # the stub stops the image inside the interrupt
        out = g.wait()
    finally:
        g.kill()
    assert "MARK-STOPPED" in out, f"expected gdb to stop the image with Ctrl-C:\n{out}\n{q.tail()}"
    seen = [tuple(int(x, 16) for x in m) for m in re.findall(r"= \{(0x[0-9a-f]+), (0x[0-9a-f]+)\}", out)]
    want = [(pattern(10), pattern(11)), (pattern(60), pattern(61))]
    assert seen == want, f"expected gdb to read v5 and v30 as the service set them {want}, got {seen}:\n{out}"
    m = q.wait_for(RESULT, start=start.end())
    assert re.match(INTACT, m.group(0)), f"expected the registers intact, got: {m.group(0)}\n{q.tail()}"
