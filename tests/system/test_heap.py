# SPDX-License-Identifier: MIT
"""The checked heap (kernel/malloc.c): each misuse of malloc is a crash report that names
the misuse, the block and the caller, then the crash exit status."""
import pytest

from qemu import image

CRASH_EXIT = 70  # MOTE_EXIT_CRASH
BLOCK = 32  # HEAP_BLOCK_SIZE in services/crashtest/main.c
HEX = r"0x[0-9a-f]+"

CASES = {
    "double-free": (rf"heap: double free: free\({HEX}\); caller crash_double_free\+0x",
                    "crash_double_free"),
    "heap-overflow": (rf"heap: heap overflow: a write past the end of the {BLOCK}-byte block {HEX} "
                      rf"into the header of {HEX}; found by free from crash_heap_overflow\+0x",
                      "crash_heap_overflow"),
    "interior-free": (rf"heap: free of an interior pointer: free\({HEX}\) is 16 bytes into the "
                      rf"{BLOCK}-byte block {HEX}; caller crash_interior_free\+0x",
                      "crash_interior_free"),
}


@pytest.mark.parametrize("kind", CASES)
def test_heap_misuse_is_reported_with_its_kind_and_caller(qemu, kind):
    message, function = CASES[kind]
    q = qemu(image("crashtest"), append=f"crash={kind}")
    q.wait_for(rf"\*\*\* MOTE CRASH: {message}")
    q.wait_for(r"^exception: brk instruction #0x900")
    q.wait_for(rf"#\d+\s+0x[0-9a-f]+ {function}\+0x")
    status = q.wait_exit()
    assert status == CRASH_EXIT, f"expected exit status {CRASH_EXIT}, got {status}; last lines:\n{q.tail()}"


def test_heap_overflow_names_both_blocks(qemu):
    """The overflowing block is the one below the damaged header, BLOCK + 16 + 8 bytes apart
    at least (the first block, its canary, the second's header)."""
    q = qemu(image("crashtest"), append="crash=heap-overflow")
    m = q.wait_for(rf"block ({HEX}) into the header of ({HEX})")
    first, second = (int(x, 16) for x in m.groups())
    assert second - first >= BLOCK + 24, f"blocks {first:#x} and {second:#x} overlap"
    q.wait_exit()
