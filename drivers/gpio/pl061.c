// SPDX-License-Identifier: MIT
/*
 * Arm PrimeCell GPIO PL061 ("PrimeCell General Purpose Input/Output (PL061)
 * Technical Reference Manual" r1p1, DDI 0190B, §3.3 for the registers). Eight
 * pins; inputs with edge interrupts, which is what a button needs, and
 * outputs (software control only). No level interrupts, no hardware
 * (alternate function) control.
 *   QEMU: -M virt has one at 0x9030000 (SPI 7). Its pin 3 is the power key of
 *   the device tree's gpio-keys node: QMP system_powerdown pulses it high.
 */
#include "drivers/gpio/pl061.h"

#include <errno.h>
#include <stddef.h>

#include "arch/aarch64/mmio.h"
#include "kernel/irq.h"

/* Register maps: bit fields sit indented under their register. */
/* clang-format off */
#define PL061_DATA    0x000 /* data: address bits [9:2] mask which pins a access touches */
#define   PL061_DATA_MASK_SHIFT 2
#define PL061_DIR     0x400 /* direction: 1 = output */
#define PL061_IS      0x404 /* interrupt sense: 1 = level, 0 = edge */
#define PL061_IBE     0x408 /* interrupt on both edges */
#define PL061_IEV     0x40c /* interrupt event: 1 = rising edge (or high level) */
#define PL061_IE      0x410 /* interrupt mask: 1 = enabled */
#define PL061_RIS     0x414 /* raw interrupt status */
#define PL061_MIS     0x418 /* masked interrupt status */
#define PL061_IC      0x41c /* interrupt clear: write 1 to clear an edge */
#define PL061_AFSEL   0x420 /* mode control: 1 = pin under hardware control */
#define PL061_PERIPHID0 0xfe0 /* part number [7:0]: 0x61 */
#define PL061_PERIPHID1 0xfe4 /* part number [11:8] in bits [3:0]: 0 */
#define   PL061_PART_LOW  0x61
#define   PL061_PART_HIGH_MASK 0xf
/* clang-format on */

#define PL061_ALL_PINS ((1u << PL061_PINS) - 1)

static uint32_t rd(const struct pl061 *gpio, uint32_t reg)
{
    return mmio_read32(gpio->base + reg);
}

static void wr(const struct pl061 *gpio, uint32_t reg, uint32_t v)
{
    mmio_write32(gpio->base + reg, v);
}

/* Interrupt context: clear the edges first, so one arriving during the calls raises a new one. */
static void pl061_irq(void *arg)
{
    struct pl061 *gpio = arg;
    uint32_t pins = rd(gpio, PL061_MIS) & PL061_ALL_PINS;
    wr(gpio, PL061_IC, pins);
    for (unsigned pin = 0; pin < PL061_PINS; pin++)
        if ((pins & (1u << pin)) && gpio->fn[pin])
            gpio->fn[pin](pin, gpio->arg[pin]);
}

int pl061_init(struct pl061 *gpio, uintptr_t base, unsigned intid)
{
    gpio->base = base;
    if ((rd(gpio, PL061_PERIPHID0) & 0xff) != PL061_PART_LOW ||
        (rd(gpio, PL061_PERIPHID1) & PL061_PART_HIGH_MASK) != 0)
        return -ENODEV;
    wr(gpio, PL061_IE, 0);
    wr(gpio, PL061_IC, PL061_ALL_PINS);
    return irq_register(intid, IRQ_LEVEL, pl061_irq, gpio);
}

int pl061_watch_edge(struct pl061 *gpio, unsigned pin, bool rising, pl061_edge_fn fn, void *arg)
{
    if (pin >= PL061_PINS || !fn)
        return -EINVAL;
    if (gpio->fn[pin])
        return -EBUSY;
    uint32_t bit = 1u << pin;
    gpio->fn[pin] = fn;
    gpio->arg[pin] = arg;
    /* Configure with the pin's interrupt masked, then clear what the changes may have latched. */
    wr(gpio, PL061_IE, rd(gpio, PL061_IE) & ~bit);
    wr(gpio, PL061_AFSEL, rd(gpio, PL061_AFSEL) & ~bit);
    wr(gpio, PL061_DIR, rd(gpio, PL061_DIR) & ~bit);
    wr(gpio, PL061_IS, rd(gpio, PL061_IS) & ~bit);
    wr(gpio, PL061_IBE, rd(gpio, PL061_IBE) & ~bit);
    uint32_t iev = rd(gpio, PL061_IEV);
    wr(gpio, PL061_IEV, rising ? iev | bit : iev & ~bit);
    wr(gpio, PL061_IC, bit);
    wr(gpio, PL061_IE, rd(gpio, PL061_IE) | bit);
    return 0;
}

int pl061_read(const struct pl061 *gpio, unsigned pin)
{
    if (pin >= PL061_PINS)
        return -EINVAL;
    return (rd(gpio, PL061_DATA + ((1u << pin) << PL061_DATA_MASK_SHIFT)) >> pin) & 1;
}

int pl061_set_direction(struct pl061 *gpio, unsigned pin, bool output)
{
    if (pin >= PL061_PINS || gpio->fn[pin])
        return -EINVAL;
    uint32_t bit = 1u << pin;
    wr(gpio, PL061_AFSEL, rd(gpio, PL061_AFSEL) & ~bit);
    wr(gpio, PL061_DIR, output ? rd(gpio, PL061_DIR) | bit : rd(gpio, PL061_DIR) & ~bit);
    return 0;
}

int pl061_write(struct pl061 *gpio, unsigned pin, int level)
{
    if (pin >= PL061_PINS)
        return -EINVAL;
    /* The address masks the access to this one pin: no read-modify-write. */
    wr(gpio, PL061_DATA + ((1u << pin) << PL061_DATA_MASK_SHIFT), level ? 1u << pin : 0);
    return 0;
}
