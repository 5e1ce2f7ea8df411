// SPDX-License-Identifier: MIT
/* Unit tests for ESR_EL1 decoding (arch/aarch64/esr.c) into crash-report words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "arch/aarch64/esr.h"

#define GUARD 0xa5

/* Describes esr into a roomy buffer and checks the words and the returned length. */
static void expect(uint64_t esr, const char *want)
{
    char buf[128];
    size_t n = esr_describe(esr, buf, sizeof(buf));
    assert_string_equal(buf, want);
    assert_int_equal(n, strlen(want));
}

static void test_esr_data_abort_translation_fault_level3_write(void **state)
{
    (void)state;
    expect(0x96000047, "data abort: translation fault, level 3, write");
}

static void test_esr_data_abort_translation_fault_level2_read(void **state)
{
    (void)state;
    expect(0x96000006, "data abort: translation fault, level 2, read");
}

static void test_esr_data_abort_permission_fault_level3_write(void **state)
{
    (void)state;
    expect(0x9600004f, "data abort: permission fault, level 3, write");
}

static void test_esr_data_abort_from_lower_el_is_a_data_abort(void **state)
{
    (void)state;
    expect(0x92000045, "data abort: translation fault, level 1, write");
}

static void test_esr_data_abort_access_flag_and_address_size_faults(void **state)
{
    (void)state;
    expect(0x9600000b, "data abort: access flag fault, level 3, read");
    expect(0x96000000, "data abort: address size fault, level 0, read");
    expect(0x96000015, "data abort: synchronous external abort on table walk, level 1, read");
}

static void test_esr_data_abort_cache_maintenance_wins_over_write(void **state)
{
    (void)state;
    /* CM set: WnR is then also set by the architecture, but the access was maintenance. */
    expect(0x96000147, "data abort: translation fault, level 3, cache maintenance");
}

static void test_esr_data_abort_alignment_fault_read(void **state)
{
    (void)state;
    expect(0x96000021, "data abort: alignment fault, read");
}

static void test_esr_data_abort_unlevelled_fault_names(void **state)
{
    (void)state;
    expect(0x96000010, "data abort: synchronous external abort, read");
    expect(0x96000070, "data abort: tlb conflict abort, write");
}

static void test_esr_data_abort_unknown_fault_status_is_shown_in_hex(void **state)
{
    (void)state;
    expect(0x96000022, "data abort: fault status 0x22, read");
}

static void test_esr_instruction_abort_permission_fault_level3_has_no_access(void **state)
{
    (void)state;
    expect(0x8600000f, "instruction abort: permission fault, level 3");
    expect(0x82000006, "instruction abort: translation fault, level 2");
}

static void test_esr_ec_zero_is_undefined_instruction(void **state)
{
    (void)state;
    expect(0x02000000, "undefined instruction");
}

static void test_esr_brk_shows_its_immediate(void **state)
{
    (void)state;
    expect(0xf2000900, "brk instruction #0x900");
    expect(0xf2000000, "brk instruction #0x0");
    expect(0xf200ffff, "brk instruction #0xffff");
}

static void test_esr_other_named_classes(void **state)
{
    (void)state;
    expect(0x56000000, "svc");
    expect(0x8a000000, "pc alignment fault");
    expect(0x9a000000, "sp alignment fault");
    expect(0xbe000000, "serror");
    expect(0x1fe00000, "trapped fp/simd access");
}

static void test_esr_unknown_class_is_shown_in_hex(void **state)
{
    (void)state;
    expect(0xfc000000, "exception class 0x3f");
    expect(0x0c000000, "exception class 0x03");
}

static void test_esr_is_abort_only_for_instruction_and_data_aborts(void **state)
{
    (void)state;
    assert_true(esr_is_abort(0x96000047));
    assert_true(esr_is_abort(0x92000047));
    assert_true(esr_is_abort(0x8600000f));
    assert_true(esr_is_abort(0x8200000f));
    assert_false(esr_is_abort(0x02000000));
    assert_false(esr_is_abort(0xf2000900));
    assert_false(esr_is_abort(0x8a000000)); /* pc alignment: EC 0x22, between the two */
}

/*
 * Every buffer length from 0 to beyond the full text: never a byte written past
 * len, always NUL-terminated when len > 0, the text a prefix of the full one,
 * and the return value the full length.
 */
