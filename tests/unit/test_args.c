// SPDX-License-Identifier: MIT
/* Unit tests for boot argument parsing (lib/args/args.c, include/mote/args.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <mote/args.h>

#include "lib/args/number.h"

#define UNCHANGED 0x5a5a5a5a5a5a5a5aull

/* Gets key's value and checks it (want NULL: checks the error instead). */
static void expect_str(const char *args, const char *key, const char *want, int err)
{
    char val[64];
    memset(val, 'X', sizeof(val));
    int n = mote_arg_get(args, key, val, sizeof(val));
    if (!want) {
        assert_int_equal(n, err);
        return;
    }
    assert_int_equal(n, (int)strlen(want));
    assert_string_equal(val, want);
}

/* Gets key's value as a number; on error checks *out was left alone. */
static void expect_u64(const char *args, const char *key, int err, uint64_t want)
{
    uint64_t out = UNCHANGED;
    assert_int_equal(mote_arg_get_u64(args, key, &out), err);
    assert_true(out == (err ? UNCHANGED : want));
}

static void test_args_gets_key_value(void **state)
{
    (void)state;
    const char *args = "ip=dhcp gw=10.0.2.2 loglevel=debug";
    expect_str(args, "ip", "dhcp", 0);
    expect_str(args, "gw", "10.0.2.2", 0);
    expect_str(args, "loglevel", "debug", 0);
}

static void test_args_tolerates_extra_whitespace(void **state)
{
    (void)state;
    const char *args = "  \tip=dhcp \n  gw=1  ";
    expect_str(args, "ip", "dhcp", 0);
    expect_str(args, "gw", "1", 0);
}

static void test_args_bare_flag_has_empty_value(void **state)
{
    (void)state;
    expect_str("verbose ip=dhcp", "verbose", "", 0);
    expect_str("ip=dhcp verbose", "verbose", "", 0);
    expect_str("empty= ip=dhcp", "empty", "", 0);
}

static void test_args_absent_key_returns_enoent(void **state)
{
    (void)state;
    expect_str("ip=dhcp", "gw", NULL, -ENOENT);
    expect_str("", "gw", NULL, -ENOENT);
    expect_str("   ", "gw", NULL, -ENOENT);
}

static void test_args_value_with_equals_sign_is_kept_whole(void **state)
{
    (void)state;
    expect_str("opt=a=b", "opt", "a=b", 0);
}

static void test_args_quoted_value_holds_spaces(void **state)
{
    (void)state;
    const char *args = "name=\"my sensor\" room=kitchen";
    expect_str(args, "name", "my sensor", 0);
    expect_str(args, "room", "kitchen", 0);
    expect_str("name=\"\" x=1", "name", "", 0);
}

static void test_args_words_inside_quotes_are_not_keys(void **state)
{
    (void)state;
    expect_str("name=\"a tick=5\"", "tick", NULL, -ENOENT);
}

static void test_args_unterminated_quote_runs_to_end(void **state)
{
    (void)state;
    const char *args = "a=1 name=\"my sensor b=2";
    expect_str(args, "name", "my sensor b=2", 0);
    expect_str(args, "b", NULL, -ENOENT);
    expect_str(args, "a", "1", 0);
}

static void test_args_last_occurrence_wins(void **state)
{
    (void)state;
    const char *args = "level=1 x=y level=2 level=3";
    expect_str(args, "level", "3", 0);
    expect_u64(args, "level", 0, 3);
    expect_str("flag=on flag", "flag", "", 0);
}

static void test_args_key_prefix_does_not_match(void **state)
{
    (void)state;
    expect_str("ticks=5", "tick", NULL, -ENOENT);
    expect_str("tick=4 ticks=5", "ticks", "5", 0);
    expect_str("ticks=5 tick=4", "tick", "4", 0);
    expect_str("tick=4", "ticks", NULL, -ENOENT);
    expect_str("xtick=4", "tick", NULL, -ENOENT);
}

