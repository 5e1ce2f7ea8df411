// SPDX-License-Identifier: MIT
/* The service's timers: include/mote/timer.h over the timer queue, see timer.h. */
#include "kernel/timer.h"

#include <errno.h>
#include <mote/time.h>
#include <mote/timer.h>

static struct timerq queue;
uint64_t timer_next_ticks = TIMER_NONE;
static uint64_t next_ns = TIMER_NONE; /* what timer_next_ticks was converted from */

/* After every change of the queue: its head may have moved (most adds leave it). */
static void next_update(void)
{
    uint64_t deadline = timerq_next_deadline(&queue);
    if (deadline == next_ns)
        return;
    next_ns = deadline;
    timer_next_ticks = gtimer_deadline_ticks(deadline);
}

static uint64_t deadline_after(uint64_t delay_ns)
{
    uint64_t now = mote_time_ns();
    return delay_ns > TIMERQ_NONE - 1 - now ? TIMERQ_NONE - 1 : now + delay_ns;
}

static int add(uint64_t delay_ns, uint64_t period_ns, mote_timer_fn fn, void *arg)
{
    int id = timerq_add(&queue, deadline_after(delay_ns), period_ns, fn, arg);
    next_update();
    return id;
}

int mote_timer_after(uint64_t delay_ns, mote_timer_fn fn, void *arg)
{
    return add(delay_ns, 0, fn, arg);
}

int mote_timer_every(uint64_t period_ns, mote_timer_fn fn, void *arg)
{
    if (period_ns == 0)
        return -EINVAL;
    return add(period_ns, period_ns, fn, arg);
}

int mote_timer_cancel(int id)
{
    int err = timerq_cancel(&queue, id);
    next_update();
    return err;
}

void timer_run(void)
{
    /* Read after the counter reached timer_next_ticks: the head is due (gtimer_deadline_ticks). */
    uint64_t now = mote_time_ns();
    struct timerq_fire fire;
    while (timerq_pop_due(&queue, now, &fire))
        fire.fn(fire.arg);
    next_update(); /* popping moved the head (adding and cancelling update it themselves) */
}
