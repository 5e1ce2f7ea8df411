// SPDX-License-Identifier: MIT
/* Unit tests for the byte ring (kernel/ring.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/ring.h"

static void test_ring_is_a_fifo_across_the_wrap(void **state)
{
    (void)state;
    uint8_t storage[8];
    struct ring r = RING_INIT(storage);
    uint8_t out[8];
    for (unsigned round = 0; round < 100; round++) { /* free-running indices wrap the buffer */
        uint8_t in[5] = {(uint8_t)round, 1, 2, 3, 4};
        assert_true(ring_write(&r, in, sizeof(in)));
        assert_int_equal(ring_used(&r), 5);
        assert_int_equal(ring_read(&r, out, sizeof(out)), 5);
        assert_memory_equal(out, in, sizeof(in));
        assert_int_equal(ring_used(&r), 0);
    }
}

static void test_ring_write_is_all_or_nothing(void **state)
{
    (void)state;
    uint8_t storage[4];
    struct ring r = RING_INIT(storage);
    assert_true(ring_write(&r, "abc", 3));
    assert_false(ring_write(&r, "de", 2)); /* one byte of room */
    assert_int_equal(ring_space(&r), 1);
    assert_true(ring_put(&r, 'd'));
    assert_false(ring_put(&r, 'e'));
    char out[5] = {0};
    assert_int_equal(ring_read(&r, out, 4), 4);
    assert_string_equal(out, "abcd");
}

static void test_ring_peek_keeps_and_skip_drops(void **state)
{
    (void)state;
    uint8_t storage[16];
    struct ring r = RING_INIT(storage);
    assert_true(ring_write(&r, "hello", 5));
    char out[6] = {0};
    assert_int_equal(ring_peek(&r, out, 2), 2);
    assert_int_equal(ring_used(&r), 5);
    ring_skip(&r, 3);
    assert_int_equal(ring_read(&r, out, sizeof(out)), 2);
    assert_memory_equal(out, "lo", 2);
    ring_skip(&r, 10); /* more than queued: only what is there */
    assert_int_equal(ring_used(&r), 0);
    assert_int_equal(ring_space(&r), 16);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_is_a_fifo_across_the_wrap),
        cmocka_unit_test(test_ring_write_is_all_or_nothing),
        cmocka_unit_test(test_ring_peek_keeps_and_skip_drops),
    };
    return cmocka_run_group_tests_name("ring", tests, NULL, NULL);
}
