#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks that every function of a Mote image that is reached through a
pointer starts with a BTI landing pad, and exits 1 naming any that does not.

All of an image's code is on guarded pages (arch/aarch64/image.ld.in, pauth.h):
on a CPU with BTI, an indirect branch (blr, br) must land on `bti c`/`bti j`/
`bti jc` or on `paciasp`/`pacibsp`, which are landing pads too. Mote's C code
gets them from -mbranch-protection=standard. Debian's picolibc is built without
them, and calls a few of its own functions through pointers (tinystdio's
string streams: __file_str_put, __file_str_get); arch/aarch64/libc_bti.S
gives those a landing pad of their own (mk/image.mk: LIBC_BTI_WRAP), so a
function of picolibc that is not wrapped and becomes a pointer's target here,
after a picolibc update or a new call, would fault only on a CPU with BTI,
the default virt CPU (a Cortex-A53) runs the pads as hints. This check finds it
at build time instead.

A function is a pointer's target when its address is taken: an adr, or an adrp
and add pair, in code computes it, or a word of data holds it (an
R_AARCH64_RELATIVE relocation of the static PIE, whose addend is the address).
Only sized functions (STT_FUNC: nm's t/T with a size) are checked; the boot
code's labels and the exception vectors are not branched to through pointers.

    scripts/landing_pads.py image.elf
"""
import re
import subprocess
import sys

CROSS = "aarch64-linux-gnu-"
PADS = ("bti\tc", "bti\tj", "bti\tjc", "bti", "paciasp", "pacibsp")
# objdump's "hint #N" spellings of the same pads, if it prints them that way
PAD_HINTS = {"hint\t#0x22", "hint\t#0x24", "hint\t#0x26", "hint\t#0x19", "hint\t#0x1b"}


def run(*args):
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def functions(elf):
    """{address: name} of the sized functions in .text."""
    out = run(CROSS + "nm", "-S", "--defined-only", elf)
    funcs = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tTW" and int(f[1], 16) > 0:
            funcs.setdefault(int(f[0], 16), f[3])
    return funcs


def code(elf):
    """[(address, mnemonic and operands)] of every instruction in .text."""
    out = run(CROSS + "objdump", "-d", "--no-show-raw-insn", "-j", ".text", elf)
    insns = []
    for line in out.splitlines():
        m = re.match(r"^\s*([0-9a-f]+):\t(.*)$", line)
        if m:
            insns.append((int(m.group(1), 16), m.group(2).split("//")[0].strip()))
    return insns


def address_taken(insns, elf):
    """{address: where} of the code addresses computed by code or held in data."""
    taken = {}
    pages = {}  # register -> the page an adrp put there, while nothing else wrote it
    for addr, text in insns:
        op = text.split()[0] if text else ""
        m = re.match(r"^adrp\s+(x\d+), ([0-9a-f]+)", text)
        if m:
            pages[m.group(1)] = int(m.group(2), 16)
            continue
        m = re.match(r"^add\s+(x\d+), (x\d+), #0x([0-9a-f]+)$", text)
        if m and m.group(2) in pages:
            taken.setdefault(pages[m.group(2)] + int(m.group(3), 16), f"code at {addr:#x}")
        m = re.match(r"^adr\s+(x\d+), ([0-9a-f]+)", text)
        if m:
            taken.setdefault(int(m.group(2), 16), f"code at {addr:#x}")
        if op.startswith(("b", "cb", "tb", "ret")) and op not in ("bic", "bics", "bfi", "bfxil",
                                                                  "bfm", "bif", "bit", "bsl"):
            pages.clear()  # a branch: what the registers hold after it is not known here
            continue
        # Any other instruction that writes a register (its first operand, but for
        # stores, whose first operand is read) ends what the adrp gave it.
        m = re.match(r"^\S+\s+[xw](\d+)", text)
        if m and not op.startswith(("st", "cmp", "cmn", "tst", "prfm")):
            pages.pop("x" + m.group(1), None)
    out = run(CROSS + "readelf", "-rW", elf)
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 4 and f[2] == "R_AARCH64_RELATIVE":
            taken.setdefault(int(f[3], 16), f"a pointer at {int(f[0], 16):#x}")
    return taken


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1].strip())
    elf = argv[1]
    funcs = functions(elf)
    insns = code(elf)
    first = {}
    for addr, text in insns:
        if addr in funcs:
            first[addr] = text
    bad = []
    for target, where in sorted(address_taken(insns, elf).items()):
        if target not in funcs or target not in first:
            continue
        text = first[target]
        if text in PADS or text.split()[0] in ("paciasp", "pacibsp") or text in PAD_HINTS:
            continue
        bad.append(f"{funcs[target]} ({target:#x}, taken by {where}) starts with '{text}'")
    if bad:
        print(f"{elf}: functions reached through pointers without a BTI landing pad "
              "(scripts/landing_pads.py says why that faults on a CPU with BTI):", file=sys.stderr)
        for b in bad:
            print("  " + b, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv)
