// SPDX-License-Identifier: MIT
/*
 * Unit tests for the checked heap's bookkeeping (kernel/heap_check.c): blocks
 * framed in an arena the way kernel/malloc.c frames picolibc's, then each
 * misuse diagnosed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/heap_check.h"

#define ARENA_WORDS 1024
#define BLOCK       32
#define KEY         0x0123456789abcdefull

static uint64_t arena[ARENA_WORDS];

static uintptr_t lo(void)
{
    return (uintptr_t)arena;
}

static uintptr_t hi(void)
{
    return (uintptr_t)(arena + ARENA_WORDS);
}

/* A block of size bytes framed at byte offset at of the arena, as malloc would. */
static uint8_t *block_at(size_t at, size_t size)
{
    return heap_check_frame((uint8_t *)arena + at, HEAP_HEADER_SIZE, size);
}

static int setup(void **state)
{
    (void)state;
    memset(arena, 0, sizeof(arena));
    heap_check_set_key(KEY);
    return 0;
}

static void test_heap_check_fresh_block_is_ok(void **state)
{
    (void)state;
    uint8_t *p = block_at(0, BLOCK);
    memset(p, 0xff, BLOCK); /* the caller may use every byte it asked for */
    assert_int_equal(heap_check_block(p, lo(), hi()), HEAP_OK);
    assert_int_equal(heap_check_size(p), BLOCK);
    assert_ptr_equal(heap_check_raw(p), arena);
}

static void test_heap_check_aligned_block_keeps_its_raw_start(void **state)
{
    (void)state;
    uint8_t *p = heap_check_frame(arena, 64, BLOCK);
    assert_ptr_equal(p, (uint8_t *)arena + 64);
    assert_int_equal(heap_check_block(p, lo(), hi()), HEAP_OK);
    assert_ptr_equal(heap_check_raw(p), arena);
}

static void test_heap_check_freed_block_is_a_double_free(void **state)
{
    (void)state;
    uint8_t *p = block_at(0, BLOCK);
    heap_check_mark_freed(p);
    assert_int_equal(heap_check_block(p, lo(), hi()), HEAP_DOUBLE_FREE);
    struct heap_finding f = heap_check_classify(p, lo(), hi());
    assert_int_equal(f.misuse, HEAP_DOUBLE_FREE);
    assert_int_equal(f.block, (uintptr_t)p);
}

static void test_heap_check_one_byte_past_the_end_is_an_overflow(void **state)
{
    (void)state;
    uint8_t *p = block_at(0, BLOCK);
    p[BLOCK] ^= 1;
    assert_int_equal(heap_check_block(p, lo(), hi()), HEAP_OVERFLOW);
    struct heap_finding f = heap_check_classify(p, lo(), hi());
    assert_int_equal(f.misuse, HEAP_OVERFLOW);
    assert_int_equal(f.block, (uintptr_t)p);
    assert_int_equal(f.size, BLOCK);
}

static void test_heap_check_overflow_into_next_header_names_the_block_below(void **state)
{
    (void)state;
    uint8_t *first = block_at(0, BLOCK);
    uint8_t *second = block_at(HEAP_HEADER_SIZE + BLOCK + HEAP_CANARY_SIZE, BLOCK);
    assert_int_equal(heap_check_block(second, lo(), hi()), HEAP_OK);
    memset(first, 0x41, (size_t)(second - first)); /* through the canary and the header */
    assert_int_equal(heap_check_block(second, lo(), hi()), HEAP_NOT_A_BLOCK);
    struct heap_finding f = heap_check_classify(second, lo(), hi());
    assert_int_equal(f.misuse, HEAP_OVERFLOW);
    assert_int_equal(f.block, (uintptr_t)first);
    assert_int_equal(f.size, BLOCK);
}

static void test_heap_check_interior_pointer_names_its_block(void **state)
{
    (void)state;
    uint8_t *p = block_at(0, BLOCK);
    for (size_t off = 1; off < BLOCK; off++) {
        struct heap_finding f = heap_check_classify(p + off, lo(), hi());
        assert_int_equal(f.misuse, HEAP_INTERIOR);
        assert_int_equal(f.block, (uintptr_t)p);
    }
}

static void test_heap_check_interior_pointer_passes_over_stale_freed_headers(void **state)
{
    (void)state;
    uint8_t *old = block_at(64, BLOCK);
    heap_check_mark_freed(old);
    /* The memory is reused for a larger block that holds the old header. */
    uint8_t *p = block_at(0, 4 * BLOCK);
    struct heap_finding f = heap_check_classify(old + 8, lo(), hi());
    assert_int_equal(f.misuse, HEAP_INTERIOR);
    assert_int_equal(f.block, (uintptr_t)p);
}

