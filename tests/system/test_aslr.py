# SPDX-License-Identifier: MIT
"""ASLR (arch/aarch64/aslr.h): on virt the image runs at a different random address on every
boot, and only there; crash reports and addr2line still name its functions. The Pi keeps its
image where the firmware loads it, and says so."""
import re
import socket
import subprocess

from debugimg import debug_image, debug_port_args
from qemu import TIMEOUT_S, free_port, image
from raspi3 import raspi3  # noqa: F401 (fixture)

BOOTS = 8
SLOT_BITS = 30  # ASLR_SLOT_BITS
PAGE = 4096
WINDOW = (1 << 46, (1 << 46) + (PAGE << SLOT_BITS))  # ASLR_VA_BASE and the slots above it
LINK_ADDR = 0x40100000  # IMAGE_LOAD_ADDR on virt: where the ELF says the image is
ASLR_LINE = r"aslr: image at (0x[0-9a-f]+) \(the ELF's addresses \+ (0x[0-9a-f]+)\), (\d+) bits from (.*)$"


def boot_address(qemu, **kwargs):
    q = qemu(image("hello"), append="ticks=0", **kwargs)
    m = q.wait_for(ASLR_LINE)
    q.wait_for(r"Hello from Mote")
    q.stop()
    return int(m.group(1), 16), int(m.group(2), 16), int(m.group(3)), m.group(4)


def test_image_runs_at_a_different_address_on_every_boot(qemu):
    seen = [boot_address(qemu) for _ in range(BOOTS)]
    addrs = [a for a, _, _, _ in seen]
    assert len(set(addrs)) == BOOTS, f"expected {BOOTS} different addresses, got {[hex(a) for a in addrs]}"
    for addr, slide, bits, source in seen:
        assert addr % PAGE == 0 and WINDOW[0] <= addr < WINDOW[1], f"{addr:#x} outside the window"
        assert addr - slide == LINK_ADDR, f"image {addr:#x} and slide {slide:#x} disagree"
        assert bits == SLOT_BITS and source == "the DTB's kaslr-seed", (bits, source)
    # Which address bits vary across the boots: at least 16 (the floor), in practice
    # nearly all 30 (a bit stays the same over 8 random draws with probability 1/128).
    varying = 0
    for a in addrs:
        varying |= a ^ addrs[0]
    print(f"image addresses over {BOOTS} boots: {[hex(a) for a in addrs]}; "
          f"{bin(varying).count('1')} bits vary")
    assert bin(varying).count("1") >= 16, f"only {bin(varying).count('1')} address bits vary"


HEAP_WINDOW = (1 << 45, (1 << 45) + ((2 << 20) << 21))  # HEAP_VA_BASE and its 2 MiB slots


def test_heap_runs_at_a_different_address_on_every_boot(qemu):
    """A block malloc returned, as the heap's report names it, differs on each boot."""
    blocks = []
    for _ in range(4):
        q = qemu(image("crashtest"), append="crash=double-free")
        m = q.wait_for(r"heap: double free: free\((0x[0-9a-f]+)\)")
        blocks.append(int(m.group(1), 16))
        q.stop()
    assert len(set(blocks)) == len(blocks), f"expected different heap addresses: {[hex(b) for b in blocks]}"
    for b in blocks:
        assert HEAP_WINDOW[0] <= b < HEAP_WINDOW[1], f"heap block {b:#x} outside the heap's window"
    # The same 2 MiB offset each time (the slot keeps the RAM's offset, for block mappings).
    assert len({b % (2 << 20) for b in blocks}) == 1


def test_without_kaslr_seed_rndr_or_the_counter_is_used(qemu):
    addr1, _, _, source = boot_address(qemu, machine="virt,dtb-randomness=off", cpu="max")
    assert source == "RNDR", f"expected RNDR on -cpu max without a kaslr-seed, got {source}"
    q = qemu(image("hello"), append="ticks=0", machine="virt,dtb-randomness=off")
    m = q.wait_for(r"warn: " + ASLR_LINE)
    assert m.group(4).startswith("the counter (no kaslr-seed or RNDR: an attacker may guess it)")
    assert int(m.group(1), 16) != addr1


def test_crash_report_names_functions_at_the_random_address_and_gives_the_slide(qemu):
    q = qemu(image("crashtest"), append="crash=null")
    m = q.wait_for(r"^at: (0x[0-9a-f]+) crash_null_dereference\+0x[0-9a-f]+$")
    pc = int(m.group(1), 16)
    s = q.wait_for(r"^image: (0x[0-9a-f]+), the ELF's addresses \+ (0x[0-9a-f]+)$")
    slide = int(s.group(2), 16)
    assert WINDOW[0] <= pc < WINDOW[1], f"pc {pc:#x} is not at a random address"
    out = subprocess.run(["aarch64-linux-gnu-addr2line", "-f", "-e", image("crashtest"),
                          f"{pc - slide:#x}"], capture_output=True, text=True, check=True).stdout
    assert out.startswith("crash_null_dereference\n"), f"addr2line of pc - slide said:\n{out}"
    q.wait_for(r"#\d+\s+0x[0-9a-f]+ service_start\+0x")
    assert q.wait_exit() == 70


def test_image_is_not_also_at_its_elf_address(qemu):
    """The identity alias the boot needed is gone: the ELF's addresses are unmapped, so a
    guess from the ELF file alone reads nothing (asked through the debug image's stub)."""
    port = free_port(socket.SOCK_STREAM)
    q = qemu(debug_image("hello"), append="gdb=serial,wait", extra=debug_port_args(port))
    q.wait_for(r"waiting for the debugger")

    def packet(payload):
        return b"$" + payload + b"#" + b"%02x" % (sum(payload) & 0xff)

    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT_S) as s:
        buf = b""

        def ask(payload):
            nonlocal buf
            s.sendall(packet(payload))
            while True:
                m = re.search(rb"\$([^#]*)#[0-9a-f]{2}", buf)
                if m:
                    buf = buf[m.end():]
                    s.sendall(b"+")
                    return m.group(1)
                chunk = s.recv(4096)
                assert chunk, "the stub closed the line"
                buf += chunk

        slide = int(re.fullmatch(rb"Text=([0-9a-f]+);.*", ask(b"qOffsets")).group(1), 16)
        assert slide, "expected a non-zero slide from qOffsets"
        assert ask(b"m%x,4" % LINK_ADDR) == b"E0e", "the image is still at its ELF address"
        first = ask(b"m%x,4" % (LINK_ADDR + slide))
        assert first == b"%08x" % int.from_bytes(open(debug_image("hello"), "rb").read()[0x1000:0x1004], "big"), \
            f"expected the image's first word at the slid address, got {first!r}"
        s.sendall(packet(b"c"))


def test_aslr_off_keeps_the_image_at_its_elf_address(qemu):
    """For QEMU's own stub with -S, which must place breakpoints before the image runs."""
    q = qemu(image("crashtest"), append="crash=null aslr=off")
    q.wait_for(r"warn: aslr: off \(aslr=off\): the image runs where it was loaded")
    m = q.wait_for(r"^at: (0x[0-9a-f]+) crash_null_dereference\+0x")
    assert int(m.group(1), 16) < WINDOW[0], "expected the ELF's address with aslr=off"
    assert q.wait_exit() == 70


def test_raspi3_keeps_its_image_where_the_firmware_loads_it(raspi3):
    q = raspi3("hello", append="ticks=0")
    q.wait_for(r"aslr: off on this board: the image runs where it was loaded")
    q.wait_for(r"Hello from Mote")
