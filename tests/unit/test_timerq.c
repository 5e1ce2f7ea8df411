// SPDX-License-Identifier: MIT
/* Unit tests for the timer queue (kernel/timerq.c): ordering, cancel, periods, growth. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "kernel/timerq.h"

#define MAX_FIRED 2048

/* What fired, in order: each timer's arg is a small integer tag. */
static int fired[MAX_FIRED];
static size_t nfired;

static void record(void *arg)
{
    assert_true(nfired < MAX_FIRED);
    fired[nfired++] = (int)(intptr_t)arg;
}

static void *tag(int n)
{
    return (void *)(intptr_t)n;
}

/* Pops and runs every timer due at now; returns how many ran. */
static size_t run_due(struct timerq *q, uint64_t now)
{
    struct timerq_fire f;
    size_t n = 0;
    while (timerq_pop_due(q, now, &f)) {
        f.fn(f.arg);
        n++;
        assert_true(n < 100000); /* a periodic timer must not fire forever at one time */
    }
    return n;
}

static int setup(void **state)
{
    struct timerq *q = malloc(sizeof(*q));
    assert_non_null(q);
    timerq_init(q);
    nfired = 0;
    *state = q;
    return 0;
}

static int teardown(void **state)
{
    timerq_free(*state);
    free(*state);
    return 0;
}

static void test_timerq_empty_queue_has_no_deadline_and_nothing_due(void **state)
{
    struct timerq *q = *state;
    struct timerq_fire f;
    assert_true(timerq_next_deadline(q) == TIMERQ_NONE);
    assert_int_equal(timerq_pop_due(q, UINT64_MAX, &f), 0);
}

static void test_timerq_add_rejects_null_fn(void **state)
{
    struct timerq *q = *state;
    assert_int_equal(timerq_add(q, 10, 0, NULL, NULL), -EINVAL);
    assert_true(timerq_next_deadline(q) == TIMERQ_NONE);
}

static void test_timerq_add_returns_distinct_positive_handles(void **state)
{
    struct timerq *q = *state;
    int a = timerq_add(q, 10, 0, record, tag(1));
    int b = timerq_add(q, 10, 0, record, tag(2));
    assert_true(a > 0);
    assert_true(b > 0);
    assert_int_not_equal(a, b);
}

static void test_timerq_fires_in_deadline_order(void **state)
{
    struct timerq *q = *state;
    static const uint64_t deadlines[] = {50, 10, 40, 20, 30, 5, 45};
    for (size_t i = 0; i < sizeof(deadlines) / sizeof(deadlines[0]); i++)
        assert_true(timerq_add(q, deadlines[i], 0, record, tag((int)deadlines[i])) > 0);

    assert_int_equal(timerq_next_deadline(q), 5);
    assert_int_equal(run_due(q, 4), 0);
    assert_int_equal(run_due(q, 20), 3);
    assert_int_equal(timerq_next_deadline(q), 30);
    assert_int_equal(run_due(q, 1000), 4);
    static const int want[] = {5, 10, 20, 30, 40, 45, 50};
    assert_int_equal(nfired, 7);
    for (size_t i = 0; i < nfired; i++)
        assert_int_equal(fired[i], want[i]);
    assert_true(timerq_next_deadline(q) == TIMERQ_NONE);
}

static void test_timerq_fires_at_exactly_its_deadline(void **state)
{
    struct timerq *q = *state;
    assert_true(timerq_add(q, 100, 0, record, tag(1)) > 0);
    assert_int_equal(run_due(q, 99), 0);
    assert_int_equal(run_due(q, 100), 1);
}

static void test_timerq_fires_equal_deadlines_in_insertion_order(void **state)
{
    struct timerq *q = *state;
    /* Enough to exercise the heap on several levels, mixed with other deadlines. */
    for (int i = 0; i < 40; i++) {
        assert_true(timerq_add(q, 100, 0, record, tag(i)) > 0);
        assert_true(timerq_add(q, 200 - (uint64_t)i, 0, record, tag(1000 + i)) > 0);
    }
    assert_int_equal(run_due(q, 100), 40);
    for (int i = 0; i < 40; i++)
        assert_int_equal(fired[i], i);
}

