// SPDX-License-Identifier: MIT
/* Unit tests for SipHash-2-4 (lib/siphash/siphash.c) against the reference vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "lib/siphash/siphash.h"

/* The reference key 00 01 .. 0f and messages 00 01 .. (len-1) of the SipHash paper. */
static uint64_t reference_hash(size_t len)
{
    uint8_t key[SIPHASH_KEY_LEN], msg[64];
    for (unsigned i = 0; i < sizeof(key); i++)
        key[i] = (uint8_t)i;
    for (unsigned i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)i;
    return siphash24(key, msg, len);
}

static void test_siphash_matches_the_papers_example(void **state)
{
    (void)state;
    /* Appendix A of the paper: the 15-byte message. */
    assert_true(reference_hash(15) == 0xa129ca6149be45e5ull);
}

static void test_siphash_matches_reference_vectors_around_block_edges(void **state)
{
    (void)state;
    assert_true(reference_hash(0) == 0x726fdb47dd0e0e31ull);
    assert_true(reference_hash(1) == 0x74f839c593dc67fdull);
    assert_true(reference_hash(8) == 0x93f5f5799a932462ull);
}

static void test_siphash_depends_on_key_and_every_byte(void **state)
{
    (void)state;
    uint8_t key[SIPHASH_KEY_LEN] = {0};
    uint8_t msg[12] = {0};
    uint64_t base = siphash24(key, msg, sizeof(msg));
    for (unsigned i = 0; i < sizeof(msg); i++) {
        msg[i] = 1;
        assert_true(siphash24(key, msg, sizeof(msg)) != base);
        msg[i] = 0;
    }
    key[15] = 1;
    assert_true(siphash24(key, msg, sizeof(msg)) != base);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_siphash_matches_the_papers_example),
        cmocka_unit_test(test_siphash_matches_reference_vectors_around_block_edges),
        cmocka_unit_test(test_siphash_depends_on_key_and_every_byte),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
