// SPDX-License-Identifier: MIT
/*
 * BCM2835 GPIO ("BCM2835 ARM Peripherals" §6, registers at 0x7e200000): 54
 * pins in two banks, a function select of 3 bits per pin, set/clear/level
 * registers, edge and level event detection with one interrupt per bank, and
 * the pull-up/down control that needs a timed two-register sequence (§6.1,
 * GPPUD and GPPUDCLK). Mote uses rising/falling (synchronous) edge detection;
 * the asynchronous and level detectors are left off. The pin a service may
 * use is checked by kernel/gpio.c before it gets here.
 *   QEMU: -M raspi3b (bcm2835_gpio). QEMU 7.2 models function select, set,
 *   clear and level only: event detection and pulls are accepted and ignored
 *   and no input can be driven from outside, so edge events never come there.
 */
#include "drivers/gpio/bcm2835_gpio.h"

#include <stddef.h>

#include "arch/aarch64/mmio.h"
#include "drivers/timer/generic_timer.h"
#include "kernel/irq.h"

/* clang-format off */
#define GPFSEL(n)    (0x00 + 4 * (n)) /* function select, pins 10n..10n+9 */
#define   GPFSEL_PINS_PER_REG 10
#define   GPFSEL_BITS         3
#define   GPFSEL_MASK         7u
#define GPSET(n)     (0x1c + 4 * (n)) /* write 1: output high */
#define GPCLR(n)     (0x28 + 4 * (n)) /* write 1: output low */
#define GPLEV(n)     (0x34 + 4 * (n)) /* pin level */
#define GPEDS(n)     (0x40 + 4 * (n)) /* event detected; write 1 to clear */
#define GPREN(n)     (0x4c + 4 * (n)) /* rising edge detect enable */
#define GPFEN(n)     (0x58 + 4 * (n)) /* falling edge detect enable */
#define GPPUD        0x94             /* pull-up/down control for the next clock */
#define   GPPUD_OFF   0u
#define   GPPUD_DOWN  1u
#define   GPPUD_UP    2u
#define GPPUDCLK(n)  (0x98 + 4 * (n)) /* clocks GPPUD into the pins set here */
/* clang-format on */

#define BANK_PINS 32
/* §6.1 asks for 150 cycles (of the 250 MHz core clock: 0.6 us) after each step. */
#define PUD_SETUP_WAIT_NS 1000

static uintptr_t base;

static unsigned bank_of(unsigned pin)
{
    return pin / BANK_PINS;
}

static uint32_t bit_of(unsigned pin)
{
    return 1u << (pin % BANK_PINS);
}

static void wait_ns(uint64_t ns)
{
    uint64_t until = gtimer_now_ns() + ns;
    while (gtimer_now_ns() < until)
        ;
}

void bcm2835_gpio_set_function(unsigned pin, enum bcm2835_gpio_function fn)
{
    if (pin >= BCM2835_GPIO_PINS)
        return;
    uint32_t reg = GPFSEL(pin / GPFSEL_PINS_PER_REG);
    unsigned shift = (pin % GPFSEL_PINS_PER_REG) * GPFSEL_BITS;
    uint32_t v = mmio_read32(base + reg);
    v = (v & ~(GPFSEL_MASK << shift)) | ((uint32_t)fn << shift);
    mmio_write32(base + reg, v);
}

void bcm2835_gpio_set_pull(unsigned pin, enum mote_gpio_pull pull)
{
    if (pin >= BCM2835_GPIO_PINS)
        return;
    uint32_t pud = pull == MOTE_GPIO_PULL_UP     ? GPPUD_UP
                   : pull == MOTE_GPIO_PULL_DOWN ? GPPUD_DOWN
                                                 : GPPUD_OFF;
    mmio_write32(base + GPPUD, pud);
    wait_ns(PUD_SETUP_WAIT_NS);
    mmio_write32(base + GPPUDCLK(bank_of(pin)), bit_of(pin));
    wait_ns(PUD_SETUP_WAIT_NS);
    mmio_write32(base + GPPUD, GPPUD_OFF);
    mmio_write32(base + GPPUDCLK(bank_of(pin)), 0);
}

static void gpio_configure(unsigned pin, enum mote_gpio_mode mode, enum mote_gpio_pull pull)
{
    bcm2835_gpio_set_pull(pin, pull);
    bcm2835_gpio_set_function(pin, mode == MOTE_GPIO_OUTPUT ? BCM2835_GPIO_FN_OUTPUT
                                                            : BCM2835_GPIO_FN_INPUT);
}

static void gpio_write(unsigned pin, int level)
{
    mmio_write32(base + (level ? GPSET(bank_of(pin)) : GPCLR(bank_of(pin))), bit_of(pin));
}

static int gpio_read(unsigned pin)
{
    return (mmio_read32(base + GPLEV(bank_of(pin))) & bit_of(pin)) != 0;
}

static void update_enable(uint32_t reg, uint32_t bit, int on)
{
    uint32_t v = mmio_read32(base + reg);
    mmio_write32(base + reg, on ? v | bit : v & ~bit);
}

static int gpio_set_edges(unsigned pin, unsigned edges)
{
    unsigned bank = bank_of(pin);
    update_enable(GPREN(bank), bit_of(pin), (edges & MOTE_GPIO_EDGE_RISING) != 0);
    update_enable(GPFEN(bank), bit_of(pin), (edges & MOTE_GPIO_EDGE_FALLING) != 0);
    mmio_write32(base + GPEDS(bank), bit_of(pin)); /* forget what happened before */
    return 0;
}

/* Interrupt context: clear what was detected in one bank and report it per pin. */
static void gpio_bank_events(unsigned bank)
{
    uint32_t events = mmio_read32(base + GPEDS(bank));
    mmio_write32(base + GPEDS(bank), events);
    uint32_t rising = mmio_read32(base + GPREN(bank));
    uint32_t falling = mmio_read32(base + GPFEN(bank));
    uint32_t level = mmio_read32(base + GPLEV(bank));
    while (events) {
        unsigned i = (unsigned)__builtin_ctz(events);
        uint32_t bit = 1u << i;
        events &= ~bit;
        /* The detector does not say which edge: with both enabled, the level tells. */
        unsigned edges = 0;
        if ((rising & bit) && (!(falling & bit) || (level & bit)))
            edges |= MOTE_GPIO_EDGE_RISING;
        if ((falling & bit) && (!(rising & bit) || !(level & bit)))
            edges |= MOTE_GPIO_EDGE_FALLING;
        gpio_report_edges(bank * BANK_PINS + i, edges);
    }
}

static void gpio_irq(void *arg)
{
    (void)arg;
    gpio_bank_events(0);
    gpio_bank_events(1);
}

static const struct gpio_chip bcm2835_gpio = {
    .name = "bcm2835-gpio",
    .pins = BCM2835_GPIO_PINS,
    .configure = gpio_configure,
    .write = gpio_write,
    .read = gpio_read,
    .set_edges = gpio_set_edges,
};

const struct gpio_chip *bcm2835_gpio_init(uintptr_t gpio_base)
{
    base = gpio_base;
    return &bcm2835_gpio;
}

int bcm2835_gpio_enable_irq(unsigned intid)
{
    return irq_register(intid, IRQ_LEVEL, gpio_irq, NULL);
}