static void test_timerq_cancel_removes_pending_timer(void **state)
{
    struct timerq *q = *state;
    int a = timerq_add(q, 10, 0, record, tag(1));
    int b = timerq_add(q, 20, 0, record, tag(2));
    int c = timerq_add(q, 30, 0, record, tag(3));
    assert_int_equal(timerq_cancel(q, b), 0);
    assert_int_equal(timerq_cancel(q, a), 0);
    assert_int_equal(timerq_next_deadline(q), 30);
    assert_int_equal(run_due(q, 100), 1);
    assert_int_equal(fired[0], 3);
    assert_int_equal(timerq_cancel(q, c), -ENOENT);
}

static void test_timerq_cancel_twice_returns_enoent(void **state)
{
    struct timerq *q = *state;
    int h = timerq_add(q, 10, 0, record, tag(1));
    assert_int_equal(timerq_cancel(q, h), 0);
    assert_int_equal(timerq_cancel(q, h), -ENOENT);
    assert_int_equal(run_due(q, 100), 0);
}

static void test_timerq_cancel_of_fired_one_shot_returns_enoent(void **state)
{
    struct timerq *q = *state;
    int h = timerq_add(q, 10, 0, record, tag(1));
    assert_int_equal(run_due(q, 10), 1);
    assert_int_equal(timerq_cancel(q, h), -ENOENT);
}

static void test_timerq_stale_handle_does_not_cancel_slot_reuser(void **state)
{
    struct timerq *q = *state;
    int old = timerq_add(q, 10, 0, record, tag(1));
    assert_int_equal(run_due(q, 10), 1);
    /* The freed slot is reused by the next timer; the old handle must not reach it. */
    int now = timerq_add(q, 20, 0, record, tag(2));
    assert_int_not_equal(old, now);
    assert_int_equal(timerq_cancel(q, old), -ENOENT);
    assert_int_equal(run_due(q, 20), 1);
    assert_int_equal(fired[1], 2);

    int cancelled = timerq_add(q, 30, 0, record, tag(3));
    assert_int_equal(timerq_cancel(q, cancelled), 0);
    int again = timerq_add(q, 40, 0, record, tag(4));
    assert_int_equal(timerq_cancel(q, cancelled), -ENOENT);
    assert_int_equal(timerq_next_deadline(q), 40);
    assert_int_equal(timerq_cancel(q, again), 0);
}

static void test_timerq_cancel_of_bogus_handles_returns_enoent(void **state)
{
    struct timerq *q = *state;
    static const int bogus[] = {0,      -1,      -ENOENT,    INT32_MIN, INT32_MAX,
                                0xffff, 0x10000, 0x7fff0000, 17,        1 << 16 | 2};

    /* On an empty queue that has never allocated... */
    for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++)
        assert_int_equal(timerq_cancel(q, bogus[i]), -ENOENT);

    /* ...and on one holding a timer, which must survive. */
    int h = timerq_add(q, 10, 0, record, tag(1));
    for (size_t i = 0; i < sizeof(bogus) / sizeof(bogus[0]); i++) {
        if (bogus[i] != h)
            assert_int_equal(timerq_cancel(q, bogus[i]), -ENOENT);
    }
    assert_int_equal(timerq_cancel(q, h + 1), -ENOENT); /* slot 1, never used */
    assert_int_equal(timerq_next_deadline(q), 10);
    assert_int_equal(run_due(q, 10), 1);
}

/* Cancelling from a callback: the context a callback gets through its arg. */
struct cancel_ctx {
    struct timerq *q;
    int target;
    int result;
    int calls;
};

static void cancel_target(void *arg)
{
    struct cancel_ctx *c = arg;
    c->calls++;
    c->result = timerq_cancel(c->q, c->target);
}

