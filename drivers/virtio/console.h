/* SPDX-License-Identifier: MIT */
/*
 * The virtio console's first port as a byte pipe to the host, for the GDB
 * stub's serial transport and for core dumps (QEMU virt has one PL011 and
 * it is the console; on a board this is the UART the console does not use).
 * Both directions are polled, so they work with interrupts masked, inside an
 * exception handler and in the crash path; the receive interrupt only tells
 * a listener that bytes arrived (for Ctrl-C while the image runs).
 */
#ifndef DRIVERS_VIRTIO_CONSOLE_H
#define DRIVERS_VIRTIO_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True once a virtio console is up. */
bool vcon_present(void);

/* Copies up to len received bytes into buf without waiting; returns how many (0: none yet). */
size_t vcon_read(uint8_t *buf, size_t len);

/* Sends len bytes, waiting for the device to take each piece. Returns 0, -ENODEV or -EIO. */
int vcon_write(const void *data, size_t len);

/*
 * fn runs in interrupt context whenever bytes arrived while interrupts are
 * on (they are queued for vcon_read first). NULL stops the calls.
 */
void vcon_on_receive(void (*fn)(void));

/*
 * For a poller with interrupts masked: acknowledges the device's interrupt,
 * so a wfi sleeps until the next bytes. Returns true if it may sleep, false
 * when bytes arrived meanwhile (read them first).
 */
bool vcon_quiet(void);

#endif
