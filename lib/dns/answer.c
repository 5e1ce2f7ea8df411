// SPDX-License-Identifier: MIT
/*
 * The general path (answer.h): the RCODE for a query, its records (RFC 1035 §4.1),
 * negative answers with the SOA (RFC 2308 §2), the OPT (RFC 6891 §6.1) and
 * truncation. See dns.h for the rules.
 *
 * Everything is decided before a byte is written: which records, hence the
 * section counts and the reply's length, and so how much of it fits. Then
 * the reply is written straight through with unchecked stores.
 *
 * The reply's question is the query's, byte for byte, at offset 12, so every
 * other name is a compression pointer into it: owners point at the question
 * (which echoes its case), the zone's names at the apex inside it.
 */
#include <string.h>

#include <dns/dns.h>

#include "lib/dns/answer.h"
#include "lib/dns/query.h"
#include "lib/dns/wire.h"
#include "lib/dns/zone.h"

/* The NS record as this file writes it (answer.h has the A's and the SOA's sizes) */
#define NS_RDLENGTH DNS_NS_NAME_LEN
#define RR_NS_LEN   (DNS_RR_HEAD_LEN + NS_RDLENGTH)

/* How much of a reply fits: all of it; with TC, the question (and OPT); with TC, the header. */
enum reply_part {
    REPLY_FULL,
    REPLY_QUESTION,
    REPLY_HEADER,
};

/* What to say to one query, decided before a byte is written */
struct reply {
    int rcode;
    int in_zone;      /* authoritative: answer from the zone, AA set */
    size_t apex;      /* where mote.test. sits in the reply */
    uint32_t addr;    /* the answer's A record, when has_a */
    uint8_t has_a;    /* answer: an A record owned by the question */
    uint8_t soa;      /* answer: the apex's SOA */
    uint8_t ns;       /* answer: the apex's NS, and its address as additional */
    uint8_t soa_auth; /* authority: the SOA, for NXDOMAIN or NODATA (RFC 2308 §3) */
};

static int type_wanted(uint16_t qtype, uint16_t type)
{
    return qtype == type || qtype == DNS_TYPE_ANY;
}

/* The RCODE for a well-formed query, and the zone's records that answer it. */
static void resolve(const struct dns_zone *zone, const struct dns_query *q, struct reply *r)
{
    /* Only IN data here; no zone transfers of a computed zone */
    if ((q->qclass != DNS_CLASS_IN && q->qclass != DNS_CLASS_ANY) || q->qtype == DNS_TYPE_AXFR ||
        q->qtype == DNS_TYPE_IXFR) {
        r->rcode = DNS_RCODE_REFUSED;
        return;
    }
    struct dns_match m = dns_zone_lookup(zone, q->question, q->labels, q->tail_off);
    if (m.node == DNS_NODE_OUTSIDE) {
        r->rcode = DNS_RCODE_REFUSED;
        return;
    }
    r->in_zone = 1;
    r->rcode = m.node == DNS_NODE_NXDOMAIN ? DNS_RCODE_NXDOMAIN : DNS_RCODE_NOERROR;
    r->apex = DNS_QUESTION_OFF + m.apex_off;
    switch (m.node) {
    case DNS_NODE_HOST:
        r->has_a = type_wanted(q->qtype, DNS_TYPE_A);
        r->addr = DNS_ZONE_HOST_BASE + m.host;
        break;
    case DNS_NODE_NS:
        r->has_a = type_wanted(q->qtype, DNS_TYPE_A);
        r->addr = DNS_ZONE_NS_ADDR;
        break;
    case DNS_NODE_APEX:
        r->soa = type_wanted(q->qtype, DNS_TYPE_SOA);
        r->ns = type_wanted(q->qtype, DNS_TYPE_NS);
        break;
    default: break;
    }
    /* NXDOMAIN or NODATA: the SOA says how long to cache the absence */
    r->soa_auth = !r->has_a && !r->soa && !r->ns;
}

/* The length of the zone's records in r, answer to additional. */
static size_t records_len(const struct reply *r)
{
    return r->has_a * DNS_RR_A_LEN + (r->soa + r->soa_auth) * DNS_RR_SOA_LEN +
           r->ns * (RR_NS_LEN + DNS_RR_A_LEN);
}

/*
 * A name one label below the apex: the label, then a pointer to the apex.
 * The builtin, since -ffreestanding makes a plain memcpy a call, and a
 * constant length copies in a store or two.
 */
static uint8_t *put_apex_child(uint8_t *p, const char *label, size_t label_len, size_t apex)
{
    __builtin_memcpy(p, label, label_len);
    return dns_put_pointer(p + label_len, apex);
}

static uint8_t *put_ns(uint8_t *p, size_t apex)
{
    p = dns_put_rr_head(p, apex, DNS_TYPE_NS, NS_RDLENGTH);
    return put_apex_child(p, DNS_ZONE_NS_LABEL, sizeof(DNS_ZONE_NS_LABEL) - 1, apex);
}

