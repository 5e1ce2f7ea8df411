// SPDX-License-Identifier: MIT
/* The console, see console.h and include/mote/console.h. */
#include "kernel/console.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <mote/console.h>
#include <mote/log.h>

#include "kernel/event.h"
#include "kernel/ring.h"

#define INPUT_BUFFER  1024 /* power of two */
#define PRINTF_BUFFER 256
#define CONSOLE_MAX   4 /* the console and its mirrors (second UART, framebuffer) */

static const struct console_dev *consoles[CONSOLE_MAX];
static unsigned console_count;

/* Input: the interrupt handler produces, the loop consumes (kernel/ring.h). */
static uint8_t input_buf[INPUT_BUFFER];
static struct ring input = RING_INIT(input_buf);
static volatile unsigned long input_dropped; /* by the interrupt handler, ring full */
static unsigned long input_dropped_reported;
static int input_event = -1;
static mote_console_fn input_fn;
static void *input_arg;

static void console_deliver(void *unused)
{
    char chunk[64];
    (void)unused;
    unsigned long dropped = input_dropped;
    if (dropped != input_dropped_reported) {
        mote_log(MOTE_LOG_WARN, "console: %lu input bytes dropped (input faster than the service)",
                 dropped - input_dropped_reported);
        input_dropped_reported = dropped;
    }
    for (;;) {
        size_t n = ring_read(&input, chunk, sizeof(chunk));
        if (n == 0)
            return;
        if (input_fn)
            input_fn(chunk, n, input_arg);
    }
}

void console_init(const struct console_dev *dev)
{
    consoles[0] = dev;
    if (console_count == 0)
        console_count = 1;
    if (input_event < 0)
        input_event = event_source_add(console_deliver, NULL);
}

int console_add(const struct console_dev *dev)
{
    if (console_count == 0)
        return -ENODEV;
    if (console_count == CONSOLE_MAX)
        return -ENOSPC;
    consoles[console_count++] = dev;
    return 0;
}

void console_input_byte(uint8_t c)
{
    if (!ring_put(&input, c)) {
        input_dropped++;
        return;
    }
    if (input_event >= 0)
        event_raise(input_event);
}

void console_write(const char *s, size_t len)
{
    for (unsigned d = 0; d < console_count; d++) {
        const struct console_dev *console = consoles[d];
        for (size_t i = 0; i < len; i++) {
            if (s[i] == '\n')
                console->write_byte('\r');
            console->write_byte((uint8_t)s[i]);
        }
    }
}

void console_printf(const char *fmt, ...)
{
    char buf[PRINTF_BUFFER];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0)
        console_write(buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
}

int mote_console_on_input(mote_console_fn fn, void *arg)
{
    input_fn = fn;
    input_arg = arg;
    return 0;
}

int mote_console_write(const char *data, size_t len)
{
    if (console_count == 0)
        return -ENODEV;
    console_write(data, len);
    return (int)len;
}

/* picolibc's stdio (tinystdio): printf and friends write to the console. */
static int stdio_putc(char c, FILE *file)
{
    (void)file;
    console_write(&c, 1);
    return (unsigned char)c;
}

static FILE console_stdio = FDEV_SETUP_STREAM(stdio_putc, NULL, NULL, _FDEV_SETUP_WRITE);
FILE *const stdin = &console_stdio;
FILE *const stdout = &console_stdio;
FILE *const stderr = &console_stdio;
