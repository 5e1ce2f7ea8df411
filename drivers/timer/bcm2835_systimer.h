/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_TIMER_BCM2835_SYSTIMER_H
#define DRIVERS_TIMER_BCM2835_SYSTIMER_H

#include <stdint.h>

/* Compare channels free for the ARM (0 and 2 belong to the VideoCore). */
#define SYSTIMER_CHANNEL_1 1
#define SYSTIMER_CHANNEL_3 3

typedef void (*systimer_fn)(void *arg);

/* Uses the system timer at base (mapped as device memory). */
void systimer_init(uintptr_t base);

/* Microseconds on the free-running 1 MHz counter (since the SoC came out of reset). */
uint64_t systimer_now_us(void);

/*
 * Calls fn(arg) in interrupt context once the counter reaches at_us, through
 * compare channel (SYSTIMER_CHANNEL_1 or _3) and its interrupt intid. Returns
 * 0, -EINVAL for another channel or a NULL fn, -EBUSY if that channel is
 * armed, or irq_register's error.
 */
int systimer_alarm(unsigned channel, unsigned intid, uint64_t at_us, systimer_fn fn, void *arg);

#endif
