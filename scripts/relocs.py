#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Packs a static PIE's relocations for the boot (arch/aarch64/aslr.c) and
prints the assembly of the table, placed last in the image's rodata.

The image is linked as a static PIE: every pointer in its data is an
R_AARCH64_RELATIVE relocation, which the linker also applies at link time
(the word holds the link-time address). The boot adds the slide to each
word. In ELF's RELA form each one takes 24 bytes (7 KB for the dns image);
in DT_RELR's encoding, which this script writes, a few hundred: a word's
address, then bitmaps of which of the next 63 words need the slide too.

The table has to be made from the first link (like the symbol table,
scripts/symtab.py) and linked into the second, where adding it may move the
data segment to another page. So offsets are kept from the start of the
section they are in, .rodata or .data, whose contents do not move:

    mote_relr_rodata:  uint64 count, then count RELR entries, from .rodata's start
    mote_relr_data:    uint64 count, then count RELR entries, from .data's start

An even entry is an offset (the word there is relocated, then the next
address is 8 bytes on); an odd one is a bitmap: bit i (1..63) relocates the
word i - 1 after the next address, which then moves 63 words on.

    scripts/relocs.py stage1.elf > relocs.S     the table
    scripts/relocs.py --empty > relocs.S          an empty one (the first link)

It refuses (exit 1, naming it) a relocation of another type, one outside
.rodata and .data, or a word that does not hold its addend: the boot could
not apply it.
"""
import struct
import sys

R_AARCH64_NONE = 0
R_AARCH64_RELATIVE = 1027
WORD = 8
BITMAP_WORDS = 63  # the bits of a bitmap entry after its marker bit
SECTIONS = (".rodata", ".data")


class ElfError(Exception):
    pass


def read_sections(data):
    """{name: (address, file offset, size)} of an ELF64 little-endian file."""
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        raise ElfError("not a little-endian ELF64 file")
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    headers = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize)
               for i in range(shnum)]
    strtab = headers[shstrndx]
    names = data[strtab[4]:strtab[4] + strtab[5]]
    sections = {}
    for name, _, _, addr, offset, size, _, _, _, _ in headers:
        end = names.index(b"\0", name)
        sections[names[name:end].decode()] = (addr, offset, size)
    return sections


def relocations(path):
    """{section: [offsets from its start]} of the words the boot must slide."""
    with open(path, "rb") as f:
        data = f.read()
    sections = read_sections(data)
    found = {s: [] for s in SECTIONS}
    if ".rela.dyn" not in sections:
        return found  # a fixed-address image (ASLR=0)
    _, offset, size = sections[".rela.dyn"]
    for i in range(0, size, 24):
        r_offset, r_info, r_addend = struct.unpack_from("<QQq", data, offset + i)
        kind = r_info & 0xFFFFFFFF
        if kind == R_AARCH64_NONE:
            continue
        if kind != R_AARCH64_RELATIVE:
            raise ElfError(f"relocation of type {kind} at {r_offset:#x}: the boot applies "
                           f"only R_AARCH64_RELATIVE ({R_AARCH64_RELATIVE})")
        for name in SECTIONS:
            addr, file_off, sec_size = sections.get(name, (0, 0, 0))
            if addr <= r_offset and r_offset + WORD <= addr + sec_size:
                break
        else:
            raise ElfError(f"relocation at {r_offset:#x} outside {' and '.join(SECTIONS)}")
        word, = struct.unpack_from("<q", data, file_off + r_offset - addr)
        if word != r_addend or r_offset % WORD:
            raise ElfError(f"relocation at {r_offset:#x}: the word holds {word:#x}, not its "
                           f"addend {r_addend:#x} (or is not aligned)")
        found[name].append(r_offset - addr)
    return found


def relr(offsets):
    """DT_RELR's encoding of sorted, aligned offsets."""
    out, i = [], 0
    offsets = sorted(set(offsets))
    while i < len(offsets):
        out.append(offsets[i])
        base = offsets[i] + WORD
        i += 1
        while i < len(offsets):
            bitmap = 0
            while i < len(offsets) and offsets[i] - base < BITMAP_WORDS * WORD:
                bitmap |= 1 << ((offsets[i] - base) // WORD)
                i += 1
            if not bitmap:
                break
            out.append((bitmap << 1) | 1)
            base += BITMAP_WORDS * WORD
    return out


def main(argv):
    found = {s: [] for s in SECTIONS} if argv[1:] == ["--empty"] else None
    if found is None:
        if len(argv) != 2:
            sys.exit(f"usage: {argv[0]} IMAGE.elf | --empty")
        try:
            found = relocations(argv[1])
        except (ElfError, OSError, struct.error, ValueError) as e:
            sys.exit(f"{argv[1]}: {e}")
    print("    .section .mote_relr, \"a\"")
    print("    .balign 8")
    for name in SECTIONS:
        label = "mote_relr" + name.replace(".", "_")
        entries = relr(found[name])
        print(f"    .global {label}")
        # Hidden: the boot finds the table at link time; in the image it is local.
        print(f"    .hidden {label}")
        print(f"{label}:")
        print(f"    .quad {len(entries)}")
        for e in entries:
            print(f"    .quad {e:#x}")
    print("    .section .note.GNU-stack, \"\", %progbits")


if __name__ == "__main__":
    main(sys.argv)
