/* SPDX-License-Identifier: MIT */
/*
 * TCP under attack (net/tcp_guard.c): SYN cookies when a listen queue is
 * full, and room made for a new connection when every connection block is
 * taken: the oldest half-open connection goes first, then the accepted
 * connection silent the longest. lwIP is unchanged: this runs from its
 * LWIP_HOOK_TCP_INPACKET_PCB hook (net/hooks.h) for segments that reach a
 * listener.
 */
#ifndef NET_TCP_GUARD_H
#define NET_TCP_GUARD_H

#include <stdint.h>

struct mote_net_stats;

/* Adds the guard's counters to stats (mote_net_stats). */
void tcp_guard_stats(struct mote_net_stats *stats);

#endif
