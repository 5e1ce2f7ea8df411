// SPDX-License-Identifier: MIT
/*
 * Unit tests for split virtqueues (drivers/virtio/virtq.c): layout, the free
 * list, chains, 16-bit index wraparound and event-index notification. The
 * test plays the device: it reads the available ring and fills the used ring.
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
#define WRAP_OPS 70000 /* more than 2^16 buffers through one queue */

struct fixture {
    struct virtq vq;
    void *mem;
    uint16_t dev_avail; /* next available entry the device reads */
    uint16_t dev_used;  /* the device's used idx */
    uint8_t bufs[VIRTQ_SIZE_MAX][BUF_LEN];
};

static void *tag(uintptr_t n)
{
    return (void *)(n + 1);
}

static struct fixture *make(uint16_t size, bool event_idx)
{
    struct fixture *f = calloc(1, sizeof(*f));
    assert_non_null(f);
    size_t bytes =
        (virtq_mem_size(size) + VIRTQ_LEGACY_ALIGN - 1) & ~(size_t)(VIRTQ_LEGACY_ALIGN - 1);
    f->mem = aligned_alloc(VIRTQ_LEGACY_ALIGN, bytes);
    assert_non_null(f->mem);
    assert_int_equal(virtq_init(&f->vq, size, f->mem, event_idx), 0);
    return f;
}

static int setup(void **state)
{
    *state = make(QSIZE, false);
    return 0;
}

static int setup_event_idx(void **state)
{
    *state = make(QSIZE, true);
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
    return f->vq.avail->ring[f->dev_avail++ & (f->vq.size - 1)];
}

/* Device side: returns a chain with len bytes written. */
static void dev_push(struct fixture *f, uint32_t id, uint32_t len)
{
    volatile struct virtq_used_elem *e = &f->vq.used->ring[f->dev_used & (f->vq.size - 1)];
    e->id = id;
    e->len = len;
    f->vq.used->idx = ++f->dev_used;
}

/* One writable segment of buffer i. */
static int add_in(struct fixture *f, unsigned i)
{
    struct virtq_seg seg = {.buf = f->bufs[i], .len = BUF_LEN};
    return virtq_add_buffer(&f->vq, &seg, 0, 1, tag(i));
}

static void test_virtq_layout_matches_the_legacy_layout(void **state)
{
    struct fixture *f = *state;
    uint8_t *mem = f->mem;
    assert_ptr_equal((void *)f->vq.desc, mem);
    assert_ptr_equal((void *)f->vq.avail, mem + 16 * QSIZE);
    assert_ptr_equal((void *)f->vq.used, mem + VIRTQ_LEGACY_ALIGN);
    assert_ptr_equal((void *)f->vq.used_event, mem + 16 * QSIZE + 4 + 2 * QSIZE);
    assert_ptr_equal((void *)f->vq.avail_event, mem + VIRTQ_LEGACY_ALIGN + 4 + 8 * QSIZE);
    assert_int_equal(virtq_mem_size(QSIZE), VIRTQ_LEGACY_ALIGN + 6 + 8 * QSIZE);
    /* 256 descriptors fill a page; the avail ring spills over, the used ring starts on page 3. */
    assert_int_equal(virtq_mem_size(256), 2 * VIRTQ_LEGACY_ALIGN + 6 + 8 * 256);
    assert_int_equal(virtq_desc_paddr(&f->vq), (uintptr_t)mem);
    assert_int_equal(virtq_used_paddr(&f->vq) % VIRTQ_LEGACY_ALIGN, 0);
}

static void test_virtq_init_rejects_bad_sizes_and_misaligned_memory(void **state)
{
    struct fixture *f = *state;
    struct virtq vq;
    assert_int_equal(virtq_init(&vq, 0, f->mem, false), -EINVAL);
    assert_int_equal(virtq_init(&vq, 6, f->mem, false), -EINVAL);
    assert_int_equal(virtq_init(&vq, 2 * VIRTQ_SIZE_MAX, f->mem, false), -EINVAL);
    assert_int_equal(virtq_init(&vq, 4, (uint8_t *)f->mem + 16, false), -EINVAL);
}

