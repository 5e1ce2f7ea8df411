# SPDX-License-Identifier: MIT
"""The GDB stub inside a debug image, driven by the real gdb-multiarch in batch mode.

The dns service runs with gdb=serial (the virtio console on a socket) or
gdb=tcp:1234 (QEMU user networking forwards a free host port); one gdb
session breaks in on_query while dig waits, looks at the stopped service
(bt with file and line, registers, a local, a global), changes a global the
answer then shows, steps, catches a write with a hardware watchpoint,
continues, is interrupted with Ctrl-C (SIGINT to gdb), and detaches; then the
service answers again.
"""
import re
import signal
import socket
import subprocess
import threading

import pytest

from debugimg import Gdb, debug_image, debug_port_args, image_slide
from qemu import TIMEOUT_S, free_port, user_net, wait_until

GDB_TCP_GUEST_PORT = 1234


def dig(port, name, tries=1, wait_s=40):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), f"+time={wait_s}", f"+tries={tries}",
                          name], capture_output=True, text=True, timeout=wait_s * tries + 30)
    return out.stdout


def launch_dns(qemu, transport, wait=False):
    """The debug dns image with the stub on transport ("serial" or "tcp"), DNS forwarded."""
    dns_port = free_port(socket.SOCK_STREAM)
    gdb_port = free_port(socket.SOCK_STREAM)
    dns_fwd = f"udp:127.0.0.1:{dns_port}-:53"
    if transport == "serial":
        extra = user_net(dns_fwd) + debug_port_args(gdb_port)
        append = "gdb=serial"
    else:
        extra = user_net(dns_fwd, f"tcp:127.0.0.1:{gdb_port}-:{GDB_TCP_GUEST_PORT}")
        append = f"gdb=tcp:{GDB_TCP_GUEST_PORT}"
    q = qemu(debug_image("dns"), append=append + (",wait" if wait else ""), extra=extra)
    return q, dns_port, gdb_port


def start_dns(qemu, transport):
    q, dns_port, gdb_port = launch_dns(qemu, transport)
    q.wait_for(r"gdb: stub on")
    q.wait_for(r"mote: ready")
    return q, dns_port, gdb_port


@pytest.mark.parametrize("transport", ["serial", "tcp"])
def test_gdb_breaks_in_the_dns_service_and_it_keeps_answering(qemu, transport):
    q, dns_port, gdb_port = start_dns(qemu, transport)
    elf = debug_image("dns")

    # dig waits (up to 40 s) while the service is stopped at the breakpoint.
    first = {}
    t = threading.Thread(target=lambda: first.setdefault("out", dig(dns_port, "host42.mote.test")))

    g = Gdb(elf, gdb_port, [
        "break on_query",
        "echo MARK-CONTINUE-1\\n",
        "continue",
        "bt",
        "info registers",
        "print len",
        "print dns_service_stats.queries",
        "print/x $pc",
        "set var dns_service_zone.records = 10",
        "stepi",
        "print/x $pc",
        "delete",
        "watch dns_service_stats.queries",
        "continue",
        "delete",
        "next",
        "echo MARK-CONTINUE-3\\n",
        "continue",
        "echo MARK-INTERRUPTED\\n",
        "bt 3",
        "print dns_service_zone.records",
        "set var dns_service_zone.records = 10000",
        "detach",
    ])
    try:
        # The query goes out once gdb has set the breakpoint and resumed.
        wait_until(lambda: "MARK-CONTINUE-1" in g.output or g.proc.poll() is not None,
                   lambda: f"gdb to continue:\n{g.output}\n{q.tail()}")
        t.start()
        t.join(TIMEOUT_S * 2)
        assert "out" in first, f"dig did not return; gdb so far:\n{g.output}\n{q.tail()}"
        # The answer can only have been sent after gdb's last continue: Ctrl-C now.
        g.proc.send_signal(signal.SIGINT)
        out = g.wait()
    finally:
        g.kill()

    assert re.search(r"Breakpoint 1, on_query \(sock=\d+, data=0x[0-9a-f]+.*len=\d+", out), \
        f"expected the breakpoint in on_query to hit; gdb said:\n{out}\nconsole:\n{q.tail()}"
    assert re.search(r"#0\s+on_query .* at services/dns/main\.c:\d+", out), f"expected bt with file:line:\n{out}"
    assert re.search(r"#1\s+0x[0-9a-f]+ in \w+", out), f"expected a caller in bt:\n{out}"
    assert re.search(r"^x0\s+0x[0-9a-f]+", out, re.M) and re.search(r"^cpsr\s+0x[0-9a-f]+", out, re.M), \
        f"expected info registers:\n{out}"
    assert re.search(r"^\$1 = \d+$", out, re.M), f"expected the local len printed:\n{out}"
    m = re.search(r"^\$2 = (\d+)$", out, re.M)
    assert m, f"expected the global counter printed:\n{out}"
    pcs = re.findall(r"^\$[34] = (0x[0-9a-f]+)$", out, re.M)
    assert len(pcs) == 2 and int(pcs[1], 16) == int(pcs[0], 16) + 4, f"expected stepi to move pc by 4:\n{out}"
    assert re.search(r"Hardware watchpoint 2: dns_service_stats\.queries", out), f"expected a hw watchpoint:\n{out}"
    assert re.search(r"Old value = %s\s+New value = %d" % (m.group(1), int(m.group(1)) + 1), out), \
        f"expected the watchpoint to catch the counter's increment:\n{out}"
    assert "received signal SIGINT" in out, f"expected Ctrl-C to stop the image:\n{out}"
    assert re.search(r"^\$\d+ = 10$", out, re.M), f"expected the changed global:\n{out}"
    assert "detached" in out.lower(), f"expected gdb to detach:\n{out}"

    assert "status: NXDOMAIN" in first["out"], \
        f"expected set var records=10 to make host42 unknown; dig said:\n{first['out']}"
    again = dig(dns_port, "host42.mote.test", tries=3, wait_s=5)
    assert "10.0.0.42" in again, f"expected the service to answer after detach; dig said:\n{again}\n{q.tail()}"


