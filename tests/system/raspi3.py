# SPDX-License-Identifier: MIT
"""QEMU -M raspi3b running a Mote image, for the tests/system/test_raspi3*.py tests.

The image is the board's kernel8.img format (build/raspi3/<service>.img) unless
kind="elf"; boot arguments travel in build/raspi3/bootargs.dtb, which QEMU fills
from -append. The console under test is on stdin/stdout: the PL011 (the first
-serial) by default, or the mini UART (the second). The QEMU monitor listens on
a Unix socket, for reading device registers (`xp`) and `screendump`.
"""
import os

import pytest

from qemu import BUILD, Qemu, board_info

RASPI3_BUILD = os.environ.get("MOTE_BUILD_RASPI3", os.path.join(os.path.dirname(BUILD), "raspi3"))

# What QEMU 7.2's raspi3b emulates (hw/arm/raspi.c, hw/misc/bcm2835_property.c).
BOARD_REVISION = 0xA02082  # Raspberry Pi 3 Model B rev 1.2, 1 GiB
ARM_MEMORY_MIB = 960  # 1 GiB less the 64 MiB of VideoCore memory
GREETING = r"Hello from Mote on Raspberry Pi 3 Model B rev 1\.2: cortex-a53 x4, 960 MiB RAM"


def raspi3_image(name, kind="img", uses=""):
    """build/raspi3/<name>.<kind>; with uses="fb", from the build whose every service
    also uses that feature (make images-raspi3-fb: build/raspi3-fb/, USES=fb)."""
    build = RASPI3_BUILD + (f"-{uses}" if uses else "")
    path = os.path.join(build, f"{name}.{kind}")
    assert os.path.exists(path), \
        f"{path} is missing: run `make images-raspi3{'-' + uses if uses else ''}` first"
    return path


class Raspi3(Qemu):
    def __init__(self, service, append="", console="pl011", kind="img", semihosting=True,
                 dtb=True, extra=(), uses=""):
        super().__init__(raspi3_image(service, kind, uses), append=append, board="raspi3",
                         semihosting=semihosting, extra=extra, monitor=True)
        argv = self.argv
        # The first -serial is UART0 (PL011), the second the mini UART (board.mk: serials=2).
        assert board_info("raspi3")["serials"] == "2"
        i = argv.index("-serial")
        serials = ["stdio", "null"] if console == "pl011" else ["null", "stdio"]
        argv[i:i + 2] = ["-serial", serials[0], "-serial", serials[1]]
        if dtb:
            argv += ["-dtb", raspi3_image("bootargs", "dtb", uses)]
        else:
            i = argv.index("-append")
            del argv[i:i + 2]

    def read_phys32(self, addr):
        """A 32-bit word of the guest's physical address space, read through QEMU's device models."""
        out = self.hmp(f"xp /1wx {addr:#x}")
        # "000000003f200034: 0x00200000"
        try:
            return int(out.split(":")[1].split()[0], 16)
        except (IndexError, ValueError):
            raise AssertionError(f"unexpected answer to xp at {addr:#x}: {out!r}")



@pytest.fixture
def raspi3():
    """Starts Raspi3 instances: raspi3(service, append=..., console="mini"). All are killed afterwards."""
    started = []

    def start(*args, **kwargs):
        q = Raspi3(*args, **kwargs)
        started.append(q)
        return q.start()

    yield start
    for q in started:
        q.stop()
