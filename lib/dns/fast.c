// SPDX-License-Identifier: MIT
/*
 * dns_answer: the common queries answered in one pass; every other message
 * handed to the general path (answer.c), whose bytes and counts are the
 * same for the queries this one takes (fuzz_dns checks it).
 *
 * The common queries ask for the A or the AAAA record of a name in the
 * zone: a standard query (QR 0, opcode QUERY), one question, QTYPE A or
 * AAAA, QCLASS IN, a name one label below the apex, ns.mote.test. or
 * host<i>.mote.test. with i in the zone, letters in any case; then nothing,
 * or one EDNS OPT (version 0, owned by the root, its options inside it) as
 * dig and resolvers send. Such a name needs no walk: its first length byte
 * says where the apex must start, and the apex, the root, QTYPE and QCLASS
 * that follow are 15 fixed bytes, compared at once under a fold mask; the
 * one byte in which A and AAAA differ tells which was asked. A name of any
 * other shape (deeper, compressed, malformed) fails that compare and goes
 * the general way, which reads it label by label.
 *
 * Its reply is the header, the question, then the A record, or for AAAA
 * (which the zone has none of) no answer and the zone's SOA as authority
 * (NODATA, RFC 2308 §2.2), and the OPT if the query had one: at most 152
 * bytes, within every transport's limit (512 at least), so only the
 * caller's room is checked. The shape is a shortcut, never a rule: a query
 * that misses it by any byte gets the general path's answer, FORMERR,
 * NXDOMAIN, BADVERS, TC or whatever dns.h says.
 */
#include <limits.h>
#include <stddef.h>

#include <dns/dns.h>

#include "lib/dns/answer.h"
#include "lib/dns/query.h"
#include "lib/dns/wire.h"
#include "lib/dns/zone.h"

/* The question after its first label: the apex, the root, QTYPE A, QCLASS IN */
#define QTAIL      DNS_ZONE_ORIGIN "\0\0\1\0\1"
#define QTAIL_FOLD DNS_ZONE_ORIGIN_FOLD "\0\0\0\0\0"
#define QTAIL_LEN  (sizeof(QTAIL) - 1)
_Static_assert(DNS_NAME_ROOT == 0 && DNS_TYPE_A == 1 && DNS_CLASS_IN == 1,
               "QTAIL spells the root, A and IN");
_Static_assert(sizeof(QTAIL) == sizeof(QTAIL_FOLD), "a mask per byte");
_Static_assert(QTAIL_LEN + 1 == 2 * DNS_WORD_BYTES, "with the byte before, 16 bytes");
/*
 * QTAIL compared from the byte before as two words, the second from byte 8:
 * AAAA differs from A only in QTYPE's low byte, that word's byte QTYPE_LOW
 * (after the byte before, the apex, the root and QTYPE's high byte).
 */
#define QTYPE_LOW       (1 + DNS_ZONE_ORIGIN_LEN + 1 + 1 - DNS_WORD_BYTES)
#define QTAIL_AAAA_DIFF ((uint64_t)(DNS_TYPE_A ^ DNS_TYPE_AAAA) << CHAR_BIT * QTYPE_LOW)
_Static_assert(DNS_TYPE_A >> CHAR_BIT == DNS_TYPE_AAAA >> CHAR_BIT, "QTYPE's high bytes equal");

/* The shortest query taken: a one-byte label, then QTAIL */
#define QUERY_MIN (DNS_HEADER_LEN + 1 + 1 + QTAIL_LEN)
/* The longest reply given: a 63-byte label, the SOA, and the OPT */
#define REPLY_LONGEST \
    (DNS_HEADER_LEN + 1 + DNS_LABEL_MAX + QTAIL_LEN + DNS_RR_SOA_LEN + DNS_RR_OPT_LEN)
_Static_assert(REPLY_LONGEST <= DNS_UDP_MSG_MIN, "fits every transport's limit");
_Static_assert(DNS_RR_A_LEN <= DNS_RR_SOA_LEN, "the SOA is the longer");

/*
 * The counts, QDCOUNT to ARCOUNT, as one word (dns_bytes_word): the query's
 * are one question and nothing else, or with ARCOUNT 1 (the OPT): the bit
 * ARCOUNT_ONE. The reply's are the query's with one answer (ANCOUNT_ONE)
 * or one authority record (NSCOUNT_ONE) added, its ARCOUNT (our OPT for
 * the query's) unchanged.
 */
