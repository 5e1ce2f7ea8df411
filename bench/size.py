#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What a Mote image's bytes are: code, read-only data and data by component.

Reads the ELF's symbols (`nm -S`), puts each in a component by the source
file addr2line names for it (the same subsystems as bench/profiler.py), and
prints, per component, the bytes of code (t/T/W), read-only data (r/R) and
initialised data (d/D), with what the flat image (`<service>.img`, what QEMU
is given) adds in alignment between its segments. bss and stacks are not in
the image (zeroed at boot) and are listed apart. Nothing is asserted.

    bench/size.py build/virt/dns.elf [--top 15]
"""

import argparse
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import profiler as prof  # noqa: E402  (classify, source_paths)

KINDS = {"t": "code", "T": "code", "W": "code", "w": "code", "r": "rodata", "R": "rodata",
         "d": "data", "D": "data", "b": "bss", "B": "bss"}


def symbols(elf):
    """[(name, kind, size, address)] of every sized symbol."""
    out = subprocess.run([prof.CROSS + "nm", "-S", "--defined-only", elf], capture_output=True,
                         text=True, check=True).stdout
    syms, seen = [], set()
    for line in out.splitlines():
        f = line.split()
        if len(f) != 4 or f[2] not in KINDS:
            continue
        addr, size = int(f[0], 16), int(f[1], 16)
        if (addr, size) in seen:  # aliases (vfprintf and __d_vfprintf) count once
            continue
        seen.add((addr, size))
        syms.append((f[3], KINDS[f[2]], size, addr))
    return syms


def section_sizes(elf):
    out = subprocess.run([prof.CROSS + "size", "-A", elf], capture_output=True, text=True,
                         check=True).stdout
    sizes = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) >= 2 and f[0].startswith(".") and f[1].isdigit():
            sizes[f[0]] = int(f[1])
    return sizes


def breakdown(elf, root):
    paths = prof.source_paths(elf, root)
    # Objects get no line information from addr2line: name them by what they are.
    comp = {}
    for name, kind, size, _ in symbols(elf):
        sub = prof.classify(paths.get(name, "?"), name)
        c = comp.setdefault(sub, {"code": 0, "rodata": 0, "data": 0, "bss": 0})
        c[kind] += size
    return comp


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("elf")
    p.add_argument("--top", type=int, default=12, help="largest symbols listed")
    a = p.parse_args(argv)
    img = a.elf[:-len(".elf")] + ".img" if a.elf.endswith(".elf") else None
    comp = breakdown(a.elf, os.path.dirname(HERE))
    secs = section_sizes(a.elf)
    in_image = sum(c["code"] + c["rodata"] + c["data"] for c in comp.values())
    img_size = os.path.getsize(img) if img and os.path.exists(img) else None
    print(f"{os.path.basename(a.elf)}: .text {secs.get('.text', 0):,} B, .rodata "
          f"{secs.get('.rodata', 0):,} B, .data {secs.get('.data', 0):,} B"
          + (f"; {os.path.basename(img)} {img_size:,} B" if img_size else ""))
    print(f"{'component':<22} {'code':>9} {'rodata':>9} {'data':>7} {'in image':>9} {'share':>6}"
          f" {'bss':>9}")
    for sub, c in sorted(comp.items(), key=lambda kv: -(kv[1]["code"] + kv[1]["rodata"]
                                                        + kv[1]["data"])):
        total = c["code"] + c["rodata"] + c["data"]
        print(f"{sub:<22} {c['code']:>9,} {c['rodata']:>9,} {c['data']:>7,} {total:>9,} "
              f"{100 * total / max(in_image, 1):>5.1f}% {c['bss']:>9,}")
    sections = secs.get(".text", 0) + secs.get(".rodata", 0) + secs.get(".data", 0)
    print(f"{'(unnamed: padding, literals)':<22} {sections - in_image:>9,}")
    if img_size:
        print(f"{'(alignment in the image)':<22} {img_size - sections:>9,}")
    print(f"\nlargest symbols in the image:")
    syms = [s for s in symbols(a.elf) if s[1] != "bss"]
    for name, kind, size, _ in sorted(syms, key=lambda s: -s[2])[:a.top]:
        print(f"  {size:>7,} {kind:<6} {name}")


if __name__ == "__main__":
    main()
