/* SPDX-License-Identifier: MIT */
/* Kernel side of the clocks: the board's RTC sets the wall clock once at boot. */
#ifndef KERNEL_TIME_H
#define KERNEL_TIME_H

#include <stdint.h>

/* Records the RTC's reading (seconds since the epoch) as of now. */
void time_set_rtc(uint64_t epoch_seconds);

#endif
