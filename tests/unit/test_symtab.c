// SPDX-License-Identifier: MIT
/* Unit tests for symbol lookup by address (kernel/symtab.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "kernel/symtab.h"

/*
 * The table as scripts/symtab.awk would emit it, names NUL-separated:
 *   0x1000 start    unsized (assembly label): runs to 0x1100
 *   0x1100 main     size 0x40, then a gap to 0x1200
 *   0x1200 helper   size 0x10
 *   0x1210 vectors  unsized, runs to 0x1800
 *   0x1800 tail     size 0x8
 *   0x2000 end_lbl  unsized and last: owns nothing
 */
static const char names[] = "start\0main\0helper\0vectors\0tail\0end_lbl";
static const struct symtab_entry entries[] = {
    {0x1000, 0, 0},  {0x1100, 0x40, 6}, {0x1200, 0x10, 11},
    {0x1210, 0, 18}, {0x1800, 0x8, 26}, {0x2000, 0, 31},
};
static const struct symtab tab = {entries, sizeof(entries) / sizeof(entries[0]), names, 0};

/* Looks addr up and checks the name and offset, or that it is outside every symbol. */
static void expect(const struct symtab *t, uint64_t addr, const char *name, uint64_t offset)
{
    uint64_t off = 0xdeadbeef;
    const char *got = symtab_lookup(t, addr, &off);
    if (!name) {
        assert_null(got);
        return;
    }
    assert_non_null(got);
    assert_string_equal(got, name);
    assert_int_equal(off, offset);
}

static void test_symtab_finds_sized_symbol_at_start_middle_and_last_byte(void **state)
{
    (void)state;
    expect(&tab, 0x1100, "main", 0);
    expect(&tab, 0x1120, "main", 0x20);
    expect(&tab, 0x113f, "main", 0x3f);
    expect(&tab, 0x1200, "helper", 0);
    expect(&tab, 0x120f, "helper", 0xf);
    expect(&tab, 0x1804, "tail", 4);
}

static void test_symtab_returns_null_in_gap_after_sized_symbol(void **state)
{
    (void)state;
    expect(&tab, 0x1140, NULL, 0); /* one past main's end */
    expect(&tab, 0x11ff, NULL, 0);
    expect(&tab, 0x1808, NULL, 0); /* one past tail's end */
    expect(&tab, 0x1fff, NULL, 0);
}

static void test_symtab_returns_null_before_first_symbol(void **state)
{
    (void)state;
    expect(&tab, 0, NULL, 0);
    expect(&tab, 0xfff, NULL, 0);
}

static void test_symtab_unsized_symbol_runs_to_next_symbol(void **state)
{
    (void)state;
    expect(&tab, 0x1000, "start", 0);
    expect(&tab, 0x10ff, "start", 0xff);
    expect(&tab, 0x1210, "vectors", 0);
    expect(&tab, 0x17ff, "vectors", 0x5ef);
}

static void test_symtab_last_unsized_symbol_owns_nothing(void **state)
{
    (void)state;
    expect(&tab, 0x2000, NULL, 0);
    expect(&tab, 0x2004, NULL, 0);
    expect(&tab, UINT64_MAX, NULL, 0);
}

static void test_symtab_last_sized_symbol_is_found(void **state)
{
    (void)state;
    static const struct symtab_entry one[] = {{0x4000, 0x100, 0}};
    static const struct symtab t = {one, 1, "only", 0};
    expect(&t, 0x4000, "only", 0);
    expect(&t, 0x40ff, "only", 0xff);
    expect(&t, 0x4100, NULL, 0);
    expect(&t, 0x3fff, NULL, 0);
}

static void test_symtab_empty_table_finds_nothing(void **state)
{
    (void)state;
    static const struct symtab empty = {NULL, 0, "", 0};
    expect(&empty, 0, NULL, 0);
    expect(&empty, 0x1000, NULL, 0);
    expect(&empty, UINT64_MAX, NULL, 0);
}

static void test_symtab_leaves_offset_alone_when_not_found(void **state)
{
    (void)state;
    uint64_t off = 42;
    assert_null(symtab_lookup(&tab, 0x1150, &off));
    assert_int_equal(off, 42);
}

static void test_symtab_lookup_takes_the_slide_off(void **state)
{
    (void)state;
    struct symtab slid = tab;
    slid.slide = 0x400000000000ull - 0x40200000ull;
    uint64_t offset;
    for (size_t i = 0; i < tab.count; i++) {
        uint64_t addr = tab.entries[i].addr;
        const char *want = symtab_lookup(&tab, addr, &offset);
        const char *got = symtab_lookup(&slid, addr + slid.slide, &offset);
        assert_true(want == got);
        if (want)
            assert_int_equal(offset, 0);
    }
    assert_null(symtab_lookup(&slid, tab.entries[0].addr, &offset)); /* the ELF's address: below */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_symtab_lookup_takes_the_slide_off),
        cmocka_unit_test(test_symtab_finds_sized_symbol_at_start_middle_and_last_byte),
        cmocka_unit_test(test_symtab_returns_null_in_gap_after_sized_symbol),
        cmocka_unit_test(test_symtab_returns_null_before_first_symbol),
        cmocka_unit_test(test_symtab_unsized_symbol_runs_to_next_symbol),
        cmocka_unit_test(test_symtab_last_unsized_symbol_owns_nothing),
        cmocka_unit_test(test_symtab_last_sized_symbol_is_found),
        cmocka_unit_test(test_symtab_empty_table_finds_nothing),
        cmocka_unit_test(test_symtab_leaves_offset_alone_when_not_found),
    };
    return cmocka_run_group_tests_name("symtab", tests, NULL, NULL);
}
