// SPDX-License-Identifier: MIT
/*
 * memcpy, memset and memmove for the kernel, in general registers only.
 *
 * Images link picolibc's release build, whose string functions are the
 * optimised assembly ones (16 bytes a step instead of one). Two of them
 * cannot serve the kernel as they are:
 *  - its memset and memcpy use SIMD registers (q0, ...). Kernel code is
 *    built with -mgeneral-regs-only because the exception path saves only
 *    the general registers (arch/aarch64/vectors.S): an interrupt handler
 *    that called them would clobber the SIMD state of the service code it
 *    interrupted. The kernel's relocatable link (mk/image.mk) therefore
 *    wraps memcpy and memset (ld --wrap): every call from the kernel,
 *    drivers, lwIP and libfdt lands in __wrap_memcpy/__wrap_memset below,
 *    while services and their libraries keep picolibc's.
 *  - its memmove sends every copy of up to 96 bytes, and every longer one
 *    whose destination lies below its source, to memcpy; that memcpy copies
 *    a long block's tail before the body and is not safe for overlapping
 *    buffers (fdt_pack, which slides the tree's blocks down, corrupted the
 *    device tree). The memmove below is exported to the whole image
 *    (mk/global.syms), so it replaces picolibc's everywhere.
 * Short lengths (up to 64 bytes, and 128 for memcpy: a DNS answer's whole
 * frame) take a few unaligned loads and stores that overlap in the middle,
 * without a loop; long ones move sixteen bytes per step once the destination
 * is aligned. AArch64 allows unaligned loads and stores on Normal
 * memory (SCTLR_EL1.A is clear); device memory is never reached through these
 * (drivers use mmio accessors, the framebuffer console its own word stores).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* GCC would otherwise recognise the loops below as memcpy/memset and call them. */
#pragma GCC optimize("no-tree-loop-distribute-patterns")

#define WORD sizeof(uint64_t)

/* A 64-bit word that may be unaligned and may alias anything. */
typedef uint64_t __attribute__((may_alias, aligned(1))) word_u;

void *__wrap_memcpy(void *dst, const void *src, size_t n);
void *__wrap_memset(void *dst, int c, size_t n);

/* Unaligned loads and stores of 2, 4 and 8 bytes that may alias anything. */
typedef uint32_t __attribute__((may_alias, aligned(1))) u32_u;
typedef uint16_t __attribute__((may_alias, aligned(1))) u16_u;

/* 16-byte pieces: a pair of loads or stores (ldp/stp). */
struct pair {
    uint64_t a, b;
};

static inline struct pair load_pair(const uint8_t *s)
{
    return (struct pair){((const word_u *)s)[0], ((const word_u *)s)[1]};
}

static inline void store_pair(uint8_t *d, struct pair p)
{
    ((word_u *)d)[0] = p.a;
    ((word_u *)d)[1] = p.b;
}

/*
 * Up to 64 bytes with a handful of instructions and no loop: the first and
 * the last piece of each size overlap in the middle. Everything is loaded
 * before anything is stored, so it is also right for overlapping buffers.
 */
static inline void copy_small(uint8_t *d, const uint8_t *s, size_t n)
{
    if (n > 4 * WORD) {
        struct pair a = load_pair(s), b = load_pair(s + 2 * WORD);
        struct pair c = load_pair(s + n - 4 * WORD), e = load_pair(s + n - 2 * WORD);
        store_pair(d, a);
        store_pair(d + 2 * WORD, b);
        store_pair(d + n - 4 * WORD, c);
        store_pair(d + n - 2 * WORD, e);
    } else if (n > 2 * WORD) {
        struct pair a = load_pair(s), c = load_pair(s + n - 2 * WORD);
        store_pair(d, a);
        store_pair(d + n - 2 * WORD, c);
    } else if (n >= WORD) {
        uint64_t a = *(const word_u *)s, b = *(const word_u *)(s + n - WORD);
        *(word_u *)d = a;
        *(word_u *)(d + n - WORD) = b;
    } else if (n >= sizeof(uint32_t)) {
        uint32_t a = *(const u32_u *)s, b = *(const u32_u *)(s + n - sizeof(uint32_t));
        *(u32_u *)d = a;
        *(u32_u *)(d + n - sizeof(uint32_t)) = b;
    } else if (n >= sizeof(uint16_t)) {
        uint16_t a = *(const u16_u *)s, b = *(const u16_u *)(s + n - sizeof(uint16_t));
        *(u16_u *)d = a;
        *(u16_u *)(d + n - sizeof(uint16_t)) = b;
    } else if (n) {
        *d = *s;
    }
}

#define SMALL_MAX  (8 * WORD)  /* copy_small's limit */
#define MEDIUM_MAX (16 * WORD) /* memcpy's without a loop: 64 bytes from each end */