static void test_virtq_free_list_exhausts_and_recycles(void **state)
{
    struct fixture *f = *state;
    for (unsigned i = 0; i < QSIZE; i++)
        assert_int_equal(add_in(f, i), 0);
    assert_int_equal(f->vq.num_free, 0);
    assert_int_equal(add_in(f, 0), -ENOSPC);

    /* The device finishes three (out of order); exactly three fit again. */
    int heads[QSIZE];
    for (unsigned i = 0; i < QSIZE; i++)
        heads[i] = dev_pop(f);
    dev_push(f, (uint32_t)heads[5], 1);
    dev_push(f, (uint32_t)heads[1], 2);
    dev_push(f, (uint32_t)heads[6], 3);
    void *cookie;
    uint32_t len;
    for (uint32_t want = 1; want <= 3; want++) {
        assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
        assert_int_equal(len, want);
    }
    assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 0);
    assert_int_equal(f->vq.num_free, 3);
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(add_in(f, i), 0);
    assert_int_equal(add_in(f, 3), -ENOSPC);
}

static void test_virtq_chain_has_readable_then_writable_descriptors(void **state)
{
    struct fixture *f = *state;
    struct virtq_seg segs[5];
    for (unsigned i = 0; i < 5; i++)
        segs[i] = (struct virtq_seg){.buf = f->bufs[i], .len = 10 + i};
    assert_int_equal(virtq_add_buffer(&f->vq, segs, 2, 3, tag(42)), 0);
    assert_int_equal(f->vq.num_free, QSIZE - 5);

    int head = dev_pop(f);
    assert_true(head >= 0);
    uint16_t d = (uint16_t)head;
    for (unsigned i = 0; i < 5; i++) {
        volatile struct virtq_desc *desc = &f->vq.desc[d];
        assert_ptr_equal((void *)(uintptr_t)desc->addr, f->bufs[i]);
        assert_int_equal(desc->len, 10 + i);
        assert_int_equal(!!(desc->flags & VIRTQ_DESC_F_WRITE), i >= 2);
        assert_int_equal(!!(desc->flags & VIRTQ_DESC_F_NEXT), i < 4);
        d = desc->next;
    }
    assert_int_equal(dev_pop(f), -1);

    /* The whole chain comes back to the free list: a full-size chain fits again. */
    dev_push(f, (uint32_t)head, 12 + 13 + 14);
    void *cookie;
    uint32_t len;
    assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
    assert_ptr_equal(cookie, tag(42));
    assert_int_equal(len, 39);
    struct virtq_seg all[QSIZE];
    for (unsigned i = 0; i < QSIZE; i++)
        all[i] = (struct virtq_seg){.buf = f->bufs[i], .len = BUF_LEN};
    assert_int_equal(virtq_add_buffer(&f->vq, all, QSIZE / 2, QSIZE / 2, tag(1)), 0);
    assert_int_equal(f->vq.num_free, 0);
}

/* Device addresses are remembered per descriptor: a reused descriptor gets each offer's own. */
static void test_virtq_reused_descriptors_carry_each_offers_own_address(void **state)
{
    struct fixture *f = *state;
    static const unsigned order[] = {0, 1, 1, 0, 2, 2, 2, 1};
    for (unsigned k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
        struct virtq_seg segs[2] = {
            {.buf = f->bufs[order[k]], .len = 12},
            {.buf = f->bufs[order[k]] + 12, .len = BUF_LEN - 12},
        };
        assert_int_equal(virtq_add_buffer(&f->vq, segs, 1, 1, tag(k)), 0);
        int head = dev_pop(f);
        assert_true(head >= 0);
        volatile struct virtq_desc *first = &f->vq.desc[head];
        volatile struct virtq_desc *second = &f->vq.desc[first->next];
        assert_ptr_equal((void *)(uintptr_t)first->addr, f->bufs[order[k]]);
        assert_ptr_equal((void *)(uintptr_t)second->addr, f->bufs[order[k]] + 12);
        dev_push(f, (uint32_t)head, 0);
        void *cookie;
        uint32_t len;
        assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
        assert_ptr_equal(cookie, tag(k));
    }
}