#define COUNTS_LEN   (DNS_HEADER_LEN - DNS_OFF_QDCOUNT)
#define QUERY_COUNTS "\0\1\0\0\0\0\0\0"
/* A count's low byte in the word */
#define COUNT_LOW(off) (CHAR_BIT * ((off) + 1 - DNS_OFF_QDCOUNT))
#define ARCOUNT_SHIFT  COUNT_LOW(DNS_OFF_ARCOUNT)
#define ARCOUNT_ONE    ((uint64_t)1 << ARCOUNT_SHIFT)
#define ANCOUNT_ONE    ((uint64_t)1 << COUNT_LOW(DNS_OFF_ANCOUNT))
#define NSCOUNT_ONE    ((uint64_t)1 << COUNT_LOW(DNS_OFF_NSCOUNT))
_Static_assert(sizeof(QUERY_COUNTS) - 1 == COUNTS_LEN, "four counts");

/*
 * The flags as a word from dns_bytes_word, whose first byte is lowest: a
 * flag constant with its two bytes swapped.
 */
#define FLAGS_LEN     sizeof(uint16_t)
#define FLAGS_WORD(f) ((uint64_t)((f) >> CHAR_BIT | ((f)&UINT8_MAX) << CHAR_BIT))
/* The flags of the query that must be clear: a response, or an opcode other than QUERY */
#define FLAGS_NOT_QUERY FLAGS_WORD(DNS_FLAG_QR | DNS_FLAG_OPCODE_MASK)
_Static_assert(DNS_OPCODE_QUERY == 0, "QUERY is opcode 0");
/* The reply's: a response, authoritative, the query's RD and CD, NOERROR */
#define FLAGS_ANSWER FLAGS_WORD(DNS_FLAG_QR | DNS_FLAG_AA | DNS_RCODE_NOERROR)
#define FLAGS_COPIED FLAGS_WORD(DNS_FLAG_RD | DNS_FLAG_CD)

/* What read_opt returns: the query's OPT is not one the one pass takes */
#define OPT_NOT_TAKEN (-1)

/*
 * Reads the record at p (room bytes left in the message) as the general
 * path would, and takes it when that would find one plain OPT: owned by
 * the root itself (a pointer to a root is left to the general path), EDNS
 * version 0, its options inside its RDATA, itself inside the message.
 * Returns its DO bit (0 or 1), or OPT_NOT_TAKEN.
 */
static inline int read_opt(const uint8_t *p, size_t room)
{
    if (room < DNS_RR_OPT_LEN || p[0] != DNS_NAME_ROOT)
        return OPT_NOT_TAKEN;
    const uint8_t *f = p + 1;
    uint32_t ttl = dns_get32(f + DNS_RR_OFF_TTL);
    size_t rdlength = dns_get16(f + DNS_RR_OFF_RDLENGTH);
    if (dns_get16(f + DNS_RR_OFF_TYPE) != DNS_TYPE_OPT ||
        (ttl >> DNS_OPT_TTL_VERSION_SHIFT & DNS_OPT_VERSION_MASK) != DNS_EDNS_VERSION ||
        rdlength > room - DNS_RR_OPT_LEN || dns_read_options(f + DNS_RR_FIXED_LEN, rdlength) < 0)
        return OPT_NOT_TAKEN;
    return (ttl & DNS_OPT_TTL_DO) != 0;
}

/*
 * The end of an answer not written in place: the query's ID and question
 * into reply, which does not overlap the query (dns.h). Out of line, so
 * that dns_answer calls nothing in place and needs no stack frame. Returns
 * len.
 */
static __attribute__((noinline)) size_t copy_question(uint8_t *reply, const uint8_t *query,
                                                      size_t question_len, size_t len)
{
    __builtin_memcpy(reply + DNS_OFF_ID, query + DNS_OFF_ID, sizeof(uint16_t));
    __builtin_memcpy(reply + DNS_QUESTION_OFF, query + DNS_QUESTION_OFF, question_len);
    return len;
}

/*
 * The zone's SOA as the general path writes it (answer.c's put_soa) owned
 * by the apex in the question: a pointer to it as its owner and at the end
 * of both names. The apex starts within the first 256 bytes, so only each
 * pointer's low byte depends on where.
 */
