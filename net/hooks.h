/* SPDX-License-Identifier: MIT */
/* lwIP hooks Mote provides (LWIP_HOOK_FILENAME in net/lwipopts.h). */
#ifndef NET_HOOKS_H
#define NET_HOOKS_H

#include "lwip/err.h"
#include "lwip/ip_addr.h"

struct netif;
struct tcp_pcb;
struct tcp_hdr;
struct pbuf;

/* RFC 6528 initial sequence number of a new TCP connection (net/tcp_isn.c). */
u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
                  u16_t remote_port);

/*
 * A TCP segment lwIP has checked and matched to pcb (net/tcp_guard.c): for a
 * listener, a SYN the full queue cannot take is answered with a SYN cookie
 * and an ACK carrying a valid one becomes a connection. Returns ERR_OK for
 * lwIP to go on as usual, anything else when the segment was dealt with
 * (lwIP then frees it). hdr's fields are in host byte order already.
 */
err_t net_tcp_guard_input(struct tcp_pcb *pcb, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len,
                          u8_t *opt2, struct pbuf *p);

/*
 * An IPv4 packet before lwIP looks at it (net/ip_guard.c): returns 0 for
 * lwIP to go on, 1 when it was dropped (and freed) here.
 */
int net_ip4_guard_input(struct pbuf *p, struct netif *inp);

#endif
