// SPDX-License-Identifier: MIT
/* mote_random_bytes (include/mote/random.h) over the kernel's random source. */
#include <mote/random.h>

#include "kernel/random.h"

void mote_random_bytes(void *buf, size_t len)
{
    random_bytes(buf, len);
}