static void test_args_small_buffer_returns_enospc(void **state)
{
    (void)state;
    char val[4];
    assert_int_equal(mote_arg_get("name=abcd", "name", val, sizeof(val)), -ENOSPC);
    assert_int_equal(mote_arg_get("name=abc", "name", val, sizeof(val)), 3);
    assert_string_equal(val, "abc");
    assert_int_equal(mote_arg_get("flag", "flag", val, 0), -ENOSPC); /* no room for the NUL */
    assert_int_equal(mote_arg_get("flag", "flag", val, 1), 0);
    assert_string_equal(val, "");
    assert_int_equal(mote_arg_get("name=abc", "name", NULL, 16), -ENOSPC);
}

static void test_args_rejects_bad_arguments_and_keys(void **state)
{
    (void)state;
    char val[16];
    uint64_t out = UNCHANGED;
    assert_int_equal(mote_arg_get(NULL, "ip", val, sizeof(val)), -EINVAL);
    assert_int_equal(mote_arg_get("ip=1", NULL, val, sizeof(val)), -EINVAL);
    assert_int_equal(mote_arg_get("ip=1", "", val, sizeof(val)), -EINVAL);
    assert_int_equal(mote_arg_get("ip=1", "ip=1", val, sizeof(val)), -EINVAL);
    assert_int_equal(mote_arg_get("ip=1", "ip=", val, sizeof(val)), -EINVAL);
    assert_int_equal(mote_arg_get("a b=1", "a b", val, sizeof(val)), -EINVAL);
    assert_int_equal(mote_arg_get("ip=1", "ip\t", val, sizeof(val)), -EINVAL);
    assert_int_equal(mote_arg_get_u64(NULL, "n", &out), -EINVAL);
    assert_int_equal(mote_arg_get_u64("n=1", NULL, &out), -EINVAL);
    assert_int_equal(mote_arg_get_u64("n=1", "", &out), -EINVAL);
    assert_int_equal(mote_arg_get_u64("n=1", "n=", &out), -EINVAL);
    assert_true(out == UNCHANGED);
}

static void test_args_u64_parses_decimal(void **state)
{
    (void)state;
    expect_u64("n=0", "n", 0, 0);
    expect_u64("n=100 m=7", "n", 0, 100);
    expect_u64("n=007", "n", 0, 7);
    expect_u64("n=18446744073709551615", "n", 0, UINT64_MAX);
    expect_u64("n=\"42\"", "n", 0, 42);
}

static void test_args_u64_parses_hex(void **state)
{
    (void)state;
    expect_u64("n=0x10", "n", 0, 16);
    expect_u64("n=0XfF", "n", 0, 255);
    expect_u64("n=0xdeadBEEF", "n", 0, 0xdeadbeef);
    expect_u64("n=0xffffffffffffffff", "n", 0, UINT64_MAX);
}

static void test_args_u64_rejects_overflow_leaving_out_unchanged(void **state)
{
    (void)state;
    expect_u64("n=18446744073709551616", "n", -EINVAL, 0);
    expect_u64("n=99999999999999999999", "n", -EINVAL, 0);
    expect_u64("n=0x10000000000000000", "n", -EINVAL, 0);
}

static void test_args_u64_rejects_non_numbers_leaving_out_unchanged(void **state)
{
    (void)state;
    expect_u64("n=", "n", -EINVAL, 0);
    expect_u64("n", "n", -EINVAL, 0);
    expect_u64("n=0x", "n", -EINVAL, 0);
    expect_u64("n=12a", "n", -EINVAL, 0);
    expect_u64("n=abc", "n", -EINVAL, 0);
    expect_u64("n=-1", "n", -EINVAL, 0);
    expect_u64("n=+1", "n", -EINVAL, 0);
    expect_u64("n=1.5", "n", -EINVAL, 0);
    expect_u64("n=0xg", "n", -EINVAL, 0);
    expect_u64("n=\"1 2\"", "n", -EINVAL, 0);
}

static void test_args_u64_absent_key_returns_enoent(void **state)
{
    (void)state;
    expect_u64("m=1", "n", -ENOENT, 0);
    expect_u64("ticks=5", "tick", -ENOENT, 0);
}

