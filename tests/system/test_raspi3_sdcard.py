# SPDX-License-Identifier: MIT
"""The Raspberry Pi 3's SD card image (scripts/mksdcard, `make sdcard BOARD=raspi3`):
the partition table, the FAT32 file system and its files as sfdisk, fsck.fat and
mtools see them; then Debian's U-Boot (u-boot-rpi) on QEMU -M raspi3b booting
Mote from the card through boot.scr, as the firmware would start it on the board.
QEMU has no VideoCore firmware: -kernel u-boot.bin and -dtb stand for what
bootcode.bin/start.elf would load from the card (config.txt's kernel= and device_tree=)."""
import glob
import json
import os
import subprocess

import pytest

from qemu import Qemu
from raspi3 import raspi3_image
from test_raspi3_boot import assert_secondary_cores_parked
from test_raspi3_sd import BLOCK, pattern

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MKSDCARD = os.path.join(TOP, "scripts", "mksdcard")
UBOOT = "/usr/lib/u-boot/rpi_arm64/u-boot.bin"  # Debian's u-boot-rpi:arm64
DTB_DIR = sorted(glob.glob(os.path.join(TOP, "third_party/linux/usr/lib/linux-image-*/broadcom")))
DTBS = [os.path.join(DTB_DIR[-1], f"bcm2837-rpi-3-{m}.dtb") for m in ("b", "b-plus")] if DTB_DIR else []
PART_START = 2048  # sectors: the boot partition starts at 1 MiB
CARD_BYTES = 64 << 20
FIRMWARE_FILES = ("bootcode.bin", "start.elf", "fixup.dat")
# A block in the gap between the MBR and the partition: blockcheck may write it.
SPARE_BLOCK = 100


def make_card(path, service, args, uboot=False, firmware=None):
    """Runs scripts/mksdcard as `make sdcard` does; returns (card path, its output)."""
    assert DTBS and all(os.path.exists(d) for d in DTBS), \
        "Debian's Pi 3 device trees are missing from third_party/linux: run scripts/setup --force"
    env = dict(os.environ, UBOOT=UBOOT if uboot else "", FIRMWARE=firmware or "")
    out = subprocess.run([MKSDCARD, str(path), raspi3_image(service), args, *DTBS], env=env,
                         check=True, capture_output=True, text=True).stdout
    return str(path), out


def partition(card, tmp_path):
    """The boot partition copied out of the card, for fsck.fat (which takes no offset)."""
    part = tmp_path / "part.img"
    subprocess.run(["dd", f"if={card}", f"of={part}", "bs=512", f"skip={PART_START}", "status=none"],
                   check=True)
    return str(part)


def mtools(tool, card, *args):
    return subprocess.run([tool, "-i", f"{card}@@{PART_START * 512}", *args], check=True,
                          capture_output=True, text=True).stdout


def test_card_has_a_bootable_fat32_partition_that_sfdisk_and_fsck_accept(tmp_path):
    card, out = make_card(tmp_path / "card.img", "hello", "ticks=1")
    assert os.path.getsize(card) == CARD_BYTES, "expected a 64 MiB card (a power of two, for QEMU)"
    table = json.loads(subprocess.run(["sfdisk", "-J", card], check=True, capture_output=True,
                                      text=True).stdout)["partitiontable"]
    assert table["label"] == "dos", f"expected an MBR, got {table['label']}"
    parts = table["partitions"]
    assert len(parts) == 1, f"expected one partition, got {parts}"
    assert (parts[0]["start"], parts[0]["type"], parts[0].get("bootable")) == (PART_START, "c", True), \
        f"expected a bootable FAT32 (LBA, type c) partition at sector {PART_START}, got {parts[0]}"
    listing = subprocess.run(["sfdisk", "-l", card], check=True, capture_output=True, text=True).stdout
    assert "W95 FAT32 (LBA)" in listing, listing
    fsck = subprocess.run(["fsck.fat", "-n", partition(card, tmp_path)], capture_output=True, text=True)
    assert fsck.returncode == 0, f"expected fsck.fat -n to find a clean FAT32 volume:\n{fsck.stdout}{fsck.stderr}"
    # Without FIRMWARE=dir the card is made and the missing files are named.
    for f in FIRMWARE_FILES:
        assert f in out, f"expected mksdcard to name the missing {f}:\n{out}"
    assert "raspberrypi/firmware" in out, f"expected mksdcard to say where the firmware comes from:\n{out}"


def test_card_holds_the_kernel_config_args_and_device_trees(tmp_path):
    card, _ = make_card(tmp_path / "card.img", "hello", "ticks=1 interval_ms=10")
    names = mtools("mdir", card, "-b", "::/").split()
    got = sorted(os.path.basename(n) for n in names)
    want = sorted(["config.txt", "cmdline.txt", "kernel8.img", "bcm2837-rpi-3-b.dtb",
                   "bcm2837-rpi-3-b-plus.dtb"])
    assert got == want, f"expected the boot partition to hold {want}, got {got}"
    kernel = subprocess.run(["mtype", "-i", f"{card}@@{PART_START * 512}", "::/kernel8.img"],
                            check=True, capture_output=True).stdout
    with open(raspi3_image("hello"), "rb") as f:
        assert kernel == f.read(), "expected kernel8.img on the card to be the service's image"
    assert mtools("mtype", card, "::/cmdline.txt") == "ticks=1 interval_ms=10\n"
    config = mtools("mtype", card, "::/config.txt")
    settings = [l for l in config.splitlines() if l and not l.startswith("#")]
    assert settings == ["arm_64bit=1", "enable_uart=1", "kernel=kernel8.img",
                        "[pi3]", "device_tree=bcm2837-rpi-3-b.dtb",
                        "[pi3+]", "device_tree=bcm2837-rpi-3-b-plus.dtb", "[all]"], config
    comments = [l for l in config.splitlines() if l.startswith("#")]
    assert len(comments) >= 4, f"expected a comment for each setting:\n{config}"


