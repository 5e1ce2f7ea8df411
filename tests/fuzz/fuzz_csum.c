// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the parse behind checksum offload (net/csum.c) on any
 * frame, in a heap block of its exact size so ASan sees any read past it.
 * The first byte says how much of the frame is "in the first piece" (avail).
 * Checked: a located checksum field lies inside the frame and the datagram
 * within it; completing it there and locating again gives the same place,
 * and the datagram then sums to zero with its pseudo-header; a partial
 * checksum anywhere is completed only inside the frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "net/csum.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 5)
        return 0;
    size_t avail = data[0] * 4u;
    uint16_t start = (uint16_t)(data[1] << 8 | data[2]),
             offset = (uint16_t)(data[3] << 8 | data[4]);
    data += 5;
    size -= 5;
    uint8_t *frame = malloc(size ? size : 1);
    if (!frame)
        return 0;
    memcpy(frame, data, size);
    struct csum_l4 l4;
    if (csum_locate(frame, avail, size, &l4) == 0) {
        if ((size_t)l4.start + l4.len > size || l4.offset + 2u > l4.len ||
            (size_t)l4.start + l4.offset + 2 > (avail < size ? avail : size))
            abort();
        uint16_t pseudo = csum_l4_pseudo(frame, &l4);
        memcpy(frame + l4.start + l4.offset, &pseudo, sizeof(pseudo));
        if (csum_complete(frame, (size_t)l4.start + l4.len, l4.start, l4.offset) != 0)
            abort();
        struct csum_l4 again;
        if (csum_locate(frame, size, size, &again) != 0 || again.start != l4.start ||
            csum_l4_pseudo(frame, &again) != pseudo)
            abort();
        uint16_t total = csum_add(pseudo, frame + l4.start, l4.len);
        if (total != 0xffff && total != 0)
            abort(); /* the completed checksum does not verify */
    }
    csum_complete(frame, size, start, offset);
    free(frame);
    return 0;
}
