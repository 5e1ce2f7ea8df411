/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_SD_SDCARD_H
#define DRIVERS_SD_SDCARD_H

#include <stdint.h>

/*
 * Identifies the card in the SDHCI slot at base (base_clock_hz: the
 * controller's clock, 0 to take its capabilities' figure) and registers it as
 * block device "sd0". Returns 0; -ENODEV with no card in the slot; -ETIMEDOUT
 * when the card stops answering during identification; -EILSEQ for a CRC
 * error; -EIO for a card that is not a usable SD memory card (an MMC, a
 * voltage it cannot take, no capacity in its CSD); -ENOSPC if no block
 * device slot is left.
 */
int sdcard_init(uintptr_t base, uint32_t base_clock_hz);

#endif
