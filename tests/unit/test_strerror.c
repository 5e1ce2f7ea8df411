// SPDX-License-Identifier: MIT
/*
 * Unit tests for kernel/strerror.c: each errno it knows gets its own words
 * (the table is a string of texts walked alongside a list of numbers, so an
 * entry out of step would name the wrong error), either sign, and any other
 * number is said as a number.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <errno.h>
#include <mote/error.h>
#include <mote/fs.h>

static void test_strerror_names_each_errno_with_its_own_words(void **state)
{
    (void)state;
    static const struct {
        int err;
        const char *text;
    } cases[] = {
        {EPERM, "operation not permitted"}, /* the first */
        {ENOENT, "not found"},
        {EINVAL, "invalid argument"},
        {EUCLEAN, "corrupt file system"},
        {ETIMEDOUT, "timed out"},
        {ECANCELED, "cancelled"}, /* the last */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_string_equal(mote_strerror(-cases[i].err), cases[i].text);
        assert_string_equal(mote_strerror(cases[i].err), cases[i].text);
    }
}

static void test_strerror_says_an_unknown_number_as_a_number(void **state)
{
    (void)state;
    assert_string_equal(mote_strerror(0), "error 0");
    assert_string_equal(mote_strerror(-255), "error -255");
    assert_string_equal(mote_strerror(-70000), "error -70000");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strerror_names_each_errno_with_its_own_words),
        cmocka_unit_test(test_strerror_says_an_unknown_number_as_a_number),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
