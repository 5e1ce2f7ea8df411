// SPDX-License-Identifier: MIT
/*
 * Unit tests for the DWC2 split transaction state machine
 * (drivers/usb/dwc2/split.c), which QEMU cannot exercise: its raspi3b has no
 * high-speed hub. The channel's answers (HCINT) are scripted as a real TT and
 * device would give them (USB 2.0 §11.17-11.21).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "drivers/usb/dwc2/dwc2_regs.h"
#include "drivers/usb/dwc2/split.h"

#define HALT(bits) (HCINT_CHHLTD | (bits))

static void test_tt_is_the_nearest_high_speed_hub(void **state)
{
    (void)state;
    /* root port: high-speed hub (addr 1) port 3: full-speed hub (addr 2) port 1: keyboard */
    struct usb_device hs_hub = {.address = 1, .speed = USB_SPEED_HIGH};
    struct usb_device fs_hub = {
        .address = 2, .speed = USB_SPEED_FULL, .parent = &hs_hub, .port = 3};
    struct usb_device kbd = {.address = 3, .speed = USB_SPEED_LOW, .parent = &fs_hub, .port = 1};
    struct usb_device eth = {.address = 4, .speed = USB_SPEED_HIGH, .parent = &hs_hub, .port = 1};
    uint8_t hub = 0, port = 0;
    assert_true(split_find_tt(&kbd, &hub, &port));
    assert_int_equal(hub, 1);
    assert_int_equal(port, 3);
    assert_true(split_find_tt(&fs_hub, &hub, &port));
    assert_int_equal(port, 3);
    assert_false(split_find_tt(&eth, &hub, &port));
    assert_false(split_find_tt(&hs_hub, &hub, &port));
}

static void test_no_split_when_everything_above_is_full_speed(void **state)
{
    (void)state;
    /* QEMU's raspi3b: a full-speed hub on the root port, devices behind it */
    struct usb_device fs_hub = {.address = 1, .speed = USB_SPEED_FULL};
    struct usb_device net = {.address = 2, .speed = USB_SPEED_FULL, .parent = &fs_hub, .port = 2};
    uint8_t hub, port;
    assert_false(split_find_tt(&net, &hub, &port));
    assert_false(split_find_tt(&fs_hub, &hub, &port));
}

static void test_start_ack_then_complete_moves_the_packet(void **state)
{
    (void)state;
    struct split_state s = {0};
    int err = 1;
    assert_int_equal(split_next(&s, HALT(HCINT_ACK), false, &err), SPLIT_DO_COMPLETE);
    assert_int_equal(err, 0);
    assert_int_equal(s.phase, SPLIT_PHASE_COMPLETE);
    assert_int_equal(split_next(&s, HALT(HCINT_XFERCOMPL | HCINT_ACK), false, &err),
                     SPLIT_PACKET_DONE);
    assert_int_equal(s.phase, SPLIT_PHASE_START);
}

static void test_nyet_asks_again_and_periodic_ones_start_over(void **state)
{
    (void)state;
    struct split_state s = {.phase = SPLIT_PHASE_COMPLETE};
    int err;
    for (int i = 0; i < 10; i++) /* bulk and control: the TT answers eventually */
        assert_int_equal(split_next(&s, HALT(HCINT_NYET), false, &err), SPLIT_DO_COMPLETE);
    struct split_state p = {.phase = SPLIT_PHASE_COMPLETE};
    for (int i = 0; i < SPLIT_MAX_NYETS; i++)
        assert_int_equal(split_next(&p, HALT(HCINT_NYET), true, &err), SPLIT_DO_COMPLETE);
    assert_int_equal(split_next(&p, HALT(HCINT_NYET), true, &err), SPLIT_DO_START);
    assert_int_equal(p.phase, SPLIT_PHASE_START);
    assert_int_equal(p.nyets, 0);
}

static void test_naks_come_back_as_naked(void **state)
{
    (void)state;
    struct split_state s = {0};
    int err;
    /* the TT's buffers are full: the start-split is NAKed */
    assert_int_equal(split_next(&s, HALT(HCINT_NAK), false, &err), SPLIT_NAKED);
    assert_int_equal(s.phase, SPLIT_PHASE_START);
    /* the device NAKs (an idle interrupt endpoint): seen at the complete-split */
    s.phase = SPLIT_PHASE_COMPLETE;
    assert_int_equal(split_next(&s, HALT(HCINT_NAK), true, &err), SPLIT_NAKED);
    assert_int_equal(s.phase, SPLIT_PHASE_START);
}

static void test_transaction_errors_retry_then_fail(void **state)
{
    (void)state;
    struct split_state s = {0};
    int err;
    for (int i = 0; i < SPLIT_MAX_ERRORS; i++) {
        s.phase = i % 2 ? SPLIT_PHASE_COMPLETE : SPLIT_PHASE_START;
        assert_int_equal(split_next(&s, HALT(HCINT_XACTERR), false, &err), SPLIT_DO_START);
        assert_int_equal(s.phase, SPLIT_PHASE_START);
    }
    assert_int_equal(split_next(&s, HALT(HCINT_XACTERR), false, &err), SPLIT_FAILED);
    assert_int_equal(err, -EPROTO);
    /* a packet that made it resets the count */
    struct split_state t = {.phase = SPLIT_PHASE_COMPLETE, .errors = SPLIT_MAX_ERRORS};
    assert_int_equal(split_next(&t, HALT(HCINT_XFERCOMPL), false, &err), SPLIT_PACKET_DONE);
    assert_int_equal(t.errors, 0);
    struct split_state u = {.phase = SPLIT_PHASE_COMPLETE, .errors = SPLIT_MAX_ERRORS};
    assert_int_equal(split_next(&u, HALT(HCINT_DATATGLERR), false, &err), SPLIT_FAILED);
    assert_int_equal(err, -EILSEQ);
}

static void test_stall_babble_and_dma_errors_end_the_transfer(void **state)
{
    (void)state;
    int err;
    struct split_state s = {.phase = SPLIT_PHASE_COMPLETE};
    assert_int_equal(split_next(&s, HALT(HCINT_STALL), false, &err), SPLIT_FAILED);
    assert_int_equal(err, -EPIPE);
    s.phase = SPLIT_PHASE_START;
    assert_int_equal(split_next(&s, HALT(HCINT_STALL), false, &err), SPLIT_FAILED);
    assert_int_equal(err, -EPIPE);
    s.phase = SPLIT_PHASE_COMPLETE;
    assert_int_equal(split_next(&s, HALT(HCINT_BBLERR), false, &err), SPLIT_FAILED);
    assert_int_equal(err, -EOVERFLOW);
    assert_int_equal(split_next(&s, HALT(HCINT_AHBERR), false, &err), SPLIT_FAILED);
    assert_int_equal(err, -EIO);
    /* halted for no reason the databook gives */
    s.phase = SPLIT_PHASE_START;
    assert_int_equal(split_next(&s, HCINT_CHHLTD, false, &err), SPLIT_FAILED);
    assert_int_equal(err, -EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tt_is_the_nearest_high_speed_hub),
        cmocka_unit_test(test_no_split_when_everything_above_is_full_speed),
        cmocka_unit_test(test_start_ack_then_complete_moves_the_packet),
        cmocka_unit_test(test_nyet_asks_again_and_periodic_ones_start_over),
        cmocka_unit_test(test_naks_come_back_as_naked),
        cmocka_unit_test(test_transaction_errors_retry_then_fail),
        cmocka_unit_test(test_stall_babble_and_dma_errors_end_the_transfer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
