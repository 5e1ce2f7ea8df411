// SPDX-License-Identifier: MIT
/* Unit tests for the SD card's CSD decoding (drivers/sd/csd.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/sd/csd.h"

/* A CSD under construction: 128 bits, bit n of the register at bit n here. */
struct csd {
    uint8_t bit[128];
};

static void set_field(struct csd *c, unsigned hi, unsigned lo, uint64_t value)
{
    for (unsigned b = lo; b <= hi; b++)
        c->bit[b] = (uint8_t)((value >> (b - lo)) & 1);
}

/* What an SDHCI controller holds: the register shifted right by 8 (no CRC byte). */
static void to_response(const struct csd *c, uint32_t resp[4])
{
    memset(resp, 0, 4 * sizeof(resp[0]));
    for (unsigned b = 8; b < 128; b++)
        if (c->bit[b])
            resp[(b - 8) / 32] |= 1u << ((b - 8) % 32);
}

static uint64_t blocks_v1(unsigned read_bl_len, unsigned c_size, unsigned mult)
{
    struct csd c = {0};
    uint32_t resp[4];
    set_field(&c, 127, 126, 0);
    set_field(&c, 83, 80, read_bl_len);
    set_field(&c, 73, 62, c_size);
    set_field(&c, 49, 47, mult);
    set_field(&c, 7, 0, 0xff); /* CRC and end bit: must not matter */
    to_response(&c, resp);
    return sd_csd_blocks(resp);
}

static uint64_t blocks_v2(unsigned c_size)
{
    struct csd c = {0};
    uint32_t resp[4];
    set_field(&c, 127, 126, 1);
    set_field(&c, 69, 48, c_size);
    to_response(&c, resp);
    return sd_csd_blocks(resp);
}

static void test_sdcsd_v1_small_card(void **state)
{
    (void)state;
    /* 2048 * 2^2 blocks of 512 bytes: 4 MiB, as QEMU describes a 4 MiB image */
    assert_int_equal(blocks_v1(9, 2047, 0), 8192);
}

static void test_sdcsd_v1_two_gigabyte_card_with_1024_byte_blocks(void **state)
{
    (void)state;
    /* C_SIZE crosses a response word; 4096 * 2^9 * 1024 bytes = 2 GiB */
    assert_int_equal(blocks_v1(10, 4095, 7), 4194304);
}

static void test_sdcsd_v2_cards(void **state)
{
    (void)state;
    assert_int_equal(blocks_v2(0x1fff), 8192ull * 1024);       /* 4 GiB */
    assert_int_equal(blocks_v2(0x3b37), 0x3b38ull * 1024);     /* an "8 GB" card */
    assert_int_equal(blocks_v2(0x3fffff), 0x400000ull * 1024); /* the largest field: 2 TiB */
}

static void test_sdcsd_unknown_structure_has_no_capacity(void **state)
{
    (void)state;
    struct csd c = {0};
    uint32_t resp[4];
    set_field(&c, 127, 126, 3);
    set_field(&c, 69, 48, 0x1fff);
    to_response(&c, resp);
    assert_int_equal(sd_csd_blocks(resp), 0);
}

static void test_sdcsd_bits_refuses_bad_ranges(void **state)
{
    (void)state;
    const uint32_t ones[4] = {~0u, ~0u, ~0u, ~0u};
    assert_int_equal(sd_csd_bits(ones, 127, 126), 3);
    assert_int_equal(sd_csd_bits(ones, 39, 8), 0xffffffffu);
    assert_int_equal(sd_csd_bits(ones, 40, 8), 0); /* 33 bits wide */
    assert_int_equal(sd_csd_bits(ones, 7, 0), 0);  /* the CRC byte is not kept */
    assert_int_equal(sd_csd_bits(ones, 128, 127), 0);
    assert_int_equal(sd_csd_bits(ones, 10, 20), 0); /* hi below lo */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sdcsd_v1_small_card),
        cmocka_unit_test(test_sdcsd_v1_two_gigabyte_card_with_1024_byte_blocks),
        cmocka_unit_test(test_sdcsd_v2_cards),
        cmocka_unit_test(test_sdcsd_unknown_structure_has_no_capacity),
        cmocka_unit_test(test_sdcsd_bits_refuses_bad_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
