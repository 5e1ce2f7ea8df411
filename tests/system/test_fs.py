# SPDX-License-Identifier: MIT
"""The FAT file system (lib/fat, include/mote/fs.h) in a real image, on virtio-blk
(virt) and on the Pi's SD card (raspi3), checked on the host with the real
tools: files mtools put on a mkfs.fat image read back exactly; files the image
writes (many sizes, long names, nested directories, past cluster boundaries,
renamed, deleted) are what mtools reads and fsck.fat -n finds the volume clean;
a missing disk, a read-only one, a full one and a corrupt one give the
documented errors."""
import random
import re
import subprocess

import pytest

from fsdisk import (DEVICE, content, fnv1a, fsck, fscheck, mcopy_in, mcopy_out, mkfs,  # noqa: F401
                    mmd, written)

BOARDS = ["virt", "raspi3"]


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("bits", [12, 16, 32])
def test_fs_reads_every_file_mtools_wrote(fscheck, tmp_path, board, bits):
    img = mkfs(tmp_path / "disk.img", bits)
    rng = random.Random(bits)
    want = {}
    mmd(img, "/Configuration files")
    mmd(img, "/Configuration files/Certificates of the broker")
    for i, size in enumerate([0, 1, 511, 512, 513, 2048, 2049, 4097, 33000, 150000]):
        data = bytes(rng.getrandbits(8) for _ in range(size))
        path = ["/F%d.BIN" % i, "/Configuration files/settings number %d.json" % i,
                "/Configuration files/Certificates of the broker/ca-%d.pem" % i][i % 3]
        mcopy_in(img, data, path, tmp_path)
        want[path] = (size, fnv1a(data))
    q = fscheck(board, f"fs={DEVICE[board]} do=list", img)
    q.wait_for(rf"fscheck: listed {len(want)} files$")
    assert q.wait_exit() == 0, q.tail()
    got = {m.group(1): (int(m.group(2)), int(m.group(3), 16))
           for m in re.finditer(r"^fscheck: file (.+) (\d+) ([0-9a-f]{8})$", q.output, re.M)}
    assert got == want, f"expected the image to read what mtools wrote:\n{want}\ngot\n{got}"
    assert re.search(r"^fscheck: dir /Configuration files/Certificates of the broker$", q.output,
                     re.M), q.tail()


@pytest.mark.parametrize("board", BOARDS)
@pytest.mark.parametrize("bits", [12, 16, 32])
def test_fs_files_written_by_the_image_read_back_with_mtools(fscheck, tmp_path, board, bits):
    img = mkfs(tmp_path / "disk.img", bits)
    q = fscheck(board, f"fs={DEVICE[board]} do=write", img)
    q.wait_for(r"fscheck: write done, 0 failures$")
    assert q.wait_exit() == 0, q.tail()
    files = written(q.output)
    assert len(files) >= 40, q.tail()
    for path, (size, seed) in files.items():
        got = mcopy_out(img, path)
        assert got is not None, f"expected {path} on the disk; mtools does not find it"
        assert got == content(size, seed), \
            f"expected {path} to hold {size} bytes of seed {seed}; mtools reads {len(got)} bytes that differ"
    for gone in ["/moving.tmp", "/deleted.bin"]:
        assert mcopy_out(img, gone) is None, f"expected {gone} to be gone (renamed or deleted)"
    status, out = fsck(img)
    assert status == 0, f"expected fsck.fat -n to find the volume clean:\n{out}"


@pytest.mark.parametrize("board", BOARDS)
def test_fs_missing_disk_gives_no_such_device(fscheck, board):
    q = fscheck(board, f"fs={DEVICE[board]} do=list")
    q.wait_for(rf"error: fs: no block device {DEVICE[board]}")
    q.wait_for(r"error: fscheck: no volume mounted: no such device")
    assert q.wait_exit() == 1


@pytest.mark.parametrize("board", BOARDS)
def test_fs_read_only_mount_refuses_changes(fscheck, tmp_path, board):
    img = mkfs(tmp_path / "disk.img", 16)
    mcopy_in(img, b"keep me\n", "/KEEP.TXT", tmp_path)
    before = open(img, "rb").read()
    q = fscheck(board, f"fs={DEVICE[board]},ro do=rofs", img)
    q.wait_for(rf"info: fs: {DEVICE[board]} mounted read-only")
    q.wait_for(r"fscheck: create /new.txt: read-only file system$")
    q.wait_for(r"fscheck: mkdir /newdir: read-only file system$")
    assert q.wait_exit() == 0, q.tail()
    assert open(img, "rb").read() == before, "expected a read-only mount to leave the disk as it was"


def test_fs_read_only_disk_mounts_read_only(fscheck, tmp_path):
    img = mkfs(tmp_path / "disk.img", 16)
    q = fscheck("virt", "fs=virtio0 do=rofs", img, readonly=True)
    q.wait_for(r"info: fs: virtio0 mounted read-only")
    q.wait_for(r"fscheck: create /new.txt: read-only file system$")
    assert q.wait_exit() == 0, q.tail()


