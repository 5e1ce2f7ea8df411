/* SPDX-License-Identifier: MIT */
/*
 * The checked heap's bookkeeping, apart from any allocator (pure code, also
 * built for the host and unit-tested). Every block malloc hands out is framed:
 *
 *   raw ... | struct heap_block (16 bytes) | size bytes for the caller | canary (8 bytes)
 *                                          ^ the pointer the caller gets
 *
 * The header's tag is a keyed hash of the pointer and the block's state (live
 * or freed), so a header that an overflow or a stray pointer produced is
 * recognised as not a header; the canary after the block is a keyed hash of
 * the pointer too, and a write past the end breaks it. Checking a pointer
 * costs one multiply; only when the check fails does heap_check_classify()
 * search the memory below the pointer, to say which misuse it was.
 */
#ifndef KERNEL_HEAP_CHECK_H
#define KERNEL_HEAP_CHECK_H

#include <stddef.h>
#include <stdint.h>

struct heap_block {
    uint64_t size;   /* bytes the caller asked for */
    uint32_t offset; /* from the allocator's block (raw) to the caller's pointer */
    uint32_t tag;    /* heap_check's keyed hash of the pointer and the state */
};

#define HEAP_HEADER_SIZE sizeof(struct heap_block)
#define HEAP_CANARY_SIZE sizeof(uint64_t)
/* What framing adds to a block that needs no more than malloc's alignment. */
#define HEAP_OVERHEAD (HEAP_HEADER_SIZE + HEAP_CANARY_SIZE)

/* How far below a bad pointer classify looks for the block it points into. */
#define HEAP_SCAN_MAX (1u << 20)

enum heap_misuse {
    HEAP_OK,          /* a live block, intact */
    HEAP_DOUBLE_FREE, /* a block already freed */
    HEAP_OVERFLOW,    /* a write past the end of a block: its canary, or the next header */
    HEAP_INTERIOR,    /* a pointer into the middle of a live block */
    HEAP_OUTSIDE,     /* a pointer outside the heap */
    HEAP_NOT_A_BLOCK, /* in the heap, but no block of it starts or contains it */
};

/* What heap_check_classify found, for the report. */
struct heap_finding {
    enum heap_misuse misuse;
    uintptr_t block; /* the block concerned (its caller pointer), or 0 */
    uint64_t size;   /* its size */
};

/* Sets the key of the tags and canaries; call before the first block. */
void heap_check_set_key(uint64_t key);

/*
 * Frames a block: writes the header before raw + offset and the canary after
 * size bytes, and returns the caller's pointer (raw + offset). offset must be
 * at least HEAP_HEADER_SIZE; raw must have room for offset + size + canary.
 */
void *heap_check_frame(void *raw, size_t offset, size_t size);

/*
 * The cheap check, for free() and realloc(), with the heap between lo and hi
 * (the range sbrk handed out): HEAP_OK when p is a live, intact block;
 * otherwise call heap_check_classify for the details.
 */
enum heap_misuse heap_check_block(const void *p, uintptr_t lo, uintptr_t hi);

/* Marks the live block p as freed (a second free is then recognised). */
void heap_check_mark_freed(void *p);

/* The caller's block p: its size and where the allocator's block starts. */
size_t heap_check_size(const void *p);
void *heap_check_raw(const void *p);

/*
 * The full diagnosis of p, with the heap between lo and hi: a double free, an overflow (of p's own
 * canary, or of the block below p into p's header), an interior pointer (and the block it is in), a
 * pointer outside [lo, hi), or none of these (HEAP_NOT_A_BLOCK). Reads only
 * memory inside [lo, hi).
 */
struct heap_finding heap_check_classify(const void *p, uintptr_t lo, uintptr_t hi);

/* The misuse in words ("double free"). */
const char *heap_misuse_name(enum heap_misuse m);

#endif
