/* SPDX-License-Identifier: MIT */
/*
 * The GDB stub's transports: byte pipes to gdb that optional parts offer, so
 * the stub (kernel/gdbstub.c) names none of them. The serial one comes with
 * the debug port (kernel/gdb_serial.c, registered by debugport_register), the
 * TCP one with the network (net/gdb_tcp.c, registered by the network's boot
 * hook), so an image without networking carries no network code for the stub.
 * gdb=NAME[:PARAM][,wait] picks a transport by its name.
 *
 * Release images have no stub: there, registering is an inline no-op.
 */
#ifndef KERNEL_GDB_TRANSPORT_H
#define KERNEL_GDB_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct debugport;

/* What a transport tells the stub while the image runs. */
struct gdb_transport_events {
    /*
     * Interrupt context: bytes from gdb arrived; the stub stops the image
     * when this interrupt ends if they were Ctrl-C or a new debugger's
     * first packet.
     */
    void (*received)(const uint8_t *data, size_t len);
    /*
     * Loop context: a debugger connected or sent Ctrl-C; the stub stops the
     * image at the loop's next turn (not inside the caller, which may be deep
     * in the network stack's input path).
     */
    void (*stop)(void);
    /* Loop context: the debugger's connection ended while the image ran. */
    void (*gone)(void);
};

struct gdb_transport {
    const char *name;  /* what gdb= names: "serial", "tcp" */
    const char *label; /* for the log: "serial (mini UART)", "TCP" */
    /*
     * Starts it; param is what followed "NAME:" in gdb= (NULL when nothing
     * did), ev how to reach the stub. Returns 0, -EINVAL for a bad param, or
     * another negative errno (logged by the stub).
     */
    int (*open)(const char *param, const struct gdb_transport_events *ev);
    /* Stopped: copies up to len received bytes without waiting; returns how many. */
    size_t (*read)(uint8_t *buf, size_t len);
    /* Stopped: sends all len bytes. Returns 0 or a negative errno. */
    int (*write)(const void *data, size_t len);
    /* A debugger is on the other end (serial: always). */
    bool (*connected)(void);
    /* Before a wfi with interrupts masked: acknowledges the device; false: do not sleep. */
    bool (*quiet)(void);
    /* The image runs again (or NULL). */
    void (*resume)(void);
};

#ifdef MOTE_DEBUG
/*
 * Offers t (static, every operation but resume set). Returns 0, -EEXIST when
 * one of that name is registered, -ENOSPC when the table is full.
 */
int gdb_transport_register(const struct gdb_transport *t);

/* Offers the debug port as the "serial" transport (debugport_register calls it). */
void gdb_serial_register(const struct debugport *port);
#else
static inline int gdb_transport_register(const struct gdb_transport *t)
{
    (void)t;
    return 0;
}

static inline void gdb_serial_register(const struct debugport *port)
{
    (void)port;
}
#endif

#endif