def test_firmware_folder_goes_onto_the_card(tmp_path):
    fw = tmp_path / "firmware"
    fw.mkdir()
    for f in FIRMWARE_FILES:
        (fw / f).write_bytes(f"stand-in for {f}".encode())
    card, out = make_card(tmp_path / "card.img", "hello", "", firmware=str(fw))
    for f in FIRMWARE_FILES:
        assert mtools("mtype", card, f"::/{f}") == f"stand-in for {f}", f"expected {f} on the card"
    assert "cannot boot" not in out, f"expected no missing-firmware message with FIRMWARE=dir:\n{out}"


class UBootRaspi3(Qemu):
    """QEMU -M raspi3b starting Debian's U-Boot with the card in the SD slot; U-Boot's
    console and Mote's are both on the mini UART (the second -serial)."""

    def __init__(self, card):
        super().__init__(UBOOT, board="raspi3", monitor=True,
                         extra=("-dtb", DTBS[0], "-drive", f"if=sd,format=raw,file={card}"))
        i = self.argv.index("-serial")
        self.argv[i:i + 2] = ["-serial", "null", "-serial", "stdio"]
        i = self.argv.index("-append")
        del self.argv[i:i + 2]


@pytest.fixture
def uboot():
    started = []

    def start(card):
        assert os.path.exists(UBOOT), f"{UBOOT} is missing (Debian's u-boot-rpi:arm64): run scripts/setup"
        q = UBootRaspi3(card)
        started.append(q)
        return q.start()

    yield start
    for q in started:
        q.stop()


def booted_through_uboot(q):
    """Waits for U-Boot to run boot.scr and booti to accept the image; returns Mote's boot time in us."""
    q.wait_for(r"Found U-Boot script /boot\.scr")
    q.wait_for(r"Starting kernel \.\.\.")
    m = q.wait_for(r"info: Mote .* booted in (\d+) us")
    return int(m.group(1))


def test_uboot_boots_hello_with_the_cards_arguments(uboot, tmp_path):
    card, _ = make_card(tmp_path / "card.img", "hello", "ticks=2 interval_ms=10", uboot=True)
    assert "boot.scr" in mtools("mdir", card, "-b", "::/")
    q = uboot(card)
    boot_us = booted_through_uboot(q)
    # U-Boot's autoboot alone waits 2 s: a figure below 1 s is counted from Mote's entry.
    assert boot_us < 1_000_000, f"expected boot time from Mote's entry (under 1 s), got {boot_us} us"
    q.wait_for(r"Hello from Mote on Raspberry Pi 3 Model B")
    q.wait_for(r"info: tick 2$")  # ticks=2 from boot.scr's bootargs
    q.wait_for(r"info: ticks done$")
    # Cores 1-3, which U-Boot left in the boot stub's spin table, sleep in Mote's park.
    assert_secondary_cores_parked(q, raspi3_image("hello", "elf"))


def test_uboot_boots_blink_which_drives_its_pin(uboot, tmp_path):
    card, _ = make_card(tmp_path / "card.img", "blink", "out=21 in=20 interval_ms=20 toggles=3",
                        uboot=True)
    q = uboot(card)
    booted_through_uboot(q)
    m = q.wait_for(r"blink: done, GPIO 21 stays (high|low) \(reads back (\d)\)")
    assert m.group(2) == ("1" if m.group(1) == "high" else "0"), m.group(0)


def test_uboot_boots_blockcheck_which_finds_the_card_uboot_used(uboot, tmp_path):
    # U-Boot reads the card through the SDHOST controller and leaves GPIO 48-53 routed
    # to it; Mote's SD driver takes them back for the Arasan controller.
    card, _ = make_card(tmp_path / "card.img", "blockcheck", f"block={SPARE_BLOCK}", uboot=True)
    q = uboot(card)
    booted_through_uboot(q)
    m = q.wait_for(r"info: sd: (\S+) card, (\d+) blocks of 512 bytes")
    assert int(m.group(2)) == CARD_BYTES // BLOCK, m.group(0)
    q.wait_for(rf"blockcheck: block {SPARE_BLOCK} written and read back, 512 bytes match")
    assert q.wait_exit() == 0, q.tail()
    with open(card, "rb") as f:
        f.seek(SPARE_BLOCK * BLOCK)
        got = f.read(BLOCK)
    assert got == pattern(SPARE_BLOCK), f"expected the pattern at block {SPARE_BLOCK}, got {got[:40]!r}"
    fsck = subprocess.run(["fsck.fat", "-n", partition(card, tmp_path)], capture_output=True, text=True)
    assert fsck.returncode == 0, f"expected the boot partition untouched:\n{fsck.stdout}{fsck.stderr}"
