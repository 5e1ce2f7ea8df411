// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the SD card's CSD register (drivers/sd/csd.c), which comes
 * from the card: any 16 bytes as the response, and any bit range, under UBSan
 * (shifts and widths). Checks the contract: a range outside the CSD reads 0,
 * and a capacity never exceeds what the CSD's fields can describe.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/sd/csd.h"

#define RESP_BYTES 16
#define BLOCKS_MAX (1ull << 32) /* CSD 2.0: (C_SIZE + 1) * 1024, C_SIZE 22 bits; 1.0 is smaller */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint32_t resp[4];
    if (size < RESP_BYTES + 2)
        return 0;
    memcpy(resp, data, RESP_BYTES);
    unsigned hi = data[RESP_BYTES], lo = data[RESP_BYTES + 1];
    uint32_t bits = sd_csd_bits(resp, hi, lo);
    if ((hi > SD_CSD_LAST_BIT || lo < SD_CSD_FIRST_BIT || hi < lo || hi - lo >= 32) && bits != 0)
        abort();
    if (sd_csd_blocks(resp) > BLOCKS_MAX)
        abort();
    return 0;
}
