// SPDX-License-Identifier: MIT
/*
 * Building replies: the RCODE for a query, its records (RFC 1035 §4.1),
 * negative answers with the SOA (RFC 2308 §2), the OPT (RFC 6891 §6.1) and
 * truncation. See dns.h for the rules.
 *
 * The reply's question is always written plain at offset 12, so every other
 * name is a compression pointer into it: owners point at the question (which
 * echoes its case), the zone's names at the apex inside it.
 */
#include <dns/dns.h>

#include "lib/dns/query.h"
#include "lib/dns/wire.h"
#include "lib/dns/zone.h"

#define QUESTION_OFF DNS_HEADER_LEN

/* How much of a reply fits: all of it; with TC, the question (and OPT); with TC, the header. */
enum reply_part {
    REPLY_FULL,
    REPLY_QUESTION,
    REPLY_HEADER,
};

/* What to say to one query, decided before a byte is written */
struct reply {
    const struct dns_query *q;
    struct dns_match m;
    int rcode;
    int in_zone; /* authoritative: answer from the zone, AA set */
};

/* The section counts, patched into the header once the sections are written */
struct counts {
    uint16_t an, ns, ar;
};

static int type_wanted(uint16_t qtype, uint16_t type)
{
    return qtype == type || qtype == DNS_TYPE_ANY;
}

/* Starts a record owned by the name at owner in the reply; returns where RDLENGTH sits. */
static size_t put_rr_start(struct dns_writer *w, size_t owner, uint16_t type)
{
    dns_put_pointer(w, owner);
    dns_put16(w, type);
    dns_put16(w, DNS_CLASS_IN);
    dns_put32(w, DNS_ZONE_TTL);
    size_t rdlength = w->len;
    dns_put16(w, 0);
    return rdlength;
}

static void put_rr_end(struct dns_writer *w, size_t rdlength)
{
    dns_patch16(w, rdlength, (uint16_t)(w->len - rdlength - sizeof(uint16_t)));
}

static void put_a(struct dns_writer *w, size_t owner, uint32_t addr)
{
    size_t rdlength = put_rr_start(w, owner, DNS_TYPE_A);
    dns_put32(w, addr);
    put_rr_end(w, rdlength);
}

/* A name one label below the apex: the label, then a pointer to the apex. */
static void put_apex_child(struct dns_writer *w, const char *label, size_t label_len, size_t apex)
{
    dns_put_bytes(w, label, label_len);
    dns_put_pointer(w, apex);
}

/* The apex's NS record; returns where its ns.mote.test. sits, for the address record. */
static size_t put_ns(struct dns_writer *w, size_t apex)
{
    size_t rdlength = put_rr_start(w, apex, DNS_TYPE_NS);
    size_t target = w->len;
    put_apex_child(w, DNS_ZONE_NS_LABEL, sizeof(DNS_ZONE_NS_LABEL) - 1, apex);
    put_rr_end(w, rdlength);
    return target;
}

static void put_soa(struct dns_writer *w, size_t apex)
{
    size_t rdlength = put_rr_start(w, apex, DNS_TYPE_SOA);
    put_apex_child(w, DNS_ZONE_NS_LABEL, sizeof(DNS_ZONE_NS_LABEL) - 1, apex);
    put_apex_child(w, DNS_ZONE_HOSTMASTER_LABEL, sizeof(DNS_ZONE_HOSTMASTER_LABEL) - 1, apex);
    dns_put32(w, DNS_ZONE_SOA_SERIAL);
    dns_put32(w, DNS_ZONE_SOA_REFRESH);
    dns_put32(w, DNS_ZONE_SOA_RETRY);
    dns_put32(w, DNS_ZONE_SOA_EXPIRE);
    dns_put32(w, DNS_ZONE_SOA_MINIMUM);
    put_rr_end(w, rdlength);
}

/* Answer, authority and additional records for a query inside the zone. */
static void put_zone_sections(struct dns_writer *w, const struct reply *r, struct counts *c)
{
    uint16_t qtype = r->q->qtype;
    size_t apex = QUESTION_OFF + r->m.apex_off, ns_name = 0;

    switch (r->m.node) {
    case DNS_NODE_HOST:
        if (type_wanted(qtype, DNS_TYPE_A)) {
            put_a(w, QUESTION_OFF, DNS_ZONE_HOST_BASE + r->m.host);
            c->an++;
        }
        break;
    case DNS_NODE_NS:
        if (type_wanted(qtype, DNS_TYPE_A)) {
            put_a(w, QUESTION_OFF, DNS_ZONE_NS_ADDR);
            c->an++;
        }
        break;
    case DNS_NODE_APEX:
        if (type_wanted(qtype, DNS_TYPE_SOA)) {
            put_soa(w, apex);
            c->an++;
        }
        if (type_wanted(qtype, DNS_TYPE_NS)) {
            ns_name = put_ns(w, apex);
            c->an++;
        }
        break;
    default: break;
    }
    /* NXDOMAIN or NODATA: the SOA says how long to cache the absence (RFC 2308 §3) */
    if (c->an == 0) {
        put_soa(w, apex);
        c->ns++;
    }
    if (ns_name) {
        put_a(w, ns_name, DNS_ZONE_NS_ADDR);
        c->ar++;
    }
}

