// SPDX-License-Identifier: MIT
/* Unit tests for the RFC 5424 parser of mote's syslog collector (lib/syslog/parse.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/syslog/message.h"

static void parse_ok(const char *text, struct syslog_msg *m)
{
    assert_int_equal(syslog_parse(text, strlen(text), m), 0);
}

static void test_full_message_with_bom(void **state)
{
    (void)state;
    struct syslog_msg m;
    parse_ok("<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
             "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"] \xef\xbb\xbf"
             "An application "
             "event log entry...\n",
             &m);
    assert_int_equal(m.facility, 20);
    assert_int_equal(m.severity, 5);
    assert_string_equal(m.timestamp, "2003-10-11T22:14:15.003Z");
    assert_string_equal(m.hostname, "mymachine.example.com");
    assert_string_equal(m.app, "evntslog");
    assert_string_equal(m.procid, "-");
    assert_string_equal(m.msgid, "ID47");
    assert_int_equal(m.msg_len, strlen("An application event log entry..."));
    assert_memory_equal(m.msg, "An application event log entry...", m.msg_len);
    assert_string_equal(syslog_severity_name(m.severity), "notice");
}

static void test_nil_values_and_no_message(void **state)
{
    (void)state;
    struct syslog_msg m;
    parse_ok("<0>1 - - - - - -", &m);
    assert_int_equal(m.facility, 0);
    assert_int_equal(m.severity, 0);
    assert_string_equal(m.hostname, "-");
    assert_int_equal(m.msg_len, 0);
    parse_ok("<191>1 - dns1 mote - - - ", &m);
    assert_int_equal(m.severity, 7);
    assert_string_equal(m.hostname, "dns1");
    assert_int_equal(m.msg_len, 0);
}

static void test_structured_data_with_escapes(void **state)
{
    (void)state;
    struct syslog_msg m;
    parse_ok("<14>1 - h a - - [a@1 x=\"q\\\"]\\\\\"][b@2] text", &m);
    assert_int_equal(m.msg_len, 4);
    assert_memory_equal(m.msg, "text", 4);
}

static void test_bad_messages_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",                          /* nothing */
        "hello",                     /* no PRI */
        "<>1 - - - - - -",           /* empty PRI */
        "<192>1 - - - - - -",        /* PRI out of range */
        "<013>1 - - - - - -",        /* leading zero */
        "<1234>1 - - - - - -",       /* too many digits */
        "<13>2 - - - - - -",         /* a version this parser does not know */
        "<13> - - - - - -",          /* no version */
        "<13>1 - - - - -",           /* no structured data */
        "<13>1 - - - - - [",         /* unterminated structured data */
        "<13>1 - - - - - [a x=y]",   /* unquoted parameter value */
        "<13>1 - - - - - [a x=\"y]", /* unterminated parameter value */
        "<13>1 - - - - - []",        /* empty SD-ID */
        "<13>1 - - - - - x",         /* neither nil nor an element */
        "<13>1 - - - - -x",          /* no space after nil structured data */
        "<13>1 -  - - - -",          /* empty field */
        "<13>1 - h\x01st - - - -",   /* a control character in a field */
    };
    struct syslog_msg m;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(syslog_parse(bad[i], strlen(bad[i]), &m), -EINVAL);
}

static void test_field_lengths_are_bounded(void **state)
{
    (void)state;
    char buf[600];
    struct syslog_msg m;
    memset(buf, 0, sizeof(buf));
    memcpy(buf, "<13>1 - - ", 10);
    memset(buf + 10, 'a', SYSLOG_APP_MAX);
    memcpy(buf + 10 + SYSLOG_APP_MAX, " - - -", 6);
    assert_int_equal(syslog_parse(buf, strlen(buf), &m), 0);
    assert_int_equal(strlen(m.app), SYSLOG_APP_MAX);
    memset(buf + 10, 'a', SYSLOG_APP_MAX + 1);
    memcpy(buf + 11 + SYSLOG_APP_MAX, " - - -", 6);
    assert_int_equal(syslog_parse(buf, strlen(buf), &m), -EINVAL);
}

/* The datagram is not NUL-terminated: the parser must stop at len. */
static void test_parser_stops_at_the_length_given(void **state)
{
    (void)state;
    const char text[] = "<13>1 - host app - - - message and more";
    struct syslog_msg m;
    assert_int_equal(syslog_parse(text, strlen("<13>1 - host app - - - message"), &m), 0);
    assert_int_equal(m.msg_len, 7);
    for (size_t len = 0; len < strlen("<13>1 - host app - - -"); len++)
        assert_int_equal(syslog_parse(text, len, &m), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full_message_with_bom),
        cmocka_unit_test(test_nil_values_and_no_message),
        cmocka_unit_test(test_structured_data_with_escapes),
        cmocka_unit_test(test_bad_messages_are_refused),
        cmocka_unit_test(test_field_lengths_are_bounded),
        cmocka_unit_test(test_parser_stops_at_the_length_given),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