static void check_truncation(uint64_t esr)
{
    char full[128];
    size_t want = esr_describe(esr, full, sizeof(full));
    assert_int_equal(want, strlen(full));

    for (size_t len = 0; len <= want + 2; len++) {
        char buf[160];
        memset(buf, GUARD, sizeof(buf));
        size_t n = esr_describe(esr, buf, len);
        assert_int_equal(n, want);
        for (size_t i = len; i < sizeof(buf); i++)
            assert_int_equal((unsigned char)buf[i], GUARD);
        if (len == 0)
            continue;
        size_t got = strnlen(buf, len);
        assert_true(got < len); /* NUL inside the buffer */
        assert_int_equal(got, len - 1 < want ? len - 1 : want);
        assert_memory_equal(buf, full, got);
    }
}

static void test_esr_truncates_data_abort_without_overflow(void **state)
{
    (void)state;
    check_truncation(0x96000047);
    check_truncation(0x96000021);
    check_truncation(0x96000022);
}

static void test_esr_truncates_other_classes_without_overflow(void **state)
{
    (void)state;
    check_truncation(0x8600000f);
    check_truncation(0xf2000900);
    check_truncation(0x02000000);
    check_truncation(0xfc000000);
}

static void test_esr_len_5_gets_first_four_characters(void **state)
{
    (void)state;
    char buf[8];
    memset(buf, GUARD, sizeof(buf));
    size_t n = esr_describe(0x96000047, buf, 5);
    assert_int_equal(n, strlen("data abort: translation fault, level 3, write"));
    assert_string_equal(buf, "data");
    assert_int_equal((unsigned char)buf[5], GUARD);
}

/* The snprintf-style length query (NULL, 0) works for aborts too, without pointer arithmetic on
 * NULL. */
static void test_esr_null_buffer_with_len_0_returns_wanted_length(void **state)
{
    (void)state;
    assert_int_equal(esr_describe(0x96000047, NULL, 0),
                     strlen("data abort: translation fault, level 3, write"));
    assert_int_equal(esr_describe(0xf2000900, NULL, 0), strlen("brk instruction #0x900"));
}

static void test_esr_bti_names_the_branch_type(void **state)
{
    (void)state;
    expect(0x36000002,
           "branch target exception (BTI): blr to an instruction that is no landing pad");
    expect(0x36000003,
           "branch target exception (BTI): br to an instruction that is no landing pad");
    expect(0x36000001,
           "branch target exception (BTI): br x16/x17 to an instruction that is no landing pad");
}

static void test_esr_fpac_names_the_key(void **state)
{
    (void)state;
    expect(0x72000000, "pointer authentication failure (PAC): instruction key A");
    expect(0x72000001, "pointer authentication failure (PAC): instruction key B");
    expect(0x72000002, "pointer authentication failure (PAC): data key A");
    expect(0x26000000, "trapped pointer authentication instruction");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_esr_data_abort_translation_fault_level3_write),
        cmocka_unit_test(test_esr_data_abort_translation_fault_level2_read),
        cmocka_unit_test(test_esr_data_abort_permission_fault_level3_write),
        cmocka_unit_test(test_esr_data_abort_from_lower_el_is_a_data_abort),
        cmocka_unit_test(test_esr_data_abort_access_flag_and_address_size_faults),
        cmocka_unit_test(test_esr_data_abort_cache_maintenance_wins_over_write),
        cmocka_unit_test(test_esr_data_abort_alignment_fault_read),
        cmocka_unit_test(test_esr_data_abort_unlevelled_fault_names),
        cmocka_unit_test(test_esr_data_abort_unknown_fault_status_is_shown_in_hex),
        cmocka_unit_test(test_esr_instruction_abort_permission_fault_level3_has_no_access),
        cmocka_unit_test(test_esr_ec_zero_is_undefined_instruction),
        cmocka_unit_test(test_esr_brk_shows_its_immediate),
        cmocka_unit_test(test_esr_other_named_classes),
        cmocka_unit_test(test_esr_unknown_class_is_shown_in_hex),
        cmocka_unit_test(test_esr_is_abort_only_for_instruction_and_data_aborts),
        cmocka_unit_test(test_esr_truncates_data_abort_without_overflow),
        cmocka_unit_test(test_esr_truncates_other_classes_without_overflow),
        cmocka_unit_test(test_esr_len_5_gets_first_four_characters),
        cmocka_unit_test(test_esr_null_buffer_with_len_0_returns_wanted_length),
        cmocka_unit_test(test_esr_bti_names_the_branch_type),
        cmocka_unit_test(test_esr_fpac_names_the_key),
    };
    return cmocka_run_group_tests_name("esr", tests, NULL, NULL);
}