struct soa_rr {
    uint8_t owner[DNS_POINTER_LEN], fixed[DNS_RR_FIXED_LEN];
    uint8_t ns[sizeof(DNS_ZONE_NS_LABEL) - 1], ns_apex[DNS_POINTER_LEN];
    uint8_t hostmaster[sizeof(DNS_ZONE_HOSTMASTER_LABEL) - 1], hostmaster_apex[DNS_POINTER_LEN];
    uint8_t timers[DNS_SOA_TIMERS * sizeof(uint32_t)];
};
_Static_assert(sizeof(struct soa_rr) == DNS_RR_SOA_LEN, "the record, no padding");
_Static_assert(DNS_QUESTION_OFF + 1 + DNS_LABEL_MAX <= UINT8_MAX, "the apex's offset, one byte");
#define POINTER_LOW 1 /* the pointer's byte that holds the offset's low 8 bits */

/*
 * The constants the pass compares and copies, in one block (one address to
 * form for them all), loaded 16 or 32 bytes at a time.
 */
#define ANY_BYTE "\xff"
#define BE16(v)  (uint8_t)((v) >> CHAR_BIT), (uint8_t)(v)
#define BE32(v)  BE16((v) >> 2 * CHAR_BIT), BE16(v)
static const struct pass_constants {
    /* QTAIL from the byte before, and its fold mask, which lets that byte through */
    uint8_t qtail_fold[2 * DNS_WORD_BYTES], qtail[2 * DNS_WORD_BYTES];
    /* The A record as dns_put_a writes it, its address 0 */
    uint8_t a[DNS_RR_A_LEN];
    /* What an answer adds to the counters queries and noerror */
    uint64_t one_each[2];
    /* The reply's flags: the query's FLAGS_COPIED, FLAGS_ANSWER set */
    uint32_t flags_copied, flags_answer;
    /* The SOA, its pointers' low bytes 0 */
    struct soa_rr soa;
} pass_const __attribute__((aligned(2 * DNS_WORD_BYTES))) = {
    .qtail_fold = ANY_BYTE QTAIL_FOLD,
    .qtail = ANY_BYTE QTAIL,
    .a = {BE16(DNS_LABEL_POINTER << CHAR_BIT | DNS_QUESTION_OFF), BE16(DNS_TYPE_A),
          BE16(DNS_CLASS_IN), BE32(DNS_ZONE_TTL), BE16(DNS_A_RDLENGTH)},
    .one_each = {1, 1},
    .flags_copied = FLAGS_COPIED,
    .flags_answer = FLAGS_ANSWER,
    .soa =
        {
            .owner = {DNS_LABEL_POINTER},
            .fixed = {BE16(DNS_TYPE_SOA), BE16(DNS_CLASS_IN), BE32(DNS_ZONE_TTL),
                      BE16(DNS_SOA_RDLENGTH)},
            .ns = DNS_ZONE_NS_LABEL,
            .ns_apex = {DNS_LABEL_POINTER},
            .hostmaster = DNS_ZONE_HOSTMASTER_LABEL,
            .hostmaster_apex = {DNS_LABEL_POINTER},
            .timers = {BE32(DNS_ZONE_SOA_SERIAL), BE32(DNS_ZONE_SOA_REFRESH),
                       BE32(DNS_ZONE_SOA_RETRY), BE32(DNS_ZONE_SOA_EXPIRE),
                       BE32(DNS_ZONE_SOA_MINIMUM)},
        },
};
_Static_assert(DNS_RR_A_LEN == 2 * DNS_WORD_BYTES, "an A record is 16 bytes");

/*
 * How the 15 bytes at p differ from QTAIL, letters in either case: 16
 * bytes compared at once from the byte before (the first label's last,
 * which its mask lets through: OR-ed with 0xff it is 0xff whatever it was),
 * as two words of XOR.
 */
typedef uint8_t bytes16 __attribute__((vector_size(2 * DNS_WORD_BYTES)));
typedef uint64_t words2 __attribute__((vector_size(2 * DNS_WORD_BYTES)));

static inline words2 qtail_diff(const uint8_t *p, const struct pass_constants *k)
{
    bytes16 got, fold, want;
    __builtin_memcpy(&got, p - 1, sizeof(got));
    __builtin_memcpy(&fold, k->qtail_fold, sizeof(fold));
    __builtin_memcpy(&want, k->qtail, sizeof(want));
    return (words2)((got | fold) ^ want);
}

