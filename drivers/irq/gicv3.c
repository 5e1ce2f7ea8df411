// SPDX-License-Identifier: MIT
/*
 * Arm GICv3 ("GIC Architecture Specification v3 and v4", IHI 0069, chapter 12
 * for the registers). Affinity routing on, all interrupts non-secure group 1,
 * SPIs routed to core 0; the CPU interface is the ICC_* system registers
 * (boot.S lets EL1 use them when entered at EL2).
 *   QEMU: -M virt,gic-version=3
 */
#include "drivers/irq/gicv3.h"

#include <stddef.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/mmio.h"

/* Register maps: bit fields sit indented under their register. */
/* clang-format off */
/* Distributor (§12.9) */
#define GICD_CTLR       0x0000
#define   GICD_CTLR_ENABLE_G1 (1u << 1)
#define   GICD_CTLR_ARE       (1u << 4)
#define   GICD_CTLR_RWP       (1u << 31)
#define GICD_TYPER      0x0004
#define   GICD_TYPER_LINES(t) ((((t)&0x1f) + 1) * 32)
#define GICD_IGROUPR    0x0080
#define GICD_ISENABLER  0x0100
#define GICD_ICENABLER  0x0180
#define GICD_ICPENDR    0x0280
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR      0x0c00
#define   GICD_ICFGR_EDGE     2u
#define GICD_IROUTER    0x6000

/* Redistributor, RD_base frame (§12.10) */
#define GICR_TYPER      0x0008
#define   GICR_TYPER_LAST     (1ull << 4)
#define   GICR_TYPER_VLPIS    (1ull << 1)
#define   GICR_TYPER_AFF(t)   ((t) >> 32)
#define GICR_WAKER      0x0014
#define   GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define   GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
#define GICR_FRAME_SIZE 0x20000 /* RD_base + SGI_base */
#define GICR_VLPI_SIZE  0x20000 /* two more frames when GICR_TYPER.VLPIS */
/* clang-format on */
/* SGI_base frame, 64 KiB after RD_base: the core's SGIs and PPIs */
#define GICR_SGI_BASE   0x10000
#define GICR_IGROUPR0   0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_IPRIORITYR 0x0400

/* CPU interface system registers (§12.2), by encoding for older assemblers */
#define ICC_PMR_EL1      S3_0_C4_C6_0
#define ICC_IAR1_EL1     S3_0_C12_C12_0
#define ICC_EOIR1_EL1    S3_0_C12_C12_1
#define ICC_BPR1_EL1     S3_0_C12_C12_3
#define ICC_SRE_EL1      S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1  S3_0_C12_C12_7
#define ICC_SRE_SRE      1u
#define ICC_PMR_ALL      0xff
#define ICC_IAR_INTID(v) ((v)&0xffffff)

#define GIC_PRIORITY_DEFAULT 0xa0
#define GIC_FIRST_SPI        32
#define WAIT_LOOPS           1000000

/* One more expansion step, so the encodings above are stringified, not their names. */
#define sysreg_read_enc(enc)       sysreg_read(enc)
#define sysreg_write_enc(enc, val) sysreg_write(enc, val)

static uintptr_t dist, sgi;

static void dist_wait_rwp(void)
{
    for (int i = 0; i < WAIT_LOOPS && (mmio_read32(dist + GICD_CTLR) & GICD_CTLR_RWP); i++)
        ;
}

static void gicv3_enable(unsigned intid, enum irq_trigger trigger)
{
    unsigned shift = (intid % 16) * 2;
    uint32_t bit = 1u << (intid % 32);
    if (intid < GIC_FIRST_SPI) {
        mmio_write8(sgi + GICR_IPRIORITYR + intid, GIC_PRIORITY_DEFAULT);
        mmio_write32(sgi + GICR_ISENABLER0, bit);
        return;
    }
    uintptr_t cfg = dist + GICD_ICFGR + (intid / 16) * 4;
    uint32_t v = mmio_read32(cfg) & ~(3u << shift);
    mmio_write32(cfg, v | (trigger == IRQ_EDGE ? GICD_ICFGR_EDGE << shift : 0));
    mmio_write8(dist + GICD_IPRIORITYR + intid, GIC_PRIORITY_DEFAULT);
    mmio_write64(dist + GICD_IROUTER + intid * 8, 0); /* affinity 0.0.0.0: core 0 */
    mmio_write32(dist + GICD_ISENABLER + (intid / 32) * 4, bit);
}

