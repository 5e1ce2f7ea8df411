/* SPDX-License-Identifier: MIT */
/*
 * Reading a query: the header, its one question and the EDNS OPT record, all
 * checked against the message's bounds. Internal to lib/dns.
 */
#ifndef LIB_DNS_QUERY_H
#define LIB_DNS_QUERY_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include <dns/dns.h>
#include "lib/dns/wire.h"

/*
 * What a reply needs of the query. The question is not copied: it sits
 * plain at DNS_HEADER_LEN (read_question_name in query.c says why) and a
 * reply starts with the same header-sized block, so a reply built in place
 * finds its question already written. A query with no question (name_len 0)
 * and DNS_RCODE_NOERROR is a cookie-only query (RFC 7873 §5.4): answered
 * with the header and the OPT.
 */
struct dns_query {
    uint16_t id;
    uint16_t flags;
    const uint8_t *question; /* in the message: the name, QTYPE, QCLASS */
    size_t name_len;         /* 0: no question could be read */
    /*
     * The name's shape, noted while reading it so the zone lookup need not
     * walk it again: its labels (the root's not counted) and where the last
     * two of them start (with labels >= 2), where the apex would be.
     */
    unsigned labels;
    size_t tail_off;
    uint16_t qtype, qclass;
    int has_opt;          /* exactly one well-formed OPT came */
    uint16_t udp_payload; /* the requestor's, from its OPT */
    uint8_t edns_version;
    int dnssec_ok;  /* the OPT's DO bit, echoed (RFC 3225 §3) */
    int has_cookie; /* the OPT carries a COOKIE option (RFC 7873) */
};

/* What dns_read_options found */
#define DNS_OPTIONS_COOKIE 1 /* a COOKIE option (RFC 7873) */

/*
 * Walks the options in an OPT's RDATA (rdlength bytes at p). Returns
 * DNS_OPTIONS_COOKIE if one of them is a COOKIE, else 0, or -EBADMSG when an
 * option's length overruns the RDATA or bytes are left over that cannot hold
 * an option header (RFC 6891 §6.1.2, §7). Inline: the one pass shares it.
 */
static inline int dns_read_options(const uint8_t *p, size_t rdlength)
{
    size_t off = 0;
    int found = 0;
    /* Each round consumes at least DNS_OPTION_HEADER_LEN bytes or fails */
    while (off < rdlength) {
        if (rdlength - off < DNS_OPTION_HEADER_LEN)
            return -EBADMSG;
        uint16_t code = dns_get16(p + off);
        size_t opt_len = dns_get16(p + off + sizeof(uint16_t));
        off += DNS_OPTION_HEADER_LEN;
        if (opt_len > rdlength - off)
            return -EBADMSG;
        if (code == DNS_OPTION_COOKIE)
            found = DNS_OPTIONS_COOKIE;
        off += opt_len;
    }
    return found;
}

/*
 * Reads msg (len bytes) into q. Returns the RCODE to answer with:
 * DNS_RCODE_NOERROR when the question is good to look up (or, with QDCOUNT 0,
 * when the OPT has a COOKIE option), DNS_RCODE_NOTIMP for an opcode other than
 * QUERY, DNS_RCODE_FORMERR for QDCOUNT other than 1 (or 0 with a cookie), a
 * malformed name, a section running past the end or an OPT option overrunning
 * its RDATA, DNS_RCODE_BADVERS for an EDNS version above ours. Returns -EBADMSG for a message to
 * drop: shorter than the header, or a response.
 */
int dns_parse_query(const uint8_t *msg, size_t len, struct dns_query *q);

/*
 * The most a reply to q may take: 512 bytes over UDP, or the requestor's
 * EDNS payload held to 512..DNS_EDNS_PAYLOAD; DNS_TCP_MSG_MAX over TCP; never
 * more than reply_max. Inline: a few compares, once per query.
 */
static inline size_t dns_reply_limit(const struct dns_query *q, enum dns_transport transport,
                                     size_t reply_max)
{
    size_t limit = DNS_UDP_MSG_MIN;
    if (transport == DNS_TRANSPORT_TCP)
        limit = DNS_TCP_MSG_MAX;
    else if (q->has_opt && q->udp_payload > DNS_UDP_MSG_MIN)
        limit = q->udp_payload < DNS_EDNS_PAYLOAD ? q->udp_payload : DNS_EDNS_PAYLOAD;
    return limit < reply_max ? limit : reply_max;
}

#endif
