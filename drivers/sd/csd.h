/* SPDX-License-Identifier: MIT */
/*
 * The SD card's CSD register (SD Physical Layer Simplified Specification v6.00
 * §5.3) as an SDHCI controller holds it: the 136-bit response without its CRC
 * byte, so CSD bit n is bit n - 8 of resp[0..3] (resp[0] the least significant).
 * Pure code, unit-tested on the host.
 */
#ifndef DRIVERS_SD_CSD_H
#define DRIVERS_SD_CSD_H

#include <stdint.h>

#define SD_CSD_FIRST_BIT 8 /* bits 7..0 (CRC and end bit) are not kept */
#define SD_CSD_LAST_BIT  127

/*
 * Bits hi..lo of the CSD (hi >= lo, at most 32 wide, within
 * SD_CSD_FIRST_BIT..SD_CSD_LAST_BIT); 0 for a range outside that.
 */
uint32_t sd_csd_bits(const uint32_t resp[4], unsigned hi, unsigned lo);

/*
 * The card's capacity in 512-byte blocks from CSD version 1.0 (SDSC) or 2.0
 * (SDHC/SDXC); 0 for another CSD structure.
 */
uint64_t sd_csd_blocks(const uint32_t resp[4]);

#endif
