/* SPDX-License-Identifier: MIT */
/*
 * Interrupt dispatch, in one place: the controller driver (GICv2 or GICv3)
 * acknowledges, the registered handler runs, the controller ends it.
 * Handlers run in interrupt context: they note the event and return; no
 * service code, no FP/SIMD, no libc calls that might use them.
 */
#ifndef KERNEL_IRQ_H
#define KERNEL_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#define IRQ_LINES    256  /* INTIDs Mote can route (SGIs, PPIs and the first SPIs) */
#define IRQ_SPURIOUS 1020 /* INTIDs >= this are special: nothing pending */

enum irq_trigger { IRQ_LEVEL, IRQ_EDGE };

/* What an interrupt controller driver provides. */
struct irq_chip {
    const char *name;
    void (*enable)(unsigned intid, enum irq_trigger trigger);
    void (*disable)(unsigned intid);
    unsigned (*ack)(void);
    void (*eoi)(unsigned intid);
    /*
     * Optional (0: none): for a controller whose acknowledge is one 32-bit
     * register read (the INTID in the bits of intid_mask) and whose end of
     * interrupt one write of that INTID, the two registers' addresses. The
     * event loop then accesses them inline (kernel/irq_loop.h) rather than
     * calling ack and eoi: two calls' frames less per interrupt.
     */
    uintptr_t ack_reg, eoi_reg;
    uint32_t intid_mask;
};

typedef void (*irq_fn)(void *arg);

void irq_set_chip(const struct irq_chip *chip);

/*
 * Routes intid to fn(arg) and enables it. Returns 0, -EINVAL for an INTID
 * out of range, -EBUSY if it already has a handler, -ENODEV with no controller.
 */
int irq_register(unsigned intid, enum irq_trigger trigger, irq_fn fn, void *arg);

/*
 * Called from the IRQ vector: handles the highest-priority pending interrupt,
 * FP/SIMD kept for the interrupted code (see irq_fp_access).
 */
void irq_dispatch(void);

/*
 * Called for an FP/SIMD access exception (ESR EC 0x07): true if it came from
 * a handler under irq_dispatch, which FP/SIMD traps in until a handler needs
 * it; the interrupted code's registers are then saved and FP/SIMD allowed, and
 * the instruction is retried. False: not ours (a crash).
 */
bool irq_fp_access(void);

#endif
