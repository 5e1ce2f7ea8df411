#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Storage benchmark: sequential write and read throughput on virtio-blk, Mote against a
Linux guest doing the same under the same QEMU on the same kind of disk image.

Mote runs services/blockbench (build/virt/blockbench.elf), Linux runs
bench/linux/blk_linux.c as the last program of an initramfs (Debian's arm64
kernel, its virtio_mmio and virtio_blk modules, busybox for the init script
bench/linux/init_blk). Both write SIZE MiB from block 0 of a fresh sparse raw
image in CHUNK KiB requests, flush (fdatasync on Linux), read the range back
and check the start of every chunk (which names it), and print the time of each phase by the guest's own
monotonic clock. QEMU: -M virt -cpu cortex-a53 -m 128M, the disk as
`-drive if=none,format=raw,file=F -device virtio-blk-device` (the board's disk= line).

Variants, each repeated --reps times, alternating which system goes first:
  mote-1      blockbench inflight=1: one request at a time
  mote-16     blockbench inflight=16
  linux-direct  O_DIRECT: one request at a time, as mote-1
  linux-buffered  the page cache (writeback and readahead keep many in flight), as mote-16
Printed: mean MiB/s with 95% CI per variant and phase, and the ratios mote-1/linux-direct
and mote-16/linux-buffered. Results: bench/results/blk_io.csv. Never asserted.
"""
import argparse
import csv
import glob
import os
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "linux"))

import stats  # noqa: E402
import mkinitramfs  # noqa: E402

QEMU = ["qemu-system-aarch64", "-M", "virt", "-cpu", "cortex-a53", "-m", "128M",
        "-display", "none", "-nic", "none", "-serial", "stdio", "-monitor", "none",
        "-no-reboot"]
LINE = re.compile(r"blockbench: (write|read) (\d+) bytes in (\d+) ns")
TIMEOUT_S = 600
RESULTS = os.path.join(HERE, "results", "blk_io.csv")


def disk_args(path):
    out = subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO, "board-info",
                          "BOARD=virt"], capture_output=True, text=True, check=True)
    line = next(v for k, v in (l.split("=", 1) for l in out.stdout.splitlines() if "=" in l)
                if k == "disk")
    return line.replace("{file}", path).replace("{n}", "0").split()


def build_initramfs(out, linux_dir, blk_linux):
    mkinitramfs.guest(out, linux_dir, os.path.join(HERE, "linux", "init_blk"),
                      ("virtio_mmio", "virtio_blk"), [("bin/blk_linux", blk_linux)])


def run_one(argv, disk_mib):
    """Boots one guest on a fresh disk; returns {'write': MiB/s, 'read': MiB/s}."""
    with tempfile.TemporaryDirectory(prefix="mote-blkbench-") as d:
        disk = os.path.join(d, "disk.img")
        with open(disk, "wb") as f:
            f.truncate(disk_mib << 20)
        p = subprocess.run(QEMU + argv + disk_args(disk), capture_output=True, text=True,
                           timeout=TIMEOUT_S)
    got = {m.group(1): int(m.group(2)) / (1 << 20) / (int(m.group(3)) / 1e9)
           for m in LINE.finditer(p.stdout)}
    if set(got) != {"write", "read"}:
        raise SystemExit(f"blk_io: a guest did not finish its run:\n{p.stdout[-2000:]}")
    return got


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build", "virt"))
    ap.add_argument("--linux-dir", default=os.path.join(REPO, "third_party", "linux"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--size", type=int, default=32, help="MiB written and read")
    ap.add_argument("--chunk", type=int, default=64, help="KiB per request")
    a = ap.parse_args()
    mote = os.path.join(a.build, "blockbench.elf")
    blk_linux = os.path.join(a.build, "bench", "blk_linux")
    kernels = sorted(glob.glob(os.path.join(a.linux_dir, "boot", "vmlinuz-*")))
    for path, how in ((mote, "make images"), (blk_linux, "make bench-blk-deps")):
        if not os.path.exists(path):
            raise SystemExit(f"blk_io: {path} is missing (run `{how}`)")
    if not kernels:
        raise SystemExit(f"blk_io: no {a.linux_dir}/boot/vmlinuz-* (run scripts/setup)")
    initrd = os.path.join(a.build, "bench", "initramfs-blk.cpio.gz")
    build_initramfs(initrd, a.linux_dir, blk_linux)

    words = f"size={a.size} chunk={a.chunk}"
    variants = {
        "mote-1": ["-kernel", mote, "-append", f"{words} inflight=1",
                   "-semihosting-config", "enable=on,target=native"],
        "mote-16": ["-kernel", mote, "-append", f"{words} inflight=16",
                    "-semihosting-config", "enable=on,target=native"],
        "linux-direct": ["-kernel", kernels[-1], "-initrd", initrd, "-append",
                         f"console=ttyAMA0 quiet panic=-1 {words} mode=direct"],
        "linux-buffered": ["-kernel", kernels[-1], "-initrd", initrd, "-append",
                           f"console=ttyAMA0 quiet panic=-1 {words} mode=buffered"],
    }
    samples = {(v, ph): [] for v in variants for ph in ("write", "read")}
    rows = []
    disk_mib = 2 * a.size
    names = list(variants)
    for r in range(a.reps):
        for v in (names if r % 2 == 0 else names[::-1]):
            got = run_one(variants[v], disk_mib)
            for ph, mibs in got.items():
                samples[(v, ph)].append(mibs)
                rows.append({"rep": r, "variant": v, "phase": ph, "mib_per_s": f"{mibs:.2f}"})
            print(f"rep {r}: {v:15s} write {got['write']:8.1f} MiB/s  read {got['read']:8.1f} MiB/s",
                  flush=True)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["rep", "variant", "phase", "mib_per_s"])
        w.writeheader()
        w.writerows(rows)
    print(f"\nSequential throughput, {a.size} MiB in {a.chunk} KiB requests, {a.reps} reps "
          "(MiB/s, mean and 95% CI)")
    for ph in ("write", "read"):
        for v in names:
            s = stats.summary(samples[(v, ph)])
            print(f"  {ph:5s} {v:15s} {s['mean']:8.1f}  [{s['ci_low']:.1f}, {s['ci_high']:.1f}]")
    for ph in ("write", "read"):
        for mv, lv in (("mote-1", "linux-direct"), ("mote-16", "linux-buffered")):
            r = stats.ratio(stats.mean(samples[(mv, ph)]), stats.mean(samples[(lv, ph)]))
            print(f"  {ph:5s} {mv}/{lv}: {r:.2f}")
    print(f"Results: {RESULTS}")


if __name__ == "__main__":
    main()
