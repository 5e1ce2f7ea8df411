/* SPDX-License-Identifier: MIT */
/* lwIP hooks Mote provides (LWIP_HOOK_FILENAME in net/lwipopts.h). */
#ifndef NET_HOOKS_H
#define NET_HOOKS_H

#include "lwip/ip_addr.h"

/* RFC 6528 initial sequence number of a new TCP connection (net/tcp_isn.c). */
u32_t net_tcp_isn(const ip_addr_t *local_ip, u16_t local_port, const ip_addr_t *remote_ip,
                  u16_t remote_port);

#endif
