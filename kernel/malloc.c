// SPDX-License-Identifier: MIT
/*
 * The checked heap: malloc and its family wrap picolibc's (the image is
 * linked with --wrap for each, mk/image.mk), so every call, the kernel's,
 * lwIP's, the service's and picolibc's own, goes through the checks of
 * heap_check.h. free() and realloc() of anything but a live, intact block is
 * a crash report naming the misuse (double free, overflow, interior pointer,
 * a pointer outside the heap) and the caller.
 *
 * Release images frame each block (24 bytes: header and canary) and check
 * the frame on free; debug images also fill new blocks with HEAP_FILL_NEW
 * and freed ones with HEAP_FILL_FREED, so a read of uninitialised or freed
 * memory shows a recognisable value instead of a plausible one.
 */
#include <errno.h>
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mote/system.h>

#include "kernel/heap.h"
#include "kernel/heap_check.h"
#include "kernel/symtab.h"

#define HEAP_FILL_NEW   0xa5
#define HEAP_FILL_FREED 0xdf
#define CALLER_MAX      64
#define RETURN_ADDRESS  ((uintptr_t)__builtin_extract_return_addr(__builtin_return_address(0)))
#define INSN_SIZE       4

#ifdef MOTE_DEBUG
#define HEAP_POISON 1
#else
#define HEAP_POISON 0
#endif

void *__real_malloc(size_t size);
void __real_free(void *p);
void *__real_memalign(size_t align, size_t size);

void *__wrap_malloc(size_t size);
void __wrap_free(void *p);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
void *__wrap_memalign(size_t align, size_t size);
void *__wrap_aligned_alloc(size_t align, size_t size);
int __wrap_posix_memalign(void **out, size_t align, size_t size);
size_t __wrap_malloc_usable_size(void *p);

static void caller_name(uintptr_t caller, char *buf, size_t len)
{
    uint64_t offset;
    /* The call is the instruction before the return address. */
    const char *name = symtab_lookup(symtab_image(), caller - INSN_SIZE, &offset);
    if (name)
        snprintf(buf, len, "%s+0x%llx", name, (unsigned long long)(offset + INSN_SIZE));
    else
        snprintf(buf, len, "0x%llx", (unsigned long long)caller);
}

/* A misuse of the heap is a crash: the report names it, the block and who called. */
__attribute__((noreturn, noinline)) static void heap_misuse(const char *op, void *p,
                                                            uintptr_t caller)
{
    char who[CALLER_MAX];
    caller_name(caller, who, sizeof(who));
    uintptr_t lo = (uintptr_t)heap_base();
    struct heap_finding f = heap_check_classify(p, lo, lo + heap_reserved());
    const char *what = heap_misuse_name(f.misuse);
    unsigned long long ptr = (unsigned long long)(uintptr_t)p;
    switch (f.misuse) {
    case HEAP_INTERIOR:
        mote_panic("heap: %s: %s(0x%llx) is %llu bytes into the %llu-byte block 0x%llx; "
                   "caller %s",
                   what, op, ptr, (unsigned long long)((uintptr_t)p - f.block),
                   (unsigned long long)f.size, (unsigned long long)f.block, who);
    case HEAP_OVERFLOW:
        if (f.block == (uintptr_t)p)
            mote_panic("heap: %s: a write past the end of the %llu-byte block 0x%llx; "
                       "found by %s from %s",
                       what, (unsigned long long)f.size, ptr, op, who);
        mote_panic("heap: %s: a write past the end of the %llu-byte block 0x%llx into the "
                   "header of 0x%llx; found by %s from %s",
                   what, (unsigned long long)f.size, (unsigned long long)f.block, ptr, op, who);
    default: mote_panic("heap: %s: %s(0x%llx); caller %s", what, op, ptr, who);
    }
}

static void check_or_crash(const char *op, void *p, uintptr_t caller)
{
    uintptr_t lo = (uintptr_t)heap_base();
    if (heap_check_block(p, lo, lo + heap_reserved()) != HEAP_OK)
        heap_misuse(op, p, caller);
}

/* A block of size bytes aligned to align (a power of two), framed; NULL when out of memory. */
static void *block_alloc(size_t align, size_t size)
{
    if (size > SIZE_MAX - HEAP_OVERHEAD - align) {
        errno = ENOMEM;
        return NULL;
    }
    void *raw;
    size_t offset = HEAP_HEADER_SIZE;
    if (align <= alignof(max_align_t)) {
        raw = __real_malloc(offset + size + HEAP_CANARY_SIZE);
    } else {
        /* The header goes below the aligned pointer, in a gap of one alignment. */
        offset = align;
        raw = __real_memalign(align, offset + size + HEAP_CANARY_SIZE);
    }
    if (!raw)
        return NULL;
    void *p = heap_check_frame(raw, offset, size);
    if (HEAP_POISON)
        memset(p, HEAP_FILL_NEW, size);
    return p;
}

static void block_free(void *p)
{
    if (HEAP_POISON)
        memset(p, HEAP_FILL_FREED, heap_check_size(p));
    heap_check_mark_freed(p);
    __real_free(heap_check_raw(p));
}

void *__wrap_malloc(size_t size)
{
    return block_alloc(0, size);
}

void __wrap_free(void *p)
{
    if (!p)
        return;
    check_or_crash("free", p, RETURN_ADDRESS);
    block_free(p);
}

void *__wrap_calloc(size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = block_alloc(0, n * size);
    if (p)
        memset(p, 0, n * size);
    return p;
}

/* Always a new block: a stale pointer to the old one then fails loudly (debug images). */
void *__wrap_realloc(void *p, size_t size)
{
    if (!p)
        return block_alloc(0, size);
    check_or_crash("realloc", p, RETURN_ADDRESS);
    if (size == 0) {
        block_free(p);
        return NULL;
    }
    void *q = block_alloc(0, size);
    if (!q)
        return NULL; /* p stays valid, as C requires */
    size_t old = heap_check_size(p);
    memcpy(q, p, old < size ? old : size);
    block_free(p);
    return q;
}

void *__wrap_memalign(size_t align, size_t size)
{
    if (align & (align - 1)) {
        errno = EINVAL;
        return NULL;
    }
    return block_alloc(align, size);
}

void *__wrap_aligned_alloc(size_t align, size_t size)
{
    return __wrap_memalign(align, size);
}

int __wrap_posix_memalign(void **out, size_t align, size_t size)
{
    if (!align || (align & (align - 1)) || align % sizeof(void *))
        return EINVAL;
    void *p = block_alloc(align, size);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

size_t __wrap_malloc_usable_size(void *p)
{
    if (!p)
        return 0;
    check_or_crash("malloc_usable_size", p, RETURN_ADDRESS);
    return heap_check_size(p);
}
