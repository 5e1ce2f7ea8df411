/* SPDX-License-Identifier: MIT */
#ifndef KERNEL_SYSTEM_H
#define KERNEL_SYSTEM_H

#include <mote/system.h>

/* Records what the board found, for mote_sysinfo() and mote_meminfo(). */
void system_set_info(const struct mote_sysinfo *info);

/* The boot arguments, as service_start() got them ("" when none). */
const char *kernel_boot_args(void);

#endif