/*
 * One more query and one more NOERROR in stats: the two counters side by
 * side, added to at once (as the compiler would, with a constant of its
 * own to address).
 */
_Static_assert(offsetof(struct dns_stats, noerror) ==
                   offsetof(struct dns_stats, queries) + sizeof(uint64_t),
               "queries, then noerror");
static inline void count_noerror(struct dns_stats *stats, const struct pass_constants *k)
{
    words2 counters, one_each;
    __builtin_memcpy(&counters, &stats->queries, sizeof(counters));
    __builtin_memcpy(&one_each, k->one_each, sizeof(one_each));
    counters += one_each;
    __builtin_memcpy(&stats->queries, &counters, sizeof(counters));
}

/* The A record for addr, owned by the question, at p; returns the byte after. */
static inline uint8_t *put_a(uint8_t *p, uint32_t addr, const struct pass_constants *k)
{
    __builtin_memcpy(p, k->a, sizeof(k->a));
    return dns_put32(p + DNS_RR_HEAD_LEN, addr);
}

/* The SOA, its names at the apex at offset apex (< 256), at p; returns the byte after. */
static inline uint8_t *put_soa(uint8_t *p, size_t apex, const struct pass_constants *k)
{
    __builtin_memcpy(p, &k->soa, sizeof(k->soa));
    p[offsetof(struct soa_rr, owner) + POINTER_LOW] = (uint8_t)apex;
    p[offsetof(struct soa_rr, ns_apex) + POINTER_LOW] = (uint8_t)apex;
    p[offsetof(struct soa_rr, hostmaster_apex) + POINTER_LOW] = (uint8_t)apex;
    return p + sizeof(k->soa);
}

/*
 * dns_answer_in_place's way to the general path: out of line, and with its
 * arguments in the same registers, so that the one pass need not move them
 * into the general path's order before it starts.
 */
static __attribute__((noinline)) size_t general_in_place(uint8_t *msg, size_t room, size_t len,
                                                         const struct dns_zone *zone,
                                                         struct dns_stats *stats)
{
    return dns_answer_general(zone, stats, msg, len, msg, room, DNS_TRANSPORT_UDP);
}

/* What the one pass writes after the question */
enum records {
    RECORDS_A,      /* the A record */
    RECORDS_NODATA, /* no answer, the SOA as authority */
};

/*
 * The one pass after the question's shape: the name in the zone, the OPT,
 * the room, then the reply (its question left where it is). Returns the
 * reply's length, or 0 for a query to hand to the general path. Inlined
 * once for each of records' values.
 */
static inline __attribute__((always_inline)) size_t
answer_name(const struct dns_zone *zone, struct dns_stats *stats, const uint8_t *query,
            size_t query_len, uint8_t *reply, size_t reply_max, uint64_t flags, uint64_t counts,
            size_t label_len, const struct pass_constants *k, enum records records)
{
    /* host<i> or ns, in the order of how often they are asked: the names below the apex */
    uint32_t addr, host;
    const uint8_t *label = query + DNS_QUESTION_OFF + 1;
    if (dns_zone_host_index(label, label_len, &host)) {
        if (host > zone->records)
            return 0;
        addr = DNS_ZONE_HOST_BASE + host;
    } else if (label_len == sizeof(DNS_ZONE_NS_LABEL) - 2 &&
               dns_fold_equal(label, &DNS_ZONE_NS_LABEL[1], &DNS_ZONE_NS_LABEL_FOLD[1],
                              sizeof(DNS_ZONE_NS_LABEL) - 2)) {
        addr = DNS_ZONE_NS_ADDR;
    } else {
        return 0;
    }
    size_t question_len = 1 + label_len + QTAIL_LEN;
    size_t len =
        DNS_HEADER_LEN + question_len + (records == RECORDS_A ? DNS_RR_A_LEN : DNS_RR_SOA_LEN);
    /* has_opt, and the query's DO bit beside it: no second variable to set without an OPT */
    uint64_t has_opt = counts & ARCOUNT_ONE;
    if (has_opt) {
        size_t end = DNS_QUESTION_OFF + question_len;
        int dnssec_ok = read_opt(query + end, query_len - end);
        if (dnssec_ok == OPT_NOT_TAKEN)
            return 0;
        has_opt |= (uint64_t)dnssec_ok;
        len += DNS_RR_OPT_LEN;
    }
    if (len > reply_max)
        return 0;

    /* Everything is read: write (the ID and the question are in place already) */
    dns_put_bytes_word(reply + DNS_OFF_FLAGS, k->flags_answer | (flags & k->flags_copied),
                       FLAGS_LEN);
    uint8_t *p = reply + DNS_QUESTION_OFF + question_len;
    if (records == RECORDS_A) {
        dns_put_bytes_word(reply + DNS_OFF_QDCOUNT, counts | ANCOUNT_ONE, COUNTS_LEN);
        p = put_a(p, addr, k);
    } else {
        dns_put_bytes_word(reply + DNS_OFF_QDCOUNT, counts | NSCOUNT_ONE, COUNTS_LEN);
        p = put_soa(p, DNS_QUESTION_OFF + 1 + label_len, k);
    }
    if (has_opt)
        dns_put_opt(p, DNS_RCODE_NOERROR, (int)(has_opt & 1));
    count_noerror(stats, k);
    return len;
}

