# SPDX-License-Identifier: MIT
"""The Pi's SD card behind the same asynchronous block API as virtio-blk (QEMU -M raspi3b,
attached by the board's `disk=` line): the image copies random blocks with several
requests submitted at once and the host compares; an MBR partition written by sfdisk
is device sd0p1, confined to its range."""
import os

from raspi3 import raspi3  # noqa: F401 (fixture)
from qemu import board_info
from test_blk import BLOCK, fill_random, make_disk, pattern, read_blocks, sfdisk

SD_SIZE = 16 << 20  # QEMU's SD model wants a power-of-two size


def sd_args(path):
    return tuple(board_info("raspi3")["disk"].replace("{file}", str(path)).split())


def test_sd_copy_through_the_asynchronous_api_is_byte_exact(raspi3, tmp_path):
    disk = make_disk(tmp_path / "sd.img", SD_SIZE)
    data = fill_random(disk, 40, 64)
    q = raspi3("blockcheck", append="copy=64 src=40 dst=500 inflight=8", extra=sd_args(disk))
    q.wait_for(r"blockcheck: copied 64 blocks from 40 to 500, \d+ in flight at most, 0 failed, "
               r"flushed")
    assert q.wait_exit() == 0, q.tail()
    assert read_blocks(disk, 500, 64) == data


def test_sd_mbr_partition_is_sd0p1(raspi3, tmp_path):
    disk = make_disk(tmp_path / "sd.img", SD_SIZE)
    sfdisk(disk, "label: dos\nstart=2048, size=8192, type=c, bootable\n")
    q = raspi3("blockcheck", append="dev=sd0p1 block=4", extra=sd_args(disk))
    q.wait_for(r"block: sd0p1: MBR partition 1, blocks 2048\.\.10239")
    q.wait_for(r"blockcheck: sd0p1, 8192 blocks of 512 bytes")
    assert q.wait_exit() == 0, q.tail()
    assert read_blocks(disk, 2048 + 4, 1) == pattern(4)
    assert read_blocks(disk, 4, 1) == bytes(BLOCK), "written at the card's block, not the partition's"
    assert os.path.getsize(disk) == SD_SIZE
