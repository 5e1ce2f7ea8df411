// SPDX-License-Identifier: MIT
/* Unit tests for the gateway's commands and readings (services/gateway/command.c, reading.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "services/gateway/gateway.h"

#define PREFIX "actuators/gw1/"

static int parse(const char *topic, const char *payload, struct gateway_command *cmd)
{
    return gateway_command_parse(PREFIX, topic, payload, strlen(payload), cmd);
}

static void test_gateway_output_commands(void **state)
{
    (void)state;
    struct gateway_command cmd;
    const char *on[] = {"on", "1", "true", "high", " on\n", "on\r\n"};
    for (size_t i = 0; i < sizeof(on) / sizeof(on[0]); i++) {
        assert_int_equal(parse(PREFIX "output", on[i], &cmd), 0);
        assert_int_equal(cmd.kind, GATEWAY_SET_OUTPUT);
        assert_false(cmd.toggle);
        assert_int_equal(cmd.value, 1);
    }
    assert_int_equal(parse(PREFIX "output", "off", &cmd), 0);
    assert_int_equal(cmd.value, 0);
    assert_false(cmd.toggle);
    assert_int_equal(parse(PREFIX "output", "toggle", &cmd), 0);
    assert_true(cmd.toggle);
    assert_int_equal(parse(PREFIX "output", "ON", &cmd), -EINVAL);
    assert_int_equal(parse(PREFIX "output", "", &cmd), -EINVAL);
    assert_int_equal(parse(PREFIX "output", "onn", &cmd), -EINVAL);
    assert_int_equal(parse(PREFIX "output", "a very long value indeed", &cmd), -EINVAL);
    /* NUL inside the payload: not a word */
    assert_int_equal(gateway_command_parse(PREFIX, PREFIX "output", "on\0x", 4, &cmd), -EINVAL);
}

static void test_gateway_period_commands(void **state)
{
    (void)state;
    struct gateway_command cmd;
    assert_int_equal(parse(PREFIX "period_ms", "250", &cmd), 0);
    assert_int_equal(cmd.kind, GATEWAY_SET_PERIOD);
    assert_int_equal(cmd.value, 250);
    assert_int_equal(parse(PREFIX "period_ms", "3600000", &cmd), 0);
    assert_int_equal(parse(PREFIX "period_ms", "3600001", &cmd), -EINVAL);
    assert_int_equal(parse(PREFIX "period_ms", "99999999999999999999999", &cmd), -EINVAL);
    assert_int_equal(parse(PREFIX "period_ms", "9", &cmd), -EINVAL);
    assert_int_equal(parse(PREFIX "period_ms", "-5", &cmd), -EINVAL);
    assert_int_equal(parse(PREFIX "period_ms", "1e3", &cmd), -EINVAL);
}

static void test_gateway_burst_commands(void **state)
{
    (void)state;
    struct gateway_command cmd;
    assert_int_equal(parse(PREFIX "burst", "1000", &cmd), 0);
    assert_int_equal(cmd.kind, GATEWAY_BURST);
    assert_int_equal(cmd.value, 1000);
    assert_int_equal(parse(PREFIX "burst", "0", &cmd), -EINVAL);
    assert_int_equal(parse(PREFIX "burst", "1000001", &cmd), -EINVAL);
    assert_int_equal(parse(PREFIX "burst", "", &cmd), -EINVAL);
}

static void test_gateway_other_topics_are_not_commands(void **state)
{
    (void)state;
    struct gateway_command cmd;
    assert_int_equal(parse("actuators/gw2/output", "on", &cmd), -ENOENT);
    assert_int_equal(parse(PREFIX "outputs", "on", &cmd), -ENOENT);
    assert_int_equal(parse(PREFIX "output/x", "on", &cmd), -ENOENT);
    assert_int_equal(parse(PREFIX, "on", &cmd), -ENOENT);
    assert_int_equal(parse("actuators/gw1", "on", &cmd), -ENOENT);
}

static void test_gateway_hostnames(void **state)
{
    (void)state;
    assert_true(gateway_hostname_valid("gw1"));
    assert_true(gateway_hostname_valid("sensor-hall-2"));
    assert_false(gateway_hostname_valid(""));
    assert_false(gateway_hostname_valid("-gw"));
    assert_false(gateway_hostname_valid("gw/1"));
    assert_false(gateway_hostname_valid("gw+"));
    assert_false(gateway_hostname_valid("gw.local"));
    char longest[GATEWAY_HOSTNAME_MAX + 2];
    memset(longest, 'a', sizeof(longest));
    longest[GATEWAY_HOSTNAME_MAX] = '\0';
    assert_true(gateway_hostname_valid(longest));
    longest[GATEWAY_HOSTNAME_MAX] = 'a';
    longest[GATEWAY_HOSTNAME_MAX + 1] = '\0';
    assert_false(gateway_hostname_valid(longest));
}

static void test_gateway_reading_json(void **state)
{
    (void)state;
    struct gateway_reading r = {.seq = 7, .uptime_ms = 1234, .temperature_mc = 21375};
    char buf[256];
    int n = gateway_reading_json(&r, buf, sizeof(buf));
    assert_string_equal(buf,
                        "{\"seq\":7,\"uptime_ms\":1234,\"temperature_c\":21.375,\"output\":0}");
    assert_int_equal(n, (int)strlen(buf));
    r.temperature_mc = -1005;
    r.has_input = true;
    r.input_level = 1;
    r.input_edges = 42;
    r.output_level = 1;
    gateway_reading_json(&r, buf, sizeof(buf));
    assert_string_equal(buf, "{\"seq\":7,\"uptime_ms\":1234,\"temperature_c\":-1.005,\"output\":1,"
                             "\"input\":1,\"edges\":42}");
    assert_int_equal(gateway_reading_json(&r, buf, 20), -ENOSPC);
    assert_int_equal(gateway_reading_json(&r, buf, (size_t)n + 1), -ENOSPC);
}

static void test_gateway_simulated_temperature_stays_in_its_band(void **state)
{
    (void)state;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (uint64_t seq = 0; seq < 1000; seq++) {
        int32_t t = gateway_simulated_temperature(seq, (uint32_t)(seq * 2654435761u));
        lo = t < lo ? t : lo;
        hi = t > hi ? t : hi;
    }
    assert_true(lo >= 21000 - 2000 - 250 && hi <= 21000 + 2000 + 250);
    assert_true(hi - lo > 3000); /* it moves */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gateway_output_commands),
        cmocka_unit_test(test_gateway_period_commands),
        cmocka_unit_test(test_gateway_burst_commands),
        cmocka_unit_test(test_gateway_other_topics_are_not_commands),
        cmocka_unit_test(test_gateway_hostnames),
        cmocka_unit_test(test_gateway_reading_json),
        cmocka_unit_test(test_gateway_simulated_temperature_stays_in_its_band),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
