/* SPDX-License-Identifier: MIT */
/*
 * The synthetic zone mote.test. (its records are drawn in dns.h): its data
 * as constants, and the lookup that places a name in it. Internal to lib/dns.
 */
#ifndef LIB_DNS_ZONE_H
#define LIB_DNS_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include <dns/dns.h>

/*
 * The names the lookup compares, in lower case, each with its fold mask: the
 * ASCII case bit (0x20, a space) under every letter and 0 under length bytes,
 * so a name's bytes OR-ed with the mask equal the name exactly when they
 * match, letters in either case (RFC 4343 §3).
 */
/* The apex in wire format, without the root's zero byte */
#define DNS_ZONE_ORIGIN        "\4mote\4test"
#define DNS_ZONE_ORIGIN_FOLD   "\0    \0    "
#define DNS_ZONE_ORIGIN_LEN    (sizeof(DNS_ZONE_ORIGIN) - 1)
#define DNS_ZONE_ORIGIN_LABELS 2
/* Labels below the apex, each as a length byte and the label */
#define DNS_ZONE_NS_LABEL         "\2ns"
#define DNS_ZONE_NS_LABEL_FOLD    "\0  "
#define DNS_ZONE_HOSTMASTER_LABEL "\12hostmaster"
#define DNS_ZONE_HOST_PREFIX      "host" /* then the number, decimal */
#define DNS_ZONE_HOST_PREFIX_FOLD "    "
#define DNS_ZONE_HOST_DIGITS_MAX  7 /* of DNS_ZONE_RECORDS_MAX */

#define DNS_ZONE_TTL       300u
#define DNS_ZONE_HOST_BASE 0x0a000000u /* 10.0.0.0: host<i> is this + i */
#define DNS_ZONE_NS_ADDR   0x0afffffeu /* 10.255.255.254 */

/* SOA RDATA after the two names (RFC 1035 §3.3.13), times in seconds */
#define DNS_ZONE_SOA_SERIAL  1u
#define DNS_ZONE_SOA_REFRESH 3600u
#define DNS_ZONE_SOA_RETRY   600u
#define DNS_ZONE_SOA_EXPIRE  86400u
#define DNS_ZONE_SOA_MINIMUM 300u /* the negative-caching TTL (RFC 2308 §4) */

enum dns_node {
    DNS_NODE_OUTSIDE,  /* not in mote.test. */
    DNS_NODE_NXDOMAIN, /* in the zone, but no such name */
    DNS_NODE_APEX,     /* mote.test.: SOA, NS */
    DNS_NODE_NS,       /* ns.mote.test.: A */
    DNS_NODE_HOST,     /* host<i>.mote.test.: A */
};

struct dns_match {
    enum dns_node node;
    uint32_t host;   /* i, for DNS_NODE_HOST */
    size_t apex_off; /* where mote.test. starts in the name, inside the zone */
};

/*
 * Places the plain wire name at name in zone, case-insensitively, from its
 * shape as the question's reader noted it: labels (the root's not counted)
 * and tail_off, where its last two labels start (with labels >= 2). Reads
 * up to 8 bytes from tail_off, past the name's end when it is short: a
 * question always has them (its QTYPE and QCLASS follow the name). Cannot
 * fail: an unknown name is an answer too.
 */
struct dns_match dns_zone_lookup(const struct dns_zone *zone, const uint8_t *name, unsigned labels,
                                 size_t tail_off);

#endif
