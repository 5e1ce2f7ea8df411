/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_RTC_PL031_H
#define DRIVERS_RTC_PL031_H

#include <stdint.h>

/* Starts the RTC at base if it is stopped and returns its time, in seconds since the epoch. */
uint32_t pl031_read_seconds(uintptr_t base);

#endif