@pytest.mark.parametrize("board", BOARDS)
def test_fs_full_disk_gives_no_space_left(fscheck, tmp_path, board):
    img = mkfs(tmp_path / "disk.img", 12, mib=1)
    q = fscheck(board, f"fs={DEVICE[board]} do=fill", img)
    m = q.wait_for(r"fscheck: (\d+) bytes free of \d+$")
    free = int(m.group(1))
    q.wait_for(rf"fscheck: full after {free} bytes: no space left$")
    q.wait_for(rf"fscheck: {free} bytes free after deleting it$")
    assert q.wait_exit() == 0, q.tail()
    status, out = fsck(img)
    assert status == 0, f"expected fsck.fat -n to find the volume clean:\n{out}"


@pytest.mark.parametrize("board", BOARDS)
def test_fs_corrupt_boot_sector_is_refused_with_its_reason(fscheck, tmp_path, board):
    img = mkfs(tmp_path / "disk.img", 16)
    with open(img, "r+b") as f:
        f.seek(13)  # sectors per cluster: 3 is not a power of two
        f.write(b"\x03")
    q = fscheck(board, f"fs={DEVICE[board]} do=list", img)
    q.wait_for(rf"error: fs: {DEVICE[board]}: 3 sectors per cluster: not a power of two")
    q.wait_for(rf"error: fs: {DEVICE[board]} not mounted: corrupt file system")
    assert q.wait_exit() == 1


@pytest.mark.parametrize("board", BOARDS)
def test_fs_chain_loop_is_reported_not_followed(fscheck, tmp_path, board):
    img = mkfs(tmp_path / "disk.img", 16)
    mcopy_in(img, content(10000, 1), "/LOOP.BIN", tmp_path)
    data = bytearray(open(img, "rb").read(512))
    reserved = int.from_bytes(data[14:16], "little")
    fat_sectors = int.from_bytes(data[22:24], "little")
    fats = data[16]
    # The file's first cluster is 2 (the first file on a fresh volume): make 3 point back to 2.
    with open(img, "r+b") as f:
        for copy in range(fats):
            f.seek((reserved + copy * fat_sectors) * 512 + 3 * 2)
            f.write((2).to_bytes(2, "little"))
    q = fscheck(board, f"fs={DEVICE[board]} do=list", img)
    q.wait_for(r'error: fs: \S+: the chain of "LOOP.BIN" loops')
    q.wait_for(r"error: fscheck: open /LOOP.BIN: corrupt file system")
    assert q.wait_exit() == 1


@pytest.mark.parametrize("board", BOARDS)
def test_fs_on_an_mbr_partition(fscheck, tmp_path, board):
    """fs=virtio0p1 / sd0p1: the volume in the disk's first MBR partition, as the Pi boots."""
    img = str(tmp_path / "disk.img")
    start, sectors = 2048, 60 * 2048  # 1 MiB in, 60 MiB long
    with open(img, "wb") as f:
        f.truncate(64 << 20)
    subprocess.run(["sfdisk", "-q", img], input=f"label: dos\nstart={start}, size={sectors}, type=c\n",
                   text=True, check=True)
    subprocess.run(["mkfs.fat", "-F", "32", "-s", "1", f"--offset={start}", img, str(sectors // 2)],
                   check=True, capture_output=True)
    part = f"{img}@@{start * 512}"
    mcopy_in(part, content(7000, 9), "/Before boot.txt", tmp_path)
    q = fscheck(board, f"fs={DEVICE[board]}p1 do=write", img)
    q.wait_for(r"fscheck: write done, 0 failures$")
    assert q.wait_exit() == 0, q.tail()
    assert mcopy_out(part, "/Before boot.txt") == content(7000, 9)
    for path, (size, seed) in written(q.output).items():
        assert mcopy_out(part, path) == content(size, seed), f"{path} differs on the host"
    volume = str(tmp_path / "volume.img")
    with open(img, "rb") as f, open(volume, "wb") as out:
        f.seek(start * 512)
        out.write(f.read(sectors * 512))
    status, out = fsck(volume)
    assert status == 0, f"expected fsck.fat -n to find the partition's volume clean:\n{out}"
    with open(img, "rb") as f:
        assert f.read(512)[510:] == b"\x55\xaa", "expected the MBR left in place"


def test_fs_on_4096_byte_blocks(fscheck, tmp_path):
    """A disk of 4 KiB logical blocks holds a FAT volume of 4 KiB sectors (mkfs.fat -S 4096)."""
    img = str(tmp_path / "disk.img")
    subprocess.run(["mkfs.fat", "-C", "-S", "4096", "-F", "16", img, str(128 * 1024)], check=True,
                   capture_output=True)
    mcopy_in(img, content(9000, 5), "/FROM.HST", tmp_path)
    q = fscheck("virt", "fs=virtio0 do=write", img, block_size=4096)
    q.wait_for(r"info: virtio-blk: virtio0: \d+ blocks of 4096 bytes")
    q.wait_for(r"fscheck: write done, 0 failures$")
    assert q.wait_exit() == 0, q.tail()
    assert mcopy_out(img, "/FROM.HST") == content(9000, 5)
    for path, (size, seed) in written(q.output).items():
        assert mcopy_out(img, path) == content(size, seed), f"{path} differs on the host"
    status, out = fsck(img)
    assert status == 0, f"expected fsck.fat -n to find the volume clean:\n{out}"
