// SPDX-License-Identifier: MIT
/* Unit tests for what mote's users type (tools/mote/spec.c): ports, sizes, names,
 * restart policies, durations, times and boot arguments. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tools/mote/spec.h"

#define NS 1000000000ll

static void expect_port(const char *s, const char *ip, unsigned host, unsigned guest,
                        enum port_proto proto)
{
    struct port_spec p;
    char err[SPEC_ERR_LEN] = "";
    assert_int_equal(spec_parse_port(s, &p, err), 0);
    assert_string_equal(p.host_ip, ip);
    assert_int_equal(p.host_port, host);
    assert_int_equal(p.guest_port, guest);
    assert_int_equal(p.proto, proto);
}

static void expect_bad_port(const char *s, const char *why)
{
    struct port_spec p;
    char err[SPEC_ERR_LEN] = "";
    assert_int_equal(spec_parse_port(s, &p, err), -EINVAL);
    assert_non_null(strstr(err, why));
}

static void test_port_specs_in_docker_form(void **state)
{
    (void)state;
    expect_port("5353:53/udp", "", 5353, 53, PORT_UDP);
    expect_port("8080:80", "", 8080, 80, PORT_TCP);
    expect_port("8080:80/tcp", "", 8080, 80, PORT_TCP);
    expect_port("127.0.0.1:5353:53/udp", "127.0.0.1", 5353, 53, PORT_UDP);
    expect_port("1:65535", "", 1, 65535, PORT_TCP);
}

static void test_bad_port_specs_say_what_is_wrong(void **state)
{
    (void)state;
    expect_bad_port("53", "expected [IP:]HOSTPORT:PORT");
    expect_bad_port("", "expected [IP:]HOSTPORT:PORT");
    expect_bad_port(":53", "host port '' is not a number");
    expect_bad_port("5353:", "guest port '' is not a number");
    expect_bad_port("0:53", "host port '0'");
    expect_bad_port("65536:53", "host port '65536'");
    expect_bad_port("5353:99999999999", "guest port '99999999999'");
    expect_bad_port("5353:53/sctp", "unknown protocol 'sctp'");
    expect_bad_port("5353:53/", "unknown protocol ''");
    expect_bad_port("a:b", "host port 'a'");
    expect_bad_port("1.2.3:5353:53", "'1.2.3' is not an IPv4 address");
    expect_bad_port("::1:5353:53", "expected [IP:]HOSTPORT:PORT");
    expect_bad_port("1.2.3.4:1:2:3", "expected [IP:]HOSTPORT:PORT");
    expect_bad_port("-1:53", "host port '-1'");
    expect_bad_port("+5:53", "host port '+5'");
}

static void test_port_is_formatted_as_ps_shows_it(void **state)
{
    (void)state;
    struct port_spec p;
    char buf[64];
    assert_int_equal(spec_parse_port("5353:53/udp", &p, NULL), 0);
    spec_format_port(&p, buf, sizeof(buf));
    assert_string_equal(buf, "0.0.0.0:5353->53/udp");
    assert_int_equal(spec_parse_port("10.1.2.3:80:8080", &p, NULL), 0);
    spec_format_port(&p, buf, sizeof(buf));
    assert_string_equal(buf, "10.1.2.3:80->8080/tcp");
}

static void test_memory_sizes(void **state)
{
    (void)state;
    unsigned mib;
    char err[SPEC_ERR_LEN];
    assert_int_equal(spec_parse_memory("128", &mib, err), 0);
    assert_int_equal(mib, 128);
    assert_int_equal(spec_parse_memory("256M", &mib, err), 0);
    assert_int_equal(mib, 256);
    assert_int_equal(spec_parse_memory("1G", &mib, err), 0);
    assert_int_equal(mib, 1024);
    assert_int_equal(spec_parse_memory("2GiB", &mib, err), 0);
    assert_int_equal(mib, 2048);
    assert_int_equal(spec_parse_memory("64G", &mib, err), 0);
    assert_int_equal(mib, 65536);
    static const char *const bad[] = {"",      "M",  "15",    "65G",         "1T",
                                      "12.5M", "-1", "128MB", "99999999999", "1 G"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        mib = 7;
        assert_int_equal(spec_parse_memory(bad[i], &mib, err), -EINVAL);
        assert_int_equal(mib, 7);
        assert_non_null(strstr(err, "bad memory size"));
    }
}

static void test_instance_names_are_host_names(void **state)
{
    (void)state;
    char err[SPEC_ERR_LEN];
    assert_int_equal(spec_check_name("dns1", err), 0);
    assert_int_equal(spec_check_name("a", err), 0);
    assert_int_equal(spec_check_name("Edge-Gateway-7", err), 0);
    char longest[NAME_MAX_LEN + 2];
    memset(longest, 'x', NAME_MAX_LEN);
    longest[NAME_MAX_LEN] = '\0';
    assert_int_equal(spec_check_name(longest, err), 0);
    longest[NAME_MAX_LEN] = 'x';
    longest[NAME_MAX_LEN + 1] = '\0';
    assert_int_equal(spec_check_name(longest, err), -EINVAL);
    static const char *const bad[] = {"",      "-dns",  "dns-", "dns_1", "dns.1",
                                      "dns 1", "dns/1", "..",   "ä"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(spec_check_name(bad[i], err), -EINVAL);
        assert_non_null(strstr(err, "bad name"));
    }
}

static void test_volumes_in_docker_form(void **state)
{
    (void)state;
    char path[64], err[SPEC_ERR_LEN];
    unsigned n;
    bool sd;
    assert_int_equal(spec_parse_volume("disk.img:virtio0", path, sizeof(path), &n, &sd, err), 0);
    assert_string_equal(path, "disk.img");
    assert_int_equal(n, 0);
    assert_false(sd);
    assert_int_equal(spec_parse_volume("/a:b/c.img:virtio7", path, sizeof(path), &n, &sd, err), 0);
    assert_string_equal(path, "/a:b/c.img"); /* the last colon separates */
    assert_int_equal(n, 7);
    assert_int_equal(spec_parse_volume("card.img:sd", path, sizeof(path), &n, &sd, err), 0);
    assert_true(sd);
    static const char *const bad[] = {"disk.img", ":virtio0",   "d:virtio8", "d:virtio",
                                      "d:vda",    "d:virtio-1", "d:sd1",     "d:"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(spec_parse_volume(bad[i], path, sizeof(path), &n, &sd, err), -EINVAL);
        assert_non_null(strstr(err, "bad volume"));
    }
    char long_path[80];
    memset(long_path, 'a', sizeof(long_path));
    strcpy(long_path + 60, ":virtio0");
    assert_int_equal(spec_parse_volume(long_path, path, sizeof(path), &n, &sd, err), 0);
    strcpy(long_path + 64, ":virtio0");
    assert_int_equal(spec_parse_volume(long_path, path, sizeof(path), &n, &sd, err), -EINVAL);
}

