/* SPDX-License-Identifier: MIT */
/*
 * Timers. Callbacks run from the event loop, never from an interrupt, one at a
 * time; a callback may add or cancel timers, its own included. Timers due at
 * the same moment run in the order they were added.
 */
#ifndef MOTE_TIMER_H
#define MOTE_TIMER_H

#include <stdint.h>

typedef void (*mote_timer_fn)(void *arg);

/*
 * Calls fn(arg) once, delay_ns from now. Returns a timer id > 0, -EINVAL if
 * fn is NULL, or -ENOMEM if no memory is left for the timer.
 */
int mote_timer_after(uint64_t delay_ns, mote_timer_fn fn, void *arg);

/*
 * Calls fn(arg) every period_ns, the first time period_ns from now. Late
 * calls are not replayed: after a delay the next call is at the next multiple
 * of the period. Returns an id > 0, -EINVAL if fn is NULL or period_ns is 0,
 * or -ENOMEM.
 */
int mote_timer_every(uint64_t period_ns, mote_timer_fn fn, void *arg);

/* Cancels a timer. Returns 0, or -ENOENT if id is not pending (fired one-shot, cancelled). */
int mote_timer_cancel(int id);

#endif
