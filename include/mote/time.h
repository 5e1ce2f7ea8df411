/* SPDX-License-Identifier: MIT */
/* Clocks: monotonic time since boot, and wall-clock time from the board's RTC. */
#ifndef MOTE_TIME_H
#define MOTE_TIME_H

#include <stdint.h>

#define MOTE_NS_PER_US 1000ull
#define MOTE_NS_PER_MS 1000000ull
#define MOTE_NS_PER_S  1000000000ull

/*
 * Nanoseconds since the system counter started (on QEMU: machine start; on a
 * board: reset, so the firmware's time is included); never goes backwards.
 */
uint64_t mote_time_ns(void);

/*
 * Nanoseconds since 1970-01-01 00:00:00 UTC: the RTC read at boot plus the
 * monotonic time since, or what SNTP set (boot argument ntp=ADDR) once a
 * time server answered. Returns it (>= 0), or -ENODEV while there is no
 * wall time: a board without an RTC (the Raspberry Pi 3) before SNTP
 * answers, or an RTC that reads a time before 2025 (unset).
 */
int64_t mote_wallclock_ns(void);

#endif
