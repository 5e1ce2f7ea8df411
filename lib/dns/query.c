// SPDX-License-Identifier: MIT
/* Reading a query (RFC 1035 §4.1, RFC 6891 §6), see query.h. */
#include "lib/dns/query.h"

#include <errno.h>

/*
 * Moves *off past the record there; *name_len is its owner's length and
 * *fixed its TYPE..RDLENGTH. Returns 0, or -EBADMSG if any of it lies past
 * the end.
 */
static int read_rr(const uint8_t *msg, size_t len, size_t *off, int *name_len,
                   const uint8_t **fixed)
{
    int n = dns_skip_name(msg, len, off);
    if (n < 0)
        return n;
    if (len - *off < DNS_RR_FIXED_LEN)
        return -EBADMSG;
    const uint8_t *f = msg + *off;
    size_t rdlength = dns_get16(f + DNS_RR_OFF_RDLENGTH);
    if (len - *off - DNS_RR_FIXED_LEN < rdlength)
        return -EBADMSG;
    *off += DNS_RR_FIXED_LEN + rdlength;
    *name_len = n;
    *fixed = f;
    return 0;
}

/*
 * Walks the answer, authority and additional sections after the question,
 * picking up the one OPT. Other records (a query has no business sending
 * them, but TSIG and the like may come) are only checked to lie inside.
 */
static int read_sections(const uint8_t *msg, size_t len, size_t off, struct dns_query *q)
{
    unsigned before = (unsigned)dns_get16(msg + DNS_OFF_ANCOUNT) + dns_get16(msg + DNS_OFF_NSCOUNT);
    unsigned additional = dns_get16(msg + DNS_OFF_ARCOUNT);
    const uint8_t *f;
    int name_len;

    /* At most 2 x 65535 rounds, each consuming at least 11 bytes or failing */
    for (unsigned i = 0; i < before + additional; i++) {
        if (read_rr(msg, len, &off, &name_len, &f) < 0)
            return DNS_RCODE_FORMERR;
        if (i < before || dns_get16(f + DNS_RR_OFF_TYPE) != DNS_TYPE_OPT)
            continue;
        /* RFC 6891 §6.1.1: one OPT, owned by the root */
        if (q->has_opt || name_len != 1) {
            q->has_opt = 0;
            return DNS_RCODE_FORMERR;
        }
        q->has_opt = 1;
        q->udp_payload = dns_get16(f + DNS_RR_OFF_CLASS);
        uint32_t ttl = dns_get32(f + DNS_RR_OFF_TTL);
        q->edns_version = (uint8_t)(ttl >> DNS_OPT_TTL_VERSION_SHIFT & DNS_OPT_VERSION_MASK);
        q->dnssec_ok = (ttl & DNS_OPT_TTL_DO) != 0;
        /* A malformed OPT is not one: the FORMERR goes without (RFC 6891 §7), as NSD's does */
        int options = dns_read_options(f + DNS_RR_FIXED_LEN, dns_get16(f + DNS_RR_OFF_RDLENGTH));
        if (options < 0) {
            q->has_opt = 0;
            return DNS_RCODE_FORMERR;
        }
        q->has_cookie |= options & DNS_OPTIONS_COOKIE;
    }
    if (q->has_opt && q->edns_version > DNS_EDNS_VERSION)
        return DNS_RCODE_BADVERS;
    return DNS_RCODE_NOERROR;
}

/*
 * Reads the question's name, which starts right after the header and is
 * always plain: a compression pointer must point strictly backwards and not
 * into the header (dns_skip_name), and nothing lies between the two, so a
 * pointer here is as malformed as a reserved label type. Notes the name's
 * shape in q. Returns the position after the name, or 0 if it is malformed:
 * past the end, or longer than DNS_NAME_MAX.
 */
static size_t read_question_name(const uint8_t *msg, size_t len, struct dns_query *q)
{
    size_t pos = DNS_HEADER_LEN, last = 0, before_last = 0; /* label starts, in the name */
    unsigned labels = 0;

    /* Each round moves pos on by a label; the name's bound ends it within 255 bytes */
    for (;;) {
        if (pos >= len || pos - DNS_HEADER_LEN >= DNS_NAME_MAX)
            return 0;
        uint8_t b = msg[pos];
        if (b == DNS_NAME_ROOT)
            break;
        if (b > DNS_LABEL_MAX) /* a pointer, or a reserved label type */
            return 0;
        before_last = last;
        last = pos - DNS_HEADER_LEN;
        labels++;
        pos += 1 + (size_t)b;
    }
    pos++;
    q->question = msg + DNS_HEADER_LEN;
    q->labels = labels;
    q->tail_off = before_last; /* 0 with fewer than two labels: unused then */
    return pos;
}

int dns_parse_query(const uint8_t *msg, size_t len, struct dns_query *q)
{
    *q = (struct dns_query){0};
    if (len < DNS_HEADER_LEN)
        return -EBADMSG;
    q->id = dns_get16(msg + DNS_OFF_ID);
    q->flags = dns_get16(msg + DNS_OFF_FLAGS);
    if (q->flags & DNS_FLAG_QR)
        return -EBADMSG;
    if ((q->flags & DNS_FLAG_OPCODE_MASK) >> DNS_FLAG_OPCODE_SHIFT != DNS_OPCODE_QUERY)
        return DNS_RCODE_NOTIMP;
    uint16_t qdcount = dns_get16(msg + DNS_OFF_QDCOUNT);
    if (qdcount == 0) {
        /* RFC 7873 §5.4: a cookie alone, to learn the server's, is answered NOERROR */
        int rcode = read_sections(msg, len, DNS_HEADER_LEN, q);
        if (rcode == DNS_RCODE_NOERROR && !q->has_cookie)
            rcode = DNS_RCODE_FORMERR;
        return rcode;
    }
    if (qdcount != 1)
        return DNS_RCODE_FORMERR;

    size_t off = read_question_name(msg, len, q);
    if (off == 0 || len - off < DNS_QUESTION_FIXED_LEN)
        return DNS_RCODE_FORMERR;
    q->name_len = off - DNS_HEADER_LEN;
    q->qtype = dns_get16(msg + off + DNS_Q_OFF_TYPE);
    q->qclass = dns_get16(msg + off + DNS_Q_OFF_CLASS);
    /* Most queries end at the question (dig adds one OPT): then there is nothing to walk */
    if (dns_get16(msg + DNS_OFF_ANCOUNT) == 0 && dns_get16(msg + DNS_OFF_NSCOUNT) == 0 &&
        dns_get16(msg + DNS_OFF_ARCOUNT) == 0)
        return DNS_RCODE_NOERROR;
    return read_sections(msg, len, off + DNS_QUESTION_FIXED_LEN, q);
}
