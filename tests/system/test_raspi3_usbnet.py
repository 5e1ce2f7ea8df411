# SPDX-License-Identifier: MIT
"""The Pi's Ethernet over USB (drivers/usb/net/, QEMU's usb-net behind the DWC2) seen from
outside, beyond what the board-parametrised dns/http/net tests check: the GDB stub's TCP
transport, which polls the adapter with the event loop stopped (netdev poll -> usb_poll),
and the adapter's counters in the dns service's stats line (mote_net_stats)."""
import re
import socket
import subprocess
import threading
import time


from boards import MAC
from debugimg import Gdb
from qemu import TIMEOUT_S, free_port
from raspi3 import raspi3_image
from test_raspi3_gdb import raspi3_debug_image

GDB_TCP_GUEST_PORT = 1234


def usb_net(*forwards):
    fwd = "".join(f",hostfwd={f}" for f in forwards)
    return ("-netdev", f"user,id=n0{fwd}", "-device", f"usb-net,netdev=n0,mac={MAC}",
            "-dtb", raspi3_image("bootargs", "dtb"))


def dig(port, name, wait_s=5, tries=3):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), f"+time={wait_s}",
                          f"+tries={tries}", "+short", name], capture_output=True, text=True,
                         timeout=wait_s * tries + 30)
    return out.stdout.strip()


def test_pi_names_its_ethernet_chip_and_counts_usb_traffic(qemu):
    port = free_port()
    q = qemu(raspi3_image("dns"), board="raspi3", append="records=1000",
             extra=usb_net(f"udp:127.0.0.1:{port}-:53"))
    q.wait_for(r"usbnet: board revision 0xa02082: a LAN9514 \(0424:ec00, smsc95xx\)")
    q.wait_for(rf"usbnet: cdc-ecm at USB address \d+, MAC {MAC}")
    q.wait_for(r"mote: ready")
    for i in range(1, 51):
        assert dig(port, f"host{i}.mote.test") == f"10.0.0.{i}", f"host{i} unanswered:\n{q.tail()}"
    start = len(q.output)
    q.type("stats\n")
    m = q.wait_for(r"net: link rx (\d+) .* bus errors (\d+) retries (\d+) malformed (\d+)",
                   start=start)
    assert int(m.group(1)) >= 50, f"expected the 50 queries received: {m.group(0)}"
    assert m.group(2) == "0" and m.group(4) == "0", \
        f"expected no USB error and no malformed frame on a clean link: {m.group(0)}"


def test_pi_gdb_over_tcp_breaks_in_dns_and_it_keeps_answering(qemu):
    dns_port = free_port()
    gdb_port = free_port(socket.SOCK_STREAM)
    q = qemu(raspi3_debug_image("dns"), board="raspi3", append=f"gdb=tcp:{GDB_TCP_GUEST_PORT}",
             extra=usb_net(f"udp:127.0.0.1:{dns_port}-:53",
                           f"tcp:127.0.0.1:{gdb_port}-:{GDB_TCP_GUEST_PORT}"))
    q.wait_for(r"gdb: stub on")
    q.wait_for(r"mote: ready")
    assert dig(dns_port, "host1.mote.test") == "10.0.0.1", f"no answer before gdb:\n{q.tail()}"

    answer = {}
    g = Gdb(raspi3_debug_image("dns", "elf"), gdb_port,
            ["break on_query", "echo MARK-CONTINUE\\n", "continue", "bt 2", "print len",
             "delete", "detach"])
    try:
        deadline = time.monotonic() + TIMEOUT_S
        while "MARK-CONTINUE" not in g.output and g.proc.poll() is None and \
                time.monotonic() < deadline:
            time.sleep(0.1)
        # dig waits while the service is stopped at the breakpoint.
        t = threading.Thread(target=lambda: answer.setdefault(
            "out", dig(dns_port, "host42.mote.test", wait_s=40, tries=1)))
        t.start()
        out = g.wait()
        t.join(TIMEOUT_S)
    finally:
        g.kill()
    assert re.search(r"Breakpoint 1, on_query \(", out), \
        f"expected the breakpoint in on_query; gdb said:\n{out}\nconsole:\n{q.tail()}"
    assert re.search(r"#1\s+0x[0-9a-f]+ in \w+", out), f"expected a caller in bt:\n{out}"
    assert "detached" in out.lower(), f"expected gdb to detach:\n{out}"
    assert answer.get("out") == "10.0.0.42", \
        f"expected the query stopped at the breakpoint answered after continue: {answer}"
    assert dig(dns_port, "host43.mote.test") == "10.0.0.43", \
        f"expected the service to answer after detach:\n{q.tail()}"
