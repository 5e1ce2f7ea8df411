// SPDX-License-Identifier: MIT
/*
 * Unit tests for the pure parts of the http service's file serving
 * (services/http/files_http.c): request targets to volume paths (escapes,
 * "..", the index), content types, HTTP dates both ways, header lookup.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "services/http/files_http.h"

static int path_of(const char *target, char *out, size_t max)
{
    return files_path(target, strlen(target), out, max);
}

static void test_http_files_path_maps_targets_and_adds_the_index(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(path_of("/a/b.txt", out, sizeof(out)), 0);
    assert_string_equal(out, "/a/b.txt");
    assert_int_equal(path_of("/", out, sizeof(out)), 0);
    assert_string_equal(out, "/index.html");
    assert_int_equal(path_of("/docs/", out, sizeof(out)), 0);
    assert_string_equal(out, "/docs/index.html");
    assert_int_equal(path_of("/my%20file.txt", out, sizeof(out)), 0);
    assert_string_equal(out, "/my file.txt");
    assert_int_equal(path_of("/..x/x..", out, sizeof(out)), 0); /* not ".." components */
    assert_string_equal(out, "/..x/x..");
}

static void test_http_files_path_refuses_dot_dot_even_escaped(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(path_of("/..", out, sizeof(out)), -EACCES);
    assert_int_equal(path_of("/../etc/passwd", out, sizeof(out)), -EACCES);
    assert_int_equal(path_of("/a/../../b", out, sizeof(out)), -EACCES);
    assert_int_equal(path_of("/%2e%2e/b", out, sizeof(out)), -EACCES);
    assert_int_equal(path_of("/a%2f..%2fb", out, sizeof(out)), -EACCES);
    assert_int_equal(path_of("/a/..", out, sizeof(out)), -EACCES);
}

static void test_http_files_path_refuses_bad_targets(void **state)
{
    (void)state;
    char out[16];
    assert_int_equal(path_of("a.txt", out, sizeof(out)), -EINVAL); /* not origin-form */
    assert_int_equal(path_of("", out, sizeof(out)), -EINVAL);
    assert_int_equal(path_of("/a%2", out, sizeof(out)), -EINVAL);   /* cut escape */
    assert_int_equal(path_of("/a%zz", out, sizeof(out)), -EINVAL);  /* not hex */
    assert_int_equal(path_of("/a%00b", out, sizeof(out)), -EINVAL); /* NUL */
    assert_int_equal(path_of("/a%5cb", out, sizeof(out)), -EINVAL); /* backslash */
    assert_int_equal(path_of("/a%0d%0a", out, sizeof(out)), -EINVAL);
    assert_int_equal(path_of("/0123456789abcdef", out, sizeof(out)), -ENAMETOOLONG);
    assert_int_equal(path_of("/0123456/", out, sizeof(out)), -ENAMETOOLONG); /* + index.html */
}

static void test_http_files_content_types_by_extension(void **state)
{
    (void)state;
    assert_string_equal(files_content_type("/index.html"), "text/html; charset=utf-8");
    assert_string_equal(files_content_type("/A/LOGO.PNG"), "image/png");
    assert_string_equal(files_content_type("/app.js"), "text/javascript; charset=utf-8");
    assert_string_equal(files_content_type("/data.json"), "application/json");
    assert_string_equal(files_content_type("/firmware.bin"), "application/octet-stream");
    assert_string_equal(files_content_type("/noext"), "application/octet-stream");
    assert_string_equal(files_content_type("/dir.png/file"), "application/octet-stream");
    assert_string_equal(files_content_type("/x.htmlx"), "application/octet-stream");
    assert_string_equal(files_content_type("/trailing."), "application/octet-stream");
}

static void test_http_files_dates_round_trip(void **state)
{
    (void)state;
    char buf[FILES_DATE_MAX];
    int64_t t;
    /* RFC 9110's example */
    assert_int_equal(files_parse_date("Sun, 06 Nov 1994 08:49:37 GMT", 29, &t), 0);
    assert_int_equal(t, 784111777);
    assert_int_equal(files_format_date(784111777, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "Sun, 06 Nov 1994 08:49:37 GMT");
    assert_int_equal(files_format_date(0, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "Thu, 01 Jan 1970 00:00:00 GMT");
    /* a leap day */
    assert_int_equal(files_parse_date("Thu, 29 Feb 2024 23:59:59 GMT", 29, &t), 0);
    assert_int_equal(files_format_date(t, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "Thu, 29 Feb 2024 23:59:59 GMT");
    assert_int_equal(files_format_date(-1, buf, sizeof(buf)), -EINVAL);
    assert_int_equal(files_format_date(0, buf, FILES_DATE_MAX - 1), -EINVAL);
}

static void test_http_files_bad_dates_are_refused(void **state)
{
    (void)state;
    int64_t t = 42;
    static const char *bad[] = {
        "Sunday, 06-Nov-94 08:49:37 GMT", /* RFC 850: ignored */
        "Sun Nov  6 08:49:37 1994",       /* asctime: ignored */
        "Mon, 06 Nov 1994 08:49:37 GMT",  /* wrong weekday */
        "Sun, 31 Nov 1994 08:49:37 GMT",  /* no such day */
        "Thu, 29 Feb 2023 08:49:37 GMT",  /* not a leap year */
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:49:37 UTC",
        "Sun, 06 Xyz 1994 08:49:37 GMT",
        "Sun, 0a Nov 1994 08:49:37 GMT",
        "Wed, 31 Dec 1969 23:59:59 GMT", /* before 1970 */
        "",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(files_parse_date(bad[i], strlen(bad[i]), &t), -EINVAL);
    assert_int_equal(t, 42);
}

static void test_http_files_header_lookup(void **state)
{
    (void)state;
    static const char head[] = "GET / HTTP/1.1\r\nHost: x\r\nif-modified-since:  Sun, 06 Nov "
                               "1994 08:49:37 GMT \r\nX-If-Modified-Since: no\r\n\r\n";
    const char *v;
    size_t n;
    assert_true(files_header(head, sizeof(head) - 1, "If-Modified-Since", &v, &n));
    assert_int_equal(n, 29);
    assert_memory_equal(v, "Sun, 06 Nov 1994 08:49:37 GMT", 29);
    assert_true(files_header(head, sizeof(head) - 1, "host", &v, &n));
    assert_int_equal(n, 1);
    assert_false(files_header(head, sizeof(head) - 1, "Range", &v, &n));
    /* The request line is not a header, even if it looks like one. */
    static const char tricky[] = "Host: GET / HTTP/1.1\r\n\r\n";
    assert_false(files_header(tricky, sizeof(tricky) - 1, "Host", &v, &n));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_files_path_maps_targets_and_adds_the_index),
        cmocka_unit_test(test_http_files_path_refuses_dot_dot_even_escaped),
        cmocka_unit_test(test_http_files_path_refuses_bad_targets),
        cmocka_unit_test(test_http_files_content_types_by_extension),
        cmocka_unit_test(test_http_files_dates_round_trip),
        cmocka_unit_test(test_http_files_bad_dates_are_refused),
        cmocka_unit_test(test_http_files_header_lookup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