static void test_timerq_callback_can_cancel_another_pending_timer(void **state)
{
    struct timerq *q = *state;
    struct cancel_ctx c = {.q = q, .result = 1};
    assert_true(timerq_add(q, 10, 0, cancel_target, &c) > 0);
    c.target = timerq_add(q, 10, 0, record, tag(2)); /* same deadline, due in the same run */
    assert_true(timerq_add(q, 20, 0, record, tag(3)) > 0);

    assert_int_equal(run_due(q, 20), 2);
    assert_int_equal(c.result, 0);
    assert_int_equal(nfired, 1);
    assert_int_equal(fired[0], 3);
}

static void test_timerq_one_shot_cancelling_itself_from_its_callback_gets_enoent(void **state)
{
    struct timerq *q = *state;
    struct cancel_ctx c = {.q = q, .result = 1};
    c.target = timerq_add(q, 10, 0, cancel_target, &c);
    assert_int_equal(run_due(q, 10), 1);
    assert_int_equal(c.result, -ENOENT); /* already taken off the queue before the call */
}

static void test_timerq_periodic_timer_cancelling_itself_from_its_callback_stops(void **state)
{
    struct timerq *q = *state;
    struct cancel_ctx c = {.q = q, .result = 1};
    c.target = timerq_add(q, 10, 5, cancel_target, &c);
    assert_int_equal(run_due(q, 10), 1);
    assert_int_equal(c.result, 0);
    assert_true(timerq_next_deadline(q) == TIMERQ_NONE);
    assert_int_equal(run_due(q, 1000), 0);
    assert_int_equal(c.calls, 1);
}

static void test_timerq_periodic_timer_rearms_one_period_later(void **state)
{
    struct timerq *q = *state;
    int h = timerq_add(q, 100, 10, record, tag(1));
    assert_int_equal(run_due(q, 100), 1);
    assert_int_equal(timerq_next_deadline(q), 110);
    assert_int_equal(run_due(q, 109), 0);
    assert_int_equal(run_due(q, 110), 1);
    assert_int_equal(timerq_next_deadline(q), 120);
    /* Fired late but within the period: the next one stays on the grid. */
    assert_int_equal(run_due(q, 125), 1);
    assert_int_equal(timerq_next_deadline(q), 130);
    /* The handle stays valid across re-arms. */
    assert_int_equal(timerq_cancel(q, h), 0);
    assert_true(timerq_next_deadline(q) == TIMERQ_NONE);
}

static void test_timerq_periodic_timer_skips_missed_periods(void **state)
{
    struct timerq *q = *state;
    assert_true(timerq_add(q, 100, 10, record, tag(1)) > 0);
    /* 5.5 periods late: fires once, then the next deadline is the next grid point. */
    assert_int_equal(run_due(q, 155), 1);
    assert_int_equal(timerq_next_deadline(q), 160);
    /* Exactly on a later grid point: fires once, next is one period after it. */
    assert_int_equal(run_due(q, 200), 1);
    assert_int_equal(timerq_next_deadline(q), 210);
}

static void test_timerq_periodic_timer_rearmed_goes_after_equal_deadline_timers(void **state)
{
    struct timerq *q = *state;
    assert_true(timerq_add(q, 10, 10, record, tag(1)) > 0);
    assert_true(timerq_add(q, 20, 0, record, tag(2)) > 0);
    /* At 20 the re-armed periodic timer (deadline 20) was re-queued after timer 2. */
    assert_int_equal(run_due(q, 10), 1);
    assert_int_equal(run_due(q, 20), 2);
    assert_int_equal(fired[0], 1);
    assert_int_equal(fired[1], 2);
    assert_int_equal(fired[2], 1);
}

/* A simple model of the queue for the randomized test. */
struct model_timer {
    int handle;
    uint64_t deadline;
    int pending;
};