def test_gdb_stub_answers_malformed_packets_with_errors_and_keeps_working(qemu):
    """Raw RSP over the serial port: bad checksum, huge lengths, unmapped and device memory."""
    gdb_port = free_port(socket.SOCK_STREAM)
    q = qemu(debug_image("hello"), append="gdb=serial,wait", extra=debug_port_args(gdb_port))
    q.wait_for(r"waiting for the debugger")

    def packet(payload):
        return b"$" + payload + b"#" + b"%02x" % (sum(payload) & 0xff)

    with socket.create_connection(("127.0.0.1", gdb_port), timeout=TIMEOUT_S) as s:
        buf = b""

        def reply():
            nonlocal buf
            while True:
                m = re.search(rb"\$([^#]*)#[0-9a-f]{2}", buf)
                if m:
                    buf = buf[m.end():]
                    return m.group(1)
                chunk = s.recv(4096)
                assert chunk, "the stub closed the line"
                buf += chunk

        s.sendall(b"+" + packet(b"QStartNoAckMode"))
        assert reply() == b"OK"
        s.sendall(b"+")  # the last acknowledgement
        s.sendall(packet(b"qOffsets"))  # where the image runs (ASLR): one offset for all
        m = re.fullmatch(rb"Text=([0-9a-f]+);Data=\1;Bss=\1", reply())
        assert m, "expected qOffsets to give one offset for text, data and BSS"
        base = 0x40100000 + int(m.group(1), 16)  # the image's first page, where it runs
        s.sendall(b"$?#00")  # bad checksum: dropped in no-ack mode
        s.sendall(packet(b"m0,4"))  # page 0 is unmapped
        assert reply() == b"E0e"
        s.sendall(packet(b"m9000000,4"))  # the PL011: device memory
        assert reply() == b"E0e"
        s.sendall(packet(b"mffff800000000000,10"))  # outside the address space
        assert reply() == b"E0e"
        s.sendall(packet(b"m%x,ffffffffffffffff" % base))  # huge length: capped, not trusted
        r = reply()
        assert re.fullmatch(rb"[0-9a-f]+", r) and len(r) <= 4096, f"expected a capped read, got {r[:80]!r}"
        s.sendall(packet(b"M0,4:00000000"))
        assert reply() == b"E0e"
        s.sendall(packet(b"M%x,4:zz" % base))
        assert reply() == b"E16"
        s.sendall(packet(b"Z0,0,4"))  # a breakpoint outside the code
        assert reply() == b"E0e"
        s.sendall(packet(b"Z2,40300006,4"))  # a watchpoint across two doublewords
        assert reply() == b"E16"
        s.sendall(packet(b"P99=00"))
        assert reply() == b"E16"
        s.sendall(b"$" + b"0" * 5000 + b"#00")  # longer than PacketSize, and a bad checksum
        s.sendall(packet(b"p20"))  # pc: the stub still answers
        r = reply()
        assert re.fullmatch(rb"[0-9a-f]{16}", r), f"expected pc after the noise, got {r!r}"
        s.sendall(packet(b"c"))
    q.wait_for(r"hello: ready")


