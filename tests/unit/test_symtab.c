// SPDX-License-Identifier: MIT
/* Unit tests for symbol lookup by address (kernel/symtab.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/symtab.h"

/*
 * The table scripts/symtab.py makes of tests/unit/symtab.nm (mk/unit.mk), the
 * code symbols of which are:
 *   0x1000 start    unsized (assembly label): runs to 0x1100
 *   0x1100 main     size 0x40, then a gap (and a data symbol) to 0x1200
 *   0x1200 helper   size 0x10
 *   0x1210 vectors  unsized, runs to 0x1400
 *   0x1400..0x14c0  tcp_{input,output}_{process,segment}, 0x30 each: names with shared parts
 *   0x1700 malloc and __malloc_malloc, size 0x20: aliases, the later one wins
 *   0x1800 tail     size 0x8
 *   0x1900 a name longer than SYMTAB_NAME_MAX, size 0x100
 *   0x2000 end_lbl  unsized and last: owns nothing
 */
extern const uint8_t mote_symtab[];
extern const uint64_t mote_symtab_size;
static struct symtab tab;

static int setup(void **state)
{
    (void)state;
    tab.data = mote_symtab;
    tab.size = mote_symtab_size;
    tab.slide = 0;
    return 0;
}

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
    expect(&tab, 0x1400, "tcp_input_process", 0);
    expect(&tab, 0x1431, "tcp_output_process", 1);
    expect(&tab, 0x148f, "tcp_input_segment", 0x2f);
    expect(&tab, 0x1490, "tcp_output_segment", 0);
}

static void test_symtab_skips_data_symbols_and_local_labels(void **state)
{
    (void)state;
    expect(&tab, 0x800, NULL, 0);  /* rodata */
    expect(&tab, 0x1150, NULL, 0); /* data between main and helper */
    expect(&tab, 0x1600, NULL, 0); /* .Lhidden: not a function, in the gap after tcp_* */
}

static void test_symtab_names_the_last_of_aliases(void **state)
{
    (void)state;
    expect(&tab, 0x1700, "__malloc_malloc", 0);
    expect(&tab, 0x171f, "__malloc_malloc", 0x1f);
    expect(&tab, 0x1720, NULL, 0);
}

static void test_symtab_cuts_a_long_name_to_the_maximum(void **state)
{
    (void)state;
    uint64_t off;
    const char *got = symtab_lookup(&tab, 0x1980, &off);
    assert_non_null(got);
    assert_int_equal(strlen(got), SYMTAB_NAME_MAX);
    assert_memory_equal(got, "a_name_longer_than_the_table_keeps_aaaa", 39);
    assert_int_equal(off, 0x80);
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
    expect(&tab, 0x13ff, "vectors", 0x1ef);
}

static void test_symtab_last_unsized_symbol_owns_nothing(void **state)
{
    (void)state;
    expect(&tab, 0x2000, NULL, 0);
    expect(&tab, 0x2004, NULL, 0);
    expect(&tab, UINT64_MAX, NULL, 0);
}

/*
 * One sized function at 0x4000, size 0x100, named "only", encoded by hand as
 * symtab.h says: the alphabet "lnoy", so 'o' 'n' 'l' 'y' are 2 1 0 3.
 */
static const uint8_t one[] = {4,        'l',  'n',  'o', 'y', /* the alphabet */
                              0,                              /* no pairs */
                              0,                              /* in bytes */
                              1,                              /* one function */
                              4 | 0x80,                       /* a 4-byte name, a gap follows */
                              0x80,     0x80, 0x01,           /* gap 0x4000 from 0 */
                              0x80,     0x02,                 /* size 0x100 */
                              2,        1,    0,    3};

/* The same function in 4-byte units (shift 2), as scripts/symtab.py writes an image's. */
static const uint8_t one_in_words[] = {4,    'l', 'n',      'o',  'y',  0,
                                       2,    1,   4 | 0x80, 0x80, 0x20, /* gap 0x1000 words */
                                       0x40,                            /* size 0x40 words */
                                       2,    1,   0,        3};