static void test_restart_policies(void **state)
{
    (void)state;
    enum restart_policy p;
    unsigned max;
    char err[SPEC_ERR_LEN];
    assert_int_equal(spec_parse_restart("no", &p, &max, err), 0);
    assert_int_equal(p, RESTART_NO);
    assert_int_equal(spec_parse_restart("on-failure", &p, &max, err), 0);
    assert_int_equal(p, RESTART_ON_FAILURE);
    assert_int_equal(max, 0);
    assert_int_equal(spec_parse_restart("on-failure:3", &p, &max, err), 0);
    assert_int_equal(max, 3);
    static const char *const bad[] = {
        "always", "on-failure:", "on-failure:0", "on-failure:x", "on-failure:3x", "on-failurex",
        ""};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(spec_parse_restart(bad[i], &p, &max, err), -EINVAL);
}

static void test_durations(void **state)
{
    (void)state;
    int64_t ns;
    assert_int_equal(spec_parse_duration("10", &ns, NULL), 0);
    assert_true(ns == 10 * NS);
    assert_int_equal(spec_parse_duration("90s", &ns, NULL), 0);
    assert_true(ns == 90 * NS);
    assert_int_equal(spec_parse_duration("5m", &ns, NULL), 0);
    assert_true(ns == 300 * NS);
    assert_int_equal(spec_parse_duration("1.5h", &ns, NULL), 0);
    assert_true(ns == 5400 * NS);
    assert_int_equal(spec_parse_duration("2d", &ns, NULL), 0);
    assert_true(ns == 172800 * NS);
    static const char *const bad[] = {"",    "s",   "-5s", "5x",        "1e400",
                                      "5 m", "nan", "inf", "999999999d"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(spec_parse_duration(bad[i], &ns, NULL), -EINVAL);
}

static void test_times_round_trip_in_rfc3339(void **state)
{
    (void)state;
    int64_t ns;
    char buf[TIME_STR_LEN + 1];
    assert_int_equal(spec_parse_time("1970-01-01T00:00:00Z", &ns), 0);
    assert_true(ns == 0);
    assert_int_equal(spec_parse_time("2026-11-23T12:22:15.123456789Z", &ns), 0);
    spec_format_time(ns, buf);
    assert_string_equal(buf, "2026-11-23T12:22:15.123456789Z");
    assert_int_equal(spec_parse_time("2000-02-29T23:59:59.5+01:00", &ns), 0);
    spec_format_time(ns, buf);
    assert_string_equal(buf, "2000-02-29T22:59:59.500000000Z");
    assert_int_equal(spec_parse_time("2024-03-01t00:00:00-02:30", &ns), 0);
    spec_format_time(ns, buf);
    assert_string_equal(buf, "2024-03-01T02:30:00.000000000Z");
    spec_format_time(-1, buf); /* a nanosecond before the epoch */
    assert_string_equal(buf, "1969-12-31T23:59:59.999999999Z");
    static const char *const bad[] = {"",
                                      "2026-11-23",
                                      "2026-11-23T12:22:15",
                                      "2026-13-01T00:00:00Z",
                                      "2026-11-23T24:00:00Z",
                                      "2026-11-23T12:22:15.Z",
                                      "2026-11-23T12:22:15Zjunk",
                                      "2026-11-23 12:22:15Z",
                                      "2026-11-23T12:22:15+1:00",
                                      "20261123T122215Z"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_int_equal(spec_parse_time(bad[i], &ns), -EINVAL);
}

static void test_since_takes_duration_time_or_epoch(void **state)
{
    (void)state;
    int64_t ns, now = 1800000000 * NS;
    char err[SPEC_ERR_LEN];
    assert_int_equal(spec_parse_since("10m", now, &ns, err), 0);
    assert_true(ns == now - 600 * NS);
    assert_int_equal(spec_parse_since("1795436709", now, &ns, err), 0);
    assert_true(ns == 1795436709 * NS);
    assert_int_equal(spec_parse_since("2026-11-23T12:00:00Z", now, &ns, err), 0);
    assert_int_equal(spec_parse_since("yesterday", now, &ns, err), -EINVAL);
    assert_non_null(strstr(err, "bad --since 'yesterday'"));
}

static void test_human_durations(void **state)
{
    (void)state;
    char buf[64];
    static const struct {
        int64_t s;
        const char *want;
    } cases[] = {{0, "Less than a second"}, {1, "1 second"},      {59, "59 seconds"},
                 {60, "About a minute"},    {150, "2 minutes"},   {3600, "About an hour"},
                 {7200, "2 hours"},         {3 * 86400, "3 days"}};
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        spec_human_duration(cases[i].s * NS, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].want);
    }
}

