/* SPDX-License-Identifier: MIT */
/*
 * Kernel side of the clocks: the wall clock is the board's RTC read once at
 * boot, then whatever SNTP (net/sntp.c) sets; until one of them gives a
 * plausible time there is none (mote_wallclock_ns says -ENODEV).
 */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdbool.h>
#include <stdint.h>

/*
 * No correct clock reads earlier than this (2025-01-01 00:00:00 UTC, before
 * Mote was written): an RTC that does is unset (a flat battery, or QEMU's
 * -rtc base= in the past), and its reading is not used.
 */
#define TIME_WALLCLOCK_FLOOR_S 1735689600ull

/*
 * Records the RTC's reading (seconds since the epoch) as of now; one before
 * TIME_WALLCLOCK_FLOOR_S is kept only for time_rtc_rejected().
 */
void time_set_rtc(uint64_t epoch_seconds);

/* An RTC reading refused as unset (seconds since the epoch), or 0. */
uint64_t time_rtc_rejected(void);

/*
 * Sets the wall clock to epoch_ns (nanoseconds since the epoch) as of now,
 * from a time server. Returns the step from the previous wall time in ns
 * (0 if there was none) and sets *was_known.
 */
int64_t time_set_wallclock(int64_t epoch_ns, bool *was_known);

#endif
