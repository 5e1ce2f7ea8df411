# SPDX-License-Identifier: MIT
"""FAT disk images for the file-system tests (test_fs*.py): made with mkfs.fat,
filled and read back with mtools, checked with fsck.fat, and attached to an
image booted in QEMU the way the board attaches a disk (board.mk's disk line:
virtio-blk on virt, the SD card on the Pi). services/fscheck does the work in
the image; this module knows its content rule and its console lines."""
import os
import re
import subprocess

import pytest

from qemu import Qemu, board_info, image
from raspi3 import Raspi3

# services/fscheck/main.c: byte i of a file with seed s
def content(size, seed):
    return bytes((i * 31 + seed * 7 + (i >> 8)) & 0xFF for i in range(size))


def fnv1a(data):
    h = 2166136261
    for b in data:
        h = ((h ^ b) * 16777619) & 0xFFFFFFFF
    return h


MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1")

# FAT type: (image MiB, mkfs.fat options). Sizes are powers of two (QEMU's SD
# card wants that); FAT32 needs 65525 clusters, so 512-byte ones on 64 MiB.
FAT_KINDS = {12: (4, ["-F", "12"]), 16: (32, ["-F", "16"]), 32: (64, ["-F", "32", "-s", "1"])}

# What each board calls its first disk inside the image.
DEVICE = {"virt": "virtio0", "raspi3": "sd0"}


def mkfs(path, bits=16, mib=None):
    size_mib, opts = FAT_KINDS[bits]
    mib = mib or size_mib
    path = str(path)
    if os.path.exists(path):
        os.unlink(path)
    subprocess.run(["mkfs.fat", "-C", *opts, path, str(mib * 1024)], check=True,
                   stdout=subprocess.DEVNULL)
    return path


def mtools(*argv, check=True):
    return subprocess.run(list(argv), env=MTOOLS_ENV, check=check, capture_output=True)


def mcopy_in(img, data, dest, tmp):
    src = os.path.join(str(tmp), "mcopy.in")
    with open(src, "wb") as f:
        f.write(data)
    mtools("mcopy", "-i", img, src, "::" + dest)


def mmd(img, path):
    mtools("mmd", "-i", img, "::" + path)


def mcopy_out(img, path):
    """The bytes of path in the image as mtools reads them, or None if it is not there."""
    r = mtools("mcopy", "-n", "-i", img, "::" + path, "-", check=False)
    return r.stdout if r.returncode == 0 else None


def fsck(img, repair=False):
    """fsck.fat -n (or -a); returns (exit status, output)."""
    r = subprocess.run(["fsck.fat", "-a" if repair else "-n", img], capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


def disk_args(board, img, readonly=False, block_size=None):
    """QEMU arguments attaching img as the board's first disk (virt: with
    block_size-byte logical blocks when given)."""
    line = board_info(board).get("disk")
    if not line:
        if board != "raspi3":
            pytest.skip(f"{board} has no disk line in its board.mk (no block driver yet)")
        line = "-drive if=sd,format=raw,file={file}"
    args = line.replace("{n}", "0").split()
    out = []
    for a in args:
        if "{file}" in a:
            a = a.replace("{file}", img) + (",readonly=on" if readonly else "")
        if block_size and a.startswith("virtio-blk-device"):
            a += f",logical_block_size={block_size},physical_block_size={block_size}"
        out.append(a)
    return tuple(out)


def boot(board, started, append, img=None, readonly=False, block_size=None):
    """Boots services/fscheck on board with append (and img as its disk); returns the Qemu."""
    extra = disk_args(board, img, readonly, block_size) if img else ()
    if board == "raspi3":
        q = Raspi3("fscheck", append=append, extra=extra)
    else:
        q = Qemu(image("fscheck"), append=append, extra=extra)
    started.append(q)
    return q.start()


@pytest.fixture
def fscheck():
    """Starts services/fscheck: fscheck(board, append, img=None, readonly=False,
    block_size=None). Killed afterwards."""
    started = []
    yield lambda board, append, img=None, readonly=False, block_size=None: boot(
        board, started, append, img, readonly, block_size)
    for q in started:
        q.stop()


WROTE = re.compile(r"^fscheck: (?:wrote|closed) (.+) (\d+) (\d+)$", re.M)


def written(output):
    """{path: (size, seed)} of the files fscheck reported written and closed, from
    complete lines only (QEMU may have been killed in the middle of one)."""
    complete = output[:output.rfind("\n") + 1]
    return {m.group(1): (int(m.group(2)), int(m.group(3))) for m in WROTE.finditer(complete)}
