/* SPDX-License-Identifier: MIT */
/*
 * What the two ways of answering share: the general path (answer.c), which
 * applies every rule of dns.h to any message, and the one pass (fast.c),
 * which answers the common query itself and hands the rest to the general
 * path. Internal to lib/dns.
 */
#ifndef LIB_DNS_ANSWER_H
#define LIB_DNS_ANSWER_H

#include <stddef.h>
#include <stdint.h>

#include <dns/dns.h>
#include "lib/dns/wire.h"
#include "lib/dns/zone.h"

/* Where a reply's question starts: right after the header, as in the query */
#define DNS_QUESTION_OFF DNS_HEADER_LEN

/* The zone's records as lib/dns writes them: every owner is a pointer */
#define DNS_A_RDLENGTH  sizeof(uint32_t)
#define DNS_RR_HEAD_LEN (DNS_POINTER_LEN + DNS_RR_FIXED_LEN)
#define DNS_RR_A_LEN    (DNS_RR_HEAD_LEN + DNS_A_RDLENGTH)
#define DNS_RR_OPT_LEN  (1 + DNS_RR_FIXED_LEN) /* ours: the root as owner, no options */
/* The SOA: ns.<apex> and hostmaster.<apex>, each its label and a pointer, then five times */
#define DNS_NS_NAME_LEN         (sizeof(DNS_ZONE_NS_LABEL) - 1 + DNS_POINTER_LEN)
#define DNS_HOSTMASTER_NAME_LEN (sizeof(DNS_ZONE_HOSTMASTER_LABEL) - 1 + DNS_POINTER_LEN)
#define DNS_SOA_TIMERS          5 /* SERIAL REFRESH RETRY EXPIRE MINIMUM */
#define DNS_SOA_RDLENGTH \
    (DNS_NS_NAME_LEN + DNS_HOSTMASTER_NAME_LEN + DNS_SOA_TIMERS * sizeof(uint32_t))
#define DNS_RR_SOA_LEN (DNS_RR_HEAD_LEN + DNS_SOA_RDLENGTH)

/*
 * dns_answer's contract (dns.h), every rule applied step by step: parse,
 * look up, decide, write. The one pass gives the same bytes and counts for
 * the queries it takes; the fuzz target checks that the two agree.
 */
size_t dns_answer_general(const struct dns_zone *zone, struct dns_stats *stats,
                          const uint8_t *query, size_t query_len, uint8_t *reply, size_t reply_max,
                          enum dns_transport transport);

/*
 * A record's owner (a pointer to owner in the reply), TYPE, CLASS IN, TTL
 * and RDLENGTH; returns where its RDATA goes.
 */
static inline uint8_t *dns_put_rr_head(uint8_t *p, size_t owner, uint16_t type, uint16_t rdlength)
{
    p = dns_put_pointer(p, owner);
    p = dns_put16(p, type);
    p = dns_put16(p, DNS_CLASS_IN);
    p = dns_put32(p, DNS_ZONE_TTL);
    return dns_put16(p, rdlength);
}

/* An A record of the zone owned by the name at owner; returns the byte after. */
static inline uint8_t *dns_put_a(uint8_t *p, size_t owner, uint32_t addr)
{
    p = dns_put_rr_head(p, owner, DNS_TYPE_A, DNS_A_RDLENGTH);
    return dns_put32(p, addr);
}

/*
 * The OPT: our payload size, the upper bits of an extended RCODE, version 0,
 * the query's DO bit (RFC 3225 §3), no options. Returns the byte after.
 */
static inline uint8_t *dns_put_opt(uint8_t *p, int rcode, int dnssec_ok)
{
    *p++ = DNS_NAME_ROOT;
    p = dns_put16(p, DNS_TYPE_OPT);
    p = dns_put16(p, DNS_EDNS_PAYLOAD);
    p = dns_put32(p, (uint32_t)(rcode >> DNS_RCODE_EXT_SHIFT) << DNS_OPT_TTL_RCODE_SHIFT |
                         (uint32_t)DNS_EDNS_VERSION << DNS_OPT_TTL_VERSION_SHIFT |
                         (dnssec_ok ? DNS_OPT_TTL_DO : 0));
    return dns_put16(p, 0);
}

#endif
