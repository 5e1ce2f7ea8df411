/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_IRQ_GICV2_H
#define DRIVERS_IRQ_GICV2_H

#include <stdint.h>

#include "kernel/irq.h"

/* Initialises the distributor and this core's CPU interface; returns the chip. */
const struct irq_chip *gicv2_init(uintptr_t dist_base, uintptr_t cpu_base);

#endif
