// SPDX-License-Identifier: MIT
/* Unit tests for choosing the heap: the largest free RAM range (kernel/memregion.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kernel/memregion.h"

#define KiB 1024ull
#define MiB (1024 * KiB)
#define GiB (1024 * MiB)
#define RAM 0x40000000ull /* QEMU virt's RAM base */

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void expect(struct mem_range got, uint64_t base, uint64_t size)
{
    if (size == 0) {
        assert_int_equal(got.size, 0);
        return;
    }
    assert_int_equal(got.base, base);
    assert_int_equal(got.size, size);
}

static void test_memregion_whole_bank_when_nothing_used(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 128 * MiB}};
    expect(memregion_largest_free(ram, 1, NULL, 0), RAM, 128 * MiB);
}

static void test_memregion_image_in_middle_picks_larger_side(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 128 * MiB}};
    const struct mem_range below[] = {{RAM + 100 * MiB, 2 * MiB}};
    expect(memregion_largest_free(ram, 1, below, 1), RAM, 100 * MiB);
    const struct mem_range above[] = {{RAM + 10 * MiB, 2 * MiB}};
    expect(memregion_largest_free(ram, 1, above, 1), RAM + 12 * MiB, 116 * MiB);
}

static void test_memregion_image_at_start_of_bank(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 128 * MiB}};
    const struct mem_range used[] = {{RAM, 3 * MiB}};
    expect(memregion_largest_free(ram, 1, used, 1), RAM + 3 * MiB, 125 * MiB);
}

static void test_memregion_image_at_end_of_bank(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 128 * MiB}};
    const struct mem_range used[] = {{RAM + 125 * MiB, 3 * MiB}};
    expect(memregion_largest_free(ram, 1, used, 1), RAM, 125 * MiB);
}

static void test_memregion_used_ranges_overlapping_bank_edges_are_clipped(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 128 * MiB}};
    /* One starts below the bank, one runs past its end. */
    const struct mem_range used[] = {{RAM - 4 * MiB, 6 * MiB}, {RAM + 120 * MiB, 16 * MiB}};
    expect(memregion_largest_free(ram, 1, used, N(used)), RAM + 2 * MiB, 118 * MiB);
}

static void test_memregion_used_range_covering_whole_bank_leaves_nothing(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 128 * MiB}};
    const struct mem_range used[] = {{RAM - MiB, 130 * MiB}};
    expect(memregion_largest_free(ram, 1, used, 1), 0, 0);
}

static void test_memregion_used_ranges_outside_every_bank_are_ignored(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 64 * MiB}};
    const struct mem_range used[] = {{0x09000000, 0x1000}, {RAM + GiB, MiB}};
    expect(memregion_largest_free(ram, 1, used, N(used)), RAM, 64 * MiB);
}

static void test_memregion_picks_largest_over_multiple_banks(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 64 * MiB}, {0x100000000ull, 256 * MiB}};
    const struct mem_range used[] = {{RAM + MiB, MiB}, {0x100000000ull + 200 * MiB, MiB}};
    expect(memregion_largest_free(ram, N(ram), used, N(used)), 0x100000000ull, 200 * MiB);

    /* A used range spanning both banks' boundary region. */
    const struct mem_range ram2[] = {{RAM, 64 * MiB}, {RAM + 64 * MiB, 32 * MiB}};
    const struct mem_range used2[] = {{RAM + 60 * MiB, 8 * MiB}};
    expect(memregion_largest_free(ram2, N(ram2), used2, N(used2)), RAM, 60 * MiB);
}

static void test_memregion_unsorted_used_ranges(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 128 * MiB}};
    const struct mem_range used[] = {
        {RAM + 90 * MiB, MiB}, {RAM + 10 * MiB, MiB}, {RAM + 50 * MiB, MiB}, {RAM, MiB}};
    /* Gaps: [1,10) [11,50) [51,90) [91,128): 39 MiB at 11 MiB is first of the two largest. */
    expect(memregion_largest_free(ram, 1, used, N(used)), RAM + 11 * MiB, 39 * MiB);
}

static void test_memregion_overlapping_used_ranges(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 128 * MiB}};
    /* The second lies inside the first and must not move the cursor back. */
    const struct mem_range used[] = {{RAM, 64 * MiB}, {RAM + 4 * MiB, MiB}};
    expect(memregion_largest_free(ram, 1, used, N(used)), RAM + 64 * MiB, 64 * MiB);
}

static void test_memregion_result_is_page_aligned(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM + 0x123, 64 * MiB}};
    const struct mem_range used[] = {{RAM + 0x10000, 0x1801}}; /* ends mid-page */
    /* Bank start rounds up to RAM + 0x1000; the part after the image starts at 0x12000. */
    struct mem_range r = memregion_largest_free(ram, 1, used, 1);
    assert_int_equal(r.base % 4096, 0);
    assert_int_equal(r.size % 4096, 0);
    expect(r, RAM + 0x12000, (RAM + 0x123 + 64 * MiB - 0x123) - (RAM + 0x12000));

    /* A bank end that is not page aligned is rounded down. */
    const struct mem_range odd[] = {{RAM, 0x5fff}};
    expect(memregion_largest_free(odd, 1, NULL, 0), RAM, 0x5000);
}