static void test_virtq_refused_chain_changes_nothing(void **state)
{
    struct fixture *f = *state;
    struct virtq_seg segs[QSIZE] = {{0}};
    for (unsigned i = 0; i < QSIZE; i++)
        segs[i] = (struct virtq_seg){.buf = f->bufs[i], .len = BUF_LEN};
    assert_int_equal(add_in(f, 0), 0);
    assert_int_equal(virtq_add_buffer(&f->vq, segs, 4, QSIZE - 4, tag(1)), -ENOSPC);
    assert_int_equal(virtq_add_buffer(&f->vq, segs, 0, 0, tag(1)), -EINVAL);
    assert_int_equal(virtq_add_buffer(&f->vq, segs, 1, 0, NULL), -EINVAL);
    segs[1].len = 0;
    assert_int_equal(virtq_add_buffer(&f->vq, segs, 1, 1, tag(1)), -EINVAL);
    assert_int_equal(f->vq.avail->idx, 1);
    assert_int_equal(f->vq.num_free, QSIZE - 1);
}

static void test_virtq_indices_wrap_from_65535_to_0(void **state)
{
    struct fixture *f = *state;
    void *cookie;
    uint32_t len;
    bool crossed = false;
    for (unsigned op = 0; op < WRAP_OPS; op++) {
        /* Chains of 1..3 descriptors, two in flight, so slots and heads keep moving. */
        unsigned n = 1 + op % 3;
        struct virtq_seg segs[3];
        for (unsigned i = 0; i < n; i++)
            segs[i] = (struct virtq_seg){.buf = f->bufs[i], .len = BUF_LEN};
        uint16_t before = f->vq.avail_idx;
        assert_int_equal(virtq_add_buffer(&f->vq, segs, 1, n - 1, tag(op)), 0);
        assert_int_equal(f->vq.avail->idx, (uint16_t)(before + 1));
        if (before == UINT16_MAX) {
            assert_int_equal(f->vq.avail->idx, 0);
            crossed = true;
        }
        int head = dev_pop(f);
        assert_true(head >= 0 && head < QSIZE);
        dev_push(f, (uint32_t)head, (n - 1) * BUF_LEN);
        if (op % 2 == 0)
            continue; /* collect in pairs: one buffer stays in flight across calls */
        assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
        assert_ptr_equal(cookie, tag(op - 1));
        assert_int_equal(len, ((op - 1) % 3) * BUF_LEN);
        assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
        assert_ptr_equal(cookie, tag(op));
        assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 0);
    }
    assert_true(crossed);
    assert_int_equal(f->vq.avail->idx, (uint16_t)WRAP_OPS);
    assert_int_equal(f->vq.last_used, (uint16_t)WRAP_OPS);
    assert_int_equal(f->vq.num_free, QSIZE);
    assert_int_equal(f->vq.dev_invalid, 0);
}

static void test_virtq_rejects_used_entries_the_driver_never_offered(void **state)
{
    struct fixture *f = *state;
    void *cookie = NULL;
    uint32_t len = 0;
    assert_int_equal(add_in(f, 0), 0);
    int head = dev_pop(f);

    dev_push(f, QSIZE, 0);                    /* out of the table */
    dev_push(f, (uint32_t)head + 1, 0);       /* a free descriptor */
    dev_push(f, (uint32_t)head, BUF_LEN + 1); /* more than was offered */
    for (int i = 0; i < 3; i++)
        assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), -EIO);
    assert_int_equal(f->vq.dev_invalid, 3);
    assert_int_equal(f->vq.num_free, QSIZE - 1);

    dev_push(f, (uint32_t)head, BUF_LEN);
    assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
    assert_ptr_equal(cookie, tag(0));
    assert_int_equal(len, BUF_LEN);
    /* Returned once; a second return of the same head is refused. */
    dev_push(f, (uint32_t)head, BUF_LEN);
    assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), -EIO);
    assert_int_equal(f->vq.num_free, QSIZE);
}

