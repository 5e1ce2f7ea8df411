// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: partition tables (lib/part), which come from any disk
 * put in the machine. The input is the disk, in 512-byte blocks (a last
 * partial block is dropped); the first byte also scales the size the disk
 * claims, so tables that point past the data are read too (those reads fail
 * with -EIO, as a short device's would). Checks the contract: every partition
 * kept is non-empty and lies on the disk, at most PART_MAX of them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/part/part.h"

#define BS 512

struct image {
    const uint8_t *data;
    uint64_t blocks; /* blocks of real data */
};

static int image_read(void *ctx, uint64_t lba, void *buf)
{
    const struct image *im = ctx;
    if (lba >= im->blocks)
        return -EIO;
    memcpy(buf, im->data + lba * BS, BS);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct image im = {.data = data + 1, .blocks = (size - 1) / BS};
    /* The disk claims its real size, or up to 255 times more. */
    uint64_t claimed = im.blocks * (1 + (data[0] & 0x0f)) + (data[0] >> 4);
    uint8_t scratch[BS];
    struct part_table t;
    int err = part_scan(image_read, &im, BS, claimed, scratch, &t);
    if (err != 0 && err != -EIO)
        abort();
    if (err)
        return 0;
    if (t.count > PART_MAX)
        abort();
    for (unsigned i = 0; i < t.count; i++)
        if (t.part[i].count == 0 || t.part[i].first >= claimed ||
            t.part[i].count > claimed - t.part[i].first)
            abort();
    return 0;
}