/*
 * Both entry points' work, inlined into each: in_place (a constant) says
 * reply is query, so the ID and question need no copy and nothing compares
 * the two pointers.
 */
static inline __attribute__((always_inline)) size_t
one_pass(const struct dns_zone *zone, struct dns_stats *stats, const uint8_t *query,
         size_t query_len, uint8_t *reply, size_t reply_max, enum dns_transport transport,
         int in_place)
{
    /*
     * The constants' address, hidden from the optimizer: formed once, and
     * every constant loaded from it, instead of each copied into a literal
     * of its own with an address of its own to form.
     */
    const struct pass_constants *k = &pass_const;
    __asm__("" : "+r"(k));
    if (query_len < QUERY_MIN)
        goto general;
    uint64_t flags = dns_bytes_word(query + DNS_OFF_FLAGS, FLAGS_LEN);
    uint64_t counts = dns_bytes_word(query + DNS_OFF_QDCOUNT, COUNTS_LEN);
    if ((flags & FLAGS_NOT_QUERY) ||
        (counts & ~ARCOUNT_ONE) != dns_bytes_word(QUERY_COUNTS, COUNTS_LEN))
        goto general;

    /*
     * The first label, then QTAIL inside the message. Its length is not
     * checked to be 1..63 here: only ns (2) and host<i> (5..11) are taken,
     * and until then the length only places QTAIL, whose bytes are read
     * inside the message whatever it is.
     */
    size_t label_len = query[DNS_QUESTION_OFF];
    if (query_len - (QUERY_MIN - 1) < label_len)
        goto general;
    words2 diff = qtail_diff(query + DNS_QUESTION_OFF + 1 + label_len, k);
    size_t len;
    if (diff[0] != 0) /* the apex's first 7 bytes */
        goto general;
    if (diff[1] == 0)
        len = answer_name(zone, stats, query, query_len, reply, reply_max, flags, counts, label_len,
                          k, RECORDS_A);
    else if (diff[1] == QTAIL_AAAA_DIFF)
        len = answer_name(zone, stats, query, query_len, reply, reply_max, flags, counts, label_len,
                          k, RECORDS_NODATA);
    else
        goto general;
    if (len == 0)
        goto general;
    if (in_place || reply == query)
        return len;
    return copy_question(reply, query, 1 + label_len + QTAIL_LEN, len);

general:
    if (in_place)
        return general_in_place(reply, reply_max, query_len, zone, stats);
    return dns_answer_general(zone, stats, query, query_len, reply, reply_max, transport);
}

size_t dns_answer(const struct dns_zone *zone, struct dns_stats *stats, const uint8_t *query,
                  size_t query_len, uint8_t *reply, size_t reply_max, enum dns_transport transport)
{
    return one_pass(zone, stats, query, query_len, reply, reply_max, transport, 0);
}

size_t dns_answer_in_place(uint8_t *msg, size_t room, size_t len, const struct dns_zone *zone,
                           struct dns_stats *stats)
{
    return one_pass(zone, stats, msg, len, msg, room, DNS_TRANSPORT_UDP, 1);
}
