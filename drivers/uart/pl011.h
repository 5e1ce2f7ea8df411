/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_UART_PL011_H
#define DRIVERS_UART_PL011_H

#include <stdint.h>

#include "kernel/console.h"

/*
 * Sets up the UART at base for 115200 8N1 (clock_hz: its reference clock, 0 if
 * unknown: the divisor is then left as the firmware set it) and returns it as
 * the console device.
 */
const struct console_dev *pl011_init(uintptr_t base, uint32_t clock_hz);

/* Routes receive interrupts (INTID from the device tree) to the console. Returns 0 or -errno. */
int pl011_enable_rx_irq(unsigned intid);

#endif
