# SPDX-License-Identifier: MIT
"""The debug port on the Raspberry Pi 3 (QEMU -M raspi3b): with gdb=serial or core=serial
the mini UART (the second -serial, here a TCP socket QEMU listens on) carries the GDB
stub and core dumps, while the PL011 (the first -serial, stdout) stays the console."""
import os
import re
import socket
import signal
import subprocess

import pytest

from debugimg import GDB, Gdb, debug_port_args, receive_core
from qemu import TIMEOUT_S, free_port, wait_until
from raspi3 import RASPI3_BUILD, Raspi3, raspi3_image

RASPI3_DEBUG_BUILD = os.environ.get("MOTE_BUILD_RASPI3_DEBUG",
                                    os.path.normpath(RASPI3_BUILD) + "-debug")


def raspi3_debug_image(name, kind="img"):
    path = os.path.join(RASPI3_DEBUG_BUILD, f"{name}.{kind}")
    assert os.path.exists(path), f"{path} is missing: run `make debug-images-raspi3` first"
    return path


def test_pi_debug_hello_carries_no_network_code():
    out = subprocess.run(["aarch64-linux-gnu-nm", raspi3_debug_image("hello", "elf")],
                         check=True, capture_output=True, text=True).stdout
    found = re.findall(r" [tT] (lwip_init|tcp_input|pbuf_alloc|gdb_tcp_\w+)$", out, re.M)
    assert not found, f"expected no lwIP in the Pi's debug hello (it has no network), found {found}"
    assert re.search(r" [tT] gdbstub_init$", out, re.M), "expected the GDB stub in the debug hello"


@pytest.fixture
def pi_debug():
    """Starts Raspi3 instances whose mini UART is the board's debug port on 127.0.0.1:port
    (board.mk's QEMU_DEBUG_PORT_ARGS: the second -serial; the PL011 stays on stdout):
    pi_debug(service, append, port, wait=False, debug=False). wait: QEMU starts the image
    once a client is connected. debug=True boots the DEBUG=1 image. All are killed afterwards."""
    started = []

    def start(service, append, port, wait=False, debug=False):
        q = Raspi3(service, append=append)
        started.append(q)
        argv = q.argv
        if debug:
            argv[argv.index("-kernel") + 1] = raspi3_debug_image(service)
        i = argv.index("-serial")
        assert argv[i + 2] == "-serial", argv
        opt, chardev = debug_port_args(port, wait=wait, board="raspi3")
        assert opt == "-serial", f"expected the Pi's debug port on a -serial, got {opt}"
        argv[i + 3] = chardev
        return q.start()

    yield start
    for q in started:
        q.stop()


def test_gdb_over_the_mini_uart_breaks_in_hello_and_it_keeps_ticking(pi_debug):
    port = free_port(socket.SOCK_STREAM)
    q = pi_debug("hello", "gdb=serial ticks=100000 interval_ms=200", port, debug=True)
    q.wait_for(r"raspi3: debug port \(gdb=serial, core=serial\): the mini UART")
    q.wait_for(r"gdb: stub on serial \(mini UART\)")
    q.wait_for(r"info: tick 2$")

    # gdb attaches while the image runs: its first packet arrives through the receive interrupt.
    g = Gdb(raspi3_debug_image("hello", "elf"), port, [
        "break services/hello/main.c:tick",
        "continue",
        "bt",
        "info registers",
        "delete",
        "echo MARK-CONTINUE\\n",
        "continue",
        "echo MARK-INTERRUPTED\\n",
        "bt 1",
        "detach",
    ])
    try:
        # Ctrl-C once the image ticks again after the last continue: 0x03 on the mini UART.
        wait_until(lambda: "MARK-CONTINUE" in g.output or g.proc.poll() is not None,
                   lambda: f"gdb to continue:\n{g.output}\n{q.tail()}")
        assert "MARK-CONTINUE" in g.output, f"gdb did not get to continue:\n{g.output}\n{q.tail()}"
        q.wait_for(r"info: tick \d+$", start=len(q.output))
        g.proc.send_signal(signal.SIGINT)
        out = g.wait()
    finally:
        g.kill()
    assert re.search(r"Breakpoint 1, tick \(.*\) at services/hello/main\.c:\d+", out), \
        f"expected the breakpoint in tick to hit:\n{out}\nconsole:\n{q.tail()}"
    assert re.search(r"#0\s+tick \(.*\) at services/hello/main\.c:\d+", out), \
        f"expected bt to show tick with file and line:\n{out}"
    assert re.search(r"^pc\s+0x[0-9a-f]+\s+0x[0-9a-f]+ <tick", out, re.M), \
        f"expected info registers to show pc in tick:\n{out}"
    assert re.search(r"^x0\s+0x[0-9a-f]+", out, re.M) and re.search(r"^cpsr\s+0x", out, re.M), \
        f"expected info registers to list x0 and cpsr:\n{out}"
    assert "received signal SIGINT" in out, f"expected Ctrl-C to stop the image:\n{out}"
    assert re.search(r"MARK-INTERRUPTED\n#0\s+", out), f"expected bt after Ctrl-C:\n{out}"
    assert "(Remote target) detached" in out, f"expected gdb to detach:\n{out}"
    assert g.proc.returncode == 0, f"gdb failed:\n{out}"

    # Detached: the image ticks on, on the PL011 console.
    last = int(re.findall(r"info: tick (\d+)$", q.output, re.M)[-1])
    q.wait_for(rf"info: tick {last + 2}$")


def test_core_over_the_mini_uart_opens_in_gdb_with_the_crashing_function(pi_debug, tmp_path):
    port = free_port(socket.SOCK_STREAM)
    # QEMU waits for the receiver before it starts the image.
    q = pi_debug("crashtest", "crash=null core=serial", port, wait=True)
    q.wait_for(r"QEMU waiting for connection")
    core = tmp_path / "crash.core"
    receive_core(q, port, core)
    q.wait_for(r"core: a crash sends a core file over the mini UART")
    q.wait_for(r"core: sending \d+ bytes over the mini UART")
    q.wait_for(r"core: sent, \d+ bytes")
    assert q.wait_exit() == 70

    elf = raspi3_image("crashtest", "elf")
    out = subprocess.run([GDB, "-q", "-nx", "-batch", elf, str(core), "-ex", "bt"],
                         capture_output=True, text=True, timeout=TIMEOUT_S).stdout
    assert re.search(r"#0\s+0x[0-9a-f]+ in crash_null_dereference \(\) at services/crashtest/main\.c:\d+", out), \
        f"expected the crashing function in gdb's backtrace of the core:\n{out}"
    assert "SIGSEGV" in out, f"expected the core to say SIGSEGV:\n{out}"

