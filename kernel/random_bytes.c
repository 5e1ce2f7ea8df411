// SPDX-License-Identifier: MIT
/* mote_random_bytes (include/mote/random.h) over the kernel's random source. */
#include <stdint.h>
#include <string.h>

#include <mote/random.h>

#include "kernel/random.h"

void mote_random_bytes(void *buf, size_t len)
{
    uint8_t *p = buf;
    while (len > 0) {
        uint64_t r = random_u64();
        size_t n = len < sizeof(r) ? len : sizeof(r);
        memcpy(p, &r, n);
        p += n;
        len -= n;
    }
}
