#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turns `nm -n -S --defined-only IMAGE` (on stdin) into the assembly of the
image's embedded symbol table, in the compact form kernel/symtab.h describes.
Only code symbols are kept; with no input it emits an empty table, which the
image's first link uses.

The names are most of a table (about 12 KiB of 25 for the dns image in the
plain form it replaced: 16-byte entries and NUL-terminated names). Three
steps make them small:
- a name is stored as what it does not share with the previous function's
  (functions of one file follow each other: tcp_input, tcp_receive, ...),
  with the length of the shared part;
- the characters the image's names use (about 40 of 128) are renumbered from
  0, so every other byte value is free to stand for a pair;
- the rest is compressed by byte-pair encoding, as Linux's kallsyms does:
  each free byte value stands for a pair of bytes, the pair most frequent at
  the time it was chosen.
Addresses and sizes are small variable-length numbers relative to the
previous function, since functions follow each other, in units of 4 bytes
(AArch64's instructions), and a function that starts where the previous one
ends (most do) has no gap at all: a bit of its head byte says.

    nm -n -S --defined-only stage1.elf | scripts/symtab.py > symtab.S
"""
import collections
import sys

BYTE_VALUES = 0x100  # a name byte: a character (below the alphabet's size) or a pair
NAME_MAX = 127  # kernel/symtab.h SYMTAB_NAME_MAX: longer names are cut
PAIR_MIN = 3  # a pair seen fewer times saves less than its table entry costs
PREFIX_MIN = 3  # a shared prefix shorter than this saves no more than its byte costs
CODE_TYPES = "tTW"
HEAD_GAP = 0x80  # kernel/symtab.h SYMTAB_HEAD_GAP: in the head byte, a gap follows
HEAD_PREFIX = 0x40  # SYMTAB_HEAD_PREFIX: the shared prefix's length follows
HEAD_LEN = 0x3F  # SYMTAB_HEAD_LEN: the stored name's length, or this and a uleb128 length
SHIFT_CODE = 2  # 4-byte units when every address and size is a multiple of 4


def code_symbols(lines):
    """[(address, size, name)] of the code symbols, in nm -n's address order."""
    syms = []
    for line in lines:
        f = line.split()
        # With -S: "addr size type name"; symbols without a size: "addr type name".
        if len(f) == 4 and f[2] in CODE_TYPES:
            addr, size, name = int(f[0], 16), int(f[1], 16), f[3]
        elif len(f) == 3 and f[1] in CODE_TYPES:
            addr, size, name = int(f[0], 16), 0, f[2]
        else:
            continue
        if name[0] in "$.":  # mapping symbols and local labels
            continue
        syms.append((addr, size, name.encode("ascii", "replace")[:NAME_MAX]))
    return syms


def replace_pair(seq, pair, token):
    out, i = bytearray(), 0
    while i < len(seq):
        if i + 1 < len(seq) and seq[i] == pair[0] and seq[i + 1] == pair[1]:
            out.append(token)
            i += 2
        else:
            out.append(seq[i])
            i += 1
    return out


def byte_pair_encode(names, first):
    """The pair table and each name encoded with it: byte values from first on stand for
    pairs (the names' own bytes are below first)."""
    seqs = [bytearray(n) for n in names]
    pairs = []
    while first + len(pairs) < BYTE_VALUES - 1:  # the table's u8 count: at most 255
        counts = collections.Counter()
        for s in seqs:
            counts.update(zip(s, s[1:]))
        if not counts:
            break
        # The most frequent pair; ties broken by value, so the output is reproducible.
        pair, n = min(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        if n < PAIR_MIN:
            break
        token = first + len(pairs)
        pairs.append(pair)
        seqs = [replace_pair(s, pair, token) for s in seqs]
    return pairs, seqs


def shared_prefix(a, b):
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


def uleb128(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return out


def sleb128(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return out
        out.append(b | 0x80)


def encode(syms):
    """The table's bytes (kernel/symtab.h): the alphabet, the pair table, the count, then per
    function its head, its gap after the previous one's end, its size and its name's part
    that the previous name does not start with."""
    names = [name for _, _, name in syms]
    alphabet = sorted(set(b for n in names for b in n))
    index = {c: i for i, c in enumerate(alphabet)}
    prefixes, rests, prev = [], [], b""
    for name in names:
        shared = shared_prefix(prev, name)
        shared = shared if shared >= PREFIX_MIN else 0
        prefixes.append(shared)
        rests.append(bytes(index[c] for c in name[shared:]))
        prev = name
    pairs, rests = byte_pair_encode(rests, len(alphabet))
    out = bytearray([len(alphabet)]) + bytes(alphabet)
    out.append(len(pairs))
    for a, b in pairs:
        out += bytes([a, b])
    unit = 1 << SHIFT_CODE
    shift = SHIFT_CODE if all(a % unit == 0 and s % unit == 0 for a, s, _ in syms) else 0
    out.append(shift)
    out += uleb128(len(syms))
    prev_end = 0
    for (addr, size, _), shared, rest in zip(syms, prefixes, rests):
        gap = addr - prev_end  # negative for aliases and nested labels
        length = min(len(rest), HEAD_LEN)
        out.append(length | (HEAD_GAP if gap else 0) | (HEAD_PREFIX if shared else 0))
        if length == HEAD_LEN:
            out += uleb128(len(rest))
        if shared:
            out.append(shared)
        if gap:
            out += sleb128(gap >> shift)
        out += uleb128(size >> shift)
        out += rest
        prev_end = addr + size
    return out


def main():
    table = encode(code_symbols(sys.stdin))
    print("    .section .mote_symtab, \"a\"")
    print("    .global mote_symtab, mote_symtab_size")
    # Hidden: the kernel finds the table at link time; in the image it is local.
    print("    .hidden mote_symtab, mote_symtab_size")
    print("    .balign 8")
    print("mote_symtab_size:")
    print(f"    .quad {len(table)}")
    print("mote_symtab:")
    for i in range(0, len(table), 16):
        print("    .byte " + ", ".join(str(b) for b in table[i:i + 16]))
    # The table is data: no executable stack wanted (host links of the unit test warn without).
    print("    .section .note.GNU-stack, \"\", %progbits")


if __name__ == "__main__":
    main()
