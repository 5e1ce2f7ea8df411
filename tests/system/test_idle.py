# SPDX-License-Identifier: MIT
"""An idle guest sleeps: with the network up and nothing to do, it runs (almost) no
instructions, because lwIP's timers run only while a protocol needs them (net/timeouts.c).
Counted from outside by the insn_count TCG plugin (bench/plugin/insn_count.c), never
by the guest's own word; then the guest still answers, so the sleep was not a hang."""
import os
import socket
import subprocess
import time

from qemu import REPO, free_port, image, user_net, wait_until

PLUGIN = os.path.join(REPO, "build", "bench", "libinsn.so")
WINDOW_S = 5.0
# Guest instructions per second an idle guest may run. Before lwIP's timers ran on
# demand it was about 14,000 (10 wake-ups a second: IGMP and MLD every 100 ms, ARP,
# ND and reassembly every second); what remains is about 1,200: the virtio-net
# driver's 1 s watchdog and a slow ARP ageing tick while the cache holds entries.
IDLE_MAX_PER_S = 3000
# Start-up traffic (DHCP, DAD, router solicitation, MLD and mDNS reports) ends within
# seconds of guest time; under a loaded host, give it much longer.
SETTLE_TIMEOUT_S = 120


def plugin():
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    out = subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO, "build/bench/libinsn.so"],
                         capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0 and os.path.exists(PLUGIN), \
        f"expected make to build the insn_count plugin {PLUGIN}:\n{out.stderr}"
    return PLUGIN


def insns(sock):
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.connect(sock)
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(64)
            if not chunk:
                break
            data += chunk
    word, value = data.decode().split()
    assert word == "insns", f"expected 'insns N' from the plugin, got {data!r}"
    return int(value)


def rate(sock):
    c0, t0 = insns(sock), time.monotonic()
    time.sleep(WINDOW_S)
    c1, t1 = insns(sock), time.monotonic()
    return (c1 - c0) / (t1 - t0)


def dig(port, name):
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(port), "+time=5", "+tries=3", "+short", name],
                         capture_output=True, text=True, timeout=60)
    return out.stdout.strip()


def test_idle_guest_with_network_up_stays_asleep(qemu, tmp_path):
    sock = str(tmp_path / "insn.sock")
    port = free_port()
    q = qemu(image("dns"), append="records=100",
             extra=(*user_net(f"udp:127.0.0.1:{port}-:53"), "-plugin", f"{plugin()},sock={sock}"))
    q.wait_for(r"mote: ready")
    assert dig(port, "host42.mote.test") == "10.0.0.42", f"expected an answer first:\n{q.tail()}"

    seen = []

    def asleep():
        seen.append(rate(sock))
        return seen[-1] <= IDLE_MAX_PER_S

    wait_until(asleep, lambda: f"at most {IDLE_MAX_PER_S} guest instructions a second at idle "
               f"(windows of {WINDOW_S:.0f} s so far: {[round(r) for r in seen]})", SETTLE_TIMEOUT_S)
    # Asleep, not stuck: a query wakes it and is answered.
    assert dig(port, "host7.mote.test") == "10.0.0.7", f"expected an answer after idling:\n{q.tail()}"
