/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_UART_MINI_UART_H
#define DRIVERS_UART_MINI_UART_H

#include <stdint.h>

#include "kernel/console.h"

/*
 * Enables the mini UART in the AUX block at aux_base for 115200 8N1 and
 * returns it as a console device. core_clock_hz is the VideoCore core clock
 * the baud rate divides (0: leave the divisor as the firmware set it).
 * The pins (GPIO 14/15, alternate function 5) are the board's to set.
 */
const struct console_dev *mini_uart_init(uintptr_t aux_base, uint32_t core_clock_hz);

/*
 * Routes receive interrupts (the AUX INTID) to the console, or to the debug
 * port's listener after mini_uart_make_debugport. Returns 0 or -errno.
 */
int mini_uart_enable_rx_irq(unsigned intid);

/*
 * Makes the initialised mini UART the debug port (kernel/debugport.h) for
 * gdb=serial and core=serial; the caller does not add it as a console then.
 * Returns 0, or -EBUSY when there is a debug port already.
 */
int mini_uart_make_debugport(void);

#endif
