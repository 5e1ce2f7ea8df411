// SPDX-License-Identifier: MIT
/* CSD decoding, see csd.h. */
#include "drivers/sd/csd.h"

#define CSD_BLOCK_SIZE   512
#define CSD_STRUCTURE_V1 0
#define CSD_STRUCTURE_V2 1
#define CSD_V2_UNIT      1024 /* blocks per C_SIZE step: 512 KiB */
#define FIELD_MAX_BITS   32

uint32_t sd_csd_bits(const uint32_t resp[4], unsigned hi, unsigned lo)
{
    if (hi < lo || hi > SD_CSD_LAST_BIT || lo < SD_CSD_FIRST_BIT || hi - lo >= FIELD_MAX_BITS)
        return 0;
    uint32_t v = 0;
    for (unsigned b = hi + 1; b-- > lo;) {
        unsigned r = b - SD_CSD_FIRST_BIT;
        v = v << 1 | ((resp[r / 32] >> (r % 32)) & 1u);
    }
    return v;
}

uint64_t sd_csd_blocks(const uint32_t resp[4])
{
    switch (sd_csd_bits(resp, 127, 126)) {
    case CSD_STRUCTURE_V1: {
        /* §5.3.2: (C_SIZE + 1) * 2^(C_SIZE_MULT + 2) blocks of 2^READ_BL_LEN bytes */
        uint64_t c_size = sd_csd_bits(resp, 73, 62), mult = sd_csd_bits(resp, 49, 47);
        uint64_t read_bl_len = sd_csd_bits(resp, 83, 80);
        return ((c_size + 1) << (mult + 2 + read_bl_len)) / CSD_BLOCK_SIZE;
    }
    case CSD_STRUCTURE_V2:
        /* §5.3.3: (C_SIZE + 1) * 512 KiB */
        return ((uint64_t)sd_csd_bits(resp, 69, 48) + 1) * CSD_V2_UNIT;
    default: return 0;
    }
}
