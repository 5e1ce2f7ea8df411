// SPDX-License-Identifier: MIT
/* CRC-32, see crc32.h. */
#include "lib/crc32/crc32.h"

#define CRC32_POLY_REFLECTED 0xedb88320u

uint32_t crc32_update(uint32_t crc, const void *p, size_t len)
{
    const uint8_t *b = p;
    crc = ~crc;
    while (len--) {
        crc ^= *b++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (CRC32_POLY_REFLECTED & (0u - (crc & 1)));
    }
    return ~crc;
}
