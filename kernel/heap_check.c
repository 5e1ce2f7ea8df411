// SPDX-License-Identifier: MIT
/* The checked heap's bookkeeping, see heap_check.h. */
#include "kernel/heap_check.h"

#include <string.h>

/* Odd 64-bit constants (from the golden ratio and SplitMix64) for the keyed hashes. */
#define HASH_MUL_TAG    0x9e3779b97f4a7c15ull
#define HASH_MUL_CANARY 0xbf58476d1ce4e5b9ull
#define TAG_FREED       0x5a17f4eeu /* xored into a freed block's tag */
#define WORD            sizeof(uint64_t)

static uint64_t key = 0x2545f4914f6cdd1dull; /* replaced at boot, before the first block */

void heap_check_set_key(uint64_t k)
{
    key = k;
}

static uint32_t tag_of(uintptr_t p, uint32_t state)
{
    return (uint32_t)(((p ^ key) * HASH_MUL_TAG) >> 32) ^ state;
}

static uint64_t canary_of(uintptr_t p)
{
    return ((p ^ key) * HASH_MUL_CANARY) | 1; /* never 0: zeroed memory is no canary */
}

static struct heap_block *header_of(const void *p)
{
    return (struct heap_block *)((uintptr_t)p - HEAP_HEADER_SIZE);
}

void *heap_check_frame(void *raw, size_t offset, size_t size)
{
    uintptr_t p = (uintptr_t)raw + offset;
    struct heap_block *h = header_of((void *)p);
    h->size = size;
    h->offset = (uint32_t)offset;
    h->tag = tag_of(p, 0);
    uint64_t canary = canary_of(p);
    memcpy((void *)(p + size), &canary, sizeof(canary)); /* any alignment */
    return (void *)p;
}

static int canary_intact(uintptr_t p, uint64_t size)
{
    uint64_t canary;
    memcpy(&canary, (const void *)(p + size), sizeof(canary));
    return canary == canary_of(p);
}

/* p's header, when p could be a block (aligned, with its header and canary word in range). */
static int header_in_range(uintptr_t p, uintptr_t lo, uintptr_t hi)
{
    return (p & (WORD - 1)) == 0 && p >= lo + HEAP_HEADER_SIZE && p <= hi - HEAP_CANARY_SIZE;
}

/* The block's size fits between p and hi, so its canary can be read. */
static int size_in_range(uintptr_t p, uint64_t size, uintptr_t hi)
{
    return size <= hi - HEAP_CANARY_SIZE - p;
}

enum heap_misuse heap_check_block(const void *ptr, uintptr_t lo, uintptr_t hi)
{
    uintptr_t p = (uintptr_t)ptr;
    if (!header_in_range(p, lo, hi))
        return HEAP_NOT_A_BLOCK;
    const struct heap_block *h = header_of(ptr);
    if (h->tag == tag_of(p, 0))
        return size_in_range(p, h->size, hi) && canary_intact(p, h->size) ? HEAP_OK : HEAP_OVERFLOW;
    if (h->tag == tag_of(p, TAG_FREED))
        return HEAP_DOUBLE_FREE;
    return HEAP_NOT_A_BLOCK;
}

void heap_check_mark_freed(void *p)
{
    header_of(p)->tag = tag_of((uintptr_t)p, TAG_FREED);
}

size_t heap_check_size(const void *p)
{
    return (size_t)header_of(p)->size;
}

void *heap_check_raw(const void *p)
{
    return (void *)((uintptr_t)p - header_of(p)->offset);
}

struct heap_finding heap_check_classify(const void *ptr, uintptr_t lo, uintptr_t hi)
{
    struct heap_finding f = {HEAP_NOT_A_BLOCK, 0, 0};
    uintptr_t p = (uintptr_t)ptr;
    if (p < lo || p >= hi) {
        f.misuse = HEAP_OUTSIDE;
        return f;
    }
    enum heap_misuse m = heap_check_block(ptr, lo, hi);
    if (m != HEAP_NOT_A_BLOCK) {
        f.misuse = m;
        f.block = p;
        f.size = m == HEAP_DOUBLE_FREE ? 0 : header_of(ptr)->size; /* the allocator reused it */
        return f;
    }
    /*
     * No header of p's own: look below p for the nearest live block. If p
     * lies inside it, p is an interior pointer; if its canary is broken, it
     * ran over into p's header. Freed headers are passed over: a live block
     * may hold stale ones of the blocks its memory was before.
     */
    uintptr_t q = p & ~(uintptr_t)(WORD - 1);
    if (q == p)
        q -= WORD; /* p's own header was checked above */
    uintptr_t floor = p - lo > HEAP_SCAN_MAX ? p - HEAP_SCAN_MAX : lo;
    for (; q >= floor + HEAP_HEADER_SIZE; q -= WORD) {
        const struct heap_block *h = header_of((const void *)q);
        if (h->tag != tag_of(q, 0))
            continue;
        if (p < q + h->size) {
            f.misuse = HEAP_INTERIOR;
            f.block = q;
            f.size = h->size;
        } else if (size_in_range(q, h->size, hi) && !canary_intact(q, h->size)) {
            f.misuse = HEAP_OVERFLOW;
            f.block = q;
            f.size = h->size;
        }
        return f;
    }
    return f;
}

const char *heap_misuse_name(enum heap_misuse m)
{
    switch (m) {
    case HEAP_OK: return "no misuse";
    case HEAP_DOUBLE_FREE: return "double free";
    case HEAP_OVERFLOW: return "heap overflow";
    case HEAP_INTERIOR: return "free of an interior pointer";
    case HEAP_OUTSIDE: return "free of a pointer outside the heap";
    case HEAP_NOT_A_BLOCK: return "free of a pointer malloc did not return";
    }
    return "?";
}
