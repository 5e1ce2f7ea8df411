# SPDX-License-Identifier: MIT
"""`mote sdcard`: a Raspberry Pi 3 card image from a stored raspi3 image, written by the
tree's `make sdcard` (mk/sdcard.mk, scripts/mksdcard). The card is checked as sfdisk and
mtools see it; an image for another board is refused, as is an output that cannot be written."""
import json
import subprocess

import pytest

from mote_cli import Mote
from test_raspi3_sdcard import PART_START, mtools


@pytest.fixture(scope="module")
def mote(tmp_path_factory):
    """A MOTE_HOME with hello built for raspi3b (hello:pi) and for virt (hello:latest)."""
    m = Mote(tmp_path_factory.mktemp("mote-home"))
    m("build", "-q", "--board", "raspi3b", "-t", "hello:pi", "services/hello")
    m("build", "-q", "services/hello")
    return m


def test_sdcard_holds_the_images_kernel_and_args(mote, tmp_path):
    card = tmp_path / "card.img"
    out = mote("sdcard", "-o", card, "hello:pi", "--", "ticks=2", "interval_ms=10")
    assert out.stdout.strip() == str(card), out.stdout
    table = json.loads(subprocess.run(["sfdisk", "-J", card], check=True, capture_output=True,
                                      text=True).stdout)["partitiontable"]
    assert table["label"] == "dos" and len(table["partitions"]) == 1, table
    part = table["partitions"][0]
    assert part["start"] == PART_START and part["type"] == "c", part
    names = mtools("mdir", card, "-b", "::/").split()
    assert {"::/kernel8.img", "::/cmdline.txt", "::/config.txt",
            "::/bcm2837-rpi-3-b.dtb"} <= set(names), names
    kernel = subprocess.run(["mtype", "-i", f"{card}@@{PART_START * 512}", "::/kernel8.img"],
                            check=True, capture_output=True).stdout
    blob = mote.inspect("hello:pi")["sha256"]
    with open(f"{mote.home}/blobs/sha256/{blob}", "rb") as f:
        assert kernel == f.read(), "kernel8.img on the card differs from the stored image"
    assert mtools("mtype", card, "::/cmdline.txt") == "ticks=2 interval_ms=10\n"


def test_sdcard_defaults_to_the_images_args(mote, tmp_path):
    card = tmp_path / "default.img"
    mote("sdcard", "-o", card, "hello:pi")
    args = mote.inspect("hello:pi")["args"]
    assert mtools("mtype", card, "::/cmdline.txt") == args + "\n"


@pytest.mark.parametrize("args, message", [
    (["hello:latest"], "hello:latest is built for virt: an SD card needs an image for raspi3"),
    (["nosuch:pi"], "no image nosuch:pi"),
    (["-o", "/proc/card.img", "hello:pi"], "cannot write /proc/card.img"),
])
def test_sdcard_refuses_with_a_clear_message(mote, args, message):
    out = mote("sdcard", *args, check=False)
    assert out.returncode == 1 and message in out.stderr, (out.returncode, out.stderr)
