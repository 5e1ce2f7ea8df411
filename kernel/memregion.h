/* SPDX-License-Identifier: MIT */
/*
 * Address ranges, and the choice of the heap: the largest piece of RAM that
 * neither the image, the device tree nor a reserved range occupies. Pure code,
 * unit-tested on the host.
 */
#ifndef KERNEL_MEMREGION_H
#define KERNEL_MEMREGION_H

#include <stddef.h>
#include <stdint.h>

#define MEMREGION_MAX_USED 16

struct mem_range {
    uint64_t base;
    uint64_t size;
};

/*
 * Returns the largest page-aligned range inside one of the nram banks that
 * overlaps none of the nused ranges (at most MEMREGION_MAX_USED are looked
 * at), or a range of size 0 when there is none.
 */
struct mem_range memregion_largest_free(const struct mem_range *ram, size_t nram,
                                        const struct mem_range *used, size_t nused);

#endif
