/* SPDX-License-Identifier: MIT */
/*
 * The console (include/mote/console.h) over whichever UART the board has.
 * Output is polled, so it works in any context, the crash path included.
 */
#ifndef KERNEL_CONSOLE_H
#define KERNEL_CONSOLE_H

#include <stddef.h>
#include <stdint.h>

/* What a UART driver provides to be the console. */
struct console_dev {
    const char *name;
    void (*write_byte)(uint8_t c);
};

void console_init(const struct console_dev *dev);

/*
 * Adds dev as a mirror: everything written goes to it too (a board's second
 * UART, a framebuffer text console). Returns 0, -ENODEV before console_init,
 * -ENOSPC when all slots are taken.
 */
int console_add(const struct console_dev *dev);

/* Writes, turning "\n" into "\r\n". Silently does nothing without a console. */
void console_write(const char *s, size_t len);

/* printf to the console; for the kernel's own messages and the crash path. */
void console_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* For the UART's receive interrupt: queues one byte for the input callback. */
void console_input_byte(uint8_t c);

#endif
