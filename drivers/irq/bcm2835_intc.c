// SPDX-License-Identifier: MIT
/*
 * BCM2835 ARM interrupt controller ("BCM2835 ARM Peripherals" §7, registers
 * §7.5 at 0x7e00b200): the VideoCore's 64 peripheral interrupts ("GPU IRQs":
 * system timer, AUX, GPIO, UART0, EMMC, ...) and 8 ARM basic interrupts, all
 * level-sensitive, no priorities. On the BCM2836/7 it is not the top-level
 * controller: its output is the "GPU interrupt" input of the per-core local
 * controller (drivers/irq/bcm2836_local.c), which asks this one which line it
 * was. Devices clear their own interrupt; there is nothing to acknowledge here.
 * No FIQ.
 *   QEMU: -M raspi3b (bcm2835-ic)
 */
#include "drivers/irq/bcm2835_intc.h"

#include <stddef.h>

#include "arch/aarch64/mmio.h"

/* clang-format off */
#define INTC_BASIC_PENDING 0x00 /* ARM basic pending, bits 0-7; 8, 9: "bank 1/2 has more" */
#define   INTC_BASIC_MASK  0xffu
#define INTC_PENDING1      0x04 /* GPU IRQs 0-31 */
#define INTC_PENDING2      0x08 /* GPU IRQs 32-63 */
#define INTC_FIQ_CONTROL   0x0c
#define INTC_ENABLE1       0x10 /* write 1 to enable GPU IRQs 0-31 */
#define INTC_ENABLE2       0x14
#define INTC_ENABLE_BASIC  0x18
#define INTC_DISABLE1      0x1c /* write 1 to disable */
#define INTC_DISABLE2      0x20
#define INTC_DISABLE_BASIC 0x24
/* clang-format on */

#define ALL_LINES 0xffffffffu

static uintptr_t base;
static unsigned first;
/* What Mote enabled, per register: GPU 0-31, GPU 32-63, basic. */
static uint32_t enabled[3];

static const uint32_t enable_reg[3] = {INTC_ENABLE1, INTC_ENABLE2, INTC_ENABLE_BASIC};
static const uint32_t disable_reg[3] = {INTC_DISABLE1, INTC_DISABLE2, INTC_DISABLE_BASIC};

static int line_of(unsigned intid, unsigned *bank, uint32_t *bit)
{
    if (intid < first || intid >= first + BCM2835_INTC_LINES)
        return -1;
    unsigned line = intid - first;
    *bank = line / 32;
    *bit = 1u << (line % 32);
    return 0;
}

static void intc_enable(unsigned intid, enum irq_trigger trigger)
{
    unsigned bank;
    uint32_t bit;
    (void)trigger; /* every line is level-sensitive */
    if (line_of(intid, &bank, &bit) == 0) {
        enabled[bank] |= bit;
        mmio_write32(base + enable_reg[bank], bit);
    }
}

static void intc_disable(unsigned intid)
{
    unsigned bank;
    uint32_t bit;
    if (line_of(intid, &bank, &bit) == 0) {
        enabled[bank] &= ~bit;
        mmio_write32(base + disable_reg[bank], bit);
    }
}

/* The lowest-numbered pending line Mote enabled, or IRQ_SPURIOUS. */
static unsigned intc_ack(void)
{
    uint32_t pending[3] = {
        mmio_read32(base + INTC_PENDING1),
        mmio_read32(base + INTC_PENDING2),
        mmio_read32(base + INTC_BASIC_PENDING) & INTC_BASIC_MASK,
    };
    for (unsigned bank = 0; bank < 3; bank++) {
        uint32_t p = pending[bank] & enabled[bank];
        if (p)
            return first + bank * 32 + (unsigned)__builtin_ctz(p);
    }
    return IRQ_SPURIOUS;
}

static void intc_eoi(unsigned intid)
{
    (void)intid; /* level-sensitive: the device's handler cleared the source */
}

static const struct irq_chip bcm2835_intc = {
    .name = "bcm2835-intc",
    .enable = intc_enable,
    .disable = intc_disable,
    .ack = intc_ack,
    .eoi = intc_eoi,
};

const struct irq_chip *bcm2835_intc_init(uintptr_t intc_base, unsigned first_intid)
{
    base = intc_base;
    first = first_intid;
    mmio_write32(base + INTC_FIQ_CONTROL, 0);
    for (unsigned bank = 0; bank < 3; bank++) {
        mmio_write32(base + disable_reg[bank], ALL_LINES);
        enabled[bank] = 0;
    }
    return &bcm2835_intc;
}
