// SPDX-License-Identifier: MIT
/*
 * Arm GICv2 (GIC-400; "ARM Generic Interrupt Controller Architecture
 * Specification v2.0", IHI 0048B, chapter 4 for the registers). Memory-mapped
 * distributor and CPU interface; all interrupts group 0, routed to core 0.
 *   QEMU: -M virt,gic-version=2
 */
#include "drivers/irq/gicv2.h"

#include "arch/aarch64/mmio.h"

/* Register maps: bit fields sit indented under their register. */
/* clang-format off */
/* Distributor (§4.3) */
#define GICD_CTLR       0x000
#define   GICD_CTLR_ENABLE  (1u << 0)
#define GICD_TYPER      0x004
#define   GICD_TYPER_LINES(t) ((((t)&0x1f) + 1) * 32)
#define GICD_ISENABLER  0x100
#define GICD_ICENABLER  0x180
#define GICD_ICPENDR    0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR  0x800
#define GICD_ICFGR      0xc00
#define   GICD_ICFGR_EDGE   2u

/* CPU interface (§4.4) */
#define GICC_CTLR 0x000
#define   GICC_CTLR_ENABLE  (1u << 0)
#define GICC_PMR  0x004
#define   GICC_PMR_ALL      0xff
#define GICC_BPR  0x008
#define GICC_IAR  0x00c
#define   GICC_IAR_INTID(v) ((v)&0x3ff)
#define GICC_EOIR 0x010
/* clang-format on */

#define GIC_PRIORITY_DEFAULT 0xa0
#define GIC_CPU0_TARGET      0x01
#define GIC_FIRST_SPI        32

static uintptr_t dist, cpu;

static void gicv2_enable(unsigned intid, enum irq_trigger trigger)
{
    uintptr_t cfg = dist + GICD_ICFGR + (intid / 16) * 4;
    unsigned shift = (intid % 16) * 2;
    if (intid >= GIC_FIRST_SPI) { /* SGI/PPI configuration is fixed */
        uint32_t v = mmio_read32(cfg) & ~(3u << shift);
        mmio_write32(cfg, v | (trigger == IRQ_EDGE ? GICD_ICFGR_EDGE << shift : 0));
    }
    /* Byte-wide priority and target registers (§4.3.11, §4.3.12). */
    mmio_write8(dist + GICD_IPRIORITYR + intid, GIC_PRIORITY_DEFAULT);
    if (intid >= GIC_FIRST_SPI)
        mmio_write8(dist + GICD_ITARGETSR + intid, GIC_CPU0_TARGET);
    mmio_write32(dist + GICD_ISENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

static void gicv2_disable(unsigned intid)
{
    mmio_write32(dist + GICD_ICENABLER + (intid / 32) * 4, 1u << (intid % 32));
}

static unsigned gicv2_ack(void)
{
    return GICC_IAR_INTID(mmio_read32(cpu + GICC_IAR));
}

static void gicv2_eoi(unsigned intid)
{
    mmio_write32(cpu + GICC_EOIR, intid);
}

/* Not const: the inline registers (ack_reg, eoi_reg) are known at gicv2_init. */
static struct irq_chip gicv2_chip = {
    .name = "gicv2",
    .enable = gicv2_enable,
    .disable = gicv2_disable,
    .ack = gicv2_ack,
    .eoi = gicv2_eoi,
    .intid_mask = GICC_IAR_INTID(~0u),
};

const struct irq_chip *gicv2_init(uintptr_t dist_base, uintptr_t cpu_base)
{
    dist = dist_base;
    cpu = cpu_base;
    unsigned lines = GICD_TYPER_LINES(mmio_read32(dist + GICD_TYPER));

    mmio_write32(dist + GICD_CTLR, 0);
    for (unsigned i = 0; i < lines; i += 32) {
        mmio_write32(dist + GICD_ICENABLER + i / 8, ~0u);
        mmio_write32(dist + GICD_ICPENDR + i / 8, ~0u);
    }
    mmio_write32(dist + GICD_CTLR, GICD_CTLR_ENABLE);

    mmio_write32(cpu + GICC_PMR, GICC_PMR_ALL);
    mmio_write32(cpu + GICC_BPR, 0);
    mmio_write32(cpu + GICC_CTLR, GICC_CTLR_ENABLE);
    /* gicv2_ack and gicv2_eoi as the event loop does them inline. */
    gicv2_chip.ack_reg = cpu + GICC_IAR;
    gicv2_chip.eoi_reg = cpu + GICC_EOIR;
    return &gicv2_chip;
}
