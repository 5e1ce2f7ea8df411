/* SPDX-License-Identifier: MIT */
/*
 * The debug port: a byte pipe to the host for the GDB stub's serial
 * transport (gdb=serial) and for core dumps (core=serial), offered by
 * whichever driver the board has for it: the virtio console on QEMU virt,
 * the mini UART on the Raspberry Pi 3 (the UART the console does not use).
 * Both directions are polled, so they work with interrupts masked, inside an
 * exception handler and in the crash path; the receive interrupt only tells
 * a listener that bytes arrived (for Ctrl-C while the image runs).
 */
#ifndef KERNEL_DEBUGPORT_H
#define KERNEL_DEBUGPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct debugport {
    const char *name; /* for the log: "virtio console", "mini UART" */
    /* Copies up to len received bytes into buf without waiting; returns how many (0: none yet). */
    size_t (*read)(uint8_t *buf, size_t len);
    /* Sends len bytes, waiting for the device to take them. Returns 0 or -errno. */
    int (*write)(const void *data, size_t len);
    /*
     * fn runs in interrupt context whenever bytes arrived while interrupts
     * are on (they are queued for read first). NULL stops the calls.
     */
    void (*on_receive)(void (*fn)(void));
    /*
     * For a poller with interrupts masked: acknowledges the device, so a wfi
     * sleeps until the next bytes. True if it may sleep, false when bytes
     * arrived meanwhile (read them first).
     */
    bool (*quiet)(void);
};

/*
 * Makes port (static, every operation set) the debug port, and in debug
 * images offers it to the GDB stub as its "serial" transport
 * (kernel/gdb_transport.h). The first one registered stays: returns 0, or
 * -EBUSY when there is one already.
 */
int debugport_register(const struct debugport *port);

/* The debug port, or NULL when the board offers none. */
const struct debugport *debugport_get(void);

#endif
