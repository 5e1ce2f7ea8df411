/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_SYSTEM_H
#define KERNEL_SYSTEM_H

#include <mote/system.h>

/* Records what the board found, for mote_sysinfo() and mote_meminfo(). */
void system_set_info(const struct mote_sysinfo *info);

/*
 * A board without PSCI (the Raspberry Pi's watchdog) says how it powers off
 * and resets; mote_exit and panic=reboot try these before PSCI. The functions
 * return only when they failed.
 */
void system_set_power(void (*power_off)(void), void (*reset)(void));

/* Resets the machine (board hook, then PSCI); returns only if neither worked. */
void system_reset(void);

#endif
