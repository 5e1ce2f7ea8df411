#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""TCP under loss: an upload to Mote's http image and to a Linux guest through the same lossy link.

Both guests run under the same QEMU on the same virtio-net, behind tests/system/relay.py (a
user-space relay between a tap device in a network namespace and QEMU's -netdev dgram; this
kernel has no sch_netem) adding LOSS, DELAY and REORDER each way. The host POSTs SIZE bytes:
to Mote's http (which reads and discards the body, answering a GET behind it once the body is all
in) and to busybox httpd on Debian's arm64 kernel (bench/linux/init_http: a CGI that reads the
whole body, then answers). The time until the server has answered after taking the body is the
measure; each system's best and median of REPS runs, and the ratio Mote/Linux of the medians.

    bench/tcp_loss.py [--size BYTES] [--reps N] [--loss 0.1] [--delay-ms 20] [--reorder 0.25]

Needs root (network namespaces), `make images` and scripts/setup's Linux kernel and busybox."""
import argparse
import glob
import os
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "system"))
sys.path.insert(0, os.path.join(HERE, "linux"))

import mkinitramfs  # noqa: E402
from netns import GUEST_ADDR, HOST_ADDR, PREFIX, Netns  # noqa: E402
from qemu import Qemu  # noqa: E402
from relay import Relay  # noqa: E402
from test_tcp_loss import run_upload  # noqa: E402

UPLOAD_TIMEOUT_S = 900


def build_initramfs(out, linux_dir):
    mkinitramfs.guest(out, linux_dir, os.path.join(HERE, "linux", "init_http"),
                      ("virtio_mmio", "virtio_net"))


def run_system(system, cfg, a):
    """Times a.reps uploads to one system; returns the seconds of each."""
    times = []
    for rep in range(a.reps):
        ns = Netns().create()
        relay = q = None
        try:
            relay = Relay(ns, a.loss, a.delay_ms, a.reorder, seed=rep + 1)
            q = Qemu(cfg["kernel"], append=cfg["append"], extra=relay.qemu_args() + cfg["extra"],
                     wrapper=ns.wrapper(), semihosting=system == "mote", rng=system == "mote")
            q.start()
            q.wait_for(cfg["ready"], timeout=120)
            took, statuses = run_upload(ns, a.size, UPLOAD_TIMEOUT_S, cfg["path"], cfg["follow"])
            if statuses[-1:] != ["200"]:
                raise SystemExit(f"tcp_loss: {system}: expected 200 after the body, got {statuses}\n"
                                 f"{q.tail()}")
            times.append(took)
            print(f"{system} run {rep + 1}: {a.size} bytes in {took:.2f} s "
                  f"({a.size / took / 1024:.0f} KiB/s)", flush=True)
        finally:
            if q:
                q.stop()
            if relay:
                relay.stop()
            ns.delete()
    return times


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build", "virt"))
    ap.add_argument("--linux-dir", default=os.path.join(REPO, "third_party", "linux"))
    ap.add_argument("--size", type=int, default=1 << 20)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--loss", type=float, default=0.10)
    ap.add_argument("--delay-ms", type=float, default=20)
    ap.add_argument("--reorder", type=float, default=0.25)
    a = ap.parse_args()

    kernels = sorted(glob.glob(os.path.join(a.linux_dir, "boot", "vmlinuz-*")))
    mote = os.path.join(a.build, "http.elf")
    if not kernels or not os.path.exists(mote):
        raise SystemExit("tcp_loss: needs build/virt/http.elf (make images) and the Linux "
                         "kernel (scripts/setup)")
    initrd = os.path.join(a.build, "bench", "initramfs-http.cpio.gz")
    build_initramfs(initrd, a.linux_dir)
    net = f"ip={GUEST_ADDR}/{PREFIX} gw={HOST_ADDR}"
    systems = {
        "mote": {"kernel": mote, "append": net, "extra": (), "ready": r"mote: ready",
                 "path": "/upload", "follow": True},
        "linux": {"kernel": kernels[-1], "append": f"console=ttyAMA0 panic=-1 {net}",
                  "extra": ("-initrd", initrd, "-no-reboot"), "ready": r"httpd on port 80",
                  "path": "/cgi-bin/sink", "follow": False},
    }
    print(f"tcp_loss: {a.size} bytes up, {a.loss:.0%} loss, {a.delay_ms:g} ms delay, "
          f"{a.reorder:.0%} reordering each way, {a.reps} runs each", flush=True)
    results = {name: run_system(name, cfg, a) for name, cfg in systems.items()}
    for name, t in results.items():
        print(f"{name}: median {statistics.median(t):.2f} s, best {min(t):.2f} s "
              f"({a.size / statistics.median(t) / 1024:.0f} KiB/s)")
    ratio = statistics.median(results["mote"]) / statistics.median(results["linux"])
    print(f"ratio Mote/Linux (time, median): {ratio:.2f}")


if __name__ == "__main__":
    main()
