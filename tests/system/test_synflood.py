# SPDX-License-Identifier: MIT
"""A SYN flood must not deny service (net/tcp_guard.c): the http image on a tap device in a
network namespace gets 1,000 SYN/s from spoofed on-link addresses (raw frames written to the tap,
as hping3 --flood would, with sources spread over the subnet, which hping3 cannot do), and a
normal client, curl from the host's own address, must be served at least 9 times in 10 meanwhile.
The image's counters (its status page) must show the defence at work: SYN cookies sent, and
connections completed through them.

Run as a script inside the namespace (python3 test_synflood.py flood IFACE DST_MAC DST_IP PORT
RATE SECONDS), this file is also the flooder."""
import os
import random
import re
import signal
import socket
import struct
import subprocess
import sys
import time

HTTP_PORT = 80
FLOOD_RATE = 1000  # SYN/s, the figure
TRIES = 10
SERVED_MIN = 9
CURL_TIMEOUT_S = 10  # a patient but normal client: SYN retransmitted at 1 s and 3 s
SPOOF_FIRST, SPOOF_LAST = 10, 250  # host parts of the spoofed sources in the /24


def checksum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def syn_frame(dst_mac, src_ip, dst_ip, dport, rng):
    """An Ethernet frame holding a TCP SYN (with an MSS option) from src_ip."""
    sport, seq = rng.randrange(1024, 65536), rng.getrandbits(32)
    src_mac = bytes([0x02, 0x00]) + socket.inet_aton(src_ip)  # locally administered
    mss = struct.pack("!BBH", 2, 4, 1460)
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq, 0, (20 + len(mss)) // 4 << 4, 0x02,
                      64240, 0, 0) + mss
    pseudo = socket.inet_aton(src_ip) + socket.inet_aton(dst_ip) + struct.pack("!BBH", 0, 6, len(tcp))
    tcp = tcp[:16] + struct.pack("!H", checksum(pseudo + tcp)) + tcp[18:]
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), rng.getrandbits(16), 0, 64, 6, 0,
                     socket.inet_aton(src_ip), socket.inet_aton(dst_ip))
    ip = ip[:10] + struct.pack("!H", checksum(ip)) + ip[12:]
    return dst_mac + src_mac + struct.pack("!H", 0x0800) + ip + tcp


def flood(iface, dst_mac, dst_ip, port, rate, seconds):
    """Sends rate SYN/s for seconds from random on-link sources; prints how many were sent."""
    rng = random.Random(1)
    prefix = dst_ip.rsplit(".", 1)[0]
    mac = bytes.fromhex(dst_mac.replace(":", ""))
    frames = [syn_frame(mac, f"{prefix}.{rng.randint(SPOOF_FIRST, SPOOF_LAST)}", dst_ip, port, rng)
              for _ in range(4096)]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stopped by the test: say how much
    start = time.monotonic()
    sent = 0
    try:
        while time.monotonic() - start < seconds:
            due = int((time.monotonic() - start) * rate)
            while sent < due:
                s.send(frames[sent % len(frames)])
                sent += 1
            time.sleep(0.001)
    finally:
        print(f"sent {sent} SYN in {time.monotonic() - start:.1f} s", flush=True)


if __name__ == "__main__" and len(sys.argv) == 8 and sys.argv[1] == "flood":
    flood(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]),
          float(sys.argv[7]))
    sys.exit(0)

# The test itself (pytest imports this file; the script above needs none of this).
from netns import GUEST_ADDR, HOST_ADDR, PREFIX, TAP  # noqa: E402
from qemu import TIMEOUT_S, image, wait_until  # noqa: E402


def start_http(qemu, netns):
    q = qemu(image("http"), append=f"ip={GUEST_ADDR}/{PREFIX} gw={HOST_ADDR}",
             extra=netns.qemu_net(), wrapper=netns.wrapper())
    q.wait_for(r"mote: ready")
    # The guest's MAC, for the flood's frames, from the host's neighbour table.
    wait_until(lambda: netns.exec("ping", "-c", "1", "-W", "2", GUEST_ADDR, check=False).returncode == 0,
               "the image to answer ping")
    neigh = netns.exec("ip", "neigh", "show", GUEST_ADDR).stdout
    mac = re.search(r"lladdr ([0-9a-f:]{17})", neigh)
    assert mac, f"expected the guest's MAC in the neighbour table: {neigh!r}"
    return q, mac.group(1)


def curl(netns, path="/"):
    out = netns.exec("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                     str(CURL_TIMEOUT_S), f"http://{GUEST_ADDR}:{HTTP_PORT}{path}", check=False,
                     timeout=CURL_TIMEOUT_S + 30)
    return out.stdout.strip()


def served_during(netns, attack):
    """Runs TRIES curls while attack (a Popen) runs; returns the HTTP codes."""
    codes = []
    try:
        for _ in range(TRIES):
            assert attack.poll() is None, f"the attack ended early: {attack.communicate()}"
            codes.append(curl(netns))
            time.sleep(0.5)
    finally:
        attack.terminate()
        out, err = attack.communicate(timeout=30)
    print(f"attack: {out.strip()} {err.strip()[-300:]}")
    return codes


def status(netns):
    out = netns.exec("curl", "-s", "--max-time", str(CURL_TIMEOUT_S),
                     f"http://{GUEST_ADDR}:{HTTP_PORT}/stats.json", check=False, timeout=TIMEOUT_S)
    return out.stdout


def test_http_serves_a_normal_client_during_a_syn_flood(qemu, netns):
    q, mac = start_http(qemu, netns)
    assert curl(netns) == "200", f"expected the page before the flood\n{q.tail()}"
    seconds = TRIES * (CURL_TIMEOUT_S + 1) + 30  # the attack outlasts the client; stopped after
    attack = subprocess.Popen([*netns.wrapper(), sys.executable or "python3", os.path.abspath(__file__),
                               "flood", TAP, mac, GUEST_ADDR, str(HTTP_PORT), str(FLOOD_RATE),
                               str(seconds)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2)  # the flood has filled whatever it can fill
    codes = served_during(netns, attack)
    served = codes.count("200")
    print(f"syn flood at {FLOOD_RATE}/s: normal client served {served} of {len(codes)}: {codes}")
    assert served >= SERVED_MIN, \
        f"expected at least {SERVED_MIN} of {TRIES} requests served during the flood, got {codes}\n{q.tail()}"
    # After the flood the image's counters show the defence (the status page prints them).
    page = status(netns)
    print(page)
    for counter in ("syn_cookies_sent", "syn_cookies_accepted"):
        m = re.search(rf'"{counter}": (\d+)', page)
        assert m and int(m.group(1)) > 0, f"expected {counter} counted:\n{page}"
    q.wait_for(r"tcp: port 80: listen queue or connection blocks full: answering SYNs with cookies")
