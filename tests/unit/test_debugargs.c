// SPDX-License-Identifier: MIT
/* Unit tests for the debugging boot arguments, gdb= and core= (kernel/debugargs.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <mote/log.h>

#include "kernel/debugargs.h"

/* debugargs.c's release-build gdbstub.h calls nothing, but links against the logger. */
void mote_log(enum mote_log_level level, const char *fmt, ...)
{
    (void)level;
    (void)fmt;
}

static void test_debugargs_splits_transport_param_and_wait(void **state)
{
    (void)state;
    struct debug_args d;
    debug_args_parse("a=1 gdb=tcp:1234,wait core=serial", &d);
    assert_int_equal(d.gdb, DEBUG_ARG_OK);
    assert_string_equal(d.gdb_transport, "tcp");
    assert_true(d.gdb_has_param);
    assert_string_equal(d.gdb_param, "1234");
    assert_true(d.gdb_wait);
    assert_int_equal(d.core, DEBUG_ARG_OK);
    assert_true(d.core_serial);

    debug_args_parse("gdb=serial", &d);
    assert_int_equal(d.gdb, DEBUG_ARG_OK);
    assert_string_equal(d.gdb_transport, "serial");
    assert_false(d.gdb_has_param);
    assert_false(d.gdb_wait);
    assert_int_equal(d.core, DEBUG_ARG_ABSENT);
}

static void test_debugargs_refuses_malformed_values_and_keeps_them_for_the_message(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "gdb=", "gdb=,wait", "gdb=serial,later", "gdb=serial,wait,wait", "gdb=:1234", "gdb=tcp:1,2",
    };
    struct debug_args d;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        debug_args_parse(bad[i], &d);
        assert_int_equal(d.gdb, DEBUG_ARG_BAD);
        assert_string_equal(d.gdb_raw, bad[i] + strlen("gdb="));
        assert_false(d.gdb_wait);
    }
    debug_args_parse("gdb=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa core=tcp:1.2.3.4:5", &d);
    assert_int_equal(d.gdb, DEBUG_ARG_BAD);
    assert_string_equal(d.gdb_raw, "(too long)");
    assert_int_equal(d.core, DEBUG_ARG_BAD);
    assert_string_equal(d.core_raw, "tcp:1.2.3.4:5");
}

static void test_debugargs_port_is_wanted_by_core_serial_not_by_a_stubless_gdb(void **state)
{
    (void)state;
    struct debug_args d;
    debug_args_parse("gdb=serial", &d); /* built without MOTE_DEBUG: no stub to use it */
    assert_false(debug_args_want_port(&d));
    debug_args_parse("core=serial", &d);
    assert_true(debug_args_want_port(&d));
    debug_args_parse("", &d);
    assert_false(debug_args_want_port(&d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_debugargs_splits_transport_param_and_wait),
        cmocka_unit_test(test_debugargs_refuses_malformed_values_and_keeps_them_for_the_message),
        cmocka_unit_test(test_debugargs_port_is_wanted_by_core_serial_not_by_a_stubless_gdb),
    };
    return cmocka_run_group_tests_name("debugargs", tests, NULL, NULL);
}
