// SPDX-License-Identifier: MIT
/*
 * struct mote_endpoint <-> lwIP's ip_addr_t, for the UDP and TCP APIs, and
 * mote_endpoint_parse (include/mote/net.h), over lwIP's address parser.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mote/net.h>

#include "net/ipconfig.h"
#include "net/net.h"

#define IPV4_LEN        4
#define IPV6_LEN        16
#define HOST_MAX        48 /* the longest IPv6 text, "ffff:...:255.255.255.255", and its NUL */
#define PORT_MAX        65535
#define PORT_DIGITS_MAX 5

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

/* The port after an endpoint's colon: 1 to PORT_MAX decimal digits, no sign, no spaces. */
static int parse_port(const char *text, uint16_t *port)
{
    size_t len = strlen(text);
    if (len == 0 || len > PORT_DIGITS_MAX || strspn(text, "0123456789") != len)
        return -EINVAL;
    unsigned long v = strtoul(text, NULL, 10);
    if (v == 0 || v > PORT_MAX)
        return -EINVAL;
    *port = (uint16_t)v;
    return 0;
}

int mote_endpoint_parse(const char *text, struct mote_endpoint *ep)
{
    if (!text || !ep)
        return -EINVAL;
    const char *host = text, *host_end;
    bool bracketed = text[0] == '[';
    if (bracketed) { /* RFC 3986 §3.2.2: an IPv6 address with a port is in brackets */
        host++;
        host_end = strchr(host, ']');
        if (!host_end || host_end[1] != ':')
            return -EINVAL;
    } else {
        host_end = strchr(host, ':');
        if (!host_end)
            return -EINVAL;
    }
    size_t host_len = (size_t)(host_end - host);
    char buf[HOST_MAX];
    if (host_len == 0 || host_len >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, host, host_len);
    buf[host_len] = '\0';

    ip_addr_t addr;
    uint16_t port;
    const char *port_text = host_end + (bracketed ? 2 : 1);
    if (parse_port(port_text, &port) != 0 || !net_ip_parse(buf, &addr) ||
        IP_IS_V6(&addr) != bracketed)
        return -EINVAL;
    net_endpoint_from(ep, &addr, port);
    return 0;
}
