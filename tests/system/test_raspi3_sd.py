# SPDX-License-Identifier: MIT
"""The SD card on QEMU -M raspi3b (-drive if=sd): blockcheck writes a pattern to a block
through the EMMC controller and reads it back; after QEMU exits, the disk file holds
it. Both card kinds (byte-addressed SDSC, block-addressed SDHC), no card, a bad block."""
import pytest

from raspi3 import raspi3  # noqa: F401 (fixture)

BLOCK = 512


def pattern(block):
    head = f"Mote blockcheck block {block}\n".encode()
    return head + bytes((block + i) & 0xFF for i in range(len(head), BLOCK))


def make_disk(path, size, head):
    with open(path, "wb") as f:
        f.truncate(size)  # sparse: QEMU wants a power-of-two size, not the bytes
        f.write(head)
    return str(path)


@pytest.mark.parametrize("size,kind,block", [(4 << 20, "SDSC", 3), (4 << 30, "SDHC/SDXC", 5_000_000)],
                         ids=["sdsc-4MiB", "sdhc-4GiB"])
def test_pattern_written_by_the_image_is_in_the_disk_file(raspi3, tmp_path, size, kind, block):
    head = bytes(range(0xA0, 0xB0))
    disk = make_disk(tmp_path / "sd.img", size, head)
    q = raspi3("blockcheck", append=f"block={block}", extra=("-drive", f"if=sd,format=raw,file={disk}"))
    m = q.wait_for(r"info: sd: (\S+) card, (\d+) blocks of 512 bytes")
    assert (m.group(1), int(m.group(2))) == (kind, size // BLOCK), m.group(0)
    m = q.wait_for(r"blockcheck: block 0 starts ([0-9a-f]{32})$")
    assert bytes.fromhex(m.group(1)) == head, f"expected block 0 to start {head.hex()}: {m.group(0)}"
    q.wait_for(rf"blockcheck: block {block} written and read back, 512 bytes match")
    assert q.wait_exit() == 0, q.tail()
    with open(disk, "rb") as f:
        f.seek(block * BLOCK)
        got = f.read(BLOCK)
    assert got == pattern(block), f"expected the pattern at block {block} of the file, got {got[:40]!r}"


def test_missing_card_is_reported_and_boot_goes_on(raspi3):
    q = raspi3("blockcheck")
    q.wait_for(r"info: sd: no card in the slot")
    q.wait_for(r"error: blockcheck: no block device \(is there a card in the slot\?\)")
    assert q.wait_exit() == 1


def test_block_beyond_the_card_is_refused(raspi3, tmp_path):
    disk = make_disk(tmp_path / "sd.img", 1 << 20, b"")
    q = raspi3("blockcheck", append="block=2048", extra=("-drive", f"if=sd,format=raw,file={disk}"))
    q.wait_for(r"error: blockcheck: writing block 2048: block out of range \(-22\)")
    assert q.wait_exit() == 1
