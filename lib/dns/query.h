/* SPDX-License-Identifier: MIT */
/*
 * Reading a query: the header, its one question and the EDNS OPT record, all
 * checked against the message's bounds. Internal to lib/dns.
 */
#ifndef LIB_DNS_QUERY_H
#define LIB_DNS_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include <dns/dns.h>
#include "lib/dns/wire.h"

/* What a reply needs of the query; nothing points into the message. */
struct dns_query {
    uint16_t id;
    uint16_t flags;
    uint8_t name[DNS_NAME_MAX]; /* the question's name, plain, case kept */
    size_t name_len;            /* 0: no question could be read */
    uint16_t qtype, qclass;
    int has_opt;          /* exactly one well-formed OPT came */
    uint16_t udp_payload; /* the requestor's, from its OPT */
    uint8_t edns_version;
};

/*
 * Reads msg (len bytes) into q. Returns the RCODE to answer with:
 * DNS_RCODE_NOERROR when the question is good to look up, DNS_RCODE_NOTIMP for
 * an opcode other than QUERY, DNS_RCODE_FORMERR for QDCOUNT != 1, a malformed
 * name or a section running past the end, DNS_RCODE_BADVERS for an EDNS
 * version above ours. Returns -EBADMSG for a message to drop: shorter than
 * the header, or a response.
 */
int dns_parse_query(const uint8_t *msg, size_t len, struct dns_query *q);

/*
 * The most a reply to q may take: 512 bytes over UDP, or the requestor's
 * EDNS payload held to 512..DNS_EDNS_PAYLOAD; DNS_TCP_MSG_MAX over TCP; never
 * more than reply_max.
 */
size_t dns_reply_limit(const struct dns_query *q, enum dns_transport transport, size_t reply_max);

#endif
