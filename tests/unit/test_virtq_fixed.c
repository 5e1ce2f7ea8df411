// SPDX-License-Identifier: MIT
/*
 * Unit tests for preset chains on split virtqueues (drivers/virtio/virtq.h,
 * virtq_fixed_*): what the device sees of a preset chain, offering it again
 * by its head, what a device may return and what is refused, moving a chain's
 * buffers, taking back transmit buffers in bulk, publishing a transmit
 * buffer with the notification check, and the end of a pass (one barrier for
 * the notification and interrupt handshakes). The test plays the
 * device: it reads the available ring and fills the used ring.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/virtio/virtq.h"

#define QSIZE    8
#define BUF_LEN  64
#define HDR_LEN  12
#define WRAP_OPS 70000 /* more than 2^16 buffers through one queue */

struct fixture {
    struct virtq vq;
    void *mem;
    uint16_t dev_avail; /* next available entry the device reads */
    uint16_t dev_used;  /* the device's used idx */
    uint8_t bufs[QSIZE + 1][BUF_LEN];
};

static struct fixture *make(bool event_idx)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    size_t bytes =
        (virtq_mem_size(QSIZE) + VIRTQ_LEGACY_ALIGN - 1) & ~(size_t)(VIRTQ_LEGACY_ALIGN - 1);
    f->mem = aligned_alloc(VIRTQ_LEGACY_ALIGN, bytes);
    assert_non_null(f->mem);
    assert_int_equal(virtq_init(&f->vq, QSIZE, f->mem, event_idx), 0);
    virtq_fixed_init(&f->vq);
    return f;
}

static int setup(void **state)
{
    *state = make(false);
    return 0;
}

static int setup_event_idx(void **state)
{
    *state = make(true);
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    free(f->mem);
    free(f);
    return 0;
}

/* Device side: the next chain head the driver made available, or -1. */
static int dev_pop(struct fixture *f)
{
    if (f->vq.avail->idx == f->dev_avail)
        return -1;
    return f->vq.avail->ring[f->dev_avail++ & (QSIZE - 1)];
}

/* Device side: returns a chain with len bytes written. */
static void dev_push(struct fixture *f, uint32_t id, uint32_t len)
{
    volatile struct virtq_used_elem *e = &f->vq.used->ring[f->dev_used & (QSIZE - 1)];
    e->id = id;
    e->len = len;
    f->vq.used->idx = ++f->dev_used;
}

/* Buffer i as a one-descriptor writable chain at head i (header and frame together). */
static void chain_in(struct fixture *f, uint16_t i)
{
    struct virtq_seg seg = {.buf = f->bufs[i], .len = BUF_LEN};
    assert_int_equal(virtq_fixed_chain(&f->vq, i, &seg, 0, 1), 0);
}

/* Takes the oldest used entry: the return value, and *head, *cookie, *len. */
static int take(struct fixture *f, uint16_t *head, void **cookie, uint32_t *len)
{
    assert_int_not_equal(f->vq.last_used, virtq_used_idx(&f->vq));
    return virtq_fixed_take(&f->vq, head, cookie, len);
}

static void test_virtq_fixed_chain_is_what_the_device_sees(void **state)
{
    struct fixture *f = *state;
    struct virtq_seg segs[2] = {{.buf = f->bufs[2], .len = HDR_LEN},
                                {.buf = f->bufs[2] + HDR_LEN, .len = BUF_LEN - HDR_LEN}};
    assert_int_equal(virtq_fixed_chain(&f->vq, 2, segs, 0, 2), 0);
    volatile struct virtq_desc *d = f->vq.desc;
    assert_int_equal(d[2].addr, (uintptr_t)f->bufs[2]);
    assert_int_equal(d[2].len, HDR_LEN);
    assert_int_equal(d[2].flags, VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_WRITE);
    assert_int_equal(d[2].next, 3);
    assert_int_equal(d[3].addr, (uintptr_t)f->bufs[2] + HDR_LEN);
    assert_int_equal(d[3].len, BUF_LEN - HDR_LEN);
    assert_int_equal(d[3].flags, VIRTQ_DESC_F_WRITE);
    assert_ptr_equal(virtq_fixed_buf(&f->vq, 2), f->bufs[2]);

    struct virtq_seg out = {.buf = f->bufs[5], .len = BUF_LEN};
    assert_int_equal(virtq_fixed_chain(&f->vq, 5, &out, 1, 0), 0);
    assert_int_equal(d[5].flags, 0);
    virtq_fixed_set_len(&f->vq, 5, 20);
    assert_int_equal(d[5].len, 20);
}

