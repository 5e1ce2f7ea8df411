# SPDX-License-Identifier: MIT
"""hello boots on every interrupt controller and entry level QEMU virt offers, and reports the machine it found."""
import subprocess

import pytest

from qemu import TIMEOUT_S, image

CRASH_EXIT = 70  # MOTE_EXIT_CRASH

GREETING = r"Hello from Mote on QEMU virt: (\S+) x(\d+), (\d+) MiB RAM"


@pytest.mark.parametrize("gic", [2, 3])
@pytest.mark.parametrize("virtualization", ["off", "on"], ids=["el1", "el2"])
def test_hello_boots_with_gic_and_entry_level(qemu, gic, virtualization):
    q = qemu(image("hello"), append="ticks=0", machine=f"virt,gic-version={gic},virtualization={virtualization}")
    q.wait_for(GREETING)
    q.wait_for(r"hello: ready")


@pytest.mark.parametrize("mem_mib", [64, 300, 2048])
def test_greeting_reports_the_memory_given_with_dash_m(qemu, mem_mib):
    q = qemu(image("hello"), append="ticks=0", mem=f"{mem_mib}M")
    m = q.wait_for(GREETING)
    assert int(m.group(3)) == mem_mib, f"expected {mem_mib} MiB in the greeting, got: {m.group(0)}"


@pytest.mark.parametrize("cpu", ["cortex-a53", "cortex-a57", "cortex-a72"])
def test_greeting_names_the_cpu(qemu, cpu):
    q = qemu(image("hello"), append="ticks=0", cpu=cpu)
    m = q.wait_for(GREETING)
    assert m.group(1) == cpu and m.group(2) == "1", f"expected {cpu} x1, got: {m.group(0)}"


def test_raw_image_with_arm64_header_boots(qemu):
    q = qemu(image("hello", "img"), append="ticks=0", mem="256M")
    q.wait_for(GREETING)
    q.wait_for(r"hello: ready")


def test_image_header_says_arm64_image():
    with open(image("hello", "img"), "rb") as f:
        header = f.read(64)
    assert header[56:60] == b"ARM\x64", "expected the arm64 Image magic at offset 56"
    text_offset = int.from_bytes(header[8:16], "little")
    image_size = int.from_bytes(header[16:24], "little")
    # platform/virt/memmap.h: 1 MiB, right above the DTB QEMU puts at the base of RAM
    assert text_offset == 0x100000, f"expected text_offset 0x100000, got {text_offset:#x}"
    assert image_size >= 4096, f"expected image_size to cover the image, got {image_size}"


def test_no_elf_segment_is_writable_and_executable():
    out = subprocess.run(["aarch64-linux-gnu-readelf", "-lW", image("hello")], check=True,
                         capture_output=True, text=True).stdout
    loads = [l for l in out.splitlines() if l.strip().startswith("LOAD")]
    assert loads, f"expected LOAD segments in:\n{out}"
    for l in loads:
        flags = l.split()[-2]  # LOAD off vaddr paddr filesz memsz FLAGS align
        assert not ("W" in flags and "E" in flags), f"W+X segment: {l}"


def test_debug_log_level_from_boot_arguments(qemu):
    q = qemu(image("hello"), append="ticks=0 loglevel=debug")
    q.wait_for(r"debug: heap \d+ KiB, args \"ticks=0 loglevel=debug\"")


def test_unknown_log_level_is_named_in_a_warning(qemu):
    q = qemu(image("hello"), append="ticks=0 loglevel=loud")
    q.wait_for(r"warn: boot: loglevel=loud unknown; expected error\|warn\|info\|debug")
    q.wait_for(r"hello: ready")


def test_bad_service_argument_is_named_and_survived(qemu):
    q = qemu(image("hello"), append="ticks=many")
    q.wait_for(r"warn: ticks: expected a number")
    q.wait_for(r"hello: ready")


def test_extra_cores_are_counted_and_parked(qemu):
    q = qemu(image("hello"), append="ticks=2 interval_ms=20", extra=("-smp", "4"))
    m = q.wait_for(GREETING)
    assert m.group(2) == "4", f"expected x4 cores in the greeting, got: {m.group(0)}"
    q.wait_for(r"ticks done")


def virt_dts_with(tmp_path, extra):
    """QEMU virt's own device tree (dumpdtb) with extra nodes under the root, compiled."""
    dumped = tmp_path / "virt.dtb"
    subprocess.run(["qemu-system-aarch64", "-M", f"virt,dumpdtb={dumped}", "-cpu", "cortex-a53",
                    "-m", "128M", "-display", "none", "-nic", "none"],
                   check=True, capture_output=True, timeout=TIMEOUT_S)
    dts = subprocess.run(["dtc", "-q", "-I", "dtb", "-O", "dts", str(dumped)],
                         check=True, capture_output=True, text=True).stdout
    end = dts.rindex("};")
    out = tmp_path / "big.dtb"
    subprocess.run(["dtc", "-q", "-I", "dts", "-O", "dtb", "-o", str(out)],
                   input=dts[:end] + extra + dts[end:], check=True, text=True)
    return out


# More nodes than platform/virt's index holds (512), and deeper than DEVTREE_MAX_DEPTH (16).
UNREADABLE_TREES = {
    "wide": "filler {" + "".join(f"n{k} {{ }};" for k in range(600)) + "};",
    "deep": "".join(f"d{k} {{ " for k in range(20)) + "}; " * 20,
}


@pytest.mark.parametrize("shape", UNREADABLE_TREES)
def test_a_device_tree_the_board_cannot_read_stops_the_boot_with_a_reason(qemu, tmp_path, shape):
    """Before the console exists, semihosting says why, and the run ends with the crash status."""
    dtb = virt_dts_with(tmp_path, UNREADABLE_TREES[shape])
    q = qemu(image("hello"), extra=("-dtb", str(dtb)))
    q.wait_for(r"\*\*\* MOTE STOPPED before the console: no RAM found: no device tree, or one "
               r"this board cannot read")
    status = q.wait_exit()
    assert status == CRASH_EXIT, f"expected exit status {CRASH_EXIT}, got {status}; last lines:\n{q.tail()}"
