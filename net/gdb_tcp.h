/* SPDX-License-Identifier: MIT */
/*
 * The GDB stub's TCP transport (gdb=tcp:PORT), over mote_tcp_*, offered to
 * the stub (kernel/gdb_transport.h) by the network's boot hook, so only
 * debug images that use the network carry it. While the image runs,
 * connections and Ctrl-C arrive through the event loop like any other TCP
 * traffic; while the stub has stopped it, the stub polls the network device
 * and lwIP itself (through read), passing up only ARP and the debugger's own
 * TCP segments, so no service callback runs meanwhile. One debugger at a
 * time: a new connection replaces the old one. Opening it fails with
 * -EINVAL for a bad port, -ENOSYS when the network device cannot be polled,
 * or mote_tcp_listen's error.
 */
#ifndef NET_GDB_TCP_H
#define NET_GDB_TCP_H

#ifdef MOTE_DEBUG
/* Offers the transport to the GDB stub (the network's boot hook calls it). */
void gdb_tcp_register(void);
#else
static inline void gdb_tcp_register(void)
{
}
#endif

#endif