static void test_virtq_need_event_follows_the_spec_formula(void **state)
{
    (void)state;
    /* Moving old -> new notifies iff event is in [old, new), all modulo 2^16. */
    assert_true(virtq_need_event(0, 1, 0));
    assert_false(virtq_need_event(1, 1, 0));
    assert_true(virtq_need_event(4, 9, 2));
    assert_false(virtq_need_event(9, 9, 2));
    assert_false(virtq_need_event(1, 9, 2)); /* already passed before old */
    assert_false(virtq_need_event(5, 5, 5)); /* nothing moved */
    /* Across the wrap. */
    assert_true(virtq_need_event(65535, 0, 65535));
    assert_false(virtq_need_event(65535, 65535, 65534));
    assert_true(virtq_need_event(65534, 3, 65530));
    assert_true(virtq_need_event(1, 3, 65530));
    assert_false(virtq_need_event(3, 3, 65530));
    assert_false(virtq_need_event(65529, 3, 65530));
}

static void test_virtq_event_idx_notifies_only_when_avail_event_is_passed(void **state)
{
    struct fixture *f = *state;
    *f->vq.avail_event = 0;
    assert_int_equal(add_in(f, 0), 0);
    assert_true(virtq_needs_notify(&f->vq)); /* 0 -> 1 passes 0 */
    assert_int_equal(add_in(f, 1), 0);
    assert_false(virtq_needs_notify(&f->vq)); /* the device has not asked again */
    *f->vq.avail_event = 3;
    assert_int_equal(add_in(f, 2), 0);
    assert_false(virtq_needs_notify(&f->vq)); /* 2 -> 3 */
    assert_int_equal(add_in(f, 3), 0);
    assert_int_equal(add_in(f, 4), 0);
    assert_true(virtq_needs_notify(&f->vq)); /* 3 -> 5 passes 3: batched buffers count */
}

static void test_virtq_event_idx_notify_across_the_wrap(void **state)
{
    struct fixture *f = *state;
    void *cookie;
    uint32_t len;
    while (f->vq.avail_idx != 65534) {
        assert_int_equal(add_in(f, 0), 0);
        dev_push(f, (uint32_t)dev_pop(f), 0);
        assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
    }
    (void)virtq_needs_notify(&f->vq); /* settles the buffers the loop added */
    *f->vq.avail_event = 65535;
    assert_int_equal(add_in(f, 0), 0);
    assert_false(virtq_needs_notify(&f->vq)); /* 65534 -> 65535 */
    assert_int_equal(add_in(f, 1), 0);
    assert_true(virtq_needs_notify(&f->vq)); /* 65535 -> 0 passes 65535 */
    assert_int_equal(f->vq.avail->idx, 0);
}

static void test_virtq_without_event_idx_notify_follows_no_notify_flag(void **state)
{
    struct fixture *f = *state;
    assert_int_equal(add_in(f, 0), 0);
    assert_true(virtq_needs_notify(&f->vq));
    f->vq.used->flags = VIRTQ_USED_F_NO_NOTIFY;
    assert_int_equal(add_in(f, 1), 0);
    assert_false(virtq_needs_notify(&f->vq));
}

static void test_virtq_enable_interrupt_sets_used_event_and_reports_late_buffers(void **state)
{
    struct fixture *f = *state;
    void *cookie;
    uint32_t len;
    assert_int_equal(add_in(f, 0), 0);
    assert_int_equal(add_in(f, 1), 0);
    dev_push(f, (uint32_t)dev_pop(f), 0);
    assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
    assert_false(virtq_enable_interrupt(&f->vq));
    assert_int_equal(*f->vq.used_event, 1);

    dev_push(f, (uint32_t)dev_pop(f), 0); /* lands before the driver looks again */
    assert_true(virtq_enable_interrupt(&f->vq));
    assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
    assert_false(virtq_enable_interrupt(&f->vq));
    assert_int_equal(*f->vq.used_event, 2);
}

