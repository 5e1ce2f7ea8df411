// SPDX-License-Identifier: MIT
/* Interrupt dispatch, see irq.h. */
#include "kernel/irq.h"

#include <errno.h>
#include <stddef.h>

#include "arch/aarch64/fpsimd.h"

static const struct irq_chip *chip;
static struct {
    irq_fn fn;
    void *arg;
} handlers[IRQ_LINES];

void irq_set_chip(const struct irq_chip *c)
{
    chip = c;
}

int irq_register(unsigned intid, enum irq_trigger trigger, irq_fn fn, void *arg)
{
    if (!chip)
        return -ENODEV;
    if (intid >= IRQ_LINES || !fn)
        return -EINVAL;
    if (handlers[intid].fn)
        return -EBUSY;
    handlers[intid].fn = fn;
    handlers[intid].arg = arg;
    chip->enable(intid, trigger);
    return 0;
}

/*
 * The interrupted code's FP/SIMD registers are kept across the handlers:
 * exception entry saves only the general ones (vectors.S), the kernel is
 * built without SIMD, but a handler that logs runs the C library's string
 * functions, whose optimised versions use v0-v31 (picolibc's release build).
 * About 70 instructions per interrupt, so a service's vectors never change
 * under it.
 */
void irq_dispatch(void)
{
    struct fpsimd_state fp;
    fpsimd_save(&fp);
    for (;;) {
        unsigned intid = chip->ack();
        if (intid >= IRQ_SPURIOUS)
            break;
        if (intid < IRQ_LINES && handlers[intid].fn) {
            handlers[intid].fn(handlers[intid].arg);
        } else {
            /* Nobody asked for it: silence it rather than storm. */
            chip->disable(intid);
        }
        chip->eoi(intid);
    }
    fpsimd_restore(&fp);
}
