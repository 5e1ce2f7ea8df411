# SPDX-License-Identifier: MIT
"""bench/boot.py's dns rows, small: the floor image is built and booted, the dns
image boots and answers in the bench's own namespace, and every row is printed
with a number; the traced boot's blocks by phase add up to its total. Speed is
never asserted. Needs root and build/virt/dns.elf (what make run boots on
virt); skipped otherwise with the reason.
"""
import os
import re
import subprocess
import sys

import pytest

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("MOTE_BUILD", os.path.join(TOP, "build", "virt"))
BOOT_PY = os.path.join(TOP, "bench", "boot.py")
ROWS = ("floor: QEMU start", "dns: QEMU start to Mote's first console byte",
        "dns: QEMU start to the first correct answer", "dns: first answer minus floor",
        "dns: first answer / floor", "floor: QEMU's CPU time", "dns: QEMU's CPU time",
        "dns: that minus the floor's", "TCG: one basic block", "TCG: the same in QEMU's CPU",
        "floor: blocks QEMU translated", "dns: blocks QEMU translated",
        "blocks: boot.S, aslr_early", "blocks: event loop to the first answer", "blocks in kernel",
        "dns: their translation", "dns: the same in QEMU's CPU time")
TIMEOUT_S = 300

pytestmark = [
    pytest.mark.skipif(os.geteuid() != 0, reason="needs root for a network namespace and tap"),
    pytest.mark.skipif(not os.path.exists(os.path.join(BUILD, "dns.elf")),
                       reason=f"run `make images` first: {BUILD}/dns.elf"),
]


def namespaces():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return set(re.findall(r"^(mote-bench-\d+)", out, re.M))


def test_dns_rows_are_printed_with_a_number_each_and_nothing_is_left_behind():
    before = namespaces()
    out = subprocess.run([sys.executable, BOOT_PY, "--only-dns", "--dns-boots", "1",
                          "--image-dir", BUILD], capture_output=True, text=True,
                         timeout=TIMEOUT_S)
    assert out.returncode == 0, f"boot.py failed:\n{out.stdout}\n{out.stderr}"
    for row in ROWS:
        m = re.search(re.escape(row) + r".*?\s(-?\d+(\.\d+)?)\s+\w+\s*$", out.stdout, re.M)
        assert m, f"no row {row!r} with a number in:\n{out.stdout}"
    # The floor and the answer are times since QEMU's start: positive, whatever the host.
    floor = float(re.search(r"floor: QEMU start.*?([\d.]+)\s+ms", out.stdout).group(1))
    assert floor > 0, out.stdout
    # Exact counts: every block the traced boot made up to the answer falls in one phase.
    total = int(re.search(r"dns: blocks QEMU translated up to the first answer\s+(\d+)",
                          out.stdout).group(1))
    phases = [int(n) for n in re.findall(r"^  blocks: .*?\s(\d+)\s+blocks$", out.stdout, re.M)]
    assert len(phases) == 8 and sum(phases) == total, \
        f"expected 8 phases adding up to {total} blocks, got {phases}:\n{out.stdout}"
    assert phases[1] > 0 and phases[-1] > 0, f"expected blocks from _start on:\n{out.stdout}"
    leftover = namespaces() - before
    assert not leftover, f"namespaces left behind: {leftover}"
