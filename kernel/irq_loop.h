/* SPDX-License-Identifier: MIT */
/*
 * The dispatch the event loop does itself (kernel/event.c), inline there: the
 * interrupt that ends the loop's wfi is handled by a call, not an exception,
 * and this saves the call too, and the controller's own calls when its
 * acknowledge and end of interrupt are plain register accesses (GICv2). Shares the handler table
 * with irq.c's irq_dispatch, which the IRQ vector calls for the others.
 */
#ifndef KERNEL_IRQ_LOOP_H
#define KERNEL_IRQ_LOOP_H

#include "arch/aarch64/mmio.h"
#include "kernel/gdbstub.h"
#include "kernel/irq.h"

struct irq_handler {
    irq_fn fn;
    void *arg;
};

/*
 * irq.c's: the controller and the handlers by INTID. Hidden: the image is
 * position-independent, and default visibility would mean a GOT load per use.
 */
extern const struct irq_chip *irq_chip __attribute__((visibility("hidden")));
extern struct irq_handler irq_handlers[IRQ_LINES] __attribute__((visibility("hidden")));

/* Runs intid's handler; an INTID without one is disabled, so it cannot storm. */
static inline void irq_handle(unsigned intid)
{
    if (intid < IRQ_LINES && irq_handlers[intid].fn)
        irq_handlers[intid].fn(irq_handlers[intid].arg);
    else
        irq_chip->disable(intid);
}

/*
 * For the event loop after its wfi, IRQs masked: handles the interrupt that
 * woke the core as irq_dispatch would, without an exception. chip is
 * irq_chip, which the loop reads once (the controller is chosen at boot,
 * before the loop starts): the barriers of the register accesses and the
 * handler's call would otherwise have it read again after each. Nothing to
 * keep of FP/SIMD: the loop holds no such state, and a handler called as a
 * function keeps the callee-saved registers as any function does. Nothing
 * pending (woken by something else, or the interrupt went away): returns.
 */
static inline void irq_dispatch_in_loop(const struct irq_chip *chip)
{
    /* The controller's registers accessed here when it names them (struct irq_chip). */
    uintptr_t ack_reg = chip->ack_reg;
    uint32_t mask = chip->intid_mask;
    unsigned intid = ack_reg ? mmio_read32(ack_reg) & mask : chip->ack();
    if (intid >= IRQ_SPURIOUS)
        return;
    irq_handle(intid);
    uintptr_t eoi_reg = chip->eoi_reg;
    if (eoi_reg)
        mmio_write32(eoi_reg, intid);
    else
        chip->eoi(intid);
    gdbstub_loop_irq_exit(); /* no frame here: the stub makes one (a brk) if it stops */
}

#endif