static void test_virtq_fixed_chain_rejects_bad_chains(void **state)
{
    struct fixture *f = *state;
    struct virtq_seg segs[2] = {{.buf = f->bufs[0], .len = BUF_LEN},
                                {.buf = f->bufs[1], .len = BUF_LEN}};
    assert_int_equal(virtq_fixed_chain(&f->vq, 0, segs, 0, 0), -EINVAL);
    assert_int_equal(virtq_fixed_chain(&f->vq, QSIZE - 1, segs, 0, 2), -EINVAL);
    assert_int_equal(virtq_fixed_chain(&f->vq, QSIZE, segs, 0, 1), -EINVAL);
    segs[1].len = 0;
    assert_int_equal(virtq_fixed_chain(&f->vq, 0, segs, 1, 1), -EINVAL);
}

static void test_virtq_fixed_queue_refuses_virtq_add_buffer(void **state)
{
    struct fixture *f = *state;
    struct virtq_seg seg = {.buf = f->bufs[0], .len = BUF_LEN};
    assert_int_equal(virtq_add_buffer(&f->vq, &seg, 0, 1, f->bufs[0]), -ENOSPC);
}

static void test_virtq_fixed_post_offers_the_head_and_take_returns_it(void **state)
{
    struct fixture *f = *state;
    for (uint16_t i = 0; i < QSIZE; i++) {
        chain_in(f, i);
        virtq_fixed_post(&f->vq, i, f->bufs[i]);
    }
    assert_int_equal(dev_pop(f), -1); /* nothing seen before the index is published */
    virtq_publish(&f->vq);
    for (int i = 0; i < QSIZE; i++)
        assert_int_equal(dev_pop(f), i);

    dev_push(f, 3, 40);
    dev_push(f, 1, BUF_LEN);
    uint16_t head;
    void *cookie;
    uint32_t len;
    assert_int_equal(take(f, &head, &cookie, &len), 1);
    assert_int_equal(head, 3);
    assert_ptr_equal(cookie, f->bufs[3]);
    assert_int_equal(len, 40);
    assert_int_equal(take(f, &head, &cookie, &len), 1);
    assert_int_equal(head, 1);
    assert_int_equal(virtq_outstanding(&f->vq), QSIZE - 2);

    /* Offered again by its head alone: one ring entry, the same descriptor. */
    virtq_fixed_post(&f->vq, 3, f->bufs[3]);
    virtq_publish(&f->vq);
    assert_int_equal(dev_pop(f), 3);
    assert_int_equal(f->vq.desc[3].addr, (uintptr_t)f->bufs[3]);
}

static void test_virtq_fixed_take_refuses_what_was_not_offered(void **state)
{
    struct fixture *f = *state;
    struct virtq_seg segs[2] = {{.buf = f->bufs[0], .len = HDR_LEN},
                                {.buf = f->bufs[0] + HDR_LEN, .len = BUF_LEN - HDR_LEN}};
    assert_int_equal(virtq_fixed_chain(&f->vq, 0, segs, 0, 2), 0);
    chain_in(f, 2);
    virtq_fixed_post(&f->vq, 0, f->bufs[0]);
    virtq_fixed_post(&f->vq, 2, f->bufs[2]);
    virtq_publish(&f->vq);

    dev_push(f, QSIZE, 1);       /* out of the table */
    dev_push(f, 1, 1);           /* inside a chain, not its head */
    dev_push(f, 3, 1);           /* never offered */
    dev_push(f, 2, BUF_LEN + 1); /* more written than the chain holds */
    dev_push(f, 0, BUF_LEN);     /* good */
    dev_push(f, 0, BUF_LEN);     /* the same chain twice */
    uint16_t head;
    void *cookie;
    uint32_t len;
    for (int i = 0; i < 4; i++)
        assert_int_equal(take(f, &head, &cookie, &len), -EIO);
    assert_int_equal(take(f, &head, &cookie, &len), 1);
    assert_int_equal(head, 0);
    assert_int_equal(take(f, &head, &cookie, &len), -EIO);
    assert_int_equal(f->vq.dev_invalid, 5);
}

