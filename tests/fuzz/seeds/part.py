#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Seeds for tests/fuzz/fuzz_part.c: small disks with an MBR (two primary
partitions and an extended one holding two logical ones) and with a GPT
(protective MBR, primary header and entries, backup at the last block),
each correct, and the GPT again with its primary header damaged, so that
the fuzzer starts past the signatures and CRCs.
The target's input is one byte (how much larger the disk claims to be: 0
here) and then the disk. Writes the seeds into the folder named by argv[1]."""
import os
import struct
import sys
import zlib

BS = 512
GPT_ENTRIES = 4     # few entries, so the array fits one block
GPT_ENTRY = 128


def mbr_entry(ptype, first, count, status=0):
    return struct.pack("<B3sB3sII", status, b"\0" * 3, ptype, b"\0" * 3, first, count)


def boot_record(entries):
    table = b"".join(entries).ljust(64, b"\0")
    return (b"\0" * 446 + table + b"\x55\xaa")


def mbr_disk():
    blocks = 64
    disk = bytearray(blocks * BS)
    disk[0:BS] = boot_record([mbr_entry(0x0c, 2, 8, 0x80), mbr_entry(0x83, 10, 8),
                              mbr_entry(0x0f, 20, 40)])
    # The extended partition's chain: logical 1 at 21+1, then the next EBR at 20+20.
    disk[20 * BS:21 * BS] = boot_record([mbr_entry(0x83, 1, 8), mbr_entry(0x05, 20, 20)])
    disk[40 * BS:41 * BS] = boot_record([mbr_entry(0x0c, 1, 8)])
    return bytes(disk)


def gpt_header(my_lba, alt_lba, entries_lba, last_usable, entries_crc):
    fields = struct.pack("<8sIIIIQQQQ16sQIII", b"EFI PART", 0x00010000, 92, 0, 0,
                         my_lba, alt_lba, 3, last_usable, bytes(range(16)),
                         entries_lba, GPT_ENTRIES, GPT_ENTRY, entries_crc)
    crc = zlib.crc32(fields)
    fields = fields[:16] + struct.pack("<I", crc) + fields[20:]
    return fields.ljust(BS, b"\0")


def gpt_disk():
    blocks = 64
    last = blocks - 1
    disk = bytearray(blocks * BS)
    disk[0:BS] = boot_record([mbr_entry(0xee, 1, blocks - 1)])
    linux = bytes.fromhex("af3dc60f838472478e793d69d8477de4")
    esp = bytes.fromhex("28732ac11ff8d211ba4b00a0c93ec93b")
    entries = b"".join([
        esp + bytes(16) + struct.pack("<QQQ", 3, 20, 0) + "boot".encode("utf-16-le").ljust(72, b"\0"),
        linux + bytes(16) + struct.pack("<QQQ", 21, 58, 0) + "root".encode("utf-16-le").ljust(72, b"\0"),
    ]).ljust(GPT_ENTRIES * GPT_ENTRY, b"\0")
    crc = zlib.crc32(entries)
    disk[1 * BS:2 * BS] = gpt_header(1, last, 2, last - 2, crc)
    disk[2 * BS:2 * BS + len(entries)] = entries
    disk[(last - 1) * BS:(last - 1) * BS + len(entries)] = entries
    disk[last * BS:(last + 1) * BS] = gpt_header(last, 1, last - 1, last - 2, crc)
    return bytes(disk)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    gpt = gpt_disk()
    # The primary header damaged: the backup at the last block is read instead.
    backup = gpt[:BS + 16] + bytes(4) + gpt[BS + 20:]
    for name, disk in (("mbr", mbr_disk()), ("gpt", gpt), ("gpt-backup", backup)):
        with open(os.path.join(out, name), "wb") as f:
            f.write(b"\0" + disk)


if __name__ == "__main__":
    main()