static void test_number_reads_leading_digits_and_says_how_many(void **state)
{
    (void)state;
    uint64_t v = UNCHANGED;
    assert_int_equal(number_parse_decimal("514:x", 5, 65535, &v), 3);
    assert_int_equal(v, 514);
    assert_int_equal(number_parse_decimal("18446744073709551615", 20, UINT64_MAX, &v), 20);
    assert_int_equal(v, UINT64_MAX);
    assert_int_equal(number_parse_decimal("12345", 2, 100, &v), 2); /* bounded by len */
    assert_int_equal(v, 12);
}

static void test_number_refuses_no_digit_and_values_over_max(void **state)
{
    (void)state;
    uint64_t v = UNCHANGED;
    assert_int_equal(number_parse_decimal("", 0, 10, &v), -EINVAL);
    assert_int_equal(number_parse_decimal("x1", 2, 10, &v), -EINVAL);
    assert_int_equal(number_parse_decimal("-1", 2, 10, &v), -EINVAL);
    assert_int_equal(number_parse_decimal("11", 2, 10, &v), -EINVAL);
    assert_int_equal(number_parse_decimal("9", 1, 5, &v), -EINVAL); /* one digit over max */
    assert_int_equal(number_parse_decimal("18446744073709551616", 20, UINT64_MAX, &v), -EINVAL);
    assert_int_equal(v, UNCHANGED);
}

static void test_number_str_wants_the_whole_string(void **state)
{
    (void)state;
    uint64_t v = UNCHANGED;
    assert_int_equal(number_parse_decimal_str("1234", 65535, &v), 0);
    assert_int_equal(v, 1234);
    assert_int_equal(number_parse_decimal_str("1234 ", 65535, &v), -EINVAL);
    assert_int_equal(number_parse_decimal_str("65536", 65535, &v), -EINVAL);
    assert_int_equal(number_parse_decimal_str("", 65535, &v), -EINVAL);
    assert_int_equal(v, 1234);
}

static void test_number_hex_bytes_decode_exactly_and_stop_at_a_non_digit(void **state)
{
    (void)state;
    uint8_t out[6];
    assert_int_equal(number_parse_hex_bytes("525400aBcDeF", out, 6), 0);
    assert_memory_equal(out, "\x52\x54\x00\xab\xcd\xef", 6);
    assert_int_equal(number_parse_hex_bytes("5254", out, 6), -EINVAL); /* short: not read past */
    assert_int_equal(number_parse_hex_bytes("52g4", out, 2), -EINVAL);
    assert_int_equal(number_parse_hex_bytes("5", out, 1), -EINVAL);
    assert_int_equal(number_hex_digit('F'), 15);
    assert_int_equal(number_hex_digit('/'), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_args_gets_key_value),
        cmocka_unit_test(test_args_tolerates_extra_whitespace),
        cmocka_unit_test(test_args_bare_flag_has_empty_value),
        cmocka_unit_test(test_args_absent_key_returns_enoent),
        cmocka_unit_test(test_args_value_with_equals_sign_is_kept_whole),
        cmocka_unit_test(test_args_quoted_value_holds_spaces),
        cmocka_unit_test(test_args_words_inside_quotes_are_not_keys),
        cmocka_unit_test(test_args_unterminated_quote_runs_to_end),
        cmocka_unit_test(test_args_last_occurrence_wins),
        cmocka_unit_test(test_args_key_prefix_does_not_match),
        cmocka_unit_test(test_args_small_buffer_returns_enospc),
        cmocka_unit_test(test_args_rejects_bad_arguments_and_keys),
        cmocka_unit_test(test_args_u64_parses_decimal),
        cmocka_unit_test(test_args_u64_parses_hex),
        cmocka_unit_test(test_args_u64_rejects_overflow_leaving_out_unchanged),
        cmocka_unit_test(test_args_u64_rejects_non_numbers_leaving_out_unchanged),
        cmocka_unit_test(test_args_u64_absent_key_returns_enoent),
        cmocka_unit_test(test_number_reads_leading_digits_and_says_how_many),
        cmocka_unit_test(test_number_refuses_no_digit_and_values_over_max),
        cmocka_unit_test(test_number_str_wants_the_whole_string),
        cmocka_unit_test(test_number_hex_bytes_decode_exactly_and_stop_at_a_non_digit),
    };
    return cmocka_run_group_tests_name("args", tests, NULL, NULL);
}