@pytest.mark.parametrize("transport", ["serial", "tcp"])
def test_gdb_wait_stops_before_the_service_starts(qemu, transport):
    q, dns_port, gdb_port = launch_dns(qemu, transport, wait=True)
    q.wait_for(r"waiting for the debugger")
    if transport == "tcp":
        q.wait_for(r"net: IPv4 10\.0\.2\.15")  # the stub runs DHCP while it waits
    assert "dns: serving" not in q.output, "expected the service not to start before gdb says so"
    g = Gdb(debug_image("dns"), gdb_port, ["bt 2", "hbreak service_start", "continue", "bt 1",
                                             "print args", "detach"])
    try:
        out = g.wait()
    finally:
        g.kill()
    assert re.search(r"gdbstub_wait \(\) at kernel/gdbstub\.c:\d+", out), f"expected the stop in gdbstub_wait:\n{out}"
    assert "Hardware assisted breakpoint 1 at" in out, f"expected a hardware breakpoint:\n{out}"
    assert re.search(r"Breakpoint 1, service_start \(args=0x[0-9a-f]+ \"gdb=", out), \
        f"expected the hardware breakpoint to stop at service_start with its boot arguments:\n{out}"
    q.wait_for(r"mote: ready")
    answer = dig(dns_port, "host7.mote.test", tries=3, wait_s=5)
    assert "10.0.0.7" in answer, f"expected the service to answer after detach:\n{answer}"


def test_gdb_tcp_in_an_image_without_network_says_why_and_boots_on(qemu):
    q = qemu(debug_image("hello"), append="gdb=tcp:1234")
    q.wait_for(r"gdb: gdb=tcp needs the network, and this service does not use it")
    q.wait_for(r"hello: ready")


def test_gdb_backtrace_ends_cleanly_at_the_boot_code(qemu):
    """The outermost frame record is terminated (boot.S's CFI), so bt ends without a complaint."""
    port = free_port(socket.SOCK_STREAM)
    q = qemu(debug_image("hello"), append="gdb=serial,wait", extra=debug_port_args(port))
    q.wait_for(r"waiting for the debugger")
    g = Gdb(debug_image("hello"), port, ["bt", "detach"])
    try:
        out = g.wait()
    finally:
        g.kill()
    frames = re.findall(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\w+)", out, re.M)
    assert frames[:2] == ["gdbstub_wait", "kernel_main"], f"expected gdbstub_wait <- kernel_main:\n{out}"
    assert frames[-1] == "at_el1", f"expected the backtrace to end in the boot code:\n{out}"
    assert "Backtrace stopped" not in out, f"expected a backtrace that ends cleanly:\n{out}"
    q.wait_for(r"hello: ready")


