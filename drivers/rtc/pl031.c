// SPDX-License-Identifier: MIT
/*
 * Arm PrimeCell Real Time Clock PL031 ("PL031 Technical Reference Manual",
 * DDI 0224, §3.3). Read once at boot for the wall clock; no alarms.
 *   QEMU: -M virt has one; it starts at the host's time (-rtc base=...).
 */
#include "drivers/rtc/pl031.h"

#include "arch/aarch64/mmio.h"

/* Register maps: bit fields sit indented under their register. */
/* clang-format off */
#define PL031_DR 0x000 /* data: seconds counter */
#define PL031_CR 0x00c /* control */
#define   PL031_CR_START (1u << 0)
/* clang-format on */

uint32_t pl031_read_seconds(uintptr_t base)
{
    if (!(mmio_read32(base + PL031_CR) & PL031_CR_START))
        mmio_write32(base + PL031_CR, PL031_CR_START);
    return mmio_read32(base + PL031_DR);
}
