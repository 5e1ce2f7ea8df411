/* SPDX-License-Identifier: MIT */
/*
 * Copies and compares of a length the compiler knows, written out inline:
 * a few loads and stores, no call. The kernel builds with -ffreestanding,
 * where memcpy and memcmp stay calls even for a constant length (to the
 * general-register ones in kernel/kstring.c); on the per-packet path a call
 * costs more than the copy. For a length known only at run time these are
 * the calls memcpy and memcmp would be.
 *
 * Pure and header-only: host unit tests and fuzz targets include it too.
 */
#ifndef KERNEL_KSTRING_H
#define KERNEL_KSTRING_H

#include <stdbool.h>
#include <stddef.h>

/* Copies n bytes (a constant, up to a few dozen) from src to dst; they must not overlap. */
static inline __attribute__((always_inline)) void kcopy(void *dst, const void *src, size_t n)
{
    __builtin_memcpy(dst, src, n);
}

/* Whether the n bytes (a constant, up to a few dozen) at a and b are the same. */
static inline __attribute__((always_inline)) bool kequal(const void *a, const void *b, size_t n)
{
    return __builtin_memcmp(a, b, n) == 0;
}

#endif