static void test_virtq_fixed_move_shifts_the_chains_addresses(void **state)
{
    struct fixture *f = *state;
    struct virtq_seg segs[2] = {{.buf = f->bufs[1], .len = HDR_LEN},
                                {.buf = f->bufs[1] + HDR_LEN, .len = BUF_LEN - HDR_LEN}};
    assert_int_equal(virtq_fixed_chain(&f->vq, 4, segs, 0, 2), 0);
    virtq_fixed_move(&f->vq, 4, f->bufs[QSIZE] - f->bufs[1]);
    assert_int_equal(f->vq.desc[4].addr, (uintptr_t)f->bufs[QSIZE]);
    assert_int_equal(f->vq.desc[5].addr, (uintptr_t)f->bufs[QSIZE] + HDR_LEN);
    assert_ptr_equal(virtq_fixed_buf(&f->vq, 4), f->bufs[QSIZE]);
    assert_int_equal(f->vq.desc[4].len, HDR_LEN); /* lengths and links stay */
    assert_int_equal(f->vq.desc[4].next, 5);
}

static void test_virtq_fixed_reap_takes_heads_and_skips_bad_entries(void **state)
{
    struct fixture *f = *state;
    for (uint16_t i = 0; i < QSIZE; i++) {
        struct virtq_seg seg = {.buf = f->bufs[i], .len = BUF_LEN};
        assert_int_equal(virtq_fixed_chain(&f->vq, i, &seg, 1, 0), 0);
        virtq_fixed_post(&f->vq, i, f->bufs[i]);
    }
    virtq_publish(&f->vq);
    dev_push(f, 6, 0);
    dev_push(f, 6, 0);  /* twice */
    dev_push(f, 99, 0); /* out of the table */
    dev_push(f, 4, 7);  /* a length, meaningless for a readable chain: not looked at */
    uint16_t heads[QSIZE];
    assert_int_equal(virtq_fixed_reap(&f->vq, heads, QSIZE), 2);
    assert_int_equal(heads[0], 6);
    assert_int_equal(heads[1], 4);
    assert_int_equal(f->vq.dev_invalid, 2);
    assert_int_equal(f->vq.last_used, f->dev_used);
    assert_int_equal(virtq_fixed_reap(&f->vq, heads, QSIZE), 0);

    /* At most max heads, the rest left for the next call. */
    dev_push(f, 0, 0);
    dev_push(f, 1, 0);
    assert_int_equal(virtq_fixed_reap(&f->vq, heads, 1), 1);
    assert_int_equal(heads[0], 0);
    assert_int_equal(virtq_fixed_reap(&f->vq, heads, QSIZE), 1);
    assert_int_equal(heads[0], 1);

    /* A used idx moved anywhere costs a queue's worth of entries at most. */
    f->vq.used->idx = (uint16_t)(f->vq.last_used + 40000);
    unsigned before = f->vq.dev_invalid;
    virtq_fixed_reap(&f->vq, heads, QSIZE);
    assert_true(f->vq.dev_invalid - before <= QSIZE);
}

static void test_virtq_fixed_survives_the_index_wrap(void **state)
{
    struct fixture *f = *state;
    for (uint16_t i = 0; i < QSIZE; i++) {
        chain_in(f, i);
        virtq_fixed_post(&f->vq, i, f->bufs[i]);
    }
    virtq_publish(&f->vq);
    for (unsigned op = 0; op < WRAP_OPS; op++) {
        int d = dev_pop(f);
        assert_true(d >= 0 && d < QSIZE);
        dev_push(f, (uint32_t)d, (uint32_t)(op % BUF_LEN));
        uint16_t head;
        void *cookie;
        uint32_t len;
        assert_int_equal(take(f, &head, &cookie, &len), 1);
        assert_int_equal(head, d);
        assert_ptr_equal(cookie, f->bufs[d]);
        assert_int_equal(len, op % BUF_LEN);
        virtq_fixed_post(&f->vq, head, cookie);
        virtq_publish(&f->vq);
    }
    assert_int_equal(virtq_outstanding(&f->vq), QSIZE);
    assert_int_equal(f->vq.dev_invalid, 0);
}

static void test_virtq_end_pass_with_event_idx(void **state)
{
    struct fixture *f = *state;
    for (uint16_t i = 0; i < QSIZE; i++)
        chain_in(f, i);
    for (uint16_t i = 0; i < 4; i++)
        virtq_fixed_post(&f->vq, i, f->bufs[i]);
    bool notify = false;
    *f->vq.avail_event = 0; /* the device waits at entry 0: tell it */
    assert_false(virtq_end_pass(&f->vq, &notify));
    assert_true(notify);
    assert_int_equal(f->vq.avail->idx, 4);
    assert_int_equal(*f->vq.used_event, 0); /* interrupt at the next used buffer */

    /* The device has not caught up (waits at entry 9): no notification. */
    *f->vq.avail_event = 9;
    virtq_fixed_post(&f->vq, 4, f->bufs[4]);
    assert_false(virtq_end_pass(&f->vq, &notify));
    assert_false(notify);

    /* Used meanwhile: the caller must look again, no interrupt may come. */
    for (int i = 0; i < 5; i++)
        dev_pop(f);
    dev_push(f, 0, 1);
    assert_true(virtq_end_pass(&f->vq, &notify));
    assert_false(notify); /* nothing new offered */
    uint16_t head;
    void *cookie;
    uint32_t len;
    assert_int_equal(take(f, &head, &cookie, &len), 1);
    assert_false(virtq_end_pass(&f->vq, &notify));
    assert_int_equal(*f->vq.used_event, 1);
}

