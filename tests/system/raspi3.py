# SPDX-License-Identifier: MIT
"""QEMU -M raspi3b running a Mote image, for the tests/system/test_raspi3*.py tests.

The image is the board's kernel8.img format (build/raspi3/<service>.img) unless
kind="elf"; boot arguments travel in build/raspi3/bootargs.dtb, which QEMU fills
from -append. The console under test is on stdin/stdout: the PL011 (the first
-serial) by default, or the mini UART (the second). The QEMU monitor listens on
a Unix socket, for reading device registers (`xp`) and `screendump`.
"""
import os
import shutil
import socket
import tempfile
import time

import pytest

from qemu import BUILD, TIMEOUT_S, Qemu

RASPI3_BUILD = os.environ.get("MOTE_BUILD_RASPI3", os.path.join(os.path.dirname(BUILD), "raspi3"))

# What QEMU 7.2's raspi3b emulates (hw/arm/raspi.c, hw/misc/bcm2835_property.c).
BOARD_REVISION = 0xA02082  # Raspberry Pi 3 Model B rev 1.2, 1 GiB
ARM_MEMORY_MIB = 960  # 1 GiB less the 64 MiB of VideoCore memory
GREETING = r"Hello from Mote on Raspberry Pi 3 Model B rev 1\.2: cortex-a53 x4, 960 MiB RAM"


def raspi3_image(name, kind="img"):
    path = os.path.join(RASPI3_BUILD, f"{name}.{kind}")
    assert os.path.exists(path), f"{path} is missing: run `make images-raspi3` first"
    return path


class Raspi3(Qemu):
    def __init__(self, service, append="", console="pl011", kind="img", semihosting=True,
                 dtb=True, extra=(), wrapper=()):
        super().__init__(raspi3_image(service, kind), append=append, machine="raspi3b",
                         cpu="cortex-a53", mem="1G", semihosting=semihosting, extra=extra,
                         wrapper=wrapper)
        self._dir = tempfile.mkdtemp(prefix="mote-raspi3-")
        self.monitor_path = os.path.join(self._dir, "monitor.sock")
        argv = self.argv
        # The first -serial is UART0 (PL011), the second the mini UART.
        i = argv.index("-serial")
        serials = ["stdio", "null"] if console == "pl011" else ["null", "stdio"]
        argv[i:i + 2] = ["-serial", serials[0], "-serial", serials[1]]
        i = argv.index("-monitor")
        argv[i + 1] = f"unix:{self.monitor_path},server=on,wait=off"
        if dtb:
            argv += ["-dtb", raspi3_image("bootargs", "dtb")]
        else:
            i = argv.index("-append")
            del argv[i:i + 2]

    def hmp(self, command, timeout=TIMEOUT_S):
        """Runs one QEMU monitor command; returns its output."""
        deadline = time.monotonic() + timeout
        while not os.path.exists(self.monitor_path):
            assert time.monotonic() < deadline, "QEMU's monitor socket never appeared"
            time.sleep(0.05)
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.settimeout(timeout)
            s.connect(self.monitor_path)
            self._read_prompt(s)
            s.sendall(command.encode() + b"\n")
            out = self._read_prompt(s)
        # The monitor echoes the command line first.
        lines = out.replace("\r", "").split("\n")
        return "\n".join(l for l in lines[1:] if not l.startswith("(qemu)")).strip()

    @staticmethod
    def _read_prompt(s):
        data = b""
        while not data.endswith(b"(qemu) "):
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
        return data.decode("utf-8", "replace")

    def read_phys32(self, addr):
        """A 32-bit word of the guest's physical address space, read through QEMU's device models."""
        out = self.hmp(f"xp /1wx {addr:#x}")
        # "000000003f200034: 0x00200000"
        try:
            return int(out.split(":")[1].split()[0], 16)
        except (IndexError, ValueError):
            raise AssertionError(f"unexpected answer to xp at {addr:#x}: {out!r}")

    def stop(self):
        super().stop()
        shutil.rmtree(self._dir, ignore_errors=True)


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
