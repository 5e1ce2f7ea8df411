# SPDX-License-Identifier: MIT
"""`mote run -v FILE:virtio0` attaches a disk image file as `docker run -v` attaches a volume,
through the board's disk= fact (board.mk): the blockcheck image writes a block the host then
reads in the file. A missing file, a folder, a bad target or a second disk on a one-slot board
get a one-line message."""
import os

import pytest

from mote_cli import Mote

BLOCK = 512


@pytest.fixture(scope="module")
def mote(tmp_path_factory):
    m = Mote(tmp_path_factory.mktemp("mote-home"))
    m("build", "-q", "services/blockcheck")
    yield m
    m.cleanup()


def test_disk_image_is_attached_and_written_by_the_image(mote, tmp_path):
    disk = tmp_path / "disk,with comma.img"  # QEMU's option syntax needs the comma doubled
    disk.write_bytes(b"host block zero!" + bytes(4 * 1024 * 1024 - 16))
    out = mote("run", "--name", "blk", "-v", f"{disk}:virtio0", "blockcheck", "--", "block=3")
    assert f"block 0 starts {b'host block zero!'.hex()}" in out.stdout, \
        f"expected the image to print block 0 of the file: {out.stdout}"
    with open(disk, "rb") as f:
        f.seek(3 * BLOCK)
        block = f.read(BLOCK)
    assert block.startswith(b"Mote blockcheck block 3"), f"expected block 3 written in the file, got {block[:32]!r}"
    info = mote.inspect("blk")
    assert info["volumes"] == [{"source": str(disk), "target": "virtio0"}], info["volumes"]
    assert any("virtio-blk-device" in w for w in info["qemu_command"]), info["qemu_command"]


@pytest.mark.parametrize("volume,status,message", [
    ("{tmp}/nosuch.img:virtio0", 1, "No such file or directory; expected an existing disk image"),
    ("{tmp}:virtio0", 1, "not a file or block device"),
    ("{tmp}/d.img:virtio9", 2, "bad volume target 'virtio9'"),
    ("{tmp}/d.img", 2, "bad volume"),
    ("{tmp}/d.img:sd", 2, "has no SD card"),
])
def test_bad_volumes_get_one_line(mote, tmp_path, volume, status, message):
    (tmp_path / "d.img").write_bytes(bytes(1024 * 1024))
    out = mote("run", "-v", volume.format(tmp=tmp_path), "blockcheck", check=False)
    assert out.returncode == status and message in out.stderr, out.stderr
    assert out.stderr.count("\n") == 1, out.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write any file")
def test_read_only_file_is_refused(mote, tmp_path):
    disk = tmp_path / "ro.img"
    disk.write_bytes(bytes(1024 * 1024))
    disk.chmod(0o444)
    out = mote("run", "-v", f"{disk}:virtio0", "blockcheck", check=False)
    assert out.returncode == 1 and "readable and writable" in out.stderr, out.stderr