static void test_virtq_enable_interrupt_without_event_idx_clears_no_interrupt(void **state)
{
    struct fixture *f = *state;
    f->vq.avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
    assert_false(virtq_enable_interrupt(&f->vq));
    assert_int_equal(f->vq.avail->flags, 0);
}

static void test_virtq_disable_interrupt_asks_for_none_until_the_index_wraps(void **state)
{
    struct fixture *f = *state;
    void *cookie;
    uint32_t len;
    assert_int_equal(add_in(f, 0), 0);
    dev_push(f, (uint32_t)dev_pop(f), 0);
    assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
    virtq_disable_interrupt(&f->vq);
    uint16_t used_event = *f->vq.used_event;
    /* The device would interrupt when its used idx passes used_event: not for a whole ring. */
    for (uint16_t moved = 1; moved < QSIZE; moved++)
        assert_false(
            virtq_need_event(used_event, (uint16_t)(f->vq.last_used + moved), f->vq.last_used));
    assert_false(virtq_enable_interrupt(&f->vq));
    assert_true(
        virtq_need_event(*f->vq.used_event, (uint16_t)(f->vq.last_used + 1), f->vq.last_used));
}

static void test_virtq_disable_interrupt_without_event_idx_sets_no_interrupt(void **state)
{
    struct fixture *f = *state;
    virtq_disable_interrupt(&f->vq);
    assert_int_equal(f->vq.avail->flags, VIRTQ_AVAIL_F_NO_INTERRUPT);
    assert_false(virtq_enable_interrupt(&f->vq));
    assert_int_equal(f->vq.avail->flags, 0);
}

/* Runs n buffers through the queue: offered, used by the device, collected. */
static void cycle(struct fixture *f, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        void *cookie;
        uint32_t len;
        assert_int_equal(add_in(f, 0), 0);
        dev_push(f, (uint32_t)dev_pop(f), 1);
        assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
    }
}

static void test_virtq_watch_sees_an_empty_queue_as_idle(void **state)
{
    struct fixture *f = *state;
    struct virtq_watch w;
    virtq_watch_reset(&w, &f->vq);
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_IDLE);
    cycle(f, 3);
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_IDLE);
    assert_int_equal(virtq_outstanding(&f->vq), 0);
}

static void test_virtq_watch_reports_a_lost_notify_only_after_a_whole_period(void **state)
{
    struct fixture *f = *state;
    struct virtq_watch w;
    virtq_watch_reset(&w, &f->vq);
    assert_int_equal(add_in(f, 0), 0);
    assert_int_equal(add_in(f, 1), 0);
    /* Offered just before the check: the device may not have had its chance yet. */
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_WAITING);
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_LOST_NOTIFY);
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_LOST_NOTIFY);
    /* The device wakes up: it used one in this period; not yet a lost interrupt. */
    dev_push(f, (uint32_t)dev_pop(f), 1);
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_WAITING);
}

static void test_virtq_watch_reports_a_lost_interrupt_after_a_whole_period(void **state)
{
    struct fixture *f = *state;
    struct virtq_watch w;
    void *cookie;
    uint32_t len;
    virtq_watch_reset(&w, &f->vq);
    assert_int_equal(add_in(f, 0), 0);
    assert_int_equal(add_in(f, 1), 0);
    dev_push(f, (uint32_t)dev_pop(f), 1);
    /* Used just before the check: its interrupt may still be on the way. */
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_WAITING);
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_LOST_INTERRUPT);
    assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_PROGRESS);
    /* One still offered, untouched since the previous check. */
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_LOST_NOTIFY);
}

