// SPDX-License-Identifier: MIT
/* Unit tests for --format templates (tools/mote/template.c), as users type them from docker. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "tools/mote/spec.h"
#include "tools/mote/template.h"

static json_t *obj;

static int setup(void **state)
{
    (void)state;
    static const char text[] =
        "{\"name\":\"d1\",\"state\":{\"status\":\"running\",\"exit_code\":null,"
        "\"pid\":42},\"ports\":[{\"host_port\":5353}],\"exit_code\":3}";
    obj = json_parse_text(text, strlen(text), NULL, 0);
    return obj ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    json_decref(obj);
    return 0;
}

static void expect(const char *tmpl, const char *want)
{
    struct strbuf sb = STRBUF_INIT;
    char err[SPEC_ERR_LEN] = "";
    if (template_render(tmpl, obj, &sb, err) != 0)
        fail_msg("'%s' was refused: %s", tmpl, err);
    assert_string_equal(sb_str(&sb), want);
    sb_free(&sb);
}

static void expect_bad(const char *tmpl, const char *why)
{
    struct strbuf sb = STRBUF_INIT;
    char err[SPEC_ERR_LEN] = "";
    assert_int_equal(template_render(tmpl, obj, &sb, err), -EINVAL);
    if (!strstr(err, why))
        fail_msg("for '%s' expected an error with '%s', got '%s'", tmpl, why, err);
    sb_free(&sb);
}

static void test_field_paths_in_any_case(void **state)
{
    (void)state;
    expect("{{.Name}}", "d1");
    expect("{{.State.Status}} {{ .state.PID }}", "running 42");
    expect("{{.ExitCode}}|{{.exit_code}}|{{.EXITCODE}}", "3|3|3"); /* docker's or inspect's */
    expect("{{.ExitCod}}|{{.ExitCodes}}", "<no value>|<no value>");
    expect("{{.State.Nope.Deeper}}", "<no value>");
    expect("{{.State.Exit_Code}} {{.State.ExitCode}}", "null null");
    expect("a\\tb\\n", "a\tb\n");
    expect("plain", "plain");
    expect("", "");
}

static void test_json_of_a_value_or_the_whole(void **state)
{
    (void)state;
    expect("{{json .Ports}}", "[{\"host_port\":5353}]");
    expect("{{json .Name}}", "\"d1\"");
    expect("{{json .Missing}}", "null");
    expect("{{json .State}}", "{\"status\":\"running\",\"exit_code\":null,\"pid\":42}");
}

static void test_bad_templates_say_what_is_wrong(void **state)
{
    (void)state;
    expect_bad("{{.State", "not closed");
    expect_bad("{{}}", "not a field path");
    expect_bad("{{Name}}", "not a field path");
    expect_bad("{{.State..Status}}", "not a field path");
    expect_bad("{{range .Ports}}", "not a field path");
    expect_bad("{{.State-Status}}", "not a field path");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_field_paths_in_any_case),
        cmocka_unit_test(test_json_of_a_value_or_the_whole),
        cmocka_unit_test(test_bad_templates_say_what_is_wrong),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
