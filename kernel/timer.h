/* SPDX-License-Identifier: MIT */
/* Mote's timers (include/mote/timer.h) on the monotonic clock, for the event loop. */
#ifndef KERNEL_TIMER_H
#define KERNEL_TIMER_H

#include <stdint.h>

#include "kernel/timerq.h"

#define TIMER_NONE TIMERQ_NONE

/*
 * Runs every timer callback that is due now. Returns the monotonic time it
 * took as now, or 0 when no timer is pending (the clock is then not read).
 */
uint64_t timer_run_due(void);

/* Monotonic time (ns) of the next timer, or TIMER_NONE. */
uint64_t timer_next_deadline(void);

#endif
