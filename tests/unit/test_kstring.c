// SPDX-License-Identifier: MIT
/*
 * Unit tests for the kernel's general-register memcpy, memset and memmove
 * (kernel/kstring.c), against byte-at-a-time references, for every
 * alignment of source and destination, lengths across the word and
 * double-word steps, and every overlap a memmove can meet (fdt_pack's
 * downward slide of more than 96 bytes among them). The test includes the
 * file with memmove renamed, so the host's own memmove stays the C library's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#define memmove kstring_memmove
#include "kernel/kstring.c"
#undef memmove

#define BUF        512
#define GUARD      32 /* bytes each side of a destination that must stay untouched */
#define MAX_LEN    300
#define ALIGNMENTS 16

static void fill_pattern(uint8_t *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(i * 131 + seed * 7 + 1);
}

static void test_memcpy_copies_every_alignment_and_length(void **state)
{
    (void)state;
    static uint8_t src[BUF], dst[BUF], want[BUF];
    fill_pattern(src, sizeof(src), 1);
    for (size_t so = 0; so < ALIGNMENTS; so++)
        for (size_t doff = 0; doff < ALIGNMENTS; doff++)
            for (size_t len = 0; len <= MAX_LEN; len += (len < 72 ? 1 : 13)) {
                memset(dst, 0xA5, sizeof(dst));
                memcpy(want, dst, sizeof(want));
                memcpy(want + GUARD + doff, src + so, len);
                assert_ptr_equal(__wrap_memcpy(dst + GUARD + doff, src + so, len),
                                 dst + GUARD + doff);
                assert_memory_equal(dst, want, sizeof(dst));
            }
}

static void test_memset_fills_every_alignment_and_length_only(void **state)
{
    (void)state;
    static uint8_t dst[BUF], want[BUF];
    for (size_t doff = 0; doff < ALIGNMENTS; doff++)
        for (size_t len = 0; len <= MAX_LEN; len += (len < 72 ? 1 : 11)) {
            fill_pattern(dst, sizeof(dst), (unsigned)len);
            memcpy(want, dst, sizeof(want));
            for (size_t i = 0; i < len; i++)
                want[GUARD + doff + i] = 0xC3;
            /* An int beyond a byte: only its low byte fills, as C says. */
            assert_ptr_equal(__wrap_memset(dst + GUARD + doff, 0x1C3, len), dst + GUARD + doff);
            assert_memory_equal(dst, want, sizeof(dst));
        }
}

static void test_memmove_handles_every_overlap(void **state)
{
    (void)state;
    static uint8_t buf[BUF], want[BUF], tmp[BUF];
    /* Distances from -40 to +40 bytes around the source, lengths past 96. */
    for (int shift = -40; shift <= 40; shift++)
        for (size_t len = 0; len <= MAX_LEN; len += (len < 72 ? 1 : 17)) {
            size_t src_off = 100 + (size_t)(len % 8);
            size_t dst_off = (size_t)((int)src_off + shift);
            fill_pattern(buf, sizeof(buf), (unsigned)(len + 3));
            memcpy(want, buf, sizeof(want));
            memcpy(tmp, buf + src_off, len);
            memcpy(want + dst_off, tmp, len);
            assert_ptr_equal(kstring_memmove(buf + dst_off, buf + src_off, len), buf + dst_off);
            assert_memory_equal(buf, want, sizeof(buf));
        }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_copies_every_alignment_and_length),
        cmocka_unit_test(test_memset_fills_every_alignment_and_length_only),
        cmocka_unit_test(test_memmove_handles_every_overlap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
