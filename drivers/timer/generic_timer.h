/* SPDX-License-Identifier: MIT */
/*
 * The Arm generic timer's virtual counter and timer (EL1 view). The event
 * loop works in counter ticks (a read is one instruction, no conversion);
 * nanoseconds are for whoever asks the time, and for timer deadlines, which
 * are converted once when a timer is added, not on every pass.
 */
#ifndef DRIVERS_TIMER_GENERIC_TIMER_H
#define DRIVERS_TIMER_GENERIC_TIMER_H

#include <stdint.h>

#include "arch/aarch64/cpu.h"

#define GTIMER_NO_DEADLINE UINT64_MAX /* as a deadline in ns or in ticks: none */
#define GTIMER_UNARMED     0          /* gtimer_armed_ticks: the registers are not known */

/* Hooks the virtual timer's PPI (INTID from the device tree). Returns 0 or -errno. */
int gtimer_init(unsigned intid);

/* Nanoseconds since the counter started (boot). */
uint64_t gtimer_now_ns(void);

/* The virtual counter now, in ticks. */
static inline uint64_t gtimer_ticks(void)
{
    isb(); /* the counter read is not reordered before earlier instructions */
    return sysreg_read(cntvct_el0);
}

/*
 * The counter value at which monotonic time deadline_ns has passed: once
 * gtimer_ticks() reaches it, gtimer_now_ns() >= deadline_ns (it is at most
 * two ticks late). GTIMER_NO_DEADLINE stays GTIMER_NO_DEADLINE; the result
 * is never GTIMER_UNARMED.
 */
uint64_t gtimer_deadline_ticks(uint64_t deadline_ns);

/* What the timer registers hold, for gtimer_arm only (hidden: reached without the GOT). */
extern uint64_t gtimer_armed_ticks __attribute__((visibility("hidden")));

/* Writes the registers for gtimer_arm; call that instead. */
void gtimer_arm_registers(uint64_t deadline_ticks);

/*
 * Raises the timer interrupt when the counter reaches deadline_ticks;
 * GTIMER_NO_DEADLINE stops it. The loop asks for the same deadline on most
 * passes: the registers are written only when it moved.
 */
static inline void gtimer_arm(uint64_t deadline_ticks)
{
    if (deadline_ticks != gtimer_armed_ticks)
        gtimer_arm_registers(deadline_ticks);
}

#endif