static void test_virtq_end_pass_without_event_idx_follows_the_flags(void **state)
{
    struct fixture *f = *state;
    chain_in(f, 0);
    virtq_fixed_post(&f->vq, 0, f->bufs[0]);
    f->vq.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    bool notify = false;
    assert_false(virtq_end_pass(&f->vq, &notify));
    assert_true(notify);
    assert_int_equal(f->vq.avail->flags, 0);
    f->vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;
    assert_false(virtq_end_pass(&f->vq, &notify));
    assert_false(notify);
}

/* Transmit: each offer published at once, the device told only when it asked. */
static void test_virtq_publish_needs_notify_with_event_idx(void **state)
{
    struct fixture *f = *state;
    for (uint16_t i = 0; i < QSIZE; i++) {
        struct virtq_seg seg = {.buf = f->bufs[i], .len = BUF_LEN};
        assert_int_equal(virtq_fixed_chain(&f->vq, i, &seg, 1, 0), 0);
    }
    *f->vq.avail_event = 0; /* the device waits at entry 0 */
    virtq_fixed_post(&f->vq, 0, f->bufs[0]);
    assert_true(virtq_publish_needs_notify(&f->vq)); /* 0 -> 1 passes 0 */
    assert_int_equal(f->vq.avail->idx, 1);
    assert_int_equal(dev_pop(f), 0);
    virtq_fixed_post(&f->vq, 1, f->bufs[1]);
    assert_false(virtq_publish_needs_notify(&f->vq)); /* it has not asked again */
    assert_int_equal(f->vq.avail->idx, 2);
    *f->vq.avail_event = 3;
    virtq_fixed_post(&f->vq, 2, f->bufs[2]);
    assert_false(virtq_publish_needs_notify(&f->vq)); /* 2 -> 3 */
    virtq_fixed_post(&f->vq, 3, f->bufs[3]);
    virtq_fixed_post(&f->vq, 4, f->bufs[4]);
    assert_true(virtq_publish_needs_notify(&f->vq)); /* 3 -> 5 passes 3 */
    assert_int_equal(f->vq.avail->idx, 5);
    assert_int_equal(dev_pop(f), 1);
    assert_int_equal(dev_pop(f), 2);
    assert_int_equal(dev_pop(f), 3);
    assert_int_equal(dev_pop(f), 4);
    assert_int_equal(dev_pop(f), -1);
}

static void test_virtq_publish_needs_notify_without_event_idx_follows_the_flag(void **state)
{
    struct fixture *f = *state;
    struct virtq_seg seg = {.buf = f->bufs[0], .len = BUF_LEN};
    assert_int_equal(virtq_fixed_chain(&f->vq, 0, &seg, 1, 0), 0);
    virtq_fixed_post(&f->vq, 0, f->bufs[0]);
    assert_true(virtq_publish_needs_notify(&f->vq));
    assert_int_equal(f->vq.avail->idx, 1);
    f->vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;
    virtq_fixed_post(&f->vq, 0, f->bufs[0]);
    assert_false(virtq_publish_needs_notify(&f->vq));
    assert_int_equal(f->vq.avail->idx, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_virtq_fixed_chain_is_what_the_device_sees, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_virtq_fixed_chain_rejects_bad_chains, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_fixed_queue_refuses_virtq_add_buffer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_virtq_fixed_post_offers_the_head_and_take_returns_it,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_fixed_take_refuses_what_was_not_offered, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_virtq_fixed_move_shifts_the_chains_addresses, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_virtq_fixed_reap_takes_heads_and_skips_bad_entries,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_fixed_survives_the_index_wrap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_end_pass_with_event_idx, setup_event_idx,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_virtq_publish_needs_notify_with_event_idx,
                                        setup_event_idx, teardown),
        cmocka_unit_test_setup_teardown(
            test_virtq_publish_needs_notify_without_event_idx_follows_the_flag, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_end_pass_without_event_idx_follows_the_flags,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
