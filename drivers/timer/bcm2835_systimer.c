// SPDX-License-Identifier: MIT
/*
 * BCM2835 system timer ("BCM2835 ARM Peripherals" §12, registers at
 * 0x7e003000): a free-running 64-bit counter at 1 MHz and four 32-bit compare
 * registers, each raising its own GPU interrupt when the low counter word
 * equals it. Channels 0 and 2 are the VideoCore's; Mote uses 1 and 3 as
 * one-shot alarms. Mote's event loop runs on the generic timer; this timer
 * is the board's independent reference (platform/raspi3 checks the generic
 * timer's frequency against it at boot).
 *   QEMU: -M raspi3b (bcm2835-sys-timer)
 */
#include "drivers/timer/bcm2835_systimer.h"

#include <errno.h>
#include <stddef.h>

#include "arch/aarch64/mmio.h"
#include "kernel/irq.h"

/* clang-format off */
#define SYSTIMER_CS  0x00 /* match flags: write 1 to clear channel n's bit n */
#define SYSTIMER_CLO 0x04 /* counter, low word */
#define SYSTIMER_CHI 0x08 /* counter, high word */
#define SYSTIMER_C(n) (0x0c + 4 * (n)) /* compare n */
/* clang-format on */

#define CHANNELS 4

static uintptr_t base;
static struct {
    systimer_fn fn;
    void *arg;
    int registered;
} alarms[CHANNELS];

void systimer_init(uintptr_t systimer_base)
{
    base = systimer_base;
}

uint64_t systimer_now_us(void)
{
    /* The two halves are separate reads: retry when the low word wrapped in between. */
    uint32_t hi, lo;
    do {
        hi = mmio_read32(base + SYSTIMER_CHI);
        lo = mmio_read32(base + SYSTIMER_CLO);
    } while (hi != mmio_read32(base + SYSTIMER_CHI));
    return (uint64_t)hi << 32 | lo;
}

static void systimer_irq(void *arg)
{
    unsigned channel = (unsigned)(uintptr_t)arg;
    mmio_write32(base + SYSTIMER_CS, 1u << channel);
    systimer_fn fn = alarms[channel].fn;
    alarms[channel].fn = NULL;
    if (fn)
        fn(alarms[channel].arg);
}

int systimer_alarm(unsigned channel, unsigned intid, uint64_t at_us, systimer_fn fn, void *arg)
{
    if ((channel != SYSTIMER_CHANNEL_1 && channel != SYSTIMER_CHANNEL_3) || !fn)
        return -EINVAL;
    if (alarms[channel].fn)
        return -EBUSY;
    if (!alarms[channel].registered) {
        int err = irq_register(intid, IRQ_LEVEL, systimer_irq, (void *)(uintptr_t)channel);
        if (err)
            return err;
        alarms[channel].registered = 1;
    }
    alarms[channel].fn = fn;
    alarms[channel].arg = arg;
    mmio_write32(base + SYSTIMER_CS, 1u << channel);
    mmio_write32(base + SYSTIMER_C(channel), (uint32_t)at_us);
    return 0;
}
