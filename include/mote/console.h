/* SPDX-License-Identifier: MIT */
/*
 * The console: the board's serial port. Output is written synchronously;
 * "\n" becomes "\r\n". Input arrives by interrupt and is handed to one
 * callback from the event loop. printf() and puts() also write here.
 */
#ifndef MOTE_CONSOLE_H
#define MOTE_CONSOLE_H

#include <stddef.h>

/* Receives the bytes typed since the last call (len >= 1; data is not NUL-terminated). */
typedef void (*mote_console_fn)(const char *data, size_t len, void *arg);

/*
 * Sets the input callback (NULL: discard input). Replaces any earlier one.
 * Input that arrives faster than the loop runs is kept up to 1 KiB; beyond
 * that it is dropped and counted. Returns 0.
 */
int mote_console_on_input(mote_console_fn fn, void *arg);

/* Writes len bytes. Returns len, or -ENODEV if the board has no console. */
int mote_console_write(const char *data, size_t len);

#endif
