// SPDX-License-Identifier: MIT
/*
 * BCM2836/BCM2837 ARM-local interrupt controller ("BCM2836 ARM-local
 * peripherals", QA7 rev 3.4, §4: registers at 0x40000000). Each core has its
 * own set of sources: the four generic timer interrupts, four mailboxes, the
 * GPU interrupt (the whole BCM2835 controller behind it), the PMU and the
 * local timer. This is the top-level chip on the Pi 3: INTIDs 0..11 are the
 * core's own sources (bit numbers of its IRQ source register, §4.10), higher
 * INTIDs belong to the cascaded GPU controller. Core 0 only (Mote runs there);
 * no FIQ; the local timer and the mailboxes are not used by Mote yet.
 *   QEMU: -M raspi3b (bcm2836-control)
 */
#include "drivers/irq/bcm2836_local.h"

#include <stddef.h>

#include "arch/aarch64/mmio.h"

/* clang-format off */
#define LOCAL_GPU_ROUTING   0x0c /* which core gets GPU IRQ and FIQ */
#define   LOCAL_GPU_IRQ_CORE0 0u
#define LOCAL_PMU_SET       0x10 /* PMU interrupt to core n's IRQ: write bit n */
#define LOCAL_PMU_CLEAR     0x14
#define LOCAL_TIMER_ROUTING 0x24 /* local timer: 0 = core 0 IRQ */
#define LOCAL_TIMER_CONTROL(core) (0x40 + 4 * (core)) /* bits 0-3: CNTPS, CNTPNS, CNTHP, CNTV IRQ */
#define LOCAL_MBOX_CONTROL(core)  (0x50 + 4 * (core)) /* bits 0-3: mailbox 0-3 IRQ */
#define LOCAL_IRQ_SOURCE(core)    (0x60 + 4 * (core)) /* read-only, one bit per source */
/* clang-format on */

/* Bit numbers in LOCAL_IRQ_SOURCE, which are also the INTIDs. */
#define SRC_TIMER_FIRST 0 /* CNTPS, CNTPNS, CNTHP, CNTV */
#define SRC_TIMER_LAST  3
#define SRC_MBOX_FIRST  4
#define SRC_MBOX_LAST   7
#define SRC_GPU         8
#define SRC_PMU         9
#define SRC_AXI         10 /* AXI outstanding: core 0 only, not routable */
#define SRC_LOCAL_TIMER 11
#define SRC_ALL         0xfffu

#define CORE 0

static uintptr_t base;
static const struct irq_chip *gpu;
static uint32_t enabled; /* sources Mote enabled; GPU always is */

static void set_source(unsigned src, int on)
{
    uint32_t reg = 0, bit = 0;
    if (src <= SRC_TIMER_LAST) {
        reg = LOCAL_TIMER_CONTROL(CORE);
        bit = 1u << (src - SRC_TIMER_FIRST);
    } else if (src <= SRC_MBOX_LAST) {
        reg = LOCAL_MBOX_CONTROL(CORE);
        bit = 1u << (src - SRC_MBOX_FIRST);
    } else if (src == SRC_PMU) {
        mmio_write32(base + (on ? LOCAL_PMU_SET : LOCAL_PMU_CLEAR), 1u << CORE);
        return;
    } else {
        return; /* GPU, AXI and the local timer are enabled at their source */
    }
    uint32_t v = mmio_read32(base + reg);
    mmio_write32(base + reg, on ? v | bit : v & ~bit);
}

static void local_enable(unsigned intid, enum irq_trigger trigger)
{
    if (intid >= BCM2836_LOCAL_LINES) {
        gpu->enable(intid, trigger);
        return;
    }
    enabled |= 1u << intid;
    set_source(intid, 1);
}

static void local_disable(unsigned intid)
{
    if (intid >= BCM2836_LOCAL_LINES) {
        gpu->disable(intid);
        return;
    }
    if (intid == SRC_GPU)
        return; /* the cascade stays on; its lines are disabled one by one */
    enabled &= ~(1u << intid);
    set_source(intid, 0);
}

static unsigned local_ack(void)
{
    uint32_t src = mmio_read32(base + LOCAL_IRQ_SOURCE(CORE)) & SRC_ALL;
    while (src) {
        unsigned bit = (unsigned)__builtin_ctz(src);
        src &= src - 1;
        if (bit == SRC_GPU) {
            unsigned intid = gpu->ack();
            if (intid < IRQ_SPURIOUS)
                return intid;
        } else if (enabled & (1u << bit)) {
            return bit;
        }
    }
    return IRQ_SPURIOUS;
}

static void local_eoi(unsigned intid)
{
    if (intid >= BCM2836_LOCAL_LINES)
        gpu->eoi(intid);
    /* Local sources are levels from their device (the timer's ISTATUS, a mailbox word). */
}

static const struct irq_chip bcm2836_local = {
    .name = "bcm2836-local",
    .enable = local_enable,
    .disable = local_disable,
    .ack = local_ack,
    .eoi = local_eoi,
};

const struct irq_chip *bcm2836_local_init(uintptr_t local_base, const struct irq_chip *gpu_chip)
{
    base = local_base;
    gpu = gpu_chip;
    mmio_write32(base + LOCAL_TIMER_CONTROL(CORE), 0);
    mmio_write32(base + LOCAL_MBOX_CONTROL(CORE), 0);
    mmio_write32(base + LOCAL_PMU_CLEAR, 1u << CORE);
    mmio_write32(base + LOCAL_GPU_ROUTING, LOCAL_GPU_IRQ_CORE0);
    mmio_write32(base + LOCAL_TIMER_ROUTING, 0);
    enabled = 1u << SRC_GPU;
    return &bcm2836_local;
}