/* Copies forward, sixteen bytes per step; safe for overlap only when dst < src. */
static void copy_forward(uint8_t *d, const uint8_t *s, size_t n)
{
    while (n && ((uintptr_t)d & (WORD - 1))) {
        *d++ = *s++;
        n--;
    }
    for (; n >= 2 * WORD; n -= 2 * WORD, d += 2 * WORD, s += 2 * WORD) {
        uint64_t a = ((const word_u *)s)[0], b = ((const word_u *)s)[1];
        ((word_u *)d)[0] = a;
        ((word_u *)d)[1] = b;
    }
    for (; n >= WORD; n -= WORD, d += WORD, s += WORD)
        *(word_u *)d = *(const word_u *)s;
    while (n--)
        *d++ = *s++;
}

/* Copies backward from the ends, eight bytes per step; safe when dst > src. */
static void copy_backward(uint8_t *d, const uint8_t *s, size_t n)
{
    d += n;
    s += n;
    while (n && ((uintptr_t)d & (WORD - 1))) {
        *--d = *--s;
        n--;
    }
    for (; n >= WORD; n -= WORD) {
        d -= WORD;
        s -= WORD;
        *(word_u *)d = *(const word_u *)s;
    }
    while (n--)
        *--d = *--s;
}

/*
 * memcpy's buffers never overlap, so a long copy may write some bytes twice:
 * the first 16 unaligned, then 16 at a time from the first aligned
 * destination, then the last 16 (which may overlap the steps before).
 * Most copies the kernel makes are short (addresses, headers, a frame), and
 * what used to cost them was the byte-at-a-time head and tail.
 */
void *__wrap_memcpy(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (n <= SMALL_MAX) {
        copy_small(d, s, n);
        return dst;
    }
    if (n <= MEDIUM_MAX) { /* the buffers do not overlap: the ends' order does not matter */
        copy_small(d, s, SMALL_MAX);
        copy_small(d + n - SMALL_MAX, s + n - SMALL_MAX, SMALL_MAX);
        return dst;
    }
    uint64_t last0 = ((const word_u *)(s + n - 2 * WORD))[0];
    uint64_t last1 = ((const word_u *)(s + n - 2 * WORD))[1];
    uint8_t *end = d + n - 2 * WORD;
    ((word_u *)d)[0] = ((const word_u *)s)[0];
    ((word_u *)d)[1] = ((const word_u *)s)[1];
    size_t skip = 2 * WORD - ((uintptr_t)d & (2 * WORD - 1));
    d += skip;
    s += skip;
    n -= skip;
    for (; n > 2 * WORD; n -= 2 * WORD, d += 2 * WORD, s += 2 * WORD) {
        uint64_t a = ((const word_u *)s)[0], b = ((const word_u *)s)[1];
        ((uint64_t *)d)[0] = a;
        ((uint64_t *)d)[1] = b;
    }
    ((word_u *)end)[0] = last0;
    ((word_u *)end)[1] = last1;
    return dst;
}

/* The same shape as __wrap_memcpy: overlapping stores at both ends, aligned ones between. */
void *__wrap_memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint64_t fill = (uint8_t)c * 0x0101010101010101ull;
    if (n < WORD) {
        if (n >= sizeof(uint32_t)) {
            *(u32_u *)d = (uint32_t)fill;
            *(u32_u *)(d + n - sizeof(uint32_t)) = (uint32_t)fill;
        } else if (n >= sizeof(uint16_t)) {
            *(u16_u *)d = (uint16_t)fill;
            *(u16_u *)(d + n - sizeof(uint16_t)) = (uint16_t)fill;
        } else if (n) {
            *d = (uint8_t)c;
        }
        return dst;
    }
    if (n <= 2 * WORD) {
        *(word_u *)d = fill;
        *(word_u *)(d + n - WORD) = fill;
        return dst;
    }
    uint8_t *end = d + n - 2 * WORD;
    ((word_u *)d)[0] = fill;
    ((word_u *)d)[1] = fill;
    size_t skip = 2 * WORD - ((uintptr_t)d & (2 * WORD - 1));
    d += skip;
    n -= skip;
    for (; n > 2 * WORD; n -= 2 * WORD, d += 2 * WORD) {
        ((uint64_t *)d)[0] = fill;
        ((uint64_t *)d)[1] = fill;
    }
    ((word_u *)end)[0] = fill;
    ((word_u *)end)[1] = fill;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d == s || n == 0)
        return dst;
    if (n <= SMALL_MAX) /* loads all, then stores: any overlap */
        copy_small(d, s, n);
    else if (d + n <= s || s + n <= d) /* apart: memcpy's way */
        __wrap_memcpy(d, s, n);
    else if (d < s)
        copy_forward(d, s, n);
    else
        copy_backward(d, s, n);
    return dst;
}
