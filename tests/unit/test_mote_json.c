// SPDX-License-Identifier: MIT
/* Unit tests for mote's JSON writer and parser (tools/mote/json.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tools/mote/json.h"

static struct json *parse(const char *text)
{
    char err[128];
    struct json *j = json_parse(text, strlen(text), err, sizeof(err));
    if (!j)
        print_error("parse failed: %s\n", err);
    return j;
}

static void expect_error(const char *text, const char *msg)
{
    char err[128] = "";
    assert_null(json_parse(text, strlen(text), err, sizeof(err)));
    if (msg && !strstr(err, msg))
        fail_msg("for %s expected an error with '%s', got '%s'", text, msg, err);
}

static void test_parses_values_of_every_type(void **state)
{
    (void)state;
    struct json *j =
        parse(" {\"s\": \"a\\n\\u00e9\\ud83d\\ude00\", \"i\": -42, \"f\": 1.5e3, "
              "\"t\": true, \"n\": null, \"a\": [1, [], {}], \"big\": 9223372036854775807,"
              " \"over\": 9223372036854775808, \"s\": \"last\"} ");
    assert_non_null(j);
    assert_int_equal(j->type, JSON_OBJECT);
    assert_string_equal(json_get_string(j, "s"), "last"); /* a repeated key: the last wins */
    assert_string_equal(j->items[0]->string, "a\n\xc3\xa9\xf0\x9f\x98\x80");
    int64_t v = 0;
    assert_int_equal(json_get_int(j, "i", &v), 0);
    assert_true(v == -42);
    assert_int_equal(json_get_int(j, "f", &v), -1); /* not an integer */
    assert_true(json_get(j, "f")->number == 1500.0);
    assert_int_equal(json_get_int(j, "big", &v), 0);
    assert_true(v == INT64_MAX);
    assert_int_equal(json_get_int(j, "over", &v), -1);
    assert_true(json_get_bool(j, "t", false));
    assert_false(json_get_bool(j, "missing", false));
    assert_int_equal(json_get(j, "n")->type, JSON_NULL);
    const struct json *a = json_get(j, "a");
    assert_int_equal(a->type, JSON_ARRAY);
    assert_int_equal(a->count, 3);
    assert_int_equal(a->items[1]->count, 0);
    assert_int_equal(a->items[2]->type, JSON_OBJECT);
    assert_null(json_get_string(j, "i"));
    assert_null(json_get(a, "x")); /* not an object */
    json_free(j);
}

static void test_refuses_malformed_text_with_a_reason(void **state)
{
    (void)state;
    expect_error("", "unexpected end");
    expect_error("{", "member name");
    expect_error("{\"a\" 1}", "expected ':'");
    expect_error("{\"a\": 1,}", "member name");
    expect_error("[1 2]", "expected ',' or ']'");
    expect_error("[1,]", "expected a value");
    expect_error("{\"a\": 1} x", "text after the value");
    expect_error("\"abc", "unterminated string");
    expect_error("\"a\tb\"", "control character");
    expect_error("\"\\x\"", "bad escape");
    expect_error("\"\\u12\"", "bad escape");
    expect_error("\"\\ud800\"", "unpaired surrogate");
    expect_error("\"\\udc00\"", "unpaired surrogate");
    expect_error("\"\\u0000\"", "\\u0000");
    expect_error("\"\xc3\"", "invalid UTF-8");
    expect_error("\"\xc0\xaf\"", "invalid UTF-8");     /* overlong */
    expect_error("\"\xed\xa0\x80\"", "invalid UTF-8"); /* an encoded surrogate */
    expect_error("01", "text after the value");
    expect_error("-", NULL);
    expect_error("1.", NULL);
    expect_error("1e", NULL);
    expect_error("tru", NULL);
    expect_error("nul", NULL);
    expect_error("1e999", NULL);
    expect_error("{\"a\":1}\n\n  }", "line 3");
}

static void test_depth_is_bounded(void **state)
{
    (void)state;
    char deep[2 * (JSON_MAX_DEPTH + 2) + 1];
    size_t n = JSON_MAX_DEPTH + 2;
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    expect_error(deep, "nested deeper");
    n = JSON_MAX_DEPTH + 1; /* the outermost value is depth 0 */
    memset(deep, '[', n);
    memset(deep + n, ']', n);
    deep[2 * n] = '\0';
    struct json *j = parse(deep);
    assert_non_null(j);
    json_free(j);
}

/* The parser gets a length: it must not read a NUL or anything else past it. */
static void test_parses_only_the_length_given(void **state)
{
    (void)state;
    const char text[] = "[1, 2]garbage";
    struct json *j = json_parse(text, 6, NULL, 0);
    assert_non_null(j);
    assert_int_equal(j->count, 2);
    json_free(j);
    for (size_t len = 0; len < 6; len++)
        assert_null(json_parse(text, len, NULL, 0));
}

static void test_writer_output_parses_back(void **state)
{
    (void)state;
    for (int pretty = 0; pretty <= 1; pretty++) {
        struct strbuf sb = STRBUF_INIT;
        struct json_writer w;
        json_writer_init(&w, &sb, pretty);
        json_begin_object(&w);
        json_member_string(&w, "quote\"back\\slash", "tab\tnl\ncr\rbell\x07 \xc3\xa9 bad\xff");
        json_member_int(&w, "min", INT64_MIN);
        json_member_bool(&w, "yes", true);
        json_key(&w, "empty");
        json_begin_array(&w);
        json_end_array(&w);
        json_key(&w, "list");
        json_begin_array(&w);
        json_int(&w, 1);
        json_null(&w);
        json_string(&w, NULL);
        json_begin_object(&w);
        json_end_object(&w);
        json_end_array(&w);
        json_end_object(&w);
        struct json *j = parse(sb_str(&sb));
        assert_non_null(j);
        assert_string_equal(json_get_string(j, "quote\"back\\slash"),
                            "tab\tnl\ncr\rbell\x07 \xc3\xa9 bad\xef\xbf\xbd");
        int64_t v;
        assert_int_equal(json_get_int(j, "min", &v), 0);
        assert_true(v == INT64_MIN);
        assert_int_equal(json_get(j, "empty")->count, 0);
        const struct json *list = json_get(j, "list");
        assert_int_equal(list->count, 4);
        assert_int_equal(list->items[1]->type, JSON_NULL);
        assert_int_equal(list->items[2]->type, JSON_NULL);
        if (!pretty)
            assert_non_null(strstr(sb_str(&sb), "\"empty\":[],"));
        else
            assert_non_null(strstr(sb_str(&sb), "\n  \"yes\": true,\n"));
        json_free(j);
        sb_free(&sb);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parses_values_of_every_type),
        cmocka_unit_test(test_refuses_malformed_text_with_a_reason),
        cmocka_unit_test(test_depth_is_bounded),
        cmocka_unit_test(test_parses_only_the_length_given),
        cmocka_unit_test(test_writer_output_parses_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
