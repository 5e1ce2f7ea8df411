# SPDX-License-Identifier: MIT
"""Raspberry Pi 3 devices under QEMU -M raspi3b, checked from outside: the GPIO pins
blink drives (read through QEMU's monitor), the UART pin functions, what the
mailbox reports against what QEMU emulates, and the hardware RNG across boots."""
import re

import pytest

from qemu import image
from raspi3 import ARM_MEMORY_MIB, BOARD_REVISION, raspi3  # noqa: F401 (raspi3 is a fixture)

GPIO = 0x3F200000
GPFSEL = lambda n: GPIO + 4 * n  # noqa: E731
GPLEV0 = GPIO + 0x34
FSEL_OUTPUT, FSEL_ALT0, FSEL_ALT5 = 0b001, 0b100, 0b010


def fsel(q, pin):
    return (q.read_phys32(GPFSEL(pin // 10)) >> (3 * (pin % 10))) & 7


@pytest.mark.parametrize("toggles,level", [(5, 1), (4, 0)])
def test_blink_leaves_the_pin_as_it_says_and_the_device_agrees(raspi3, toggles, level):
    q = raspi3("blink", append=f"out=21 in=20 interval_ms=20 toggles={toggles}")
    m = q.wait_for(r"blink: done, GPIO 21 stays (high|low) \(reads back (\d)\)")
    said = 1 if m.group(1) == "high" else 0
    assert (said, int(m.group(2))) == (level, level), f"expected level {level}: {m.group(0)}"
    assert fsel(q, 21) == FSEL_OUTPUT, f"expected GPIO 21 an output, GPFSEL2 says {fsel(q, 21):03b}"
    lev = q.read_phys32(GPLEV0)
    assert (lev >> 21) & 1 == level, f"expected GPLEV0 bit 21 = {level}, got GPLEV0 {lev:#010x}"
    states = re.findall(r"blink: GPIO 21 (high|low)$", q.output, re.M)
    assert len(states) == toggles, f"expected {toggles} toggles, got {states}"


@pytest.mark.parametrize("pin,why", [(14, "the board uses that pin itself \\(-16\\)"),
                                     (52, "the board uses that pin itself \\(-16\\)"),
                                     (54, "no such pin \\(-22\\)")])
def test_blink_refuses_pins_it_may_not_use(raspi3, pin, why):
    q = raspi3("blink", append=f"out={pin}")
    q.wait_for(rf"error: blink: GPIO {pin} as output: {why}")
    assert q.wait_exit() == 1


def test_blink_on_virt_refuses_a_pin_its_pl061_lacks(qemu):
    # virt's GPIO is the PL061: eight pins, so the Pi's pin 21 is no pin there.
    q = qemu(image("blink"))
    q.wait_for(r"error: blink: GPIO 21 as output: no such pin \(-22\)")
    assert q.wait_exit() == 1


@pytest.mark.parametrize("arg,function", [("", FSEL_ALT5), ("serial=mini", FSEL_ALT5),
                                          ("serial=pl011", FSEL_ALT0)])
def test_header_serial_pins_get_the_uart_function(raspi3, arg, function):
    q = raspi3("hello", append=f"ticks=0 {arg}")
    q.wait_for(r"hello: ready")
    got = (fsel(q, 14), fsel(q, 15))
    assert got == (function, function), f"expected GPIO 14/15 function {function:03b}, got {got}"


def test_unknown_serial_choice_is_named(raspi3):
    q = raspi3("hello", append="ticks=0 serial=usb")
    q.wait_for(r"warn: raspi3: serial=usb unknown; expected pl011\|mini")
    q.wait_for(r"hello: ready")


def test_mailbox_reports_what_qemu_emulates(raspi3):
    q = raspi3("hello", append="ticks=0")
    m = q.wait_for(r"info: raspi3: board revision 0x([0-9a-f]+), serial 0x([0-9a-f]{16}), "
                   r"MAC ([0-9a-f:]{17})$")
    assert int(m.group(1), 16) == BOARD_REVISION, m.group(0)
    # QEMU 7.2 does not implement the serial tag: the answer is the zero Mote sent.
    assert int(m.group(2), 16) == 0, m.group(0)
    assert m.group(3).startswith("52:54:00:"), f"expected QEMU's MAC prefix: {m.group(0)}"
    m = q.wait_for(r"info: raspi3: ARM memory 0x([0-9a-f]{8})\+(\d+) MiB, "
                   r"VideoCore memory 0x([0-9a-f]{8})\+(\d+) MiB")
    arm_base, arm_mib, vc_base, vc_mib = int(m.group(1), 16), int(m.group(2)), int(m.group(3), 16), int(m.group(4))
    assert (arm_base, arm_mib) == (0, ARM_MEMORY_MIB), m.group(0)
    assert vc_base == ARM_MEMORY_MIB << 20 and arm_mib + vc_mib == 1024, m.group(0)
    # The heap is sized from that memory: the greeting's RAM is the ARM part.
    q.type("mem\r")
    m = q.wait_for(r"heap \d+ KiB used of (\d+) KiB")
    assert (ARM_MEMORY_MIB - 16) * 1024 < int(m.group(1)) < ARM_MEMORY_MIB * 1024, m.group(0)


def rng_sample(raspi3):
    q = raspi3("hello", append="ticks=0 loglevel=debug")
    m = q.wait_for(r"debug: raspi3: bcm2835-rng health check sample((?: [0-9a-f]{8}){8})$")
    q.stop()
    assert "hardware RNG not used" not in q.output, q.tail()
    return [int(w, 16) for w in m.group(1).split()]


def test_hardware_rng_differs_between_boots_and_looks_random(raspi3):
    first, second = rng_sample(raspi3), rng_sample(raspi3)
    assert first != second, f"expected different RNG words on two boots, got {first} twice"
    for words in (first, second):
        assert len(set(words)) > 1, f"expected words that are not all equal: {words}"
        bits = "".join(f"{w:032b}" for w in words)
        ones = bits.count("1")
        # 256 fair bits: 128 ones expected; outside 80..176 is beyond 6 standard deviations.
        assert 80 < ones < 176, f"expected about half the bits set, got {ones}/256: {words}"
