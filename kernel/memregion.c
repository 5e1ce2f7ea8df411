// SPDX-License-Identifier: MIT
/* See memregion.h. */
#include "kernel/memregion.h"

#define PAGE 4096ull

static uint64_t range_end(const struct mem_range *r)
{
    return r->base + r->size < r->base ? UINT64_MAX : r->base + r->size;
}

static void consider(struct mem_range *best, uint64_t start, uint64_t end)
{
    start = (start + PAGE - 1) & ~(PAGE - 1);
    end &= ~(PAGE - 1);
    if (end > start && end - start > best->size) {
        best->base = start;
        best->size = end - start;
    }
}

struct mem_range memregion_largest_free(const struct mem_range *ram, size_t nram,
                                        const struct mem_range *used, size_t nused)
{
    struct mem_range sorted[MEMREGION_MAX_USED];
    struct mem_range best = {0, 0};
    size_t n = 0;

    /* Insertion sort by base: a handful of ranges at most. */
    for (size_t i = 0; i < nused && n < MEMREGION_MAX_USED; i++) {
        if (!used[i].size)
            continue;
        size_t j = n++;
        while (j > 0 && sorted[j - 1].base > used[i].base) {
            sorted[j] = sorted[j - 1];
            j--;
        }
        sorted[j] = used[i];
    }
    for (size_t b = 0; b < nram; b++) {
        uint64_t cursor = ram[b].base, end = range_end(&ram[b]);
        for (size_t i = 0; i < n && cursor < end; i++) {
            uint64_t ubase = sorted[i].base, uend = range_end(&sorted[i]);
            if (uend <= cursor || ubase >= end)
                continue;
            if (ubase > cursor)
                consider(&best, cursor, ubase);
            cursor = uend;
        }
        if (cursor < end)
            consider(&best, cursor, end);
    }
    return best;
}
