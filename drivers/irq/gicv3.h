/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_IRQ_GICV3_H
#define DRIVERS_IRQ_GICV3_H

#include <stdint.h>

#include "kernel/irq.h"

/*
 * Initialises the distributor, this core's redistributor (searched for in
 * [redist_base, redist_base + redist_size)) and the system-register CPU
 * interface. Returns the chip, or NULL if no redistributor matches this core.
 */
const struct irq_chip *gicv3_init(uintptr_t dist_base, uintptr_t redist_base, uint64_t redist_size);

#endif