static void test_heap_check_pointer_outside_the_heap(void **state)
{
    (void)state;
    static uint64_t elsewhere[4];
    assert_int_equal(heap_check_block(elsewhere + 2, lo(), hi()), HEAP_NOT_A_BLOCK);
    assert_int_equal(heap_check_classify(elsewhere + 2, lo(), hi()).misuse, HEAP_OUTSIDE);
    assert_int_equal(heap_check_classify(arena + ARENA_WORDS, lo(), hi()).misuse, HEAP_OUTSIDE);
}

static void test_heap_check_pointer_in_empty_heap_is_not_a_block(void **state)
{
    (void)state;
    assert_int_equal(heap_check_classify(arena + 100, lo(), hi()).misuse, HEAP_NOT_A_BLOCK);
    /* At the very bottom, with no room for a header below. */
    assert_int_equal(heap_check_classify(arena, lo(), hi()).misuse, HEAP_NOT_A_BLOCK);
    assert_int_equal(heap_check_classify((uint8_t *)arena + 3, lo(), hi()).misuse,
                     HEAP_NOT_A_BLOCK);
}

static void test_heap_check_header_from_another_key_is_not_a_block(void **state)
{
    (void)state;
    uint8_t *p = block_at(0, BLOCK);
    heap_check_set_key(KEY ^ 1);
    assert_int_equal(heap_check_block(p, lo(), hi()), HEAP_NOT_A_BLOCK);
}

static void test_heap_check_size_past_the_heap_is_an_overflow_not_a_wild_read(void **state)
{
    (void)state;
    uint8_t *p = block_at(0, BLOCK);
    /* A block whose size says it ends past the heap: its canary cannot be read. */
    uint8_t *q = heap_check_frame(arena, HEAP_HEADER_SIZE, 0);
    assert_ptr_equal(p, q);
    ((struct heap_block *)(p - HEAP_HEADER_SIZE))->size = sizeof(arena);
    assert_int_equal(heap_check_block(p, lo(), hi()), HEAP_OVERFLOW);
}

static void test_heap_check_scan_reads_nothing_below_lo(void **state)
{
    (void)state;
    /* The only header lies below lo: the search does not read it. */
    uint8_t *p = block_at(0, BLOCK);
    struct heap_finding f =
        heap_check_classify(p + 64, (uintptr_t)p - HEAP_HEADER_SIZE, (uintptr_t)p + 128);
    assert_int_equal(f.misuse, HEAP_NOT_A_BLOCK);
    assert_int_equal(HEAP_SCAN_MAX % sizeof(uint64_t), 0);
}

static void test_heap_check_names(void **state)
{
    (void)state;
    assert_string_equal(heap_misuse_name(HEAP_DOUBLE_FREE), "double free");
    assert_string_equal(heap_misuse_name(HEAP_OVERFLOW), "heap overflow");
    assert_string_equal(heap_misuse_name(HEAP_INTERIOR), "free of an interior pointer");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_heap_check_fresh_block_is_ok, setup),
        cmocka_unit_test_setup(test_heap_check_aligned_block_keeps_its_raw_start, setup),
        cmocka_unit_test_setup(test_heap_check_freed_block_is_a_double_free, setup),
        cmocka_unit_test_setup(test_heap_check_one_byte_past_the_end_is_an_overflow, setup),
        cmocka_unit_test_setup(test_heap_check_overflow_into_next_header_names_the_block_below,
                               setup),
        cmocka_unit_test_setup(test_heap_check_interior_pointer_names_its_block, setup),
        cmocka_unit_test_setup(test_heap_check_interior_pointer_passes_over_stale_freed_headers,
                               setup),
        cmocka_unit_test_setup(test_heap_check_pointer_outside_the_heap, setup),
        cmocka_unit_test_setup(test_heap_check_pointer_in_empty_heap_is_not_a_block, setup),
        cmocka_unit_test_setup(test_heap_check_header_from_another_key_is_not_a_block, setup),
        cmocka_unit_test_setup(test_heap_check_size_past_the_heap_is_an_overflow_not_a_wild_read,
                               setup),
        cmocka_unit_test_setup(test_heap_check_scan_reads_nothing_below_lo, setup),
        cmocka_unit_test(test_heap_check_names),
    };
    return cmocka_run_group_tests_name("heap_check", tests, NULL, NULL);
}
