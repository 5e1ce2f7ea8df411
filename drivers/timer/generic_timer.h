/* SPDX-License-Identifier: MIT */
/* The Arm generic timer's virtual counter and timer (EL1 view). */
#ifndef DRIVERS_TIMER_GENERIC_TIMER_H
#define DRIVERS_TIMER_GENERIC_TIMER_H

#include <stdint.h>

#define GTIMER_NO_DEADLINE UINT64_MAX

/* Hooks the virtual timer's PPI (INTID from the device tree). Returns 0 or -errno. */
int gtimer_init(unsigned intid);

/* Nanoseconds since the counter started (boot). */
uint64_t gtimer_now_ns(void);

/* Raises the timer interrupt at monotonic time deadline_ns; GTIMER_NO_DEADLINE stops it. */
void gtimer_set_deadline(uint64_t deadline_ns);

#endif
