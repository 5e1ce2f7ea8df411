// SPDX-License-Identifier: MIT
/* Unit tests for RFC 5424 message formatting and the syslog boot arguments (lib/syslog). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "lib/syslog/message.h"

#define NS_PER_S 1000000000ll

static void expect_message(unsigned facility, unsigned severity, int64_t ns, const char *msg,
                           const char *want)
{
    char buf[256];
    int n = syslog_format_message(buf, sizeof(buf), facility, severity, ns, "dns-eu-7", "mote", msg,
                                  strlen(msg));
    assert_int_equal(n, strlen(want));
    assert_memory_equal(buf, want, strlen(want));
}

static void test_syslog_formats_pri_timestamp_hostname_and_message(void **state)
{
    (void)state;
    /* 2026-11-23 12:52:01.019750 UTC */
    expect_message(1, 6, 1795438321019750123ll, "mote: ready",
                   "<14>1 2026-11-23T12:52:01.019750Z dns-eu-7 mote - - - mote: ready");
    expect_message(1, 3, 0, "boom", "<11>1 1970-01-01T00:00:00.000000Z dns-eu-7 mote - - - boom");
    expect_message(23, 7, 0, "x", "<191>1 1970-01-01T00:00:00.000000Z dns-eu-7 mote - - - x");
}

static void test_syslog_dates_cross_leap_days_and_centuries(void **state)
{
    (void)state;
    /* 2024-02-29 23:59:59 and the second after; 2000-03-01 (a leap century) */
    expect_message(1, 4, 1709251199ll * NS_PER_S, "",
                   "<12>1 2024-02-29T23:59:59.000000Z dns-eu-7 mote - - - ");
    expect_message(1, 4, 1709251200ll * NS_PER_S, "",
                   "<12>1 2024-03-01T00:00:00.000000Z dns-eu-7 mote - - - ");
    expect_message(1, 4, 951868800ll * NS_PER_S, "",
                   "<12>1 2000-03-01T00:00:00.000000Z dns-eu-7 mote - - - ");
    expect_message(1, 4, 4102444800ll * NS_PER_S, "",
                   "<12>1 2100-01-01T00:00:00.000000Z dns-eu-7 mote - - - ");
}

static void test_syslog_without_a_clock_sends_the_nil_timestamp(void **state)
{
    (void)state;
    expect_message(1, 6, -19, "hi", "<14>1 - dns-eu-7 mote - - - hi");
}

static void test_syslog_cuts_a_long_message_to_the_buffer(void **state)
{
    (void)state;
    char buf[64];
    char msg[200];
    memset(msg, 'a', sizeof(msg));
    int n = syslog_format_message(buf, sizeof(buf), 1, 6, -1, "h", "mote", msg, sizeof(msg));
    assert_int_equal(n, sizeof(buf));
    assert_memory_equal(buf, "<14>1 - h mote - - - aaa", 24);
    /* a buffer without room for the header */
    assert_int_equal(syslog_format_message(buf, 10, 1, 6, -1, "h", "mote", "x", 1), -EINVAL);
}

static void test_syslog_refuses_bad_fields(void **state)
{
    (void)state;
    char buf[128];
    assert_int_equal(syslog_format_message(buf, sizeof(buf), 24, 6, 0, "h", "a", "", 0), -EINVAL);
    assert_int_equal(syslog_format_message(buf, sizeof(buf), 1, 8, 0, "h", "a", "", 0), -EINVAL);
    assert_int_equal(syslog_format_message(buf, sizeof(buf), 1, 6, 0, "two words", "a", "", 0),
                     -EINVAL);
    assert_int_equal(syslog_format_message(buf, sizeof(buf), 1, 6, 0, "h", "", "", 0), -EINVAL);
}

static void test_syslog_hostname_rules(void **state)
{
    (void)state;
    char longest[SYSLOG_HOSTNAME_MAX + 2];
    memset(longest, 'h', sizeof(longest));
    longest[SYSLOG_HOSTNAME_MAX] = '\0';
    assert_true(syslog_name_ok(longest, SYSLOG_HOSTNAME_MAX));
    longest[SYSLOG_HOSTNAME_MAX] = 'h';
    longest[SYSLOG_HOSTNAME_MAX + 1] = '\0';
    assert_false(syslog_name_ok(longest, SYSLOG_HOSTNAME_MAX));
    assert_true(syslog_name_ok("gw-7.example", SYSLOG_HOSTNAME_MAX));
    assert_false(syslog_name_ok("", SYSLOG_HOSTNAME_MAX));
    assert_false(syslog_name_ok(NULL, SYSLOG_HOSTNAME_MAX));
    assert_false(syslog_name_ok("a\tb", SYSLOG_HOSTNAME_MAX));
    assert_false(syslog_name_ok("caf\xc3\xa9", SYSLOG_HOSTNAME_MAX));
}

static void test_syslog_parses_a_collector(void **state)
{
    (void)state;
    uint8_t addr[4];
    uint16_t port;
    assert_int_equal(syslog_parse_collector("10.0.2.2:514", addr, &port), 0);
    assert_memory_equal(addr, "\x0a\x00\x02\x02", 4);
    assert_int_equal(port, 514);
    assert_int_equal(syslog_parse_collector("255.255.255.255:65535", addr, &port), 0);
    assert_int_equal(port, 65535);
}

static void test_syslog_refuses_malformed_collectors(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "10.0.2.2",
        "10.0.2.2:",
        "10.0.2.2:0",
        "10.0.2.2:65536",
        "256.0.0.1:514",
        "10.0.2:514",
        "10.0.2.2.1:514",
        "10.0.2.2:514x",
        "collector:514",
        "-1.0.0.1:514",
        " 10.0.2.2:514",
        "10.0.2.2:+514",
        "10.0.2.2:0000514",
    };
    uint8_t addr[4];
    uint16_t port;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(syslog_parse_collector(bad[i], addr, &port), -EINVAL);
    assert_int_equal(syslog_parse_collector(NULL, addr, &port), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_syslog_formats_pri_timestamp_hostname_and_message),
        cmocka_unit_test(test_syslog_dates_cross_leap_days_and_centuries),
        cmocka_unit_test(test_syslog_without_a_clock_sends_the_nil_timestamp),
        cmocka_unit_test(test_syslog_cuts_a_long_message_to_the_buffer),
        cmocka_unit_test(test_syslog_refuses_bad_fields),
        cmocka_unit_test(test_syslog_hostname_rules),
        cmocka_unit_test(test_syslog_parses_a_collector),
        cmocka_unit_test(test_syslog_refuses_malformed_collectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
