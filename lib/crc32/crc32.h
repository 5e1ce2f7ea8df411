/* SPDX-License-Identifier: MIT */
/*
 * CRC-32 (IEEE 802.3, reflected polynomial 0xedb88320): the one Mote uses,
 * as zlib.crc32 and the UEFI specification's GPT checksums compute it.
 * Portable, no tables (a few hundred bytes checked at a time).
 */
#ifndef LIB_CRC32_CRC32_H
#define LIB_CRC32_CRC32_H

#include <stddef.h>
#include <stdint.h>

/*
 * Continues crc (0 to start) over len bytes at p; the result of one call
 * feeds the next, so a long run can be checked in pieces.
 */
uint32_t crc32_update(uint32_t crc, const void *p, size_t len);

#endif
