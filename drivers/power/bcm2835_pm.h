/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_POWER_BCM2835_PM_H
#define DRIVERS_POWER_BCM2835_PM_H

#include <stdint.h>

/* Uses the power management block at base (mapped as device memory). */
void bcm2835_pm_init(uintptr_t base);

/* Resets the SoC through the watchdog; returns only if the reset did not happen. */
void bcm2835_pm_reset(void);

/*
 * Powers off as far as the Pi can: marks the boot partition "halt" (63) and
 * resets, so the firmware stops instead of booting again (QEMU exits).
 * Returns only if that did not happen.
 */
void bcm2835_pm_power_off(void);

#endif
