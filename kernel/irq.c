// SPDX-License-Identifier: MIT
/* Interrupt dispatch, see irq.h. */
#include "kernel/irq.h"

#include <errno.h>
#include <stddef.h>

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

void irq_dispatch(void)
{
    for (;;) {
        unsigned intid = chip->ack();
        if (intid >= IRQ_SPURIOUS)
            return;
        if (intid < IRQ_LINES && handlers[intid].fn) {
            handlers[intid].fn(handlers[intid].arg);
        } else {
            /* Nobody asked for it: silence it rather than storm. */
            chip->disable(intid);
        }
        chip->eoi(intid);
    }
}
