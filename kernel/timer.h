/* SPDX-License-Identifier: MIT */
/*
 * Mote's timers (include/mote/timer.h) on the monotonic clock, for the event
 * loop. Deadlines are kept in nanoseconds (the queue, the API); the loop sees
 * the next one as a counter value (gtimer_deadline_ticks), converted when the
 * queue's head changes, so a pass with nothing due costs one counter read
 * and one comparison.
 */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdint.h>

#include "drivers/timer/generic_timer.h"
#include "kernel/timerq.h"

#define TIMER_NONE TIMERQ_NONE /* no timer pending; also GTIMER_NO_DEADLINE */

/*
 * The counter value at which the next timer is due, or TIMER_NONE: timer.c's,
 * read-only here. Hidden: reached directly, not through the GOT.
 */
extern uint64_t timer_next_ticks __attribute__((visibility("hidden")));

/* Runs every timer that is due; call timer_run_due instead. */
void timer_run(void);

/*
 * Runs every timer callback that is due now. Returns the counter value it
 * took as now, or 0 when no timer is pending (the counter is then not read).
 */
static inline uint64_t timer_run_due(void)
{
    uint64_t next = timer_next_ticks; /* once: reading the counter is a barrier (isb) */
    if (next == TIMER_NONE)
        return 0;
    uint64_t now_ticks = gtimer_ticks();
    if (now_ticks >= next)
        timer_run(); /* most passes not: woken by a device, no timer due */
    return now_ticks;
}

#endif
