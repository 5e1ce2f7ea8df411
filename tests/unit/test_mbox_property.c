// SPDX-License-Identifier: MIT
/* Unit tests for the mailbox property message (drivers/mbox/property.c). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/mbox/property.h"

#define MSG_WORDS 64

/* A MAC address query and a clock-rate query, as the board asks them. */
static struct mbox_tag two_tags[2] = {
    {.id = MBOX_TAG_MAC_ADDRESS, .words = 2},
    {.id = MBOX_TAG_GET_CLOCK_RATE, .words = 2, .value = {MBOX_CLOCK_EMMC, 0}},
};

/* What the firmware does: response code, each tag marked with its length, values filled. */
static void answer(uint32_t *msg)
{
    msg[1] = 0x80000000u;
    msg[2 + 2] = 0x80000000u | 6;
    msg[2 + 3] = 0x12345678u;
    msg[2 + 4] = 0x9abc;
    msg[7 + 2] = 0x80000000u | 8;
    msg[7 + 4] = 200000000u;
}

static void test_request_layout(void **state)
{
    (void)state;
    uint32_t msg[MSG_WORDS];
    int words = mbox_property_build(msg, MSG_WORDS, two_tags, 2);
    assert_int_equal(words, 2 + 5 + 5 + 1);
    assert_int_equal(msg[0], words * 4);
    assert_int_equal(msg[1], 0);
    assert_int_equal(msg[2], MBOX_TAG_MAC_ADDRESS);
    assert_int_equal(msg[3], 8);
    assert_int_equal(msg[7], MBOX_TAG_GET_CLOCK_RATE);
    assert_int_equal(msg[10], MBOX_CLOCK_EMMC);
    assert_int_equal(msg[12], 0); /* the end tag */
}

static void test_answer_read_back(void **state)
{
    (void)state;
    uint32_t msg[MSG_WORDS];
    struct mbox_tag tags[2];
    memcpy(tags, two_tags, sizeof(tags));
    mbox_property_build(msg, MSG_WORDS, tags, 2);
    answer(msg);
    assert_int_equal(mbox_property_parse(msg, MSG_WORDS, tags, 2), 0);
    assert_int_equal(tags[0].answer_len, 6);
    assert_int_equal(tags[0].value[0], 0x12345678u);
    assert_int_equal(tags[1].value[1], 200000000u);
}

static void test_bad_answers_are_refused(void **state)
{
    (void)state;
    static const struct {
        unsigned word;
        uint32_t value;
    } breakage[] = {
        {1, 0x80000001u},          /* the firmware's error code */
        {1, 0},                    /* not answered at all */
        {2 + 2, 6},                /* a tag without its response bit */
        {7, MBOX_TAG_VC_MEMORY},   /* another tag's id where the clock was asked */
        {7 + 2, 0x80000000u | 12}, /* more bytes than the 8-byte buffer: cut short */
    };
    for (size_t i = 0; i < sizeof(breakage) / sizeof(breakage[0]); i++) {
        uint32_t msg[MSG_WORDS];
        struct mbox_tag tags[2];
        memcpy(tags, two_tags, sizeof(tags));
        mbox_property_build(msg, MSG_WORDS, tags, 2);
        answer(msg);
        msg[breakage[i].word] = breakage[i].value;
        assert_int_equal(mbox_property_parse(msg, MSG_WORDS, tags, 2), -EIO);
    }
}

static void test_oversized_requests_are_refused(void **state)
{
    (void)state;
    uint32_t msg[MSG_WORDS];
    struct mbox_tag big = {.id = MBOX_TAG_BOARD_MODEL, .words = MBOX_TAG_MAX_WORDS + 1};
    assert_int_equal(mbox_property_build(msg, MSG_WORDS, &big, 1), -EINVAL);
    struct mbox_tag many[8];
    for (size_t i = 0; i < 8; i++)
        many[i] = (struct mbox_tag){.id = MBOX_TAG_BOARD_MODEL, .words = MBOX_TAG_MAX_WORDS};
    assert_int_equal(mbox_property_build(msg, MSG_WORDS, many, 8), -EINVAL); /* 8 * 11 words */
    assert_int_equal(mbox_property_build(msg, 3, many, 0), 3);
    assert_int_equal(mbox_property_build(msg, 2, many, 0), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_request_layout),
        cmocka_unit_test(test_answer_read_back),
        cmocka_unit_test(test_bad_answers_are_refused),
        cmocka_unit_test(test_oversized_requests_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
