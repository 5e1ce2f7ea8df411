#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""File-system benchmark: sequential write and read throughput and small-file
creates and deletes per second on a FAT32 volume on virtio-blk, Mote's lib/fat
against Linux's vfat under the same QEMU on the same kind of disk image.

Mote runs services/fscheck do=bench (build/virt/fscheck.elf, fs=virtio0); Linux
runs bench/linux/fs_linux.c from an initramfs (Debian's arm64 kernel with its
virtio_mmio, virtio_blk, vfat and nls modules, busybox for bench/linux/init_fs,
which mounts /dev/vda). Both, on a fresh image made by mkfs.fat -F 32 -s 8:
write SIZE MiB to one file in CHUNK KiB writes and close it with the data on
the disk, read it back (Linux: page cache dropped first; Mote has none),
create FILES files of 1 KiB each synced, and delete them. Each guest times its
phases by its own monotonic clock. QEMU: -M virt -cpu cortex-a53 -m 128M, the
disk as the board's disk= line attaches it. Repeated --reps times, alternating
which system goes first. Printed: mean and 95% CI per system and phase, and the
ratio Mote/Linux (above 1: Mote faster). bench/results/fs_io.csv. Never asserted.
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
LINE = re.compile(r"fscheck: bench (write|read|create|delete) (\d+) (?:bytes|files) in (\d+) ns")
PHASES = {"write": "MiB/s", "read": "MiB/s", "create": "files/s", "delete": "files/s"}
LINUX_MODULES = ("virtio_mmio", "virtio_blk", "vfat", "nls_cp437", "nls_utf8")
DISK_MIB = 128
TIMEOUT_S = 900
RESULTS = os.path.join(HERE, "results", "fs_io.csv")


def disk_args(path):
    out = subprocess.run(["make", "-s", "--no-print-directory", "-C", REPO, "board-info",
                          "BOARD=virt"], capture_output=True, text=True, check=True)
    info = dict(l.split("=", 1) for l in out.stdout.splitlines() if "=" in l)
    if not info.get("disk"):
        raise SystemExit("fs_io: the virt board has no disk= line (no virtio-blk driver)")
    return info["disk"].replace("{file}", path).replace("{n}", "0").split()


def build_initramfs(out, linux_dir, busybox, fs_linux):
    mkinitramfs.guest(out, linux_dir, os.path.join(HERE, "linux", "init_fs"), LINUX_MODULES,
                      [("bin/fs_linux", fs_linux)], busybox)


def run_one(argv):
    """Boots one guest on a fresh FAT32 image; returns {phase: rate}."""
    with tempfile.TemporaryDirectory(prefix="mote-fsbench-") as d:
        disk = os.path.join(d, "disk.img")
        subprocess.run(["mkfs.fat", "-C", "-F", "32", "-s", "8", disk, str(DISK_MIB * 1024)],
                       check=True, capture_output=True)
        p = subprocess.run(QEMU + argv + disk_args(disk), capture_output=True, text=True,
                           timeout=TIMEOUT_S)
        fsck = subprocess.run(["fsck.fat", "-n", disk], capture_output=True, text=True)
    got = {}
    for m in LINE.finditer(p.stdout):
        n, secs = int(m.group(2)), int(m.group(3)) / 1e9
        got[m.group(1)] = (n / (1 << 20) if PHASES[m.group(1)] == "MiB/s" else n) / secs
    if set(got) != set(PHASES):
        raise SystemExit(f"fs_io: a guest did not finish its run:\n{p.stdout[-2000:]}")
    if fsck.returncode != 0:
        raise SystemExit(f"fs_io: fsck.fat -n finds the volume unclean after a run:\n{fsck.stdout}")
    return got


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--build", default=os.path.join(REPO, "build", "virt"))
    ap.add_argument("--linux-dir", default=os.path.join(REPO, "third_party", "linux"))
    ap.add_argument("--busybox", default=os.path.join(REPO, "third_party", "busybox", "bin",
                                                      "busybox"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--size", type=int, default=16, help="MiB written and read")
    ap.add_argument("--chunk", type=int, default=64, help="KiB per write")
    ap.add_argument("--files", type=int, default=200, help="small files created and deleted")
    a = ap.parse_args()
    mote = os.path.join(a.build, "fscheck.elf")
    fs_linux = os.path.join(a.build, "bench", "fs_linux")
    kernels = sorted(glob.glob(os.path.join(a.linux_dir, "boot", "vmlinuz-*")))
    for path, how in ((mote, "make images"), (fs_linux, "make bench-fs-deps")):
        if not os.path.exists(path):
            raise SystemExit(f"fs_io: {path} is missing (run `{how}`)")
    if not kernels:
        raise SystemExit(f"fs_io: no {a.linux_dir}/boot/vmlinuz-* (run scripts/setup)")
    initrd = os.path.join(a.build, "bench", "initramfs-fs.cpio.gz")
    build_initramfs(initrd, a.linux_dir, a.busybox, fs_linux)

    words = f"size={a.size} chunk={a.chunk} files={a.files}"
    variants = {
        "mote": ["-kernel", mote, "-append", f"fs=virtio0 do=bench {words}",
                 "-semihosting-config", "enable=on,target=native"],
        "linux": ["-kernel", kernels[-1], "-initrd", initrd, "-append",
                  f"console=ttyAMA0 quiet panic=-1 {words}"],
    }
    samples = {(v, ph): [] for v in variants for ph in PHASES}
    rows = []
    names = list(variants)
    for r in range(a.reps):
        for v in (names if r % 2 == 0 else names[::-1]):
            got = run_one(variants[v])
            for ph, rate in got.items():
                samples[(v, ph)].append(rate)
                rows.append({"rep": r, "system": v, "phase": ph, "unit": PHASES[ph],
                             "rate": f"{rate:.2f}"})
            print(f"rep {r}: {v:6s} " + "  ".join(f"{ph} {got[ph]:8.1f} {PHASES[ph]}"
                                                 for ph in PHASES), flush=True)
    os.makedirs(os.path.dirname(RESULTS), exist_ok=True)
    with open(RESULTS, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["rep", "system", "phase", "unit", "rate"])
        w.writeheader()
        w.writerows(rows)
    print(f"\nFAT32 on virtio-blk: {a.size} MiB in {a.chunk} KiB writes, {a.files} files of "
          f"1 KiB, {a.reps} reps (mean and 95% CI)")
    for ph, unit in PHASES.items():
        for v in names:
            s = stats.summary(samples[(v, ph)])
            print(f"  {ph:6s} {v:6s} {s['mean']:9.1f} {unit:7s} [{s['ci_low']:.1f}, {s['ci_high']:.1f}]")
    for ph in PHASES:
        r = stats.ratio(stats.mean(samples[("mote", ph)]), stats.mean(samples[("linux", ph)]))
        print(f"  {ph:6s} Mote/Linux {r:.2f}")


if __name__ == "__main__":
    main()
