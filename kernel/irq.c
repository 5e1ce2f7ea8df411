// SPDX-License-Identifier: MIT
/* Interrupt dispatch, see irq.h. */
#include "kernel/irq.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>

#include "arch/aarch64/fpsimd.h"
#include "kernel/irq_loop.h"

const struct irq_chip *irq_chip;
struct irq_handler irq_handlers[IRQ_LINES];

void irq_set_chip(const struct irq_chip *c)
{
    irq_chip = c;
}

int irq_register(unsigned intid, enum irq_trigger trigger, irq_fn fn, void *arg)
{
    if (!irq_chip)
        return -ENODEV;
    if (intid >= IRQ_LINES || !fn)
        return -EINVAL;
    if (irq_handlers[intid].fn)
        return -EBUSY;
    irq_handlers[intid].fn = fn;
    irq_handlers[intid].arg = arg;
    irq_chip->enable(intid, trigger);
    return 0;
}

/*
 * The interrupted code's FP/SIMD registers are kept across the handlers:
 * exception entry saves only the general ones (vectors.S) and the kernel is
 * built without SIMD, but a handler that logs runs the C library's string
 * functions, whose optimised versions use v0-v31 (picolibc's release build).
 * Saving all 32 registers on every interrupt cost about 70 instructions, for
 * handlers that almost never touch them; so they are saved lazily: FP/SIMD
 * traps while the handlers run, and the first FP/SIMD instruction of a
 * handler (trap_handle: irq_fp_access) saves the interrupted state, allows
 * FP/SIMD again and retries. Interrupts do not nest (IRQs stay masked in
 * handlers), so one save area is enough.
 */
static struct fpsimd_state irq_fp;
static bool irq_fp_trapping; /* FP/SIMD traps: inside irq_dispatch, nothing saved yet */
static bool irq_fp_saved;    /* irq_fp holds the interrupted code's registers */

bool irq_fp_access(void)
{
    if (!irq_fp_trapping)
        return false;
    irq_fp_trapping = false;
    fpsimd_allow(true);
    fpsimd_save(&irq_fp);
    irq_fp_saved = true;
    return true;
}

void irq_dispatch(void)
{
    irq_fp_saved = false;
    irq_fp_trapping = true;
    fpsimd_allow(false);
    /*
     * One interrupt per exception: another one pending keeps the IRQ line
     * up, so the CPU comes straight back once this one returns. Acknowledging
     * until the controller says "spurious" instead costs a register read per
     * interrupt (a VM exit under KVM) to save an exception entry only when
     * two arrive together.
     */
    unsigned intid = irq_chip->ack();
    if (intid < IRQ_SPURIOUS) {
        irq_handle(intid);
        irq_chip->eoi(intid);
    }
    if (irq_fp_saved) {
        fpsimd_restore(&irq_fp); /* allowed again since the save */
    } else {
        irq_fp_trapping = false;
        fpsimd_allow(true);
    }
}
