/* SPDX-License-Identifier: MIT */
/*
 * The GDB stub's TCP transport (gdb=tcp:[ADDR:]PORT), over mote_tcp_*, offered to
 * the stub (kernel/gdb_transport.h) by the network's boot hook, so only
 * debug images that use the network carry it. While the image runs,
 * connections and Ctrl-C arrive through the event loop like any other TCP
 * traffic; while the stub has stopped it, the stub polls the network device
 * and lwIP itself (through read), passing up only ARP and the debugger's own
 * TCP segments, so no service callback runs meanwhile. gdb=tcp:PORT accepts
 * debuggers from the local link only, gdb=tcp:ADDR:PORT listens on ADDR only
 * and accepts any peer. One debugger at a time: another connection while one
 * is attached is reset. Opening it fails with -EINVAL for a bad PORT or
 * ADDR:PORT, -ENOSYS when the network device cannot be polled, or
 * mote_tcp_listen's error.
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
