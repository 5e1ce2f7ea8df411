// SPDX-License-Identifier: MIT
/* Unit tests for the HTTP request-head parser (lib/http/request.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <http/http.h>

static int parse(const char *text, struct http_request *req)
{
    return http_parse_request(text, strlen(text), req);
}

static void expect_status(const char *text, int status)
{
    struct http_request req;
    assert_int_equal(parse(text, &req), status);
}

static void test_http_parses_a_get_with_keep_alive_by_default(void **state)
{
    (void)state;
    struct http_request req;
    const char *text = "GET /index.html?x=1 HTTP/1.1\r\nHost: a\r\nAccept: */*\r\n\r\nNEXT";
    assert_int_equal(parse(text, &req), 1);
    assert_int_equal(req.method, HTTP_GET);
    assert_int_equal(req.path_len, strlen("/index.html"));
    assert_memory_equal(req.path, "/index.html", req.path_len);
    assert_int_equal(req.version_minor, 1);
    assert_true(req.keep_alive);
    assert_int_equal(req.body_len, 0);
    assert_int_equal(req.head_len, strlen(text) - strlen("NEXT"));
}

static void test_http_connection_header_decides_keep_alive(void **state)
{
    (void)state;
    struct http_request req;
    assert_int_equal(
        parse("HEAD / HTTP/1.1\r\nHost: a\r\nConnection: Keep-Alive, CLOSE\r\n\r\n", &req), 1);
    assert_int_equal(req.method, HTTP_HEAD);
    assert_false(req.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.0\r\n\r\n", &req), 1);
    assert_false(req.keep_alive);
    assert_int_equal(parse("GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n", &req), 1);
    assert_true(req.keep_alive);
}

static void test_http_accepts_bare_lf_and_leading_blank_lines(void **state)
{
    (void)state;
    struct http_request req;
    assert_int_equal(parse("\r\n\nGET /a HTTP/1.1\nHost: x\n\n", &req), 1);
    assert_memory_equal(req.path, "/a", 2);
}

static void test_http_waits_for_the_whole_head(void **state)
{
    (void)state;
    const char *full = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    struct http_request req;
    for (size_t n = 0; n < strlen(full); n++)
        assert_int_equal(http_parse_request(full, n, &req), 0);
    assert_int_equal(http_parse_request(full, strlen(full), &req), 1);
}

static void test_http_reads_content_length_and_other_methods(void **state)
{
    (void)state;
    struct http_request req;
    assert_int_equal(
        parse("POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
              &req),
        1);
    assert_int_equal(req.method, HTTP_OTHER);
    assert_string_equal(req.method_name, "POST");
    assert_int_equal(req.body_len, 5);
}

static void test_http_refuses_malformed_requests_with_400(void **state)
{
    (void)state;
    expect_status("GET\r\n\r\n", 400);
    expect_status("GET /\r\n\r\n", 400);
    expect_status("GET  / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    expect_status("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    expect_status("G(T / HTTP/1.1\r\nHost: a\r\n\r\n", 400);
    expect_status("GET / HTTP/1.1\r\n\r\n", 400);                       /* no Host */
    expect_status("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400); /* two */
    expect_status("GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400);           /* space before colon */
    expect_status("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", 400); /* obs-fold */
    expect_status("GET / HTTP/1.1\r\nHost: a\r\nNoColon\r\n\r\n", 400);
    expect_status("GET / HTTP/1.1\r\nHost: a\r\nX: \001\r\n\r\n", 400);
    expect_status("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
                  400);
    expect_status("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400);
    expect_status("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n", 400);
    expect_status("GET / HTTP/1.x\r\nHost: a\r\n\r\n", 400);
    expect_status("GET / HTTP/11\r\nHost: a\r\n\r\n", 400);
    expect_status("GET /\x7f HTTP/1.1\r\nHost: a\r\n\r\n", 400);
}

static void test_http_refuses_other_versions_and_chunked_bodies(void **state)
{
    (void)state;
    expect_status("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505);
    expect_status("GET / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 501);
}

static void test_http_refuses_heads_over_the_limit_with_431(void **state)
{
    (void)state;
    static char big[HTTP_HEAD_MAX + 100];
    struct http_request req;
    strcpy(big, "GET / HTTP/1.1\r\nHost: a\r\nX: ");
    size_t n = strlen(big);
    memset(big + n, 'x', sizeof(big) - n);
    assert_int_equal(http_parse_request(big, sizeof(big), &req), 431);
    /* and without a single line end either */
    memset(big, 'A', sizeof(big));
    assert_int_equal(http_parse_request(big, sizeof(big), &req), 431);
}

static void test_http_names_reasons(void **state)
{
    (void)state;
    assert_string_equal(http_reason(404), "Not Found");
    assert_string_equal(http_reason(299), "Unknown");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_http_parses_a_get_with_keep_alive_by_default),
        cmocka_unit_test(test_http_connection_header_decides_keep_alive),
        cmocka_unit_test(test_http_accepts_bare_lf_and_leading_blank_lines),
        cmocka_unit_test(test_http_waits_for_the_whole_head),
        cmocka_unit_test(test_http_reads_content_length_and_other_methods),
        cmocka_unit_test(test_http_refuses_malformed_requests_with_400),
        cmocka_unit_test(test_http_refuses_other_versions_and_chunked_bodies),
        cmocka_unit_test(test_http_refuses_heads_over_the_limit_with_431),
        cmocka_unit_test(test_http_names_reasons),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
