// SPDX-License-Identifier: MIT
/*
 * The GDB stub's serial transport (gdb=serial): the debug port
 * (kernel/debugport.h), offered as soon as a driver registers one. Both
 * directions are the port's own polled operations; while the image runs,
 * the port's receive interrupt hands what arrived to the stub (Ctrl-C).
 */
#include <errno.h>
#include <stdio.h>

#include "kernel/debugport.h"
#include "kernel/gdb_transport.h"

#define LABEL_MAX 32
#define IRQ_CHUNK 64

static const struct debugport *port;
static const struct gdb_transport_events *events;
static char label[LABEL_MAX] = "serial";

/* Interrupt context: bytes arrived while the image runs. */
static void on_receive(void)
{
    uint8_t buf[IRQ_CHUNK];
    size_t n;
    while ((n = port->read(buf, sizeof(buf))) > 0)
        events->received(buf, n);
}

static int serial_open(const char *param, const struct gdb_transport_events *ev)
{
    if (param)
        return -EINVAL; /* gdb=serial takes no parameter */
    events = ev;
    port->on_receive(on_receive);
    return 0;
}

static size_t serial_read(uint8_t *buf, size_t len)
{
    return port->read(buf, len);
}

static int serial_write(const void *data, size_t len)
{
    return port->write(data, len);
}

static bool serial_connected(void)
{
    return true;
}

static bool serial_quiet(void)
{
    return port->quiet();
}

static const struct gdb_transport serial = {
    .name = "serial",
    .label = label,
    .open = serial_open,
    .read = serial_read,
    .write = serial_write,
    .connected = serial_connected,
    .quiet = serial_quiet,
};

void gdb_serial_register(const struct debugport *p)
{
    port = p;
    snprintf(label, sizeof(label), "serial (%s)", p->name);
    gdb_transport_register(&serial);
}