static void test_timerq_grows_past_initial_slots_and_matches_model(void **state)
{
    struct timerq *q = *state;
    enum { N = 1000 };
    static struct model_timer m[N];
    unsigned seed = 12345;

    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        m[i].deadline = (seed >> 16) % 500; /* many equal deadlines */
        m[i].handle = timerq_add(q, m[i].deadline, 0, record, tag(i));
        m[i].pending = 1;
        assert_true(m[i].handle > 0);
        for (int j = 0; j < i; j++)
            assert_int_not_equal(m[i].handle, m[j].handle);
    }
    /* Cancel about a third, some twice. */
    size_t cancelled = 0;
    for (int i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        if ((seed >> 16) % 3 == 0) {
            assert_int_equal(timerq_cancel(q, m[i].handle), 0);
            m[i].pending = 0;
            cancelled++;
            if ((seed >> 20) % 2 == 0)
                assert_int_equal(timerq_cancel(q, m[i].handle), -ENOENT);
        }
    }
    assert_true(cancelled > 0 && cancelled < N);

    /* Drain in steps; each step's fired set must be the model's, in (deadline, insertion) order. */
    size_t checked = 0;
    uint64_t next = 0; /* the first deadline not yet checked */
    for (uint64_t now = 0; now < 520; now += 7) {
        run_due(q, now);
        for (; next <= now; next++) {
            for (int i = 0; i < N; i++) {
                if (!m[i].pending || m[i].deadline != next)
                    continue;
                assert_true(checked < nfired);
                assert_int_equal(fired[checked], i);
                m[i].pending = 0;
                checked++;
            }
        }
        assert_int_equal(nfired, checked);
        uint64_t want = TIMERQ_NONE;
        for (int i = 0; i < N; i++) {
            if (m[i].pending && m[i].deadline < want)
                want = m[i].deadline;
        }
        assert_true(timerq_next_deadline(q) == want);
    }
    assert_int_equal(nfired, N - cancelled);
    for (int i = 0; i < N; i++)
        assert_int_equal(timerq_cancel(q, m[i].handle), -ENOENT);
}

static void test_timerq_cancel_from_middle_of_large_heap_keeps_order(void **state)
{
    struct timerq *q = *state;
    enum { N = 200 };
    int h[N];
    /* Descending deadlines make every add sift to the top. */
    for (int i = 0; i < N; i++)
        h[i] = timerq_add(q, (uint64_t)(N - i) * 10, 0, record, tag(N - i));
    for (int i = 0; i < N; i += 2)
        assert_int_equal(timerq_cancel(q, h[i]), 0);
    assert_int_equal(run_due(q, UINT64_MAX - 1), N / 2);
    for (size_t i = 1; i < nfired; i++)
        assert_true(fired[i - 1] < fired[i]);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_timerq_empty_queue_has_no_deadline_and_nothing_due,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_timerq_add_rejects_null_fn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timerq_add_returns_distinct_positive_handles, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timerq_fires_in_deadline_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timerq_fires_at_exactly_its_deadline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timerq_fires_equal_deadlines_in_insertion_order, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timerq_cancel_removes_pending_timer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timerq_cancel_twice_returns_enoent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timerq_cancel_of_fired_one_shot_returns_enoent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timerq_stale_handle_does_not_cancel_slot_reuser, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timerq_cancel_of_bogus_handles_returns_enoent, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timerq_callback_can_cancel_another_pending_timer,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_timerq_one_shot_cancelling_itself_from_its_callback_gets_enoent, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_timerq_periodic_timer_cancelling_itself_from_its_callback_stops, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timerq_periodic_timer_rearms_one_period_later, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_timerq_periodic_timer_skips_missed_periods, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(
            test_timerq_periodic_timer_rearmed_goes_after_equal_deadline_timers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timerq_grows_past_initial_slots_and_matches_model,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_timerq_cancel_from_middle_of_large_heap_keeps_order,
                                        setup, teardown),
    };
    return cmocka_run_group_tests_name("timerq", tests, NULL, NULL);
}
