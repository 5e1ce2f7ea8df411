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
 * All three move eight bytes per step once the destination is aligned (the
 * source may stay unaligned: AArch64 allows unaligned loads on Normal memory).
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

/* Copies forward, eight bytes per step; safe for overlap only when dst < src. */
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

void *__wrap_memcpy(void *dst, const void *src, size_t n)
{
    copy_forward(dst, src, n);
    return dst;
}

void *__wrap_memset(void *dst, int c, size_t n)
{
    uint8_t *d = dst;
    uint64_t fill = (uint8_t)c * 0x0101010101010101ull;
    while (n && ((uintptr_t)d & (WORD - 1))) {
        *d++ = (uint8_t)c;
        n--;
    }
    for (; n >= 2 * WORD; n -= 2 * WORD, d += 2 * WORD) {
        ((uint64_t *)d)[0] = fill;
        ((uint64_t *)d)[1] = fill;
    }
    for (; n >= WORD; n -= WORD, d += WORD)
        *(uint64_t *)d = fill;
    while (n--)
        *d++ = (uint8_t)c;
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    uint8_t *d = dst;
    const uint8_t *s = src;
    if (d == s || n == 0)
        return dst;
    if (d < s || d >= s + n)
        copy_forward(d, s, n);
    else
        copy_backward(d, s, n);
    return dst;
}