def test_gdb_unwinds_through_an_interrupt_to_the_boot_code(qemu):
    """Through QEMU's own stub (which can stop in an interrupt handler): the vectors' CFI
    leads gdb from the handler to the interrupted code and on to boot.S. An interrupt that
    wakes the idle loop is handled by the loop itself, without an exception (kernel/event.c);
    one that comes while a callback runs, or a second one pending, is an exception: hello's
    "fpspin" keeps a callback running while its timer ticks, so one comes."""
    port = free_port(socket.SOCK_STREAM)
    # No virtio-rng: its interrupt, pending from the answer the boot polled for, would be
    # taken in kernel_main as soon as interrupts are on, before the loop runs.
    q = qemu(debug_image("hello"), append="ticks=100000 interval_ms=50", rng=False,
             extra=("-gdb", f"tcp:127.0.0.1:{port}"))
    q.wait_for(r"hello: ready")
    # QEMU's stub does not know where the image runs: gdb takes the symbols at the slide.
    load = f"symbol-file -o {image_slide(q):#x} {debug_image('hello')}"
    g = Gdb(debug_image("hello"), port, [load, "break irq_dispatch", "echo MARK-CONTINUE\\n",
                                         "continue", "bt", "kill"])
    try:
        wait_until(lambda: "MARK-CONTINUE" in g.output or g.proc.poll() is not None,
                   lambda: f"gdb to continue:\n{g.output}\n{q.tail()}")
        q.type("fpspin 20000\r")
        out = g.wait()
    finally:
        g.kill()
    frames = re.findall(r"^#\d+\s+(?:0x[0-9a-f]+ in )?(\w+|<signal handler called>)", out, re.M)
    assert frames[:3] == ["irq_dispatch", "trap_handle", "<signal handler called>"], \
        f"expected the handler, then the exception:\n{out}"
    # Taken in fpspin, or in the loop when two interrupts came together (the second waits
    # for the loop to unmask IRQs): either way the loop and boot.S follow.
    assert "event_loop" in frames and frames[-1] == "at_el1", f"expected the loop and boot.S:\n{out}"
    assert "Backtrace stopped" not in out, f"expected a backtrace that ends cleanly:\n{out}"


def test_gdb_post_mortem_shows_the_crash_and_kill_ends_the_image(qemu):
    port = free_port(socket.SOCK_STREAM)
    q = qemu(debug_image("crashtest"), append="crash=null gdb=serial", extra=debug_port_args(port))
    q.wait_for(r"MOTE CRASH: data abort")
    q.wait_for(r"gdb: crashed; waiting for the debugger")
    g = Gdb(debug_image("crashtest"), port, ["info program", "bt 2", "info registers pc", "kill"])
    try:
        out = g.wait()
    finally:
        g.kill()
    assert "SIGSEGV" in out, f"expected gdb to see a SIGSEGV:\n{out}"
    assert re.search(r"#0\s+.*crash_null_dereference \(\) at services/crashtest/main\.c:\d+", out), \
        f"expected the faulting function:\n{out}"
    assert re.search(r"#1\s+0x[0-9a-f]+ in service_start", out), f"expected its caller:\n{out}"
    assert q.wait_exit() == 137, f"expected exit status 137 after kill:\n{q.tail()}"


def symbol_address(elf, name):
    out = subprocess.run(["aarch64-linux-gnu-nm", elf], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^([0-9a-f]+) [tT] %s$" % re.escape(name), out, re.M)
    assert m, f"no symbol {name} in {elf}"
    return int(m.group(1), 16)


def rsp_packet(payload):
    return b"$" + payload + b"#" + b"%02x" % (sum(payload) & 0xff)


def rsp_reply(sock, buf=b""):
    while True:
        m = re.search(rb"\$([^#]*)#[0-9a-f]{2}", buf)
        if m:
            return m.group(1), buf[m.end():]
        chunk = sock.recv(4096)
        assert chunk, "the stub closed the connection"
        buf += chunk


def test_gdb_gone_without_detaching_leaves_no_breakpoint_behind(qemu):
    """A debugger that vanishes while the image runs (breakpoints in place) must not freeze it."""
    q, dns_port, gdb_port = start_dns(qemu, "tcp")
    on_query = symbol_address(debug_image("dns"), "on_query")
    with socket.create_connection(("127.0.0.1", gdb_port), timeout=TIMEOUT_S) as s:
        s.sendall(rsp_packet(b"QStartNoAckMode"))
        reply, rest = rsp_reply(s)
        assert reply == b"OK"
        s.sendall(b"+" + rsp_packet(b"qOffsets"))  # the ELF's address + the image's slide
        reply, rest = rsp_reply(s, rest)
        on_query += int(re.match(rb"Text=([0-9a-f]+)", reply).group(1), 16)
        s.sendall(rsp_packet(b"Z0,%x,4" % on_query))
        reply, rest = rsp_reply(s, rest)
        assert reply == b"OK", f"expected the breakpoint set, got {reply!r}"
        s.sendall(rsp_packet(b"c"))
    # The connection is gone with the breakpoint still in on_query.
    answer = dig(dns_port, "host9.mote.test", tries=3, wait_s=5)
    assert "10.0.0.9" in answer, f"expected the service to answer with the debugger gone:\n{answer}\n{q.tail()}"
