// SPDX-License-Identifier: MIT
/* Unit tests for what `mote inspect` says of an instance's entropy (tools/mote/entropy.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tools/mote/entropy.h"
#include "tools/mote/strbuf.h"

static void expect_json(const struct entropy_info *e, const char *want)
{
    json_t *j = entropy_to_json(e);
    char *text = json_text(j, false);
    assert_string_equal(text, want);
    free(text);
    json_decref(j);
}

static void test_entropy_lists_the_sources_the_image_named(void **state)
{
    (void)state;
    struct entropy_info e;
    entropy_from_console("[    0.01] info: random: seeded from rng-seed, virtio-rng\r\n"
                         "[    0.02] info: Mote 0.1 on QEMU virt\n",
                         &e);
    assert_true(e.known);
    assert_false(e.none);
    expect_json(&e, "{\"known\":true,\"warning\":false,\"sources\":[\"rng-seed\",\"virtio-rng\"]}");
}

static void test_entropy_warning_is_shown_and_the_last_boot_wins(void **state)
{
    (void)state;
    struct entropy_info e;
    const char *two_boots = "info: random: seeded from virtio-rng\n"
                            "warn: random: no entropy source (no virtio-rng, ...)\n";
    entropy_from_console(two_boots, &e);
    assert_true(e.none);
    expect_json(&e, "{\"known\":true,\"warning\":true,\"sources\":[]}");
    entropy_from_console("warn: random: no entropy source\ninfo: random: seeded from RNDR", &e);
    assert_false(e.none);
    assert_string_equal(e.sources, "RNDR");
}

static void test_entropy_is_unknown_before_the_image_said(void **state)
{
    (void)state;
    struct entropy_info e;
    entropy_from_console(NULL, &e);
    assert_false(e.known);
    entropy_from_console("booting...\n", &e);
    assert_false(e.known);
    expect_json(&e, "{\"known\":false,\"warning\":false,\"sources\":[]}");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_entropy_lists_the_sources_the_image_named),
        cmocka_unit_test(test_entropy_warning_is_shown_and_the_last_boot_wins),
        cmocka_unit_test(test_entropy_is_unknown_before_the_image_said),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
