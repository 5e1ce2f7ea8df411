/* SPDX-License-Identifier: MIT */
/*
 * The GDB stub's TCP transport (gdb=tcp:PORT), over mote_tcp_*. While the
 * image runs, connections and Ctrl-C arrive through the event loop like any
 * other TCP traffic; while the stub has stopped it, the stub polls the
 * network device and lwIP itself (gdb_tcp_read), passing up only ARP and
 * the debugger's own TCP segments, so no service callback runs meanwhile.
 */
#ifndef NET_GDB_TCP_H
#define NET_GDB_TCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Listens on port (starting the network if needed). on_event runs from the
 * event loop when a debugger connects or sends Ctrl-C, on_gone when its
 * connection ends while the image runs. One debugger at a time: a new
 * connection replaces the old one. Returns 0 or a negative errno from
 * mote_tcp_listen, or -ENOSYS when the network device cannot be polled.
 */
int gdb_tcp_listen(uint16_t port, void (*on_event)(void), void (*on_gone)(void));

/* Stopped: polls the network, then copies up to len received bytes. Returns how many. */
size_t gdb_tcp_read(uint8_t *buf, size_t len);

/* Stopped: sends all len bytes, polling the network while the send buffer is full. 0 or -errno. */
int gdb_tcp_write(const void *data, size_t len);

/* True while a debugger is connected. */
bool gdb_tcp_connected(void);

/* Whether the poller may sleep in wfi: never, lwIP's timeouts need the polls. */
bool gdb_tcp_quiet(void);

/* The image resumes: frames go to the whole stack again. */
void gdb_tcp_resume(void);

#endif
