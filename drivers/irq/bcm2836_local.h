/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_IRQ_BCM2836_LOCAL_H
#define DRIVERS_IRQ_BCM2836_LOCAL_H

#include <stdint.h>

#include "kernel/irq.h"

#define BCM2836_LOCAL_LINES 12 /* per-core sources: INTIDs 0..11 */

/*
 * Takes the ARM-local interrupt block at base for core 0, every source off,
 * the GPU interrupt routed to core 0's IRQ. gpu is the chip behind the
 * "GPU interrupt" source (bcm2835_intc_init), whose INTIDs must lie at or
 * above BCM2836_LOCAL_LINES. Returns the top-level chip for irq_set_chip().
 */
const struct irq_chip *bcm2836_local_init(uintptr_t base, const struct irq_chip *gpu);

#endif
