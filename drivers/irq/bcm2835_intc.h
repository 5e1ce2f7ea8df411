/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_IRQ_BCM2835_INTC_H
#define DRIVERS_IRQ_BCM2835_INTC_H

#include <stdint.h>

#include "kernel/irq.h"

#define BCM2835_INTC_GPU_LINES   64 /* GPU interrupts 0..63: INTIDs first..first+63 */
#define BCM2835_INTC_BASIC_LINES 8  /* ARM basic interrupts 0..7: then the next 8 */
#define BCM2835_INTC_LINES       (BCM2835_INTC_GPU_LINES + BCM2835_INTC_BASIC_LINES)

/*
 * Takes the controller at base with every line disabled; its lines are the
 * INTIDs [first_intid, first_intid + BCM2835_INTC_LINES). Returns the chip, to
 * be cascaded behind the BCM2836 local controller (bcm2836_local_init).
 */
const struct irq_chip *bcm2835_intc_init(uintptr_t base, unsigned first_intid);

#endif
