// SPDX-License-Identifier: MIT
/*
 * BCM2835 power management block: the watchdog and reset control (not in
 * Broadcom's public datasheet; the layout at 0x7e100000 is the one Linux
 * drivers/watchdog/bcm2835_wdt.c and U-Boot use). Every write carries the
 * password in bits 24-31. Mote uses it to reset (the watchdog fires after a
 * few ticks) and to power off (the reset status names partition 63, which the
 * firmware treats as "halt", then reset). Not used as a running watchdog.
 *   QEMU: -M raspi3b (bcm2835-powermgt; -no-reboot makes a reset end QEMU,
 *   the halt partition ends it always)
 */
#include "drivers/power/bcm2835_pm.h"

#include <stddef.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/mmio.h"

/* clang-format off */
#define PM_RSTC 0x1c /* reset control */
#define   PM_RSTC_WRCFG_MASK       0x30u
#define   PM_RSTC_WRCFG_FULL_RESET 0x20u
#define PM_RSTS 0x20 /* reset status: the boot partition in bits 0, 2, 4, 6, 8, 10 */
#define   PM_RSTS_PARTITION_MASK   0xaaau /* bits the partition number does not use */
#define   PM_RSTS_HALT             0x555u /* partition 63: the firmware halts */
#define PM_WDOG 0x24 /* watchdog timeout, 16 us ticks, 20 bits */
#define   PM_WDOG_TICKS_MASK       0xfffffu
#define PM_PASSWORD 0x5a000000u
/* clang-format on */

#define RESET_TICKS 10 /* 160 us: soon, but after this write has left the core */
#define RESET_SPINS 1000000

static uintptr_t base;

void bcm2835_pm_init(uintptr_t pm_base)
{
    base = pm_base;
}

void bcm2835_pm_reset(void)
{
    if (!base)
        return;
    mmio_write32(base + PM_WDOG, PM_PASSWORD | (RESET_TICKS & PM_WDOG_TICKS_MASK));
    uint32_t rstc = mmio_read32(base + PM_RSTC) & ~PM_RSTC_WRCFG_MASK;
    mmio_write32(base + PM_RSTC, PM_PASSWORD | rstc | PM_RSTC_WRCFG_FULL_RESET);
    /* The watchdog needs its ticks; if nothing happens by then, say so to the caller. */
    for (volatile int i = 0; i < RESET_SPINS; i++)
        ;
}

void bcm2835_pm_power_off(void)
{
    if (!base)
        return;
    uint32_t rsts = mmio_read32(base + PM_RSTS) & PM_RSTS_PARTITION_MASK;
    mmio_write32(base + PM_RSTS, PM_PASSWORD | rsts | PM_RSTS_HALT);
    bcm2835_pm_reset();
}
