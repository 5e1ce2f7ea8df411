#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Seeds for tests/fuzz/fuzz_sdcard.c: a 1 GiB SDHC card's answers, then an
SDSC card whose CSD claims 64 GiB, each through identification and the target's
three transfers. Writes the seeds into the folder named by argv[1]."""
import struct
import sys


def answer(r0=0, r1=0, r2=0, r3=0, outcome=0, data=None):
    out = bytes([outcome]) + struct.pack("<4I", r0, r1, r2, r3)
    return out + (data if data is not None else b"")


def card(hcs, csd):
    tran = (1 << 8) | (4 << 9)           # ready for data, in the transfer state
    ocr = (1 << 31) | 0x00ff8000 | (hcs << 30)
    steps = [answer(),                    # CMD0
             answer(0x1aa),               # CMD8: the pattern echoed
             answer(), answer(ocr),       # CMD55, ACMD41: powered up
             answer(),                    # CMD2: CID
             answer(0x1234 << 16),        # CMD3: the card's address
             answer(*csd),                # CMD9: CSD
             answer()]                    # CMD7
    if not hcs:
        steps.append(answer())            # CMD16
    block = bytes(range(256)) * 2
    steps += [answer(data=block), answer(data=block),   # two reads
              answer(), answer(tran)]                   # a write, then CMD13
    return b"".join(steps)


def main():
    folder = sys.argv[1]
    # CSD 2.0 (bit 126 -> resp[3] bit 22), C_SIZE 1023 (bits 69:48 -> resp[1] bits 29:8)
    sdhc = (0, 1023 << 8, 0, 1 << 22)
    # CSD 1.0 with the reserved READ_BL_LEN 15 (bits 83:80 -> resp[2] bits 11:8),
    # C_SIZE 4095 (bits 73:62 -> resp[1] bits 31:22, resp[2] bits 1:0), C_SIZE_MULT 7
    # (bits 49:47 -> resp[1] bits 9:7): 64 GiB claimed by a byte-addressed card
    sdsc = (0, (0x3ff << 22) | (7 << 7), (15 << 8) | 0x3, 0)
    with open(f"{folder}/sdhc", "wb") as f:
        f.write(card(1, sdhc))
    with open(f"{folder}/sdsc", "wb") as f:
        f.write(card(0, sdsc))


main()
