// SPDX-License-Identifier: MIT
/* mote_exit, mote_sysinfo, mote_meminfo (include/mote/system.h). */
#include "kernel/system.h"

#include <malloc.h>
#include <mote/log.h>
#include <mote/system.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/psci.h"
#include "arch/aarch64/semihost.h"
#include "kernel/heap.h"
#include "kernel/image.h"

static struct mote_sysinfo sysinfo;
static void (*board_power_off)(void);
static void (*board_reset)(void);

void system_set_power(void (*power_off)(void), void (*reset)(void))
{
    board_power_off = power_off;
    board_reset = reset;
}

void system_reset(void)
{
    if (board_reset)
        board_reset();
    psci_system_reset();
}

void system_set_info(const struct mote_sysinfo *info)
{
    sysinfo = *info;
}

void mote_sysinfo(struct mote_sysinfo *info)
{
    *info = sysinfo;
}

void mote_meminfo(struct mote_meminfo *info)
{
    struct mallinfo mi = mallinfo();
    info->ram_bytes = sysinfo.ram_bytes;
    info->image_bytes = (uint64_t)(__image_end - __image_start);
    info->heap_bytes = heap_size();
    info->heap_used_bytes = (uint64_t)mi.uordblks;
    info->heap_top_bytes = heap_reserved();
    info->stack_bytes = (uint64_t)(__stack_top - __stack_bottom);
}

void mote_exit(int code)
{
    mote_log(MOTE_LOG_INFO, "exit: status %d", code);
    semihost_exit(code);
    if (board_power_off)
        board_power_off();
    psci_system_off();
    cpu_irq_disable();
    for (;;)
        cpu_wait_for_interrupt();
}

/* picolibc's abort() and exit() end here. */
void _exit(int code)
{
    mote_exit(code);
}