static void gicv3_disable(unsigned intid)
{
    uint32_t bit = 1u << (intid % 32);
    if (intid < GIC_FIRST_SPI)
        mmio_write32(sgi + GICR_ICENABLER0, bit);
    else
        mmio_write32(dist + GICD_ICENABLER + (intid / 32) * 4, bit);
}

static unsigned gicv3_ack(void)
{
    unsigned intid = ICC_IAR_INTID(sysreg_read_enc(ICC_IAR1_EL1));
    dsb(sy); /* the handler's device accesses come after the acknowledge */
    return intid;
}

static void gicv3_eoi(unsigned intid)
{
    sysreg_write_enc(ICC_EOIR1_EL1, intid);
    isb();
}

static const struct irq_chip gicv3_chip = {
    .name = "gicv3",
    .enable = gicv3_enable,
    .disable = gicv3_disable,
    .ack = gicv3_ack,
    .eoi = gicv3_eoi,
};

/* The redistributor whose affinity is this core's MPIDR (§12.10.33). */
static uintptr_t find_redistributor(uintptr_t base, uint64_t size)
{
    uint64_t mpidr = sysreg_read(mpidr_el1);
    uint32_t aff = (uint32_t)((mpidr & 0xffffff) | ((mpidr >> 32) & 0xff) << 24);
    for (uintptr_t rd = base; rd + GICR_FRAME_SIZE <= base + size;) {
        uint64_t typer = mmio_read64(rd + GICR_TYPER);
        if (GICR_TYPER_AFF(typer) == aff)
            return rd;
        if (typer & GICR_TYPER_LAST)
            break;
        rd += GICR_FRAME_SIZE + ((typer & GICR_TYPER_VLPIS) ? GICR_VLPI_SIZE : 0);
    }
    return 0;
}

const struct irq_chip *gicv3_init(uintptr_t dist_base, uintptr_t redist_base, uint64_t redist_size)
{
    uintptr_t rd = find_redistributor(redist_base, redist_size);
    if (!rd)
        return NULL;
    dist = dist_base;
    sgi = rd + GICR_SGI_BASE;

    mmio_write32(dist + GICD_CTLR, 0);
    dist_wait_rwp();
    unsigned lines = GICD_TYPER_LINES(mmio_read32(dist + GICD_TYPER));
    for (unsigned i = GIC_FIRST_SPI; i < lines; i += 32) {
        mmio_write32(dist + GICD_ICENABLER + i / 8, ~0u);
        mmio_write32(dist + GICD_ICPENDR + i / 8, ~0u);
        mmio_write32(dist + GICD_IGROUPR + i / 8, ~0u);
    }
    mmio_write32(dist + GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1);
    dist_wait_rwp();

    /* Wake this core's redistributor (§12.10.40). */
    uint32_t waker = mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP;
    mmio_write32(rd + GICR_WAKER, waker);
    for (int i = 0; i < WAIT_LOOPS && (mmio_read32(rd + GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP);
         i++)
        ;
    mmio_write32(sgi + GICR_ICENABLER0, ~0u);
    mmio_write32(sgi + GICR_IGROUPR0, ~0u);

    sysreg_write_enc(ICC_SRE_EL1, sysreg_read_enc(ICC_SRE_EL1) | ICC_SRE_SRE);
    isb();
    sysreg_write_enc(ICC_PMR_EL1, ICC_PMR_ALL);
    sysreg_write_enc(ICC_BPR1_EL1, 0);
    sysreg_write_enc(ICC_IGRPEN1_EL1, 1);
    isb();
    return &gicv3_chip;
}
