# SPDX-License-Identifier: MIT
"""The Raspberry Pi 3 under QEMU -M raspi3b: boot (kernel8.img and ELF), both UARTs,
timers through the BCM2836 local controller, exit through semihosting and the PM
watchdog, and every crashtest report as on virt."""
import re
import subprocess

import pytest

from raspi3 import GREETING, raspi3, raspi3_image  # noqa: F401 (raspi3 is a fixture)
from test_crash import CASES, CRASH_EXIT


@pytest.mark.parametrize("kind", ["img", "elf"])
def test_hello_boots_and_names_the_board(raspi3, kind):
    # The ELF starts at EL3 on all four cores, kernel8.img at EL2 on core 0 (QEMU's spin-table stub).
    q = raspi3("hello", append="ticks=0", kind=kind)
    q.wait_for(GREETING)
    q.wait_for(r"hello: ready")


def function_range(elf, name):
    """[start, end) of a function of elf, from its symbol table (the next symbol ends it)."""
    out = subprocess.run(["aarch64-linux-gnu-nm", "-n", elf], check=True, capture_output=True,
                         text=True).stdout
    addrs = [(int(a, 16), n) for a, _, n in (l.split() for l in out.splitlines() if len(l.split()) == 3)]
    for i, (addr, sym) in enumerate(addrs):
        if sym == name:
            return addr, next(a for a, _ in addrs[i + 1:] if a > addr)
    raise AssertionError(f"no {name} in {elf}")


def assert_secondary_cores_parked(q, elf):
    """Cores 1-3 of the running raspi3b q are in elf's secondary_park, by QEMU's register dump."""
    start, end = function_range(elf, "secondary_park")
    out = q.hmp("info registers -a")
    pcs = [int(pc, 16) for pc in re.findall(r"PC=([0-9a-f]+)", out)]
    assert len(pcs) == 4, f"expected four cores in QEMU's register dump, got:\n{out[:500]}"
    for core, pc in enumerate(pcs[1:], start=1):
        assert start <= pc < end, \
            f"expected core {core} in secondary_park [{start:#x}, {end:#x}), found it at pc {pc:#x}"


@pytest.mark.parametrize("kind", ["img", "elf"])
def test_secondary_cores_sleep_in_motes_park_not_in_a_wfe_loop(raspi3, kind):
    # QEMU runs the boot stub's wfe as a busy loop (a host core per guest core); Mote's park is a wfi.
    q = raspi3("hello", append="ticks=0", kind=kind)
    q.wait_for(r"hello: ready")
    assert_secondary_cores_parked(q, raspi3_image("hello", "elf"))


def test_boots_without_any_device_tree(raspi3):
    q = raspi3("hello", dtb=False)
    q.wait_for(GREETING)
    q.wait_for(r"info: tick 1$")


def test_kernel8_img_is_an_arm64_image_for_0x80000():
    with open(raspi3_image("kernel8"), "rb") as f:
        header = f.read(64)
    assert header[56:60] == b"ARM\x64", "expected the arm64 Image magic at offset 56"
    text_offset = int.from_bytes(header[8:16], "little")
    assert text_offset == 0x80000, f"expected text_offset 0x80000 (the Pi's load address), got {text_offset:#x}"


def test_elf_is_linked_at_0x80000_without_writable_code():
    out = subprocess.run(["aarch64-linux-gnu-readelf", "-lhW", raspi3_image("hello", "elf")],
                         check=True, capture_output=True, text=True).stdout
    entry = int(re.search(r"Entry point address:\s+(0x[0-9a-f]+)", out).group(1), 16)
    assert entry == 0x80000, f"expected entry 0x80000, got {entry:#x}"
    for l in (l for l in out.splitlines() if l.strip().startswith("LOAD")):
        flags = l.split()[-2]
        assert not ("W" in flags and "E" in flags), f"W+X segment: {l}"


@pytest.mark.parametrize("console", ["pl011", "mini"])
def test_banner_and_echo_on_each_uart(raspi3, console):
    q = raspi3("hello", append="ticks=0", console=console)
    q.wait_for(r"info: Mote \S+ on Raspberry Pi 3 Model B rev 1\.2, cortex-a53 x4")
    q.wait_for(r"hello: ready")
    q.type(f"typed on {console}\r")
    q.wait_for(rf"^echo: typed on {console}$")


def test_periodic_timer_fires_exactly_the_asked_number_of_times(raspi3):
    q = raspi3("hello", append="ticks=4 interval_ms=30")
    q.wait_for(r"ticks done")
    ticks = [int(n) for n in re.findall(r"info: tick (\d+)", q.output)]
    assert ticks == [1, 2, 3, 4], f"expected ticks 1..4 in order, got {ticks}"


def test_system_timer_interrupt_arrives_through_the_cascade(raspi3):
    # GPU interrupt 1 (BCM2835 controller) behind the BCM2836 local controller's GPU source.
    q = raspi3("hello", append="ticks=0 loglevel=debug")
    m = q.wait_for(r"debug: raspi3: system timer alarm \(GPU interrupt 1\): (\d+) us on the system "
                   r"timer, (\d+) us on the generic timer")
    assert int(m.group(1)) >= 2000, f"expected the alarm 2000 us or more after arming: {m.group(0)}"
    assert "CNTFRQ_EL0 says" not in q.output, f"generic timer frequency reported wrong:\n{q.tail()}"


def test_exit_with_semihosting_gives_the_status(raspi3):
    q = raspi3("hello", append="ticks=0")
    q.wait_for(r"hello: ready")
    q.type("exit\r")
    assert q.wait_exit() == 0, f"expected exit status 0; last lines:\n{q.tail()}"


def test_exit_without_semihosting_powers_off_through_the_watchdog(raspi3):
    # The PM block's "halt" partition plus a watchdog reset: QEMU shuts down, no reboot.
    q = raspi3("hello", append="ticks=0", semihosting=False)
    q.wait_for(r"hello: ready")
    q.type("exit\r")
    q.wait_exit()
    assert q.output.count("Hello from Mote") == 1, f"expected no second boot:\n{q.tail()}"


def test_panic_reboot_resets_the_board_through_the_watchdog(raspi3):
    q = raspi3("crashtest", append="crash=null panic=reboot", semihosting=False)
    q.wait_for(r"MOTE CRASH")
    # The watchdog reset starts the image again: the same report a second time.
    q.wait_for(r"\*\*\* MOTE CRASH[\s\S]*\*\*\* MOTE CRASH")


@pytest.mark.parametrize("kind", CASES)
def test_crash_report_names_exception_and_function(raspi3, kind):
    what, function, extra = CASES[kind]
    q = raspi3("crashtest", append=f"crash={kind}")
    q.wait_for(rf"\*\*\* MOTE CRASH: {what}")
    q.wait_for(r"^ESR_EL1 0x[0-9a-f]+\s+ELR_EL1 0x[0-9a-f]+\s+FAR_EL1 0x[0-9a-f]+\s+SPSR_EL1")
    q.wait_for(r"^x28 0x[0-9a-f]{16}\s+x29 0x[0-9a-f]{16}\s+x30 0x[0-9a-f]{16}")
    q.wait_for(rf"(#\d+\s+|called from: )0x[0-9a-f]+ {function}\+0x")
    if kind != "overflow":
        q.wait_for(r"#\d+\s+0x[0-9a-f]+ service_start\+0x")
    if extra:
        q.wait_for(extra)
    status = q.wait_exit()
    assert status == CRASH_EXIT, f"expected exit status {CRASH_EXIT}, got {status}; last lines:\n{q.tail()}"
