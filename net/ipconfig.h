/* SPDX-License-Identifier: MIT */
/*
 * The address boot arguments, parsed without side effects (net.c acts on the
 * result; the fuzz target feeds it anything):
 *   ip=dhcp (the default) | ip=ADDR[/PREFIX]   a dotted-quad IPv4 address,
 *                                               PREFIX 0..32, /24 when absent
 *   gw=ADDR                                     the IPv4 default gateway
 *   dns=ADDR                                    an IPv4 or IPv6 resolver
 */
#ifndef NET_IPCONFIG_H
#define NET_IPCONFIG_H

#include <stdbool.h>

#include "lwip/ip_addr.h"

#define NET_ARG_VALUE_MAX 48 /* the longest value taken (an IPv6 text and a prefix) */

struct net_ipconfig {
    bool dhcp;
    ip4_addr_t addr, mask, gw; /* static configuration (not dhcp); gw 0.0.0.0 when not given */
    bool has_dns;
    ip_addr_t dns;
};

/*
 * Fills *c from args. Returns 0, or -EINVAL with *bad set to the first
 * argument that is malformed or too long ("ip", "gw" or "dns").
 */
int net_ipconfig_parse(const char *args, struct net_ipconfig *c, const char **bad);

/*
 * An IPv4 address as a dotted quad (no inet_aton shorthands) or an IPv6
 * address in any RFC 4291 form. Returns true and fills *addr, or false.
 */
bool net_ip_parse(const char *s, ip_addr_t *addr);

#endif
