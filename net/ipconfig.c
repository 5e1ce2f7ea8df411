// SPDX-License-Identifier: MIT
/* The address boot arguments (net/ipconfig.h). */
#include "net/ipconfig.h"

#include <errno.h>
#include <string.h>

#include <mote/args.h>

#include "lib/args/number.h"
#include "lwip/def.h"

#define PREFIX_BITS_MAX     32
#define PREFIX_BITS_DEFAULT 24 /* ip=ADDR alone: a /24, as most LANs are */

/*
 * Dotted-quad IPv4 only: inet_aton's shorthands ("10.1" for 10.0.0.1) are
 * typing mistakes in a boot argument far more often than intended.
 */
static bool ip4_parse(const char *s, ip4_addr_t *addr)
{
    unsigned dots = 0;
    for (const char *c = s; *c; c++)
        dots += *c == '.';
    return dots == 3 && ip4addr_aton(s, addr);
}

bool net_ip_parse(const char *s, ip_addr_t *addr)
{
    if (strchr(s, ':')) {
        ip_addr_set_zero_ip6(addr);
        return ip6addr_aton(s, ip_2_ip6(addr));
    }
    ip_addr_set_zero_ip4(addr);
    return ip4_parse(s, ip_2_ip4(addr));
}

/* ip=ADDR[/PREFIX]: the address and the mask. */
static bool parse_static(const char *ip, struct net_ipconfig *c)
{
    char buf[NET_ARG_VALUE_MAX];
    const char *slash = strchr(ip, '/');
    size_t len = slash ? (size_t)(slash - ip) : strlen(ip);
    if (len >= sizeof(buf))
        return false;
    memcpy(buf, ip, len);
    buf[len] = '\0';
    if (!ip4_parse(buf, &c->addr))
        return false;
    uint64_t prefix = PREFIX_BITS_DEFAULT;
    if (slash && number_parse_decimal_str(slash + 1, PREFIX_BITS_MAX, &prefix) != 0)
        return false;
    ip4_addr_set_u32(&c->mask, prefix ? lwip_htonl(0xffffffffu << (PREFIX_BITS_MAX - prefix)) : 0);
    return true;
}

int net_ipconfig_parse(const char *args, struct net_ipconfig *c, const char **bad)
{
    char val[NET_ARG_VALUE_MAX];
    memset(c, 0, sizeof(*c));
    int len = mote_arg_get(args, "ip", val, sizeof(val));
    if (len == -ENOENT)
        strcpy(val, "dhcp");
    c->dhcp = len != -ENOSPC && strcmp(val, "dhcp") == 0;
    if (!c->dhcp && (len == -ENOSPC || !parse_static(val, c))) {
        *bad = "ip";
        return -EINVAL;
    }
    len = mote_arg_get(args, "gw", val, sizeof(val));
    if (len != -ENOENT && (len < 0 || !ip4_parse(val, &c->gw))) {
        *bad = "gw";
        return -EINVAL;
    }
    len = mote_arg_get(args, "dns", val, sizeof(val));
    c->has_dns = len != -ENOENT;
    if (c->has_dns && (len < 0 || !net_ip_parse(val, &c->dns))) {
        *bad = "dns";
        return -EINVAL;
    }
    return 0;
}