static void test_virtq_watch_sees_progress_while_the_ring_stays_full(void **state)
{
    struct fixture *f = *state;
    struct virtq_watch w;
    void *cookie;
    uint32_t len;
    for (unsigned i = 0; i < QSIZE; i++)
        assert_int_equal(add_in(f, i), 0);
    virtq_watch_reset(&w, &f->vq);
    for (unsigned round = 0; round < 4; round++) {
        /* One used, collected and offered again: full again, but moving. */
        dev_push(f, (uint32_t)dev_pop(f), 1);
        assert_int_equal(virtq_get_used(&f->vq, &cookie, &len), 1);
        assert_int_equal(add_in(f, round), 0);
        assert_int_equal(virtq_outstanding(&f->vq), QSIZE);
        assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_PROGRESS);
    }
}

static void test_virtq_watch_verdicts_hold_across_the_index_wrap(void **state)
{
    struct fixture *f = *state;
    struct virtq_watch w;
    cycle(f, 65534); /* indices now at 65534: the next buffers cross 65535 -> 0 */
    virtq_watch_reset(&w, &f->vq);
    for (unsigned i = 0; i < 4; i++)
        assert_int_equal(add_in(f, i), 0);
    assert_int_equal(f->vq.avail_idx, 2);
    assert_int_equal(virtq_outstanding(&f->vq), 4);
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_WAITING);
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_LOST_NOTIFY);
    dev_push(f, (uint32_t)dev_pop(f), 1);
    dev_push(f, (uint32_t)dev_pop(f), 1);
    assert_int_equal(f->vq.used->idx, 0);
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_WAITING);
    assert_int_equal(virtq_watch_check(&w, &f->vq), VIRTQ_LOST_INTERRUPT);
}

static void test_virtq_event_idx_renotify_decision_at_the_wrap(void **state)
{
    /* The device asked to be told at 65535; a batch from 65534 to 1 passes it, one from 0 does not.
     */
    struct fixture *f = *state;
    cycle(f, 65534);
    (void)virtq_needs_notify(&f->vq); /* the last batch considered ended at 65534 */
    *f->vq.avail_event = 65535;
    assert_int_equal(add_in(f, 0), 0);
    assert_int_equal(add_in(f, 1), 0);
    assert_int_equal(add_in(f, 2), 0);
    assert_true(virtq_needs_notify(&f->vq));
    assert_int_equal(add_in(f, 3), 0);
    assert_false(virtq_needs_notify(&f->vq));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_virtq_watch_sees_an_empty_queue_as_idle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_virtq_watch_reports_a_lost_notify_only_after_a_whole_period, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_virtq_watch_reports_a_lost_interrupt_after_a_whole_period, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_watch_sees_progress_while_the_ring_stays_full,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_watch_verdicts_hold_across_the_index_wrap, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_virtq_event_idx_renotify_decision_at_the_wrap,
                                        setup_event_idx, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_layout_matches_the_legacy_layout, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_virtq_reused_descriptors_carry_each_offers_own_address,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_init_rejects_bad_sizes_and_misaligned_memory,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_free_list_exhausts_and_recycles, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_virtq_chain_has_readable_then_writable_descriptors,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_refused_chain_changes_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_indices_wrap_from_65535_to_0, setup, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_rejects_used_entries_the_driver_never_offered,
                                        setup, teardown),
        cmocka_unit_test(test_virtq_need_event_follows_the_spec_formula),
        cmocka_unit_test_setup_teardown(
            test_virtq_event_idx_notifies_only_when_avail_event_is_passed, setup_event_idx,
            teardown),
        cmocka_unit_test_setup_teardown(test_virtq_event_idx_notify_across_the_wrap,
                                        setup_event_idx, teardown),
        cmocka_unit_test_setup_teardown(test_virtq_without_event_idx_notify_follows_no_notify_flag,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_virtq_enable_interrupt_sets_used_event_and_reports_late_buffers, setup_event_idx,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_virtq_enable_interrupt_without_event_idx_clears_no_interrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_virtq_disable_interrupt_asks_for_none_until_the_index_wraps, setup_event_idx,
            teardown),
        cmocka_unit_test_setup_teardown(
            test_virtq_disable_interrupt_without_event_idx_sets_no_interrupt, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
