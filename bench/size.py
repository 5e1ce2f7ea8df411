#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What a Mote image's bytes are: code, read-only data and data by component.

Reads the ELF's symbols (`nm -S`), puts each in a component by the source
file addr2line names for it (the same subsystems as bench/profiler.py), and
prints, per component, the bytes of code (t/T/W), read-only data (r/R) and
initialised data (d/D), with what the flat image (`<service>.img`, what QEMU
is given) adds in alignment between its segments. What no symbol names is
broken down too: the embedded symbol table, the relocations ASLR applies,
string literals and constants, padding between functions, the GOT. bss and stacks are not in the
image (zeroed at boot) and are listed apart. The image's size is printed as a
ratio to a target (issue 15: dns.img at most 150 KB). Nothing is asserted.

    bench/size.py build/virt/dns.elf [--top 15] [--target-kb 150]
"""

import argparse
import gzip
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


def section_spans(elf):
    """{name: (address, size)} of the sections that take room in memory (SHF_ALLOC)."""
    out = subprocess.run([prof.CROSS + "readelf", "-SW", elf], capture_output=True, text=True,
                         check=True).stdout
    spans = {}
    for line in out.splitlines():
        f = line.replace("[ ", "[").split()
        # [Nr] Name Type Address Off Size ES Flg ...
        if len(f) >= 8 and f[0].startswith("[") and f[1].startswith(".") and "A" in f[7]:
            spans[f[1]] = (int(f[3], 16), int(f[5], 16))
    return spans


def all_symbols(elf):
    """{name: address} of every symbol, sized or not (the linker script's labels too)."""
    out = subprocess.run([prof.CROSS + "nm", "--defined-only", elf], capture_output=True,
                         text=True, check=True).stdout
    return {f[2]: int(f[0], 16) for f in (line.split() for line in out.splitlines())
            if len(f) == 3}


VECTORS_ALIGN = 2048


def text_file_offset(elf):
    """The file offset of .text in the ELF."""
    out = subprocess.run([prof.CROSS + "readelf", "-SW", elf], capture_output=True, text=True,
                         check=True).stdout
    for line in out.splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) >= 6 and f[1] == ".text":
            return int(f[4], 16)
    return 0


def text_uncovered(elf, start, end):
    """[(what, bytes)]: the bytes of [start, end) of .text that no sized function covers,
    as assembly without symbol sizes (the boot code, the exception vectors: from an
    unsized label on), the alignment the vectors need (VBAR_EL1: 2 KiB) before them, and
    padding between functions."""
    out = subprocess.run([prof.CROSS + "nm", "-n", "-S", "--defined-only", elf],
                         capture_output=True, text=True, check=True).stdout
    marks = []  # (address, size or None, name) of the code symbols, by address
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tTW":
            marks.append((int(f[0], 16), int(f[1], 16), f[3]))
        elif len(f) == 3 and f[1] in "tTW" and not f[2].startswith(("$", ".L")):
            marks.append((int(f[0], 16), None, f[2]))
    asm = vector_align = pad = 0
    vectors = next((a for a, _, n in marks if n == "exception_vectors"), None)
    if vectors is not None:
        # The linker fills the vectors' alignment with zeros, which no instruction is: the
        # run of zero words before them, after the (unsized) boot code.
        with open(elf, "rb") as f:
            offset = text_file_offset(elf)
            f.seek(offset + max(vectors - VECTORS_ALIGN, start) - start)
            before = f.read(vectors - max(vectors - VECTORS_ALIGN, start))
        zeros = len(before) - len(before.rstrip(b"\0")) & ~3
        vector_align = zeros
    covered = start
    label = False  # the uncovered bytes from here on follow an unsized label
    for addr, size, name in marks + [(end, 0, None)]:
        if addr < start or addr > end:
            continue
        if addr > covered:
            if label:
                asm += addr - covered - (vector_align if name == "exception_vectors" else 0)
            elif name == "exception_vectors":
                pass  # all of it is the vectors' alignment, counted above
            else:
                pad += addr - covered
            covered = addr
        if size is None:
            label = True
        elif size:
            label = False
            covered = max(covered, addr + size)
    return [("text: assembly without symbol sizes (boot code, exception vectors)", asm),
            ("text: alignment of the exception vectors (VBAR_EL1: 2 KiB)", vector_align),
            ("text: padding between functions", pad)]


def text_before_vectors(elf, syms):
    """(bytes, vectors): the end of .text's code before the exception vectors, from .text's
    start, and the room the vectors take at the end (a VECTORS_ALIGN block: the code's end
    rounded up to it is where they go). Without vectors last: (.text's size, 0)."""
    spans = section_spans(elf)
    start, size = spans.get(".text", (0, 0))
    vectors = all_symbols(elf).get("exception_vectors")
    if vectors is None or start + size - vectors > VECTORS_ALIGN:
        return size, 0
    end = max((a + n for _, k, n, a in syms if k == "code" and start <= a < vectors),
              default=start)
    return end - start, VECTORS_ALIGN


# Sections of the image that hold no symbols of their own, and what they are.
UNNAMED_SECTIONS = [(".rela.dyn", "relocations (ASLR applies them at boot)"),
                    (".relr.dyn", "relocations, packed"),
                    (".dynsym", "dynamic symbols (static PIE)"),
                    (".dynstr", "dynamic strings (static PIE)"),
                    (".gnu.hash", "dynamic hash (static PIE)"),
                    (".hash", "dynamic hash (static PIE)")]