/* The OPT: our payload size, version 0, the upper bits of an extended RCODE, no options. */
static void put_opt(struct dns_writer *w, int rcode)
{
    dns_put8(w, DNS_NAME_ROOT);
    dns_put16(w, DNS_TYPE_OPT);
    dns_put16(w, DNS_EDNS_PAYLOAD);
    dns_put32(w, (uint32_t)(rcode >> DNS_RCODE_EXT_SHIFT) << DNS_OPT_TTL_RCODE_SHIFT |
                     (uint32_t)DNS_EDNS_VERSION << DNS_OPT_TTL_VERSION_SHIFT);
    dns_put16(w, 0);
}

/* Writes the reply from the start of w's buffer, as much as part says. */
static void put_reply(struct dns_writer *w, const struct reply *r, enum reply_part part)
{
    const struct dns_query *q = r->q;
    struct counts c = {0, 0, 0};
    int question = q->name_len && part != REPLY_HEADER;
    uint16_t flags = DNS_FLAG_QR | (q->flags & (DNS_FLAG_OPCODE_MASK | DNS_FLAG_RD | DNS_FLAG_CD)) |
                     (r->rcode & DNS_FLAG_RCODE_MASK);
    if (r->in_zone)
        flags |= DNS_FLAG_AA;
    if (part != REPLY_FULL)
        flags |= DNS_FLAG_TC;

    w->len = 0;
    w->overflow = 0;
    dns_put16(w, q->id);
    dns_put16(w, flags);
    dns_put16(w, (uint16_t)question);
    dns_put16(w, 0);
    dns_put16(w, 0);
    dns_put16(w, 0);
    if (question) {
        dns_put_bytes(w, q->name, q->name_len);
        dns_put16(w, q->qtype);
        dns_put16(w, q->qclass);
    }
    if (part == REPLY_FULL && r->in_zone)
        put_zone_sections(w, r, &c);
    if (q->has_opt && part != REPLY_HEADER) {
        put_opt(w, r->rcode);
        c.ar++;
    }
    dns_patch16(w, DNS_OFF_ANCOUNT, c.an);
    dns_patch16(w, DNS_OFF_NSCOUNT, c.ns);
    dns_patch16(w, DNS_OFF_ARCOUNT, c.ar);
}

/* The RCODE for a well-formed query, and whether the zone answers it. */
static void resolve(const struct dns_zone *zone, struct reply *r)
{
    const struct dns_query *q = r->q;

    /* Only IN data here; no zone transfers of a computed zone */
    if ((q->qclass != DNS_CLASS_IN && q->qclass != DNS_CLASS_ANY) || q->qtype == DNS_TYPE_AXFR ||
        q->qtype == DNS_TYPE_IXFR) {
        r->rcode = DNS_RCODE_REFUSED;
        return;
    }
    r->m = dns_zone_lookup(zone, q->name, q->name_len);
    if (r->m.node == DNS_NODE_OUTSIDE) {
        r->rcode = DNS_RCODE_REFUSED;
        return;
    }
    r->in_zone = 1;
    r->rcode = r->m.node == DNS_NODE_NXDOMAIN ? DNS_RCODE_NXDOMAIN : DNS_RCODE_NOERROR;
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

size_t dns_answer(const struct dns_zone *zone, struct dns_stats *stats, const uint8_t *query,
                  size_t query_len, uint8_t *reply, size_t reply_max, enum dns_transport transport)
{
    struct dns_query q;
    stats->queries++;
    int rcode = dns_parse_query(query, query_len, &q);
    if (rcode < 0 || reply_max < DNS_HEADER_LEN) {
        stats->dropped++;
        return 0;
    }

    /* All of the query is read into q: reply may now overwrite it */
    struct reply r = {.q = &q, .rcode = rcode};
    if (rcode == DNS_RCODE_NOERROR)
        resolve(zone, &r);
    struct dns_writer w = {.buf = reply, .cap = dns_reply_limit(&q, transport, reply_max)};
    enum reply_part part = REPLY_FULL;
    put_reply(&w, &r, part);
    /* The header alone always fits: cap >= DNS_HEADER_LEN */
    while (w.overflow && part != REPLY_HEADER) {
        part = part == REPLY_FULL ? REPLY_QUESTION : REPLY_HEADER;
        put_reply(&w, &r, part);
    }
    if (part != REPLY_FULL)
        stats->truncated++;
    count_rcode(stats, r.rcode);
    return w.len;
}