static void test_boot_arguments_are_quoted_for_the_image(void **state)
{
    (void)state;
    struct strbuf sb = STRBUF_INIT;
    char err[SPEC_ERR_LEN];
    assert_int_equal(spec_add_bootarg(&sb, "records=10", true, err), 0);
    assert_int_equal(spec_add_bootarg(&sb, "motd=hi there", true, err), 0);
    assert_int_equal(spec_add_bootarg(&sb, "verbose", false, err), 0);
    assert_int_equal(spec_add_bootarg(&sb, "empty=", true, err), 0);
    assert_int_equal(spec_add_bootarg(&sb, "url=a=b", true, err), 0);
    assert_string_equal(sb_str(&sb), "records=10 motd=\"hi there\" verbose empty= url=a=b");
    assert_int_equal(spec_add_bootarg(&sb, "verbose", true, err), -EINVAL);
    assert_non_null(strstr(err, "expected KEY=VALUE"));
    assert_int_equal(spec_add_bootarg(&sb, "q=\"x\"", true, err), -EINVAL);
    assert_non_null(strstr(err, "double quote"));
    assert_int_equal(spec_add_bootarg(&sb, "nl=a\nb", true, err), -EINVAL);
    assert_int_equal(spec_add_bootarg(&sb, "=x", true, err), -EINVAL);
    assert_int_equal(spec_add_bootarg(&sb, "a b=c", true, err), -EINVAL);
    assert_string_equal(sb_str(&sb), "records=10 motd=\"hi there\" verbose empty= url=a=b");
    sb_free(&sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_port_specs_in_docker_form),
        cmocka_unit_test(test_bad_port_specs_say_what_is_wrong),
        cmocka_unit_test(test_port_is_formatted_as_ps_shows_it),
        cmocka_unit_test(test_memory_sizes),
        cmocka_unit_test(test_instance_names_are_host_names),
        cmocka_unit_test(test_volumes_in_docker_form),
        cmocka_unit_test(test_restart_policies),
        cmocka_unit_test(test_durations),
        cmocka_unit_test(test_times_round_trip_in_rfc3339),
        cmocka_unit_test(test_since_takes_duration_time_or_epoch),
        cmocka_unit_test(test_human_durations),
        cmocka_unit_test(test_boot_arguments_are_quoted_for_the_image),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