static void test_symtab_last_sized_symbol_is_found(void **state)
{
    (void)state;
    static const struct symtab t = {one, sizeof(one), 0};
    expect(&t, 0x4000, "only", 0);
    expect(&t, 0x40ff, "only", 0xff);
    expect(&t, 0x4100, NULL, 0);
    expect(&t, 0x3fff, NULL, 0);
    static const struct symtab w = {one_in_words, sizeof(one_in_words), 0};
    expect(&w, 0x4000, "only", 0);
    expect(&w, 0x40ff, "only", 0xff);
    expect(&w, 0x4100, NULL, 0);
    expect(&w, 0x3fff, NULL, 0);
}

static void test_symtab_empty_table_finds_nothing(void **state)
{
    (void)state;
    static const uint8_t none[] = {0, 0, 2, 0}; /* what scripts/symtab.py makes of no input */
    static const struct symtab empty = {none, sizeof(none), 0};
    static const struct symtab nothing = {NULL, 0, 0};
    expect(&empty, 0, NULL, 0);
    expect(&empty, 0x1000, NULL, 0);
    expect(&empty, UINT64_MAX, NULL, 0);
    expect(&nothing, 0x1000, NULL, 0);
}

static void test_symtab_truncated_table_is_never_read_past_its_end(void **state)
{
    (void)state;
    /* Every prefix of a valid table: ASan would see a read past it; none names a function
     * that is not whole. */
    for (size_t len = 0; len < sizeof(one); len++) {
        uint8_t *copy = malloc(len ? len : 1);
        memcpy(copy, one, len);
        struct symtab t = {copy, len, 0};
        expect(&t, 0x4000, NULL, 0);
        free(copy);
    }
    /* A name with pairs the table does not have, or that refer to themselves or later ones:
     * dropped, never followed. */
    static const uint8_t bad_pair[] = {2,        'a',  'b', /* a = 0, b = 1 */
                                       2,        0,    3,   /* pair 0 (byte 2): a, then pair 1 */
                                       2,        1,         /* pair 1 (byte 3): pair 0, b */
                                       0,        2,         /* in bytes, two functions */
                                       3 | 0x80, 0x80, 0x80, 0x01, 0x10, 2, 3, 4, /* at 0x4000 */
                                       2 | 0x80, 0x34, 0x01, 0,    5}; /* 0x4044: a, past */
    static const struct symtab t = {bad_pair, sizeof(bad_pair), 0};
    expect(&t, 0x4000, "aab", 0);
    expect(&t, 0x4044, "a", 0); /* the byte past the pairs is dropped too */
}

static void test_symtab_pairs_that_double_at_every_level_end_in_bounded_work(void **state)
{
    (void)state;
    /* One character, x, then pair i is (pair i-1, pair i-1): 2^255 characters if followed. */
    enum { PAIRS = 255, HEAD = 3 };
    uint8_t table[HEAD + 2 * PAIRS + 8] = {1, 'x', PAIRS, 0, 0};
    for (int i = 1; i < PAIRS; i++)
        table[HEAD + 2 * i] = table[HEAD + 1 + 2 * i] = (uint8_t)(1 + i - 1);
    const uint8_t rest[] = {0, 1, 1 | 0x80, 0x80, 0x80, 0x01, 0x10, 0xff};
    memcpy(&table[HEAD + 2 * PAIRS], rest, sizeof(rest));
    struct symtab t = {table, HEAD + 2 * PAIRS + sizeof(rest), 0};
    uint64_t off;
    /* Returns: that is the test. A chain this deep spends the work a valid name may take
     * before it reaches a character, so the name comes out short, even empty. */
    const char *got = symtab_lookup(&t, 0x4000, &off);
    assert_non_null(got);
    assert_true(strlen(got) <= SYMTAB_NAME_MAX);
    assert_int_equal(strspn(got, "x"), strlen(got));
    /* Pair 100, 2^101 characters: within that work, cut to the longest name. */
    table[HEAD + 2 * PAIRS + sizeof(rest) - 1] = 1 + 100;
    got = symtab_lookup(&t, 0x4000, &off);
    assert_non_null(got);
    assert_true(strlen(got) > 0 && strlen(got) <= SYMTAB_NAME_MAX);
    assert_int_equal(strspn(got, "x"), strlen(got));
}

