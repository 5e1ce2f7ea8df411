// SPDX-License-Identifier: MIT
/* What a stopped image still takes from the network (net/gdb_filter.h). */
#include "net/gdb_filter.h"

/* Ethernet and IP fields the filter looks at (IEEE 802.3, RFC 791, RFC 8200, RFC 9293) */
#define ETH_HLEN         14
#define ETH_TYPE_OFF     12
#define ETHERTYPE_IPV4   0x0800
#define ETHERTYPE_ARP    0x0806
#define ETHERTYPE_IPV6   0x86dd
#define IPV4_PROTO_OFF   9
#define IPV4_IHL_MASK    0x0f
#define IPV4_HLEN_MIN    20
#define IPV6_NEXT_OFF    6
#define IPV6_HLEN        40
#define IP_PROTO_ICMP    1
#define IP_PROTO_TCP     6
#define IP_PROTO_UDP     17
#define IP_PROTO_ICMP6   58
#define TCP_DPORT_OFF    2 /* the same offset in a UDP header */
#define DHCP_CLIENT_PORT 68

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* The destination port of the TCP or UDP header at l4 (l4_len bytes), 0 if it is cut short. */
static uint16_t dest_port(const uint8_t *l4, size_t l4_len)
{
    return l4_len >= TCP_DPORT_OFF + 2 ? be16(l4 + TCP_DPORT_OFF) : 0;
}

bool gdb_frame_wanted(const uint8_t *f, size_t len, uint16_t gdb_port)
{
    if (len < ETH_HLEN)
        return false;
    uint16_t type = be16(f + ETH_TYPE_OFF);
    const uint8_t *ip = f + ETH_HLEN;
    size_t ip_len = len - ETH_HLEN;
    if (type == ETHERTYPE_ARP)
        return true;
    if (type == ETHERTYPE_IPV4 && ip_len >= IPV4_HLEN_MIN) {
        size_t ihl = (size_t)(ip[0] & IPV4_IHL_MASK) * 4;
        if (ihl < IPV4_HLEN_MIN || ihl > ip_len)
            return false; /* malformed: lwIP would drop it anyway */
        uint8_t proto = ip[IPV4_PROTO_OFF];
        uint16_t dport = dest_port(ip + ihl, ip_len - ihl);
        return proto == IP_PROTO_ICMP || (proto == IP_PROTO_TCP && dport == gdb_port) ||
               (proto == IP_PROTO_UDP && dport == DHCP_CLIENT_PORT);
    }
    if (type == ETHERTYPE_IPV6 && ip_len >= IPV6_HLEN) {
        uint8_t next = ip[IPV6_NEXT_OFF];
        return next == IP_PROTO_ICMP6 ||
               (next == IP_PROTO_TCP && dest_port(ip + IPV6_HLEN, ip_len - IPV6_HLEN) == gdb_port);
    }
    return false;
}
