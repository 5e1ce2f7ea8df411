// SPDX-License-Identifier: MIT
/* sbrk for picolibc's malloc, see heap.h. */
#include "kernel/heap.h"

#include <errno.h>
#include <stddef.h>

#include "arch/aarch64/aslr.h"
#include "arch/aarch64/cpu.h"
#include "kernel/heap_check.h"

static uintptr_t heap_start, heap_end, brk;

void heap_init(uint64_t base, uint64_t size)
{
    base = aslr_map_heap(base, &size); /* at a random address where the board allows */
    heap_start = brk = (uintptr_t)base;
    heap_end = (uintptr_t)(base + size);
    /*
     * The key of the heap's tags and canaries is fixed before the first block
     * (the random generator is seeded later, and a new key would orphan the
     * blocks already out). The counter makes it differ between boots; it is
     * against accidents (stray writes, stale pointers), not a secret.
     */
    heap_check_set_key(sysreg_read(cntvct_el0) ^ base);
}

uint64_t heap_size(void)
{
    return heap_end - heap_start;
}

uint64_t heap_base(void)
{
    return heap_start;
}

uint64_t heap_reserved(void)
{
    return brk - heap_start;
}

void *sbrk(ptrdiff_t incr)
{
    uintptr_t old = brk;
    if ((incr > 0 && (uintptr_t)incr > heap_end - brk) ||
        (incr < 0 && (uintptr_t)-incr > brk - heap_start)) {
        errno = ENOMEM;
        return (void *)-1;
    }
    brk += (uintptr_t)incr;
    return (void *)old;
}
