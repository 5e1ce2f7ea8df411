#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Turns a FAT image into tests/fuzz/fuzz_fat.c's sparse form: a 4-byte sector
count, then each non-zero 512-byte sector as its 4-byte number and its bytes.
Usage: fat_seed.py IMAGE SEED"""
import struct
import sys

SECTOR = 512


def main():
    image, seed = sys.argv[1], sys.argv[2]
    with open(image, "rb") as f:
        data = f.read()
    sectors = len(data) // SECTOR
    out = [struct.pack("<I", sectors - 1)]  # the target adds one
    zero = bytes(SECTOR)
    for n in range(sectors):
        chunk = data[n * SECTOR:(n + 1) * SECTOR]
        if chunk != zero:
            out.append(struct.pack("<I", n) + chunk)
    with open(seed, "wb") as f:
        f.write(b"".join(out))


if __name__ == "__main__":
    main()
