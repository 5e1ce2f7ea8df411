# SPDX-License-Identifier: MIT
"""A lossy link in user space: Ethernet frames relayed between a tap device and QEMU's
`-netdev dgram` (one UDP datagram per frame), each direction with loss, delay and reordering,
as netem would add them (this machine's kernel has no sch_netem).

Impairment, per frame and direction: dropped with probability `loss`; otherwise sent after
`delay_ms`, except that with probability `reorder` a frame goes at once, ahead of the delayed
ones before it (netem's "reorder" works the same way).

    python3 relay.py TAP QEMU_PORT RELAY_PORT LOSS DELAY_MS REORDER [SEED]

runs until killed (inside the tap's network namespace); Relay(...).qemu_args() gives QEMU's
side. Tests and bench/tcp_loss.py start it through start_relay()."""
import fcntl
import heapq
import os
import random
import select
import socket
import struct
import subprocess
import sys
import time

TUNSETIFF = 0x400454ca
IFF_TAP = 0x0002
IFF_NO_PI = 0x1000
FRAME_MAX = 65536
HOST = "127.0.0.1"


def open_tap(name):
    """Attaches to the (persistent, unused) tap device name; returns its file descriptor."""
    fd = os.open("/dev/net/tun", os.O_RDWR)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TAP | IFF_NO_PI))
    return fd


def relay(tap, qemu_port, relay_port, loss, delay_ms, reorder, seed=1):
    rng = random.Random(seed)
    fd = open_tap(tap)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((HOST, relay_port))
    qemu = (HOST, qemu_port)
    queue = []  # (due, order, direction, frame)
    order = 0
    counts = {"in": 0, "dropped": 0, "reordered": 0}

    def impair(direction, frame):
        nonlocal order
        counts["in"] += 1
        if rng.random() < loss:
            counts["dropped"] += 1
            return
        wait = delay_ms / 1000
        if rng.random() < reorder:
            counts["reordered"] += 1
            wait = 0
        order += 1
        heapq.heappush(queue, (time.monotonic() + wait, order, direction, frame))

    while True:
        timeout = max(0.0, queue[0][0] - time.monotonic()) if queue else 1.0
        ready, _, _ = select.select([fd, sock], [], [], timeout)
        if fd in ready:
            impair("to_qemu", os.read(fd, FRAME_MAX))
        if sock in ready:
            frame, _ = sock.recvfrom(FRAME_MAX)
            impair("to_tap", frame)
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, _, direction, frame = heapq.heappop(queue)
            try:
                if direction == "to_qemu":
                    sock.sendto(frame, qemu)
                else:
                    os.write(fd, frame)
            except OSError:
                pass  # QEMU not listening yet, or gone: the frame is lost, as on a wire


class Relay:
    """The relay between netns's tap and one QEMU, started in the namespace; stop() ends it."""

    def __init__(self, netns, loss, delay_ms, reorder, seed=1):
        from qemu import free_port
        self.qemu_port, self.relay_port = free_port(), free_port()
        self.proc = subprocess.Popen(
            [*netns.wrapper(), sys.executable or "python3", os.path.abspath(__file__), netns_tap(),
             str(self.qemu_port), str(self.relay_port), str(loss), str(delay_ms), str(reorder),
             str(seed)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def qemu_args(self, board="virt"):
        """QEMU's network device on the relay: QEMU listens on qemu_port, sends to relay_port."""
        from qemu import board_info
        dgram = (f"dgram,id=n0,local.type=inet,local.host={HOST},local.port={self.qemu_port},"
                 f"remote.type=inet,remote.host={HOST},remote.port={self.relay_port}")
        return ("-netdev", dgram, "-device", f"{board_info(board)['nic']},netdev=n0")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
        try:
            return self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.communicate()


def netns_tap():
    from netns import TAP
    return TAP


if __name__ == "__main__":
    if len(sys.argv) not in (7, 8):
        sys.exit(__doc__)
    relay(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]),
          float(sys.argv[6]), int(sys.argv[7]) if len(sys.argv) == 8 else 1)
