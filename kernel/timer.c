// SPDX-License-Identifier: MIT
/* The service's timers: include/mote/timer.h over the timer queue. */
#include "kernel/timer.h"

#include <errno.h>
#include <mote/time.h>
#include <mote/timer.h>

static struct timerq queue;

static uint64_t deadline_after(uint64_t delay_ns)
{
    uint64_t now = mote_time_ns();
    return delay_ns > TIMERQ_NONE - 1 - now ? TIMERQ_NONE - 1 : now + delay_ns;
}

int mote_timer_after(uint64_t delay_ns, mote_timer_fn fn, void *arg)
{
    return timerq_add(&queue, deadline_after(delay_ns), 0, fn, arg);
}

int mote_timer_every(uint64_t period_ns, mote_timer_fn fn, void *arg)
{
    if (period_ns == 0)
        return -EINVAL;
    return timerq_add(&queue, deadline_after(period_ns), period_ns, fn, arg);
}

int mote_timer_cancel(int id)
{
    return timerq_cancel(&queue, id);
}

uint64_t timer_run_due(void)
{
    uint64_t next = timerq_next_deadline(&queue);
    if (next == TIMERQ_NONE)
        return 0;
    uint64_t now = mote_time_ns();
    if (next > now) /* most passes: woken by a device, no timer due */
        return now;
    struct timerq_fire fire;
    while (timerq_pop_due(&queue, now, &fire))
        fire.fn(fire.arg);
    return now;
}

uint64_t timer_next_deadline(void)
{
    return timerq_next_deadline(&queue);
}