static void test_memregion_gap_smaller_than_a_page_is_not_free(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM + 0x800, 0x1000}}; /* straddles two pages, holds none */
    expect(memregion_largest_free(ram, 1, NULL, 0), 0, 0);
}

static void test_memregion_no_free_space_gives_size_0(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 16 * MiB}};
    const struct mem_range used[] = {{RAM, 8 * MiB}, {RAM + 8 * MiB, 8 * MiB}};
    expect(memregion_largest_free(ram, 1, used, N(used)), 0, 0);
    expect(memregion_largest_free(NULL, 0, NULL, 0), 0, 0);
}

static void test_memregion_zero_size_used_ranges_are_ignored(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 128 * MiB}};
    const struct mem_range used[] = {{RAM + 64 * MiB, 0}, {RAM, 0}, {RAM + MiB, MiB}};
    expect(memregion_largest_free(ram, 1, used, N(used)), RAM + 2 * MiB, 126 * MiB);
}

static void test_memregion_ranges_reaching_top_of_address_space_do_not_wrap(void **state)
{
    (void)state;
    /* base + size wraps to 0: the range must not come out empty or wrapped. */
    const struct mem_range ram[] = {{UINT64_MAX - 64 * MiB + 1, 64 * MiB}};
    struct mem_range r = memregion_largest_free(ram, 1, NULL, 0);
    assert_int_equal(r.base, ram[0].base);
    /* The end is clamped to UINT64_MAX, so the top page may be given up. */
    assert_in_range(r.size, 64 * MiB - 4096, 64 * MiB);

    /* A used range whose end wraps covers everything above its base. */
    const struct mem_range bank[] = {{RAM, 128 * MiB}};
    const struct mem_range used[] = {{RAM + 100 * MiB, UINT64_MAX}};
    expect(memregion_largest_free(bank, 1, used, 1), RAM, 100 * MiB);
}

static void test_memregion_looks_at_most_max_used_ranges(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 256 * MiB}};
    struct mem_range used[MEMREGION_MAX_USED + 2];
    /* The first MEMREGION_MAX_USED split the bank into 16 MiB pieces... */
    for (size_t i = 0; i < MEMREGION_MAX_USED; i++)
        used[i] = (struct mem_range){RAM + i * 16 * MiB, MiB};
    /* ...the rest, which would cover the last gap, are not looked at. */
    used[MEMREGION_MAX_USED] = (struct mem_range){RAM + 241 * MiB, 15 * MiB};
    used[MEMREGION_MAX_USED + 1] = (struct mem_range){RAM, 256 * MiB};
    struct mem_range r = memregion_largest_free(ram, 1, used, N(used));
    expect(r, RAM + MiB, 15 * MiB);
}

static void test_memregion_zero_size_ranges_do_not_count_toward_max(void **state)
{
    (void)state;
    const struct mem_range ram[] = {{RAM, 128 * MiB}};
    struct mem_range used[MEMREGION_MAX_USED + 1] = {{0, 0}};
    used[MEMREGION_MAX_USED] = (struct mem_range){RAM, 100 * MiB};
    expect(memregion_largest_free(ram, 1, used, N(used)), RAM + 100 * MiB, 28 * MiB);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memregion_whole_bank_when_nothing_used),
        cmocka_unit_test(test_memregion_image_in_middle_picks_larger_side),
        cmocka_unit_test(test_memregion_image_at_start_of_bank),
        cmocka_unit_test(test_memregion_image_at_end_of_bank),
        cmocka_unit_test(test_memregion_used_ranges_overlapping_bank_edges_are_clipped),
        cmocka_unit_test(test_memregion_used_range_covering_whole_bank_leaves_nothing),
        cmocka_unit_test(test_memregion_used_ranges_outside_every_bank_are_ignored),
        cmocka_unit_test(test_memregion_picks_largest_over_multiple_banks),
        cmocka_unit_test(test_memregion_unsorted_used_ranges),
        cmocka_unit_test(test_memregion_overlapping_used_ranges),
        cmocka_unit_test(test_memregion_result_is_page_aligned),
        cmocka_unit_test(test_memregion_gap_smaller_than_a_page_is_not_free),
        cmocka_unit_test(test_memregion_no_free_space_gives_size_0),
        cmocka_unit_test(test_memregion_zero_size_used_ranges_are_ignored),
        cmocka_unit_test(test_memregion_ranges_reaching_top_of_address_space_do_not_wrap),
        cmocka_unit_test(test_memregion_looks_at_most_max_used_ranges),
        cmocka_unit_test(test_memregion_zero_size_ranges_do_not_count_toward_max),
    };
    return cmocka_run_group_tests_name("memregion", tests, NULL, NULL);
}