def unnamed(elf, syms):
    """[(what, bytes)]: the bytes of .text, .rodata and .data no sized symbol covers."""
    spans = section_spans(elf)
    labels = all_symbols(elf)
    rows = []
    for sec, kinds in ((".text", ("code",)), (".rodata", ("rodata",)), (".data", ("data",))):
        if sec not in spans:
            continue
        start, size = spans[sec]
        named = sum(s for _, k, s, a in syms if k in kinds and start <= a < start + size)
        rest = size - named
        if sec == ".text":
            parts = text_uncovered(elf, start, start + size)
            rows += parts
            other = rest - sum(b for _, b in parts)  # below 0: symbols that overlap
            if other > 0:
                rows.append(("text: other bytes without a symbol", other))
        elif sec == ".rodata":
            table = relocs = 0
            if "mote_symtab_size" in labels:  # the table is last in .rodata (image.ld.in)
                table = start + size - labels["mote_symtab_size"]
                rows.append(("rodata: embedded symbol table (kernel/symtab.h)", table))
                if "mote_relr_rodata" in labels:  # just before it
                    relocs = labels["mote_symtab_size"] - labels["mote_relr_rodata"]
                    rows.append(("rodata: relocations, packed (scripts/relocs.py)", relocs))
            rows.append(("rodata: string literals, constants", rest - table - relocs))
        else:
            rows.append(("data: GOT, pointer tables (no symbol sizes)", rest))
    end = labels.get("__image_end")
    for sec, what in UNNAMED_SECTIONS:
        if sec in spans and spans[sec][1] and (end is None or spans[sec][0] < end):
            rows.append((f"{sec}: {what}", spans[sec][1]))
    return rows


def elf_only(elf):
    """[(section, bytes)] of the allocated sections past the image's end: in the ELF for the
    build's tools (the linker's relocations, which scripts/relocs.py packs), not in the .img."""
    spans = section_spans(elf)
    end = all_symbols(elf).get("__image_end")
    if end is None:
        return []
    return [(name, size) for name, (addr, size) in sorted(spans.items(), key=lambda kv: kv[1][0])
            if addr >= end and size]


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
    p.add_argument("--target-kb", type=float, default=150,
                   help="the image's target size in KB of 1,000 bytes (issue 15: 150)")
    a = p.parse_args(argv)
    img = a.elf[:-len(".elf")] + ".img" if a.elf.endswith(".elf") else None
    comp = breakdown(a.elf, os.path.dirname(HERE))
    secs = section_sizes(a.elf)
    syms = symbols(a.elf)
    in_image = sum(c["code"] + c["rodata"] + c["data"] for c in comp.values())
    img_size = os.path.getsize(img) if img and os.path.exists(img) else None
    print(f"{os.path.basename(a.elf)}: .text {secs.get('.text', 0):,} B, .rodata "
          f"{secs.get('.rodata', 0):,} B, .data {secs.get('.data', 0):,} B"
          + (f"; {os.path.basename(img)} {img_size:,} B" if img_size else ""))
    if img_size and a.target_kb:
        target = int(a.target_kb * 1000)
        print(f"{os.path.basename(img)}: {img_size / target:.2f}x the {a.target_kb:g} KB target "
              f"({target:,} B): {img_size - target:+,} B")
    if img_size:
        # The image stores .rodata right after the exception vectors and .data right
        # after .rodata (image.ld.in; boot.S moves them to their pages), so every byte
        # counts, except in .text: its code ends where the vectors' 2 KiB block starts,
        # so code saved there shows only when the vectors move down a block.
        code, tail = text_before_vectors(a.elf, syms)
        if tail:
            blocks = -(-code // VECTORS_ALIGN)
            print(f"steps: .text's code {blocks * VECTORS_ALIGN - code:,} B below the next "
                  f"{VECTORS_ALIGN:,} B step of the vectors, {code - (blocks - 1) * VECTORS_ALIGN:,}"
                  " B over the one before; .rodata and .data count byte for byte")
        with open(img, "rb") as f:
            packed = len(gzip.compress(f.read(), compresslevel=9, mtime=0))
        print(f"{os.path.basename(img)} compressed with gzip -9: {packed:,} B (what a registry "
              "layer carries; for information, not the target, which is the image QEMU loads)")
    print(f"{'component':<22} {'code':>9} {'rodata':>9} {'data':>7} {'in image':>9} {'share':>6}"
          f" {'bss':>9}")
    for sub, c in sorted(comp.items(), key=lambda kv: -(kv[1]["code"] + kv[1]["rodata"]
                                                        + kv[1]["data"])):
        total = c["code"] + c["rodata"] + c["data"]
        print(f"{sub:<22} {c['code']:>9,} {c['rodata']:>9,} {c['data']:>7,} {total:>9,} "
              f"{100 * total / max(in_image, 1):>5.1f}% {c['bss']:>9,}")
    rows = unnamed(a.elf, syms)
    print(f"\nwithout a symbol of their own ({sum(b for _, b in rows):,} B):")
    for what, size in rows:
        print(f"  {size:>9,}  {what}")
    outside = elf_only(a.elf)
    if img_size:
        spans = section_spans(a.elf)
        loaded = sum(size for name, (addr, size) in spans.items()
                     if name not in (".bss", ".tbss", ".stacks"))
        loaded -= sum(size for _, size in outside)
        print(f"  {img_size - loaded:>9,}  alignment: rodata and data stored 16-byte aligned")
    if outside:
        print("in the ELF only, past the image (not in the .img): "
              + ", ".join(f"{name} {size:,} B" for name, size in outside))
    print(f"\nlargest symbols in the image:")
    syms = [s for s in syms if s[1] != "bss"]
    for name, kind, size, _ in sorted(syms, key=lambda s: -s[2])[:a.top]:
        print(f"  {size:>7,} {kind:<6} {name}")


if __name__ == "__main__":
    main()