/* Two functions, "net_up" at 0x100 (size 0x10) and "net_down" right after it, which
 * stores only "down" and that it starts with 4 characters of "net_up". */
static const uint8_t shared[] = {
    9,        '_',  'd',  'e',  'n', 'o', 'p', 't', 'u', 'w', /* alphabet */
    0,        0,    2,                                        /* in bytes */
    6 | 0x80, 0x80, 0x02, 0x10, 3,   2,   6,   0,   7,   5,   /* net_up */
    4 | 0x40, 4,    0x20, 1,    4,   8,   3};                 /* (net_)down */

static void test_symtab_name_shares_the_previous_names_first_characters(void **state)
{
    (void)state;
    static const struct symtab t = {shared, sizeof(shared), 0};
    expect(&t, 0x100, "net_up", 0);
    expect(&t, 0x10f, "net_up", 0xf);
    expect(&t, 0x110, "net_down", 0);
    expect(&t, 0x12f, "net_down", 0x1f);
    expect(&t, 0x130, NULL, 0);
    /* More shared characters than the previous name has: a malformed table, no name. */
    uint8_t bad[sizeof(shared)];
    memcpy(bad, shared, sizeof(bad));
    bad[sizeof(bad) - 6] = 7; /* the prefix byte: before the size and the 4 name bytes */
    struct symtab b = {bad, sizeof(bad), 0};
    expect(&b, 0x100, "net_up", 0); /* the function before it is still found */
    expect(&b, 0x110, NULL, 0);
}

/* A name stored in more bytes than the head's 6 bits count: its length follows the head. */
static void test_symtab_long_stored_name_has_its_length_after_the_head(void **state)
{
    (void)state;
    enum { LEN = 100, ALPHABET = 26 };
    uint8_t table[1 + ALPHABET + 6 + 2 + 3 + 1 + LEN];
    size_t n = 0;
    table[n++] = ALPHABET;
    for (int c = 0; c < ALPHABET; c++)
        table[n++] = (uint8_t)('a' + c);
    const uint8_t head[] = {0, 0, 1, 0x3f | 0x80, LEN, 0x80, 0x80, 0x01, 0x10};
    memcpy(&table[n], head, sizeof(head));
    n += sizeof(head);
    char want[LEN + 1];
    for (int i = 0; i < LEN; i++) {
        table[n++] = (uint8_t)(i % ALPHABET);
        want[i] = (char)('a' + i % ALPHABET);
    }
    want[LEN] = '\0';
    struct symtab t = {table, n, 0};
    expect(&t, 0x4000, want, 0);
    expect(&t, 0x400f, want, 0xf);
    t.size--; /* one byte of the name missing */
    expect(&t, 0x4000, NULL, 0);
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
    static const uint64_t starts[] = {0x1000, 0x1100, 0x1200, 0x1210, 0x1400, 0x1700, 0x1800};
    struct symtab slid = tab;
    slid.slide = 0x400000000000ull - 0x40200000ull;
    uint64_t offset;
    for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
        const char *name = symtab_lookup(&tab, starts[i], &offset);
        assert_non_null(name);
        char want[SYMTAB_NAME_MAX + 1];
        strcpy(want, name);
        const char *got = symtab_lookup(&slid, starts[i] + slid.slide, &offset);
        assert_non_null(got);
        assert_string_equal(got, want);
        assert_int_equal(offset, 0);
    }
    assert_null(symtab_lookup(&slid, 0x1100, &offset)); /* the ELF's address: below */
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
        cmocka_unit_test(test_symtab_skips_data_symbols_and_local_labels),
        cmocka_unit_test(test_symtab_names_the_last_of_aliases),
        cmocka_unit_test(test_symtab_name_shares_the_previous_names_first_characters),
        cmocka_unit_test(test_symtab_long_stored_name_has_its_length_after_the_head),
        cmocka_unit_test(test_symtab_cuts_a_long_name_to_the_maximum),
        cmocka_unit_test(test_symtab_truncated_table_is_never_read_past_its_end),
        cmocka_unit_test(test_symtab_pairs_that_double_at_every_level_end_in_bounded_work),
    };
    return cmocka_run_group_tests_name("symtab", tests, setup, NULL);
}
