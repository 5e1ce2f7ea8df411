// SPDX-License-Identifier: MIT
/* struct mote_endpoint <-> lwIP's ip_addr_t, for the UDP and TCP APIs. */
#include <errno.h>
#include <string.h>

#include <mote/net.h>

#include "net/net.h"

#define IPV4_LEN 4
#define IPV6_LEN 16

void net_endpoint_from(struct mote_endpoint *ep, const ip_addr_t *addr, u16_t port)
{
    memset(ep, 0, sizeof(*ep));
    ep->port = port;
    if (IP_IS_V6(addr)) {
        ep->family = MOTE_AF_INET6;
        memcpy(ep->addr, ip_2_ip6(addr)->addr, IPV6_LEN);
    } else {
        ep->family = MOTE_AF_INET;
        memcpy(ep->addr, &ip_2_ip4(addr)->addr, IPV4_LEN);
    }
}

int net_endpoint_to(const struct mote_endpoint *ep, ip_addr_t *addr)
{
    if (ep->family == MOTE_AF_INET) {
        ip_addr_set_zero_ip4(addr);
        memcpy(&ip_2_ip4(addr)->addr, ep->addr, IPV4_LEN);
        return 0;
    }
    if (ep->family == MOTE_AF_INET6) {
        ip_addr_set_zero_ip6(addr);
        memcpy(ip_2_ip6(addr)->addr, ep->addr, IPV6_LEN);
        return 0;
    }
    return -EINVAL;
}