static uint8_t *put_soa(uint8_t *p, size_t apex)
{
    p = dns_put_rr_head(p, apex, DNS_TYPE_SOA, DNS_SOA_RDLENGTH);
    p = put_apex_child(p, DNS_ZONE_NS_LABEL, sizeof(DNS_ZONE_NS_LABEL) - 1, apex);
    p = put_apex_child(p, DNS_ZONE_HOSTMASTER_LABEL, sizeof(DNS_ZONE_HOSTMASTER_LABEL) - 1, apex);
    p = dns_put32(p, DNS_ZONE_SOA_SERIAL);
    p = dns_put32(p, DNS_ZONE_SOA_REFRESH);
    p = dns_put32(p, DNS_ZONE_SOA_RETRY);
    p = dns_put32(p, DNS_ZONE_SOA_EXPIRE);
    return dns_put32(p, DNS_ZONE_SOA_MINIMUM);
}

/* Answer, authority and additional records, in that order, at p in reply. */
static uint8_t *put_zone_records(uint8_t *reply, uint8_t *p, const struct reply *r)
{
    size_t ns_name = 0;
    if (r->has_a)
        p = dns_put_a(p, DNS_QUESTION_OFF, r->addr);
    if (r->soa)
        p = put_soa(p, r->apex);
    if (r->ns) {
        ns_name = (size_t)(p - reply) + DNS_RR_HEAD_LEN; /* its RDATA: ns.mote.test. */
        p = put_ns(p, r->apex);
    }
    if (r->soa_auth)
        p = put_soa(p, r->apex);
    if (r->ns)
        p = dns_put_a(p, ns_name, DNS_ZONE_NS_ADDR);
    return p;
}

/*
 * Writes the reply, as much of it as part says, into reply, whose room was
 * checked. The question goes first: in place it is already there, and
 * otherwise the header's bytes might overwrite it (memmove, since reply
 * may overlap the query). Returns the reply's length.
 */
static size_t put_reply(uint8_t *reply, const struct dns_query *q, const struct reply *r,
                        enum reply_part part)
{
    int question = q->name_len && part != REPLY_HEADER;
    int full = part == REPLY_FULL && r->in_zone;
    int opt = q->has_opt && part != REPLY_HEADER;
    uint8_t *p = reply + DNS_QUESTION_OFF;
    if (question) {
        size_t question_len = q->name_len + DNS_QUESTION_FIXED_LEN;
        if (p != q->question)
            memmove(p, q->question, question_len);
        p += question_len;
    }

    uint16_t flags = DNS_FLAG_QR | (q->flags & (DNS_FLAG_OPCODE_MASK | DNS_FLAG_RD | DNS_FLAG_CD)) |
                     (r->rcode & DNS_FLAG_RCODE_MASK);
    /* RFC 1034 §3.7.1: an answer for QCLASS=* can never be authoritative */
    if (r->in_zone && q->qclass == DNS_CLASS_IN)
        flags |= DNS_FLAG_AA;
    if (part != REPLY_FULL)
        flags |= DNS_FLAG_TC;
    uint8_t *h = dns_put16(reply, q->id);
    h = dns_put16(h, flags);
    h = dns_put16(h, (uint16_t)question);
    h = dns_put16(h, full ? (uint16_t)(r->has_a + r->soa + r->ns) : 0);
    h = dns_put16(h, full ? r->soa_auth : 0);
    dns_put16(h, (uint16_t)((full ? r->ns : 0) + opt));

    if (full)
        p = put_zone_records(reply, p, r);
    if (opt)
        p = dns_put_opt(p, r->rcode, q->dnssec_ok);
    return (size_t)(p - reply);
}

static void count_rcode(struct dns_stats *stats, int rcode)
{
    switch (rcode) {
    case DNS_RCODE_NOERROR: stats->noerror++; break;
    case DNS_RCODE_NXDOMAIN: stats->nxdomain++; break;
    case DNS_RCODE_REFUSED: stats->refused++; break;
    case DNS_RCODE_FORMERR: stats->formerr++; break;
    case DNS_RCODE_NOTIMP: stats->notimp++; break;
    case DNS_RCODE_SERVFAIL: stats->servfail++; break;
    case DNS_RCODE_BADVERS: stats->badvers++; break;
    default: break;
    }
}

size_t dns_answer_general(const struct dns_zone *zone, struct dns_stats *stats,
                          const uint8_t *query, size_t query_len, uint8_t *reply, size_t reply_max,
                          enum dns_transport transport)
{
    struct dns_query q;
    stats->queries++;
    int rcode = dns_parse_query(query, query_len, &q);
    if (rcode < 0 || reply_max < DNS_HEADER_LEN) {
        stats->dropped++;
        return 0;
    }

    struct reply r = {.rcode = rcode};
    if (rcode == DNS_RCODE_NOERROR && q.name_len)
        resolve(zone, &q, &r);

    /* The largest part that fits; the header alone always does: reply_max >= DNS_HEADER_LEN */
    size_t cap = dns_reply_limit(&q, transport, reply_max);
    size_t question_len = q.name_len ? q.name_len + DNS_QUESTION_FIXED_LEN : 0;
    size_t short_len = DNS_HEADER_LEN + question_len + (q.has_opt ? DNS_RR_OPT_LEN : 0);
    enum reply_part part = REPLY_FULL;
    if (short_len + (r.in_zone ? records_len(&r) : 0) > cap)
        part = short_len > cap ? REPLY_HEADER : REPLY_QUESTION;
    if (part != REPLY_FULL)
        stats->truncated++;
    count_rcode(stats, r.rcode);
    return put_reply(reply, &q, &r, part);
}
