/* SPDX-License-Identifier: MIT */
/*
 * Portable authoritative DNS server core: one query in, one reply out
 * (RFC 1035, EDNS(0) per RFC 6891, TCP framing left to the caller per
 * RFC 7766). No OS calls, no allocation, no clock, no floating point: it is
 * linked both into the Mote DNS service and into a Linux benchmark.
 *
 * The zone is synthetic and computed, never stored:
 *   mote.test.           SOA ns.mote.test. hostmaster.mote.test. 1 3600 600 86400 300
 *   mote.test.           NS  ns.mote.test.
 *   ns.mote.test.        A   10.255.255.254  (top of 10/8, far above any host)
 *   host<i>.mote.test.   A   10.0.0.0 + i    for i = 1..records, decimal, no leading zeros
 * every record with TTL 300. Names compare case-insensitively (RFC 4343);
 * replies echo the question's case.
 *
 * Reply rules where RFC 1035 leaves a choice:
 *   - QCLASS other than IN or ANY, and zone transfers (AXFR, IXFR): REFUSED.
 *   - Opcode other than QUERY: NOTIMP, header only (the body's layout is unknown).
 *   - QDCOUNT != 1, a malformed question or a record that runs past the end:
 *     FORMERR, with the question echoed when it could be read. So are two
 *     OPT records, or an OPT not owned by the root (RFC 6891 §6.1.1), an
 *     OPT option overrunning its RDATA (§7), and a compression pointer
 *     into the header (RFC 1035 §4.1.4). QDCOUNT 0 with a COOKIE option
 *     is NOERROR with the OPT and no question (RFC 7873 §5.4).
 *   - QCLASS ANY: answered from the zone, without AA (RFC 1034 §3.7.1).
 *   - EDNS: a reply carries our OPT (payload DNS_EDNS_PAYLOAD, version 0, no
 *     options, the query's DO bit) when the query had one well-formed OPT; a version above 0 gets
 *     BADVERS. Options in the query (cookies, ECS) are ignored. Other
 *     records in a query are checked to lie inside it, then ignored.
 *   - A query shorter than the header, or a response (QR=1): dropped.
 *   - RD and CD are copied, RA is never set (no recursion).
 *   - A reply that does not fit gets TC=1 with the question (and OPT) only.
 */
#ifndef LIB_DNS_DNS_H
#define LIB_DNS_DNS_H

#include <stddef.h>
#include <stdint.h>

#define DNS_PORT                 53
#define DNS_ZONE_RECORDS_DEFAULT 10000u
#define DNS_ZONE_RECORDS_MAX     1000000u
/* The largest message behind TCP's 2-byte length prefix (RFC 7766 §8) */
#define DNS_TCP_MSG_MAX 65535u
/*
 * The UDP payload size advertised in our OPT, and the most we ever send over
 * UDP: small enough not to fragment on any common path (DNS Flag Day 2020).
 */
#define DNS_EDNS_PAYLOAD 1232u

/* How the reply travels: sets the size limit (UDP: 512 or EDNS, TCP: 65535). */
enum dns_transport {
    DNS_TRANSPORT_UDP,
    DNS_TRANSPORT_TCP,
};

/* The synthetic zone; const once initialised, so many threads may share one. */
struct dns_zone {
    uint32_t records; /* host1 .. host<records> exist */
};

/*
 * What dns_answer did, for the caller to log. Every call counts one query,
 * then either one dropped or one reply under its RCODE; truncated counts
 * replies sent with TC=1 (also counted under their RCODE). One per thread:
 * the counters are plain increments.
 */
struct dns_stats {
    uint64_t queries;
    uint64_t noerror;
    uint64_t nxdomain;
    uint64_t refused;
    uint64_t formerr;
    uint64_t notimp;
    uint64_t servfail; /* never set by dns_answer: for the caller's own failures */
    uint64_t badvers;
    uint64_t dropped;
    uint64_t truncated;
};

/*
 * Sets up zone with host1 .. host<records>. Returns 0, or -EINVAL if records
 * is 0 or above DNS_ZONE_RECORDS_MAX (zone is then unchanged).
 */
int dns_zone_init(struct dns_zone *zone, uint32_t records);

/*
 * Answers the DNS message query (query_len bytes, without TCP's length
 * prefix) into reply (reply_max bytes: the caller's buffer). Over UDP the
 * reply is also held to 512 bytes, or to the requestor's EDNS payload size
 * (at least 512, at most DNS_EDNS_PAYLOAD); over TCP to DNS_TCP_MSG_MAX.
 * reply is either query itself (answering in place) or a buffer that does
 * not overlap it. zone must be initialised; counts into stats (neither may
 * be NULL). Returns the reply's length (<= reply_max), or 0 when no reply
 * is to be sent: the query is shorter than the header, is a response, or
 * reply_max is below the 12-byte header.
 */
size_t dns_answer(const struct dns_zone *zone, struct dns_stats *stats, const uint8_t *query,
                  size_t query_len, uint8_t *reply, size_t reply_max, enum dns_transport transport);

/*
 * dns_answer(zone, stats, msg, len, msg, room, DNS_TRANSPORT_UDP): a query
 * received over UDP answered over itself, in its receive buffer (room bytes
 * from msg on may be written). The same reply and counts, in fewer
 * instructions: nothing to compare or copy, and the buffer and its room
 * first, in the order a receive call hands them back in (Mote's
 * mote_udp_reply_buffer), so a caller passes them on as they came.
 */
size_t dns_answer_in_place(uint8_t *msg, size_t room, size_t len, const struct dns_zone *zone,
                           struct dns_stats *stats);

#endif
