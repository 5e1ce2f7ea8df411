// SPDX-License-Identifier: MIT
/*
 * Unit tests for the DNS server core (lib/dns/): queries built by hand, byte
 * by byte, and the replies decoded here independently of the code under test.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <dns/dns.h>
#include "lib/dns/answer.h"
#include "lib/dns/query.h"
#include "lib/dns/wire.h"
#include "lib/dns/zone.h"

#define MSG_MAX     4096
#define TEST_ID     0xbeef
#define MAX_RRS     8
#define NAME_TEXT   1024 /* a dotted name, escapes and all */
#define TYPE_MX     15
#define CLASS_CH    3
#define OPCODE_STAT 2
#define OPCODE_NTFY 4
#define OPCODE_UPD  5

struct msg {
    uint8_t b[MSG_MAX];
    size_t len;
};

struct rr {
    char owner[NAME_TEXT];
    uint16_t type, class, rdlength;
    uint32_t ttl;
    size_t rdata; /* offset in the reply */
};

/* A reply decoded: header, question, every record by section. */
struct parsed {
    uint16_t id, flags, qd, an, ns, ar;
    char qname[NAME_TEXT];
    uint16_t qtype, qclass;
    struct rr rr[MAX_RRS]; /* answer, then authority, then additional */
};

static struct dns_zone zone;
static struct dns_stats stats;

static void put8(struct msg *m, uint8_t v)
{
    assert_true(m->len < MSG_MAX);
    m->b[m->len++] = v;
}

static void put16(struct msg *m, uint16_t v)
{
    put8(m, (uint8_t)(v >> 8));
    put8(m, (uint8_t)v);
}

static void set16(struct msg *m, size_t off, uint16_t v)
{
    m->b[off] = (uint8_t)(v >> 8);
    m->b[off + 1] = (uint8_t)v;
}

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

/* Encodes a dotted name ("host1.mote.test", "." for the root) as plain labels. */
static void put_name(struct msg *m, const char *dotted)
{
    const char *s = dotted;
    while (*s && *s != '.') {
        const char *dot = strchr(s, '.');
        size_t n = dot ? (size_t)(dot - s) : strlen(s);
        put8(m, (uint8_t)n);
        for (size_t i = 0; i < n; i++)
            put8(m, (uint8_t)s[i]);
        s += n;
        if (*s == '.')
            s++;
    }
    put8(m, 0);
}

static void put_header(struct msg *m, uint16_t flags, uint16_t qd, uint16_t an, uint16_t ar)
{
    m->len = 0;
    put16(m, TEST_ID);
    put16(m, flags);
    put16(m, qd);
    put16(m, an);
    put16(m, 0);
    put16(m, ar);
}

/* A standard query for name/qtype/qclass, RD set as dig sends it. */
static void make_query_class(struct msg *m, const char *name, uint16_t qtype, uint16_t qclass)
{
    put_header(m, DNS_FLAG_RD, 1, 0, 0);
    put_name(m, name);
    put16(m, qtype);
    put16(m, qclass);
}

static void make_query(struct msg *m, const char *name, uint16_t qtype)
{
    make_query_class(m, name, qtype, DNS_CLASS_IN);
}

/* Appends an OPT record (root owner, no options) and counts it in ARCOUNT. */
static void add_opt(struct msg *m, uint16_t payload, uint8_t version)
{
    put8(m, 0);
    put16(m, DNS_TYPE_OPT);
    put16(m, payload);
    put8(m, 0);
    put8(m, version);
    put16(m, 0);
    put16(m, 0);
    set16(m, DNS_OFF_ARCOUNT, (uint16_t)(get16(m->b + DNS_OFF_ARCOUNT) + 1));
}

/* Appends an OPT with the DO bit as given and rdata (options) of rdlength bytes. */
static void add_opt_with(struct msg *m, int dnssec_ok, const uint8_t *rdata, uint16_t rdlength)
{
    put8(m, 0);
    put16(m, DNS_TYPE_OPT);
    put16(m, 4096);
    put16(m, 0);
    put16(m, dnssec_ok ? DNS_OPT_TTL_DO : 0);
    put16(m, rdlength);
    for (uint16_t i = 0; i < rdlength; i++)
        put8(m, rdata[i]);
    set16(m, DNS_OFF_ARCOUNT, (uint16_t)(get16(m->b + DNS_OFF_ARCOUNT) + 1));
}

/* A COOKIE option with an 8-byte client cookie (RFC 7873 §4) */
static const uint8_t cookie_option[] = {0, DNS_OPTION_COOKIE, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8};

/* Expands the name at *off into dotted text (root: "."), following pointers. */
static void decode_name(const struct msg *r, size_t *off, char *out)
{
    size_t pos = *off, o = 0;
    int jumped = 0;
    for (int hops = 0; hops < 64; hops++) {
        assert_true(pos < r->len);
        uint8_t b = r->b[pos];
        if ((b & DNS_LABEL_TYPE_MASK) == DNS_LABEL_POINTER) {
            assert_true(pos + 1 < r->len);
            if (!jumped)
                *off = pos + 2;
            jumped = 1;
            pos = get16(r->b + pos) & DNS_POINTER_OFFSET_MASK;
            continue;
        }
        assert_true(b <= DNS_LABEL_MAX && pos + 1 + b <= r->len);
        if (b == 0) {
            if (o == 0)
                out[o++] = '.';
            out[o] = '\0';
            if (!jumped)
                *off = pos + 1;
            return;
        }
        memcpy(out + o, r->b + pos + 1, b);
        o += b;
        out[o++] = '.';
        pos += 1 + (size_t)b;
    }
    fail_msg("name at %zu: pointer chain too long", *off);
}

/* Decodes a whole reply, failing on anything malformed or left over. */
static void parse(const struct msg *r, struct parsed *p)
{
    memset(p, 0, sizeof(*p));
    assert_true(r->len >= DNS_HEADER_LEN);
    p->id = get16(r->b + DNS_OFF_ID);
    p->flags = get16(r->b + DNS_OFF_FLAGS);
    p->qd = get16(r->b + DNS_OFF_QDCOUNT);
    p->an = get16(r->b + DNS_OFF_ANCOUNT);
    p->ns = get16(r->b + DNS_OFF_NSCOUNT);
    p->ar = get16(r->b + DNS_OFF_ARCOUNT);
    size_t off = DNS_HEADER_LEN;
    assert_true(p->qd <= 1);
    if (p->qd) {
        decode_name(r, &off, p->qname);
        assert_true(off + DNS_QUESTION_FIXED_LEN <= r->len);
        p->qtype = get16(r->b + off);
        p->qclass = get16(r->b + off + 2);
        off += DNS_QUESTION_FIXED_LEN;
    }
    unsigned n = (unsigned)p->an + p->ns + p->ar;
    assert_true(n <= MAX_RRS);
    for (unsigned i = 0; i < n; i++) {
        struct rr *rr = &p->rr[i];
        decode_name(r, &off, rr->owner);
        assert_true(off + DNS_RR_FIXED_LEN <= r->len);
        rr->type = get16(r->b + off);
        rr->class = get16(r->b + off + 2);
        rr->ttl = (uint32_t)get16(r->b + off + 4) << 16 | get16(r->b + off + 6);
        rr->rdlength = get16(r->b + off + 8);
        rr->rdata = off + DNS_RR_FIXED_LEN;
        off = rr->rdata + rr->rdlength;
        assert_true(off <= r->len);
    }
    if (off != r->len)
        fail_msg("reply is %zu bytes but its records end at %zu", r->len, off);
}

static size_t ask_with(const struct msg *q, struct msg *r, size_t reply_max,
                       enum dns_transport transport)
{
    memset(r->b, 0xa5, sizeof(r->b));
    r->len = dns_answer(&zone, &stats, q->b, q->len, r->b, reply_max, transport);
    assert_true(r->len <= reply_max);
    return r->len;
}

/* Asks over UDP with a roomy buffer and decodes the reply. */
static void ask(const struct msg *q, struct msg *r, struct parsed *p)
{
    if (ask_with(q, r, MSG_MAX, DNS_TRANSPORT_UDP) == 0)
        fail_msg("query was dropped, a reply was expected");
    parse(r, p);
}

static int rcode(const struct parsed *p)
{
    return p->flags & DNS_FLAG_RCODE_MASK;
}

static void expect_rcode(const struct parsed *p, int want)
{
    if (rcode(p) != want)
        fail_msg("expected RCODE %d, got %d", want, rcode(p));
}

static void expect_addr(const struct msg *r, const struct rr *rr, const char *want)
{
    char got[16];
    assert_int_equal(rr->type, DNS_TYPE_A);
    assert_int_equal(rr->class, DNS_CLASS_IN);
    assert_int_equal(rr->ttl, DNS_ZONE_TTL);
    assert_int_equal(rr->rdlength, 4);
    const uint8_t *a = r->b + rr->rdata;
    snprintf(got, sizeof(got), "%u.%u.%u.%u", a[0], a[1], a[2], a[3]);
    assert_string_equal(got, want);
}

/* Expects NOERROR, AA, one A record for name with address addr. */
static void expect_a(const char *name, const char *addr)
{
    struct msg q, r;
    struct parsed p;
    make_query(&q, name, DNS_TYPE_A);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    assert_true(p.flags & DNS_FLAG_AA);
    assert_int_equal(p.an, 1);
    assert_int_equal(p.ns, 0);
    assert_string_equal(p.rr[0].owner, name);
    expect_addr(&r, &p.rr[0], addr);
}

/* Checks rr is the zone's SOA, owned by apex as spelled. */
static void expect_soa(const struct msg *r, const struct rr *rr, const char *apex)
{
    char mname[NAME_TEXT], rname[NAME_TEXT], want[NAME_TEXT];
    assert_int_equal(rr->type, DNS_TYPE_SOA);
    assert_int_equal(rr->ttl, DNS_ZONE_TTL);
    assert_string_equal(rr->owner, apex);
    size_t off = rr->rdata;
    decode_name(r, &off, mname);
    decode_name(r, &off, rname);
    snprintf(want, sizeof(want), "ns.%s", apex);
    assert_string_equal(mname, want);
    snprintf(want, sizeof(want), "hostmaster.%s", apex);
    assert_string_equal(rname, want);
    const uint32_t fields[] = {1, 3600, 600, 86400, 300};
    assert_int_equal(off + sizeof(fields), rr->rdata + rr->rdlength);
    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++, off += 4) {
        uint32_t v = (uint32_t)get16(r->b + off) << 16 | get16(r->b + off + 2);
        assert_int_equal(v, fields[i]);
    }
}

/* Expects an authoritative negative answer: rcode, no answer, the SOA in authority. */
static void expect_negative(const char *name, uint16_t qtype, int want)
{
    struct msg q, r;
    struct parsed p;
    make_query(&q, name, qtype);
    ask(&q, &r, &p);
    expect_rcode(&p, want);
    assert_true(p.flags & DNS_FLAG_AA);
    assert_int_equal(p.an, 0);
    assert_int_equal(p.ns, 1);
    expect_soa(&r, &p.rr[0], "mote.test.");
}

static void expect_refused(const struct msg *q)
{
    struct msg r;
    struct parsed p;
    ask(q, &r, &p);
    expect_rcode(&p, DNS_RCODE_REFUSED);
    assert_false(p.flags & (DNS_FLAG_AA | DNS_FLAG_RA));
    assert_int_equal(p.qd, 1);
    assert_int_equal(p.an + p.ns + p.ar, 0);
}

/* Expects FORMERR; returns the decoded reply's question count. */
static int expect_formerr(const struct msg *q)
{
    struct msg r;
    struct parsed p;
    ask(q, &r, &p);
    expect_rcode(&p, DNS_RCODE_FORMERR);
    assert_int_equal(p.id, TEST_ID);
    assert_int_equal(p.an + p.ns, 0);
    return p.qd;
}

static void expect_dropped(const struct msg *q)
{
    struct msg r;
    uint64_t dropped = stats.dropped;
    assert_int_equal(ask_with(q, &r, MSG_MAX, DNS_TRANSPORT_UDP), 0);
    assert_int_equal(stats.dropped, dropped + 1);
}

/* The OPT at the end of the additional section, checked for our payload and version 0. */
static const struct rr *expect_opt(const struct parsed *p)
{
    assert_true(p->ar >= 1);
    const struct rr *opt = &p->rr[p->an + p->ns + p->ar - 1];
    assert_int_equal(opt->type, DNS_TYPE_OPT);
    assert_string_equal(opt->owner, ".");
    assert_int_equal(opt->class, DNS_EDNS_PAYLOAD);
    assert_int_equal(opt->ttl >> DNS_OPT_TTL_VERSION_SHIFT & DNS_OPT_VERSION_MASK, 0);
    assert_int_equal(opt->rdlength, 0);
    return opt;
}

static int reset(void **state)
{
    (void)state;
    memset(&stats, 0, sizeof(stats));
    return dns_zone_init(&zone, DNS_ZONE_RECORDS_DEFAULT);
}

static void test_dns_zone_init_rejects_zero_and_too_many(void **state)
{
    (void)state;
    struct dns_zone z = {.records = 7};
    assert_int_equal(dns_zone_init(&z, 0), -EINVAL);
    assert_int_equal(dns_zone_init(&z, DNS_ZONE_RECORDS_MAX + 1), -EINVAL);
    assert_int_equal(z.records, 7);
    assert_int_equal(dns_zone_init(&z, 1), 0);
    assert_int_equal(dns_zone_init(&z, DNS_ZONE_RECORDS_MAX), 0);
    assert_int_equal(z.records, DNS_ZONE_RECORDS_MAX);
}

static void test_dns_answers_a_for_host1(void **state)
{
    (void)state;
    expect_a("host1.mote.test.", "10.0.0.1");
    expect_a("host42.mote.test.", "10.0.0.42");
}

static void test_dns_answers_host256_carrying_into_third_octet(void **state)
{
    (void)state;
    expect_a("host255.mote.test.", "10.0.0.255");
    expect_a("host256.mote.test.", "10.0.1.0");
}

static void test_dns_answers_last_host_and_nxdomain_past_it(void **state)
{
    (void)state;
    expect_a("host10000.mote.test.", "10.0.39.16");
    expect_negative("host10001.mote.test.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN);

    assert_int_equal(dns_zone_init(&zone, DNS_ZONE_RECORDS_MAX), 0);
    expect_a("host1000000.mote.test.", "10.15.66.64");
    expect_negative("host1000001.mote.test.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN);

    assert_int_equal(dns_zone_init(&zone, 1), 0);
    expect_a("host1.mote.test.", "10.0.0.1");
    expect_negative("host2.mote.test.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN);
}

static void test_dns_answers_nxdomain_with_soa_for_unknown_names(void **state)
{
    (void)state;
    const char *names[] = {"host0.mote.test.",  "host01.mote.test.",      "host.mote.test.",
                           "hostx.mote.test.",  "host1x.mote.test.",      "www.mote.test.",
                           "a.host1.mote.test", "host99999999.mote.test", "x.ns.mote.test.",
                           "host-1.mote.test"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        expect_negative(names[i], DNS_TYPE_A, DNS_RCODE_NXDOMAIN);
    assert_int_equal(stats.nxdomain, sizeof(names) / sizeof(names[0]));
}

static void test_dns_answer_echoes_question_case(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query(&q, "HoSt42.MoTe.TEST.", DNS_TYPE_A);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    assert_string_equal(p.qname, "HoSt42.MoTe.TEST.");
    assert_string_equal(p.rr[0].owner, "HoSt42.MoTe.TEST.");
    expect_addr(&r, &p.rr[0], "10.0.0.42");

    make_query(&q, "NOSUCH.Mote.Test", DNS_TYPE_A);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NXDOMAIN);
    expect_soa(&r, &p.rr[0], "Mote.Test.");
}

static void test_dns_answers_any_for_host_with_its_a(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query(&q, "host7.mote.test.", DNS_TYPE_ANY);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    assert_int_equal(p.an, 1);
    expect_addr(&r, &p.rr[0], "10.0.0.7");
}

static void test_dns_answers_soa_at_apex(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query(&q, "mote.test.", DNS_TYPE_SOA);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    assert_true(p.flags & DNS_FLAG_AA);
    assert_int_equal(p.an, 1);
    assert_int_equal(p.ns + p.ar, 0);
    expect_soa(&r, &p.rr[0], "mote.test.");
}

static void test_dns_answers_ns_at_apex_with_its_address(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    char target[NAME_TEXT];
    make_query(&q, "mote.test.", DNS_TYPE_NS);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    assert_int_equal(p.an, 1);
    assert_int_equal(p.ar, 1);
    assert_int_equal(p.rr[0].type, DNS_TYPE_NS);
    assert_string_equal(p.rr[0].owner, "mote.test.");
    size_t off = p.rr[0].rdata;
    decode_name(&r, &off, target);
    assert_string_equal(target, "ns.mote.test.");
    assert_int_equal(off, p.rr[0].rdata + p.rr[0].rdlength);
    assert_string_equal(p.rr[1].owner, "ns.mote.test.");
    expect_addr(&r, &p.rr[1], "10.255.255.254");
}

static void test_dns_answers_any_at_apex_with_soa_and_ns(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query(&q, "mote.test.", DNS_TYPE_ANY);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    assert_int_equal(p.an, 2);
    expect_soa(&r, &p.rr[0], "mote.test.");
    assert_int_equal(p.rr[1].type, DNS_TYPE_NS);
}

static void test_dns_answers_a_for_ns_host(void **state)
{
    (void)state;
    expect_a("ns.mote.test.", "10.255.255.254");
    expect_a("NS.mote.test.", "10.255.255.254");
}

static void test_dns_answers_nodata_with_soa_for_other_types(void **state)
{
    (void)state;
    expect_negative("host5.mote.test.", DNS_TYPE_AAAA, DNS_RCODE_NOERROR);
    expect_negative("HOST10000.mote.test.", DNS_TYPE_AAAA, DNS_RCODE_NOERROR);
    expect_negative("ns.mote.test.", DNS_TYPE_AAAA, DNS_RCODE_NOERROR);
    expect_negative("host5.mote.test.", TYPE_MX, DNS_RCODE_NOERROR);
    expect_negative("mote.test.", DNS_TYPE_A, DNS_RCODE_NOERROR);
    expect_negative("ns.mote.test.", DNS_TYPE_NS, DNS_RCODE_NOERROR);
}

static void test_dns_refuses_names_outside_zone(void **state)
{
    (void)state;
    const char *names[] = {"example.com.",     "test.", ".", "xmote.test.", "mote.test.example.",
                           "host1.mote.tests."};
    struct msg q;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        make_query(&q, names[i], DNS_TYPE_A);
        expect_refused(&q);
    }
}

/*
 * The zone's names match in either case, and only a letter's case bit may
 * differ: a byte that differs elsewhere (here the top bit) is another name.
 */
static void test_dns_names_fold_only_ascii_letters_case(void **state)
{
    (void)state;
    expect_a("NS.MOTE.TEST.", "10.255.255.254");
    expect_a("hOsT9.mOtE.tEsT.", "10.0.0.9");
    const char *outside[] = {"mote.tes\xf4.", "host1.\xcdote.test.", "host1.mote.tes.",
                             "host1.mo.te.test."};
    struct msg q;
    for (size_t i = 0; i < sizeof(outside) / sizeof(outside[0]); i++) {
        make_query(&q, outside[i], DNS_TYPE_A);
        expect_refused(&q);
    }
    expect_negative("ho\xd3t1.mote.test.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN);
    expect_negative("\xceS.mote.test.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN);
    expect_negative("host1.host1.mote.test.", DNS_TYPE_A, DNS_RCODE_NXDOMAIN);
}

/*
 * The lookup reads the name a word at a time: with the query in a block of
 * its exact size, AddressSanitizer sees any byte read past it, whatever the
 * name's length or shape.
 */
static void test_dns_reads_nothing_past_a_short_question(void **state)
{
    (void)state;
    const char *names[] = {".",
                           "a.",
                           "a.b.",
                           "ab.c.",
                           "a.b.c.",
                           "ns.b.",
                           "mote.test.",
                           "a.mote.test.",
                           "mote.tes.",
                           "Mote.TesT.",
                           "ns.mote.test.",
                           "host1.mote.test.",
                           "h.mote.test",
                           "host1234567.mote.test."};
    struct msg q;
    uint8_t reply[MSG_MAX];
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        make_query(&q, names[i], DNS_TYPE_A);
        uint8_t *exact = malloc(q.len);
        assert_non_null(exact);
        memcpy(exact, q.b, q.len);
        size_t n = dns_answer(&zone, &stats, exact, q.len, reply, sizeof(reply), DNS_TRANSPORT_UDP);
        free(exact);
        assert_true(n >= DNS_HEADER_LEN);
    }
}

static void test_dns_refuses_other_classes_and_answers_class_any(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query_class(&q, "host1.mote.test.", DNS_TYPE_A, CLASS_CH);
    expect_refused(&q);
    make_query_class(&q, "host1.mote.test.", DNS_TYPE_A, DNS_CLASS_ANY);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    assert_int_equal(p.qclass, DNS_CLASS_ANY);
    expect_addr(&r, &p.rr[0], "10.0.0.1");
}

static void test_dns_answers_class_any_without_aa(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query_class(&q, "host1.mote.test.", DNS_TYPE_A, DNS_CLASS_ANY);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    assert_false(p.flags & DNS_FLAG_AA);
    make_query_class(&q, "nothere.mote.test.", DNS_TYPE_A, DNS_CLASS_ANY);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NXDOMAIN);
    assert_false(p.flags & DNS_FLAG_AA);
    /* Class IN keeps AA */
    make_query(&q, "host1.mote.test.", DNS_TYPE_A);
    ask(&q, &r, &p);
    assert_true(p.flags & DNS_FLAG_AA);
}

static void test_dns_refuses_zone_transfers(void **state)
{
    (void)state;
    struct msg q;
    make_query(&q, "mote.test.", DNS_TYPE_AXFR);
    expect_refused(&q);
    make_query(&q, "mote.test.", DNS_TYPE_IXFR);
    expect_refused(&q);
}

static void test_dns_formerr_for_qdcount_other_than_one(void **state)
{
    (void)state;
    struct msg q;
    make_query(&q, "host1.mote.test.", DNS_TYPE_A);
    set16(&q, DNS_OFF_QDCOUNT, 2);
    put_name(&q, "host2.mote.test.");
    put16(&q, DNS_TYPE_A);
    put16(&q, DNS_CLASS_IN);
    assert_int_equal(expect_formerr(&q), 0);
    put_header(&q, 0, 0, 0, 0);
    assert_int_equal(expect_formerr(&q), 0);
    assert_int_equal(stats.formerr, 2);
}

static void test_dns_formerr_for_truncated_question(void **state)
{
    (void)state;
    struct msg q;
    make_query(&q, "host1.mote.test.", DNS_TYPE_A);
    size_t full = q.len;
    for (q.len = DNS_HEADER_LEN; q.len < full; q.len++)
        assert_int_equal(expect_formerr(&q), 0);
}

static void test_dns_formerr_for_record_past_the_end(void **state)
{
    (void)state;
    struct msg q;
    make_query(&q, "host1.mote.test.", DNS_TYPE_A);
    set16(&q, DNS_OFF_ANCOUNT, 1);
    assert_int_equal(expect_formerr(&q), 1);
    make_query(&q, "host1.mote.test.", DNS_TYPE_A);
    add_opt(&q, 4096, 0);
    q.len--;
    assert_int_equal(expect_formerr(&q), 1);
}

static void test_dns_drops_short_packets_and_responses(void **state)
{
    (void)state;
    struct msg q;
    make_query(&q, "host1.mote.test.", DNS_TYPE_A);
    for (size_t len = 0; len < DNS_HEADER_LEN; len++) {
        struct msg short_q = q;
        short_q.len = len;
        expect_dropped(&short_q);
    }
    set16(&q, DNS_OFF_FLAGS, DNS_FLAG_QR | DNS_FLAG_RD);
    expect_dropped(&q);
    assert_int_equal(stats.queries, DNS_HEADER_LEN + 1);
    assert_int_equal(stats.dropped, DNS_HEADER_LEN + 1);
}

static void test_dns_notimp_for_other_opcodes(void **state)
{
    (void)state;
    const uint16_t opcodes[] = {OPCODE_STAT, OPCODE_NTFY, OPCODE_UPD};
    struct msg q, r;
    struct parsed p;
    for (size_t i = 0; i < sizeof(opcodes) / sizeof(opcodes[0]); i++) {
        make_query(&q, "host1.mote.test.", DNS_TYPE_A);
        set16(&q, DNS_OFF_FLAGS, (uint16_t)(opcodes[i] << DNS_FLAG_OPCODE_SHIFT));
        ask(&q, &r, &p);
        expect_rcode(&p, DNS_RCODE_NOTIMP);
        assert_int_equal((p.flags & DNS_FLAG_OPCODE_MASK) >> DNS_FLAG_OPCODE_SHIFT, opcodes[i]);
        assert_true(p.flags & DNS_FLAG_QR);
        assert_int_equal(p.qd + p.an + p.ns + p.ar, 0);
    }
    assert_int_equal(stats.notimp, 3);
}

static void test_dns_formerr_for_pointer_to_itself(void **state)
{
    (void)state;
    struct msg q;
    put_header(&q, 0, 1, 0, 0);
    put16(&q, DNS_LABEL_POINTER << 8 | DNS_HEADER_LEN);
    put16(&q, DNS_TYPE_A);
    put16(&q, DNS_CLASS_IN);
    assert_int_equal(expect_formerr(&q), 0);

    /* A label, then a pointer back to it: a loop through the label */
    put_header(&q, 0, 1, 0, 0);
    put_name(&q, "a");
    q.len--;
    put16(&q, DNS_LABEL_POINTER << 8 | DNS_HEADER_LEN);
    put16(&q, DNS_TYPE_A);
    put16(&q, DNS_CLASS_IN);
    assert_int_equal(expect_formerr(&q), 0);
}

static void test_dns_formerr_for_pointer_into_header(void **state)
{
    (void)state;
    struct msg q;
    /* Offsets 0..11 are the header: no name starts there, whatever its bytes */
    for (uint16_t target = 0; target < DNS_HEADER_LEN; target++) {
        put_header(&q, 0, 1, 0, 0);
        put16(&q, (uint16_t)(DNS_LABEL_POINTER << 8 | target));
        put16(&q, DNS_TYPE_A);
        put16(&q, DNS_CLASS_IN);
        assert_int_equal(expect_formerr(&q), 0);
    }
    const uint8_t msg[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, DNS_LABEL_POINTER, 0};
    size_t off = DNS_HEADER_LEN;
    assert_int_equal(dns_skip_name(msg, sizeof(msg), &off), -EBADMSG);
    assert_int_equal(off, DNS_HEADER_LEN);
}

static void test_dns_formerr_for_forward_pointer(void **state)
{
    (void)state;
    struct msg q;
    put_header(&q, 0, 1, 0, 0);
    put16(&q, DNS_LABEL_POINTER << 8 | (DNS_HEADER_LEN + 6));
    put16(&q, DNS_TYPE_A);
    put16(&q, DNS_CLASS_IN);
    put_name(&q, "host1.mote.test.");
    assert_int_equal(expect_formerr(&q), 0);
}

static void test_dns_formerr_for_pointer_out_of_bounds(void **state)
{
    (void)state;
    struct msg q;
    put_header(&q, 0, 1, 0, 0);
    put16(&q, DNS_LABEL_POINTER << 8 | 0xff);
    put16(&q, DNS_TYPE_A);
    put16(&q, DNS_CLASS_IN);
    assert_int_equal(expect_formerr(&q), 0);
    put_header(&q, 0, 1, 0, 0);
    put16(&q, DNS_POINTER_OFFSET_MASK | DNS_LABEL_POINTER << 8);
    assert_int_equal(expect_formerr(&q), 0);
    /* Half a pointer at the very end */
    put_header(&q, 0, 1, 0, 0);
    put8(&q, DNS_LABEL_POINTER);
    assert_int_equal(expect_formerr(&q), 0);
}

static void test_dns_formerr_for_label_over_63_and_reserved_types(void **state)
{
    (void)state;
    const uint8_t bad[] = {DNS_LABEL_MAX + 1, 0x40, 0x80, 0xbf};
    struct msg q;
    for (size_t i = 0; i < sizeof(bad); i++) {
        put_header(&q, 0, 1, 0, 0);
        put8(&q, bad[i]);
        for (int j = 0; j < DNS_LABEL_MAX + 1; j++)
            put8(&q, 'a');
        put8(&q, 0);
        put16(&q, DNS_TYPE_A);
        put16(&q, DNS_CLASS_IN);
        assert_int_equal(expect_formerr(&q), 0);
    }
}

/* A name of total wire length len (labels of 63 and a shorter last one) on q. */
static void put_long_name(struct msg *q, size_t len)
{
    size_t left = len - 1;
    while (left > 0) {
        size_t label = left - 1 > DNS_LABEL_MAX ? DNS_LABEL_MAX : left - 1;
        if (left - 1 - label == 1)
            label--; /* never leave a remainder too small for a label */
        put8(q, (uint8_t)label);
        for (size_t i = 0; i < label; i++)
            put8(q, 'x');
        left -= 1 + label;
    }
    put8(q, 0);
}

static void test_dns_name_of_255_is_read_and_256_is_formerr(void **state)
{
    (void)state;
    struct msg q;
    put_header(&q, 0, 1, 0, 0);
    put_long_name(&q, DNS_NAME_MAX);
    assert_int_equal(q.len, DNS_HEADER_LEN + DNS_NAME_MAX);
    put16(&q, DNS_TYPE_A);
    put16(&q, DNS_CLASS_IN);
    expect_refused(&q);

    put_header(&q, 0, 1, 0, 0);
    put_long_name(&q, DNS_NAME_MAX + 1);
    assert_int_equal(q.len, DNS_HEADER_LEN + DNS_NAME_MAX + 1);
    put16(&q, DNS_TYPE_A);
    put16(&q, DNS_CLASS_IN);
    assert_int_equal(expect_formerr(&q), 0);
}

static void test_dns_skip_name_follows_backward_pointers(void **state)
{
    (void)state;
    struct msg m = {.len = DNS_HEADER_LEN}; /* names start after the header */
    put_name(&m, "mote.test.");
    size_t host = m.len;
    put_name(&m, "host1");
    m.len--;
    put16(&m, DNS_LABEL_POINTER << 8 | DNS_HEADER_LEN);
    size_t end = m.len, off = host;
    /* The length of the whole name spelled: its own label and the pointed-to apex */
    assert_int_equal(dns_skip_name(m.b, m.len, &off), (int)sizeof("\5host1\4mote\4test"));
    assert_int_equal(off, end);

    /* Cut inside the pointer: an error, and off left alone */
    off = host;
    assert_int_equal(dns_skip_name(m.b, m.len - 1, &off), -EBADMSG);
    assert_int_equal(off, host);
}

static void test_dns_skip_name_bounds_pointer_chains(void **state)
{
    (void)state;
    struct msg m = {.len = DNS_HEADER_LEN}; /* names start after the header */
    /* The root, then pointers each to the one before: starting at the k-th takes k hops */
    const size_t root = DNS_HEADER_LEN, first = root + 1;
    put8(&m, 0);
    for (unsigned i = 0; i <= DNS_NAME_MAX_POINTERS; i++)
        put16(&m, (uint16_t)(DNS_LABEL_POINTER << 8 | (i ? first + 2 * (i - 1) : root)));
    size_t off = first + 2 * (DNS_NAME_MAX_POINTERS - 1);
    assert_int_equal(dns_skip_name(m.b, m.len, &off), 1);
    off = first + 2 * DNS_NAME_MAX_POINTERS;
    assert_int_equal(dns_skip_name(m.b, m.len, &off), -EBADMSG);
}

static void test_dns_edns_payload_sets_the_udp_limit(void **state)
{
    (void)state;
    struct dns_query q = {.has_opt = 0};
    assert_int_equal(dns_reply_limit(&q, DNS_TRANSPORT_UDP, MSG_MAX), 512);
    assert_int_equal(dns_reply_limit(&q, DNS_TRANSPORT_TCP, 70000), DNS_TCP_MSG_MAX);
    assert_int_equal(dns_reply_limit(&q, DNS_TRANSPORT_TCP, 300), 300);
    q.has_opt = 1;
    q.udp_payload = 4096;
    assert_int_equal(dns_reply_limit(&q, DNS_TRANSPORT_UDP, MSG_MAX), DNS_EDNS_PAYLOAD);
    assert_int_equal(dns_reply_limit(&q, DNS_TRANSPORT_UDP, 600), 600);
    q.udp_payload = 1000;
    assert_int_equal(dns_reply_limit(&q, DNS_TRANSPORT_UDP, MSG_MAX), 1000);
    q.udp_payload = 100;
    assert_int_equal(dns_reply_limit(&q, DNS_TRANSPORT_UDP, MSG_MAX), 512);
    assert_int_equal(dns_reply_limit(&q, DNS_TRANSPORT_TCP, MSG_MAX), MSG_MAX);
}

static void test_dns_answer_carries_opt_back(void **state)
{
    (void)state;
    const uint16_t payloads[] = {4096, 100};
    struct msg q, r;
    struct parsed p;
    for (size_t i = 0; i < sizeof(payloads) / sizeof(payloads[0]); i++) {
        make_query(&q, "host3.mote.test.", DNS_TYPE_A);
        add_opt(&q, payloads[i], 0);
        ask(&q, &r, &p);
        expect_rcode(&p, DNS_RCODE_NOERROR);
        assert_false(p.flags & DNS_FLAG_TC);
        assert_int_equal(p.an, 1);
        assert_int_equal(p.ar, 1);
        expect_addr(&r, &p.rr[0], "10.0.0.3");
        assert_int_equal(expect_opt(&p)->ttl >> DNS_OPT_TTL_RCODE_SHIFT, 0);
    }
    /* No OPT in, none out */
    make_query(&q, "host3.mote.test.", DNS_TYPE_A);
    ask(&q, &r, &p);
    assert_int_equal(p.ar, 0);
}

static void test_dns_copies_do_bit_into_reply_opt(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    for (int dnssec_ok = 0; dnssec_ok <= 1; dnssec_ok++) {
        make_query(&q, "host3.mote.test.", DNS_TYPE_A);
        add_opt_with(&q, dnssec_ok, NULL, 0);
        ask(&q, &r, &p);
        expect_rcode(&p, DNS_RCODE_NOERROR);
        uint32_t ttl = expect_opt(&p)->ttl;
        assert_int_equal((ttl & DNS_OPT_TTL_DO) != 0, dnssec_ok);
        /* No other flag bit (RFC 6891 §6.1.4: Z is zero) */
        assert_int_equal(ttl & ~(uint32_t)DNS_OPT_TTL_DO, 0);
    }
}

static void test_dns_formerr_for_opt_option_overrunning_rdata(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    /* A COOKIE claiming 9 bytes with 8 present */
    uint8_t overrun[sizeof(cookie_option)];
    memcpy(overrun, cookie_option, sizeof(overrun));
    overrun[3] = 9;
    make_query(&q, "host3.mote.test.", DNS_TYPE_A);
    add_opt_with(&q, 0, overrun, sizeof(overrun));
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_FORMERR);
    assert_int_equal(p.an + p.ns + p.ar, 0); /* a malformed OPT gets none back */
    /* Three bytes cannot hold an option's code and length */
    make_query(&q, "host3.mote.test.", DNS_TYPE_A);
    add_opt_with(&q, 0, cookie_option, 3);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_FORMERR);
    /* Well-formed options are still ignored */
    make_query(&q, "host3.mote.test.", DNS_TYPE_A);
    add_opt_with(&q, 0, cookie_option, sizeof(cookie_option));
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    expect_addr(&r, &p.rr[0], "10.0.0.3");
}

static void test_dns_answers_cookie_only_query_with_opt(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    put_header(&q, DNS_FLAG_RD, 0, 0, 0);
    add_opt_with(&q, 0, cookie_option, sizeof(cookie_option));
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    assert_int_equal(p.id, TEST_ID);
    assert_int_equal(p.qd, 0);
    assert_int_equal(p.an + p.ns, 0);
    assert_int_equal(p.ar, 1);
    expect_opt(&p);
    assert_false(p.flags & DNS_FLAG_AA);
    assert_int_equal(stats.noerror, 1);
    /* An OPT without a cookie asks nothing: FORMERR */
    put_header(&q, DNS_FLAG_RD, 0, 0, 0);
    add_opt_with(&q, 0, NULL, 0);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_FORMERR);
}

static void test_dns_badvers_for_edns_version_1(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query(&q, "host3.mote.test.", DNS_TYPE_A);
    add_opt(&q, 4096, 1);
    ask(&q, &r, &p);
    /* 16 = 1 << 4: 1 in the OPT's upper RCODE bits, 0 in the header */
    expect_rcode(&p, 0);
    assert_int_equal(p.an + p.ns, 0);
    assert_int_equal(p.qd, 1);
    const struct rr *opt = expect_opt(&p);
    assert_int_equal(opt->ttl >> DNS_OPT_TTL_RCODE_SHIFT, DNS_RCODE_BADVERS >> DNS_RCODE_EXT_SHIFT);
    assert_int_equal(stats.badvers, 1);
    assert_int_equal(stats.noerror, 0);
}

static void test_dns_formerr_for_two_opts(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query(&q, "host3.mote.test.", DNS_TYPE_A);
    add_opt(&q, 4096, 0);
    add_opt(&q, 4096, 0);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_FORMERR);
    assert_int_equal(p.an + p.ns + p.ar, 0);
}

static void test_dns_formerr_for_opt_not_owned_by_root(void **state)
{
    (void)state;
    struct msg q;
    make_query(&q, "host3.mote.test.", DNS_TYPE_A);
    add_opt(&q, 4096, 0);
    /* Move the OPT under the name "a" */
    size_t opt = q.len - DNS_RR_FIXED_LEN - 1;
    memmove(q.b + opt + 2, q.b + opt, DNS_RR_FIXED_LEN + 1);
    q.b[opt] = 1;
    q.b[opt + 1] = 'a';
    q.len += 2;
    assert_int_equal(expect_formerr(&q), 1);
}

static void test_dns_ignores_other_records(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    /* An answer record in the query, and an A and an MX record in additional around the OPT */
    put_header(&q, 0, 1, 1, 0);
    put_name(&q, "host9.mote.test.");
    put16(&q, DNS_TYPE_A);
    put16(&q, DNS_CLASS_IN);
    for (int i = 0; i < 2; i++) {
        put16(&q, DNS_LABEL_POINTER << 8 | DNS_HEADER_LEN);
        put16(&q, DNS_TYPE_A);
        put16(&q, DNS_CLASS_IN);
        put16(&q, 0);
        put16(&q, 1);
        put16(&q, 4);
        put16(&q, 0x0102);
        put16(&q, 0x0304);
    }
    add_opt(&q, 4096, 0);
    put8(&q, 0);
    put16(&q, TYPE_MX);
    put16(&q, DNS_CLASS_IN);
    put16(&q, 0);
    put16(&q, 0);
    put16(&q, 0);
    set16(&q, DNS_OFF_ARCOUNT, 3);
    ask(&q, &r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    assert_int_equal(p.an, 1);
    assert_int_equal(p.ar, 1);
    expect_addr(&r, &p.rr[0], "10.0.0.9");
    expect_opt(&p);
}

static void test_dns_sets_tc_when_reply_does_not_fit(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    const enum dns_transport transports[] = {DNS_TRANSPORT_UDP, DNS_TRANSPORT_TCP};
    for (size_t i = 0; i < 2; i++) {
        make_query(&q, "mote.test.", DNS_TYPE_ANY);
        add_opt(&q, 4096, 0);
        size_t full = ask_with(&q, &r, MSG_MAX, transports[i]);
        parse(&r, &p);
        assert_false(p.flags & DNS_FLAG_TC);

        /* One byte short: the question and OPT, TC set */
        assert_true(ask_with(&q, &r, full - 1, transports[i]) > 0);
        parse(&r, &p);
        assert_true(p.flags & DNS_FLAG_TC);
        expect_rcode(&p, DNS_RCODE_NOERROR);
        assert_int_equal(p.qd, 1);
        assert_int_equal(p.an + p.ns, 0);
        expect_opt(&p);
    }
    /* Only the header fits: the header, TC set */
    make_query(&q, "host1.mote.test.", DNS_TYPE_A);
    assert_int_equal(ask_with(&q, &r, DNS_HEADER_LEN, DNS_TRANSPORT_UDP), DNS_HEADER_LEN);
    parse(&r, &p);
    assert_true(p.flags & DNS_FLAG_TC);
    assert_int_equal(p.id, TEST_ID);
    assert_int_equal(p.qd + p.an + p.ns + p.ar, 0);
    assert_int_equal(stats.truncated, 3);
    /* Not even that: nothing */
    assert_int_equal(ask_with(&q, &r, DNS_HEADER_LEN - 1, DNS_TRANSPORT_UDP), 0);
    assert_int_equal(stats.dropped, 1);
}

static void test_dns_copies_id_and_rd_and_never_sets_ra(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    const uint16_t flags[] = {0, DNS_FLAG_RD, DNS_FLAG_RD | DNS_FLAG_CD, DNS_FLAG_RA};
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        make_query(&q, "host1.mote.test.", DNS_TYPE_A);
        set16(&q, DNS_OFF_ID, (uint16_t)(0x1000 + i));
        set16(&q, DNS_OFF_FLAGS, flags[i]);
        ask(&q, &r, &p);
        assert_int_equal(p.id, 0x1000 + i);
        assert_true(p.flags & DNS_FLAG_QR);
        assert_int_equal(p.flags & (DNS_FLAG_RD | DNS_FLAG_CD), flags[i] & ~DNS_FLAG_RA);
        assert_false(p.flags & DNS_FLAG_RA);
    }
}

static void test_dns_answers_in_place(void **state)
{
    (void)state;
    struct msg q, r;
    make_query(&q, "HOST77.mote.test.", DNS_TYPE_A);
    add_opt(&q, 1400, 0);
    size_t len = ask_with(&q, &r, MSG_MAX, DNS_TRANSPORT_UDP);
    struct msg q2 = q;
    size_t in_place = dns_answer(&zone, &stats, q.b, q.len, q.b, sizeof(q.b), DNS_TRANSPORT_UDP);
    assert_int_equal(in_place, len);
    assert_memory_equal(q.b, r.b, len);
    in_place = dns_answer_in_place(q2.b, sizeof(q2.b), q2.len, &zone, &stats);
    assert_int_equal(in_place, len);
    assert_memory_equal(q2.b, r.b, len);
}

/* The in-place entry holds its reply to its room: truncated when it does not fit. */
static void test_dns_answers_in_place_within_room(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query(&q, "host42.mote.test.", DNS_TYPE_A);
    size_t full = q.len + DNS_RR_A_LEN;
    r = q;
    r.len = dns_answer_in_place(r.b, full, q.len, &zone, &stats);
    assert_int_equal(r.len, full);
    parse(&r, &p);
    expect_addr(&r, &p.rr[0], "10.0.0.42");
    r = q;
    r.len = dns_answer_in_place(r.b, full - 1, q.len, &zone, &stats);
    assert_int_equal(r.len, q.len);
    parse(&r, &p);
    assert_true(p.flags & DNS_FLAG_TC);
    assert_int_equal(stats.queries, 2);
    assert_int_equal(stats.noerror, 2);
    assert_int_equal(stats.truncated, 1);
}

static void test_dns_answers_over_tcp(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query(&q, "host300.mote.test.", DNS_TYPE_A);
    assert_true(ask_with(&q, &r, DNS_TCP_MSG_MAX, DNS_TRANSPORT_TCP) > 0);
    parse(&r, &p);
    expect_rcode(&p, DNS_RCODE_NOERROR);
    assert_false(p.flags & DNS_FLAG_TC);
    expect_addr(&r, &p.rr[0], "10.0.1.44");
}

static void test_dns_counts_every_outcome(void **state)
{
    (void)state;
    struct msg q, r;
    make_query(&q, "host1.mote.test.", DNS_TYPE_A);
    ask_with(&q, &r, MSG_MAX, DNS_TRANSPORT_UDP);
    ask_with(&q, &r, DNS_HEADER_LEN, DNS_TRANSPORT_UDP); /* noerror, truncated */
    make_query(&q, "host0.mote.test.", DNS_TYPE_A);
    ask_with(&q, &r, MSG_MAX, DNS_TRANSPORT_UDP);
    make_query(&q, "example.com.", DNS_TYPE_A);
    ask_with(&q, &r, MSG_MAX, DNS_TRANSPORT_UDP);
    set16(&q, DNS_OFF_QDCOUNT, 0);
    ask_with(&q, &r, MSG_MAX, DNS_TRANSPORT_UDP);
    set16(&q, DNS_OFF_FLAGS, OPCODE_UPD << DNS_FLAG_OPCODE_SHIFT);
    ask_with(&q, &r, MSG_MAX, DNS_TRANSPORT_UDP);
    make_query(&q, "host1.mote.test.", DNS_TYPE_A);
    add_opt(&q, 512, 2);
    ask_with(&q, &r, MSG_MAX, DNS_TRANSPORT_UDP);
    q.len = DNS_HEADER_LEN - 1;
    ask_with(&q, &r, MSG_MAX, DNS_TRANSPORT_UDP);

    const struct dns_stats want = {.queries = 8,
                                   .noerror = 2,
                                   .nxdomain = 1,
                                   .refused = 1,
                                   .formerr = 1,
                                   .notimp = 1,
                                   .badvers = 1,
                                   .dropped = 1,
                                   .truncated = 1};
    assert_memory_equal(&stats, &want, sizeof(want));
}

/*
 * host<i>'s digits are read eight at a time: every count of them, the bytes
 * either side of '0' and '9', and a digit with its top bit set are checked.
 */
static void test_dns_reads_host_numbers_of_every_length(void **state)
{
    (void)state;
    assert_int_equal(dns_zone_init(&zone, DNS_ZONE_RECORDS_MAX), 0);
    expect_a("host9.mote.test.", "10.0.0.9");
    expect_a("host10.mote.test.", "10.0.0.10");
    expect_a("host987.mote.test.", "10.0.3.219");
    expect_a("host1000.mote.test.", "10.0.3.232");
    expect_a("host90817.mote.test.", "10.1.98.193");
    expect_a("host999999.mote.test.", "10.15.66.63");
    expect_a("host1000000.mote.test.", "10.15.66.64");
    const char *not_hosts[] = {"host1/.mote.test.",       "host1:.mote.test.",
                               "host/1.mote.test.",       "host:1.mote.test.",
                               "host1\xb0.mote.test.",    "host\xb1.mote.test.",
                               "host12345678.mote.test.", "host0000001.mote.test.",
                               "host9999999.mote.test.",  "host12 3.mote.test."};
    for (size_t i = 0; i < sizeof(not_hosts) / sizeof(not_hosts[0]); i++)
        expect_negative(not_hosts[i], DNS_TYPE_A, DNS_RCODE_NXDOMAIN);
}

/* The A record's reply fits exactly its room; a byte less, and it is truncated. */
static void test_dns_a_reply_fits_its_exact_room(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query(&q, "host42.mote.test.", DNS_TYPE_A);
    size_t full = q.len + DNS_RR_A_LEN;
    assert_int_equal(ask_with(&q, &r, full, DNS_TRANSPORT_UDP), full);
    parse(&r, &p);
    assert_false(p.flags & DNS_FLAG_TC);
    expect_addr(&r, &p.rr[0], "10.0.0.42");
    assert_int_equal(ask_with(&q, &r, full - 1, DNS_TRANSPORT_UDP), q.len);
    parse(&r, &p);
    assert_true(p.flags & DNS_FLAG_TC);
    assert_int_equal(p.an, 0);
    assert_int_equal(stats.truncated, 1);
}

/* The NODATA reply to AAAA fits exactly its room; a byte less, and it is truncated. */
static void test_dns_aaaa_nodata_fits_its_exact_room(void **state)
{
    (void)state;
    struct msg q, r;
    struct parsed p;
    make_query(&q, "host42.mote.test.", DNS_TYPE_AAAA);
    add_opt(&q, 1232, 0);
    size_t full = q.len + DNS_RR_SOA_LEN;
    assert_int_equal(ask_with(&q, &r, full, DNS_TRANSPORT_UDP), full);
    parse(&r, &p);
    assert_false(p.flags & DNS_FLAG_TC);
    assert_int_equal(p.an, 0);
    assert_int_equal(p.ns, 1);
    expect_soa(&r, &p.rr[0], "mote.test.");
    expect_opt(&p);
    assert_int_equal(ask_with(&q, &r, full - 1, DNS_TRANSPORT_UDP), q.len);
    parse(&r, &p);
    assert_true(p.flags & DNS_FLAG_TC);
    assert_int_equal(p.an + p.ns, 0);
    expect_opt(&p);
    assert_int_equal(stats.truncated, 1);
    assert_int_equal(stats.noerror, 2);
}

/* What the one pass's cases add after the question */
enum added {
    ADD_NOTHING,
    ADD_OPT,               /* a plain OPT */
    ADD_OPT_COOKIE_DO,     /* with a COOKIE option and the DO bit */
    ADD_OPT_VERSION_1,     /* BADVERS */
    ADD_OPT_OVERRUN,       /* its option runs past its RDATA: FORMERR */
    ADD_OPT_OWNER_POINTER, /* owned by the root through a pointer */
    ADD_OTHER,             /* another record in the additional section */
    ADD_TWO_OPTS,          /* FORMERR */
    ADD_COUNT_ONLY,        /* ARCOUNT 1, nothing there: FORMERR */
};

static void add_record(struct msg *m, enum added what)
{
    switch (what) {
    case ADD_NOTHING: break;
    case ADD_OPT: add_opt(m, 1232, 0); break;
    case ADD_OPT_COOKIE_DO: add_opt_with(m, 1, cookie_option, sizeof(cookie_option)); break;
    case ADD_OPT_VERSION_1: add_opt(m, 1232, 1); break;
    case ADD_OPT_OVERRUN: add_opt_with(m, 0, cookie_option, DNS_OPTION_HEADER_LEN + 2); break;
    case ADD_OPT_OWNER_POINTER: {
        size_t root = m->len - DNS_QUESTION_FIXED_LEN - 1; /* the question's root */
        put16(m, (uint16_t)(DNS_LABEL_POINTER << 8 | root));
        put16(m, DNS_TYPE_OPT);
        put16(m, 1232);
        put16(m, 0);
        put16(m, 0);
        put16(m, 0);
        set16(m, DNS_OFF_ARCOUNT, 1);
        break;
    }
    case ADD_OTHER:
        put8(m, 0);
        put16(m, DNS_TYPE_A);
        put16(m, DNS_CLASS_IN);
        put16(m, 0);
        put16(m, 0);
        put16(m, 0);
        set16(m, DNS_OFF_ARCOUNT, 1);
        break;
    case ADD_TWO_OPTS:
        add_opt(m, 1232, 0);
        add_opt(m, 1232, 0);
        break;
    case ADD_COUNT_ONLY: set16(m, DNS_OFF_ARCOUNT, 1); break;
    }
}

/*
 * dns_answer's one pass (fast.c) takes the common query and gives the same
 * bytes and counts as the general path, in place or not; the queries that
 * just miss its shape go the general way with the same result.
 */
static void test_dns_one_pass_agrees_with_general_path(void **state)
{
    (void)state;
    struct {
        const char *name;
        uint16_t qtype, qclass, flags;
        int trailing;
        enum added opt;
    } cases[] = {
        {"host1.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, DNS_FLAG_RD, 0, 0},
        {"HOST9999.MOTE.TEST.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, 0},
        {"nS.mOte.tEst.", DNS_TYPE_A, DNS_CLASS_IN, DNS_FLAG_CD | DNS_FLAG_RD, 0, 0},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN,
         0xffff & ~DNS_FLAG_QR & ~DNS_FLAG_OPCODE_MASK, 0, 0},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 1, 0},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, ADD_OPT},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 1, ADD_OPT},
        {"ns.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, DNS_FLAG_RD, 0, ADD_OPT_COOKIE_DO},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, ADD_OPT_VERSION_1},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, ADD_OPT_OVERRUN},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, ADD_OPT_OWNER_POINTER},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, ADD_OTHER},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, ADD_TWO_OPTS},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, ADD_COUNT_ONLY},
        {"host77.mote.test.", DNS_TYPE_AAAA, DNS_CLASS_IN, 0, 0, 0},
        {"HOST9999.MOTE.TEST.", DNS_TYPE_AAAA, DNS_CLASS_IN, DNS_FLAG_RD | DNS_FLAG_CD, 0, 0},
        {"Ns.mote.test.", DNS_TYPE_AAAA, DNS_CLASS_IN, DNS_FLAG_RD, 0, ADD_OPT},
        {"host77.mote.test.", DNS_TYPE_AAAA, DNS_CLASS_IN,
         0xffff & ~DNS_FLAG_QR & ~DNS_FLAG_OPCODE_MASK, 1, ADD_OPT_COOKIE_DO},
        {"host77.mote.test.", DNS_TYPE_AAAA, DNS_CLASS_IN, 0, 0, ADD_OPT_VERSION_1},
        {"host77.mote.test.", DNS_TYPE_AAAA, DNS_CLASS_IN, 0, 0, ADD_OTHER},
        {"host77.mote.test.", DNS_TYPE_AAAA, DNS_CLASS_IN, 0, 0, ADD_COUNT_ONLY},
        {"host77.mote.test.", DNS_TYPE_AAAA, DNS_CLASS_ANY, 0, 0, 0},
        {"host10001.mote.test.", DNS_TYPE_AAAA, DNS_CLASS_IN, 0, 0, 0},
        {"host0.mote.test.", DNS_TYPE_AAAA, DNS_CLASS_IN, 0, 0, 0},
        {"mote.test.", DNS_TYPE_AAAA, DNS_CLASS_IN, 0, 0, 0},
        {"a.ns.mote.test.", DNS_TYPE_AAAA, DNS_CLASS_IN, 0, 0, 0},
        {"host77.mote.test.", DNS_TYPE_AAAA ^ 0x100, DNS_CLASS_IN, 0, 0, 0},
        {"host77.mote.test.", DNS_TYPE_A ^ DNS_TYPE_AAAA ^ DNS_TYPE_ANY, DNS_CLASS_IN, 0, 0, 0},
        {"host77.mote.test.", DNS_TYPE_ANY, DNS_CLASS_IN, 0, 0, 0},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_ANY, 0, 0, 0},
        {"host77.mote.test.", DNS_TYPE_A, CLASS_CH, 0, 0, 0},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, OPCODE_NTFY << DNS_FLAG_OPCODE_SHIFT, 0, 0},
        {"host77.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, DNS_FLAG_QR, 0, 0},
        {"host10001.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, 0},
        {"nt.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, 0},
        {"n.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, 0},
        {"mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, 0},
        {"a.host1.mote.test.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, 0},
        {"host1.mote.test.x.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, 0},
        {"host1.mote.tesu.", DNS_TYPE_A, DNS_CLASS_IN, 0, 0, 0},
        {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.mote.test.", DNS_TYPE_A,
         DNS_CLASS_IN, 0, 0, 0},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct msg q, r, g, in_place;
        struct dns_stats one = {0}, general = {0};
        make_query_class(&q, cases[i].name, cases[i].qtype, cases[i].qclass);
        set16(&q, DNS_OFF_FLAGS, cases[i].flags);
        add_record(&q, cases[i].opt);
        if (cases[i].trailing)
            put16(&q, 0xdead);
        memset(r.b, 0xa5, sizeof(r.b));
        memset(g.b, 0xa5, sizeof(g.b));
        r.len = dns_answer(&zone, &one, q.b, q.len, r.b, MSG_MAX, DNS_TRANSPORT_UDP);
        g.len = dns_answer_general(&zone, &general, q.b, q.len, g.b, MSG_MAX, DNS_TRANSPORT_UDP);
        if (r.len != g.len || memcmp(r.b, g.b, sizeof(r.b)) != 0 ||
            memcmp(&one, &general, sizeof(one)) != 0)
            fail_msg("%s: the one pass gave %zu bytes, the general path %zu, or other bytes",
                     cases[i].name, r.len, g.len);
        in_place = q;
        in_place.len =
            dns_answer(&zone, &one, in_place.b, q.len, in_place.b, MSG_MAX, DNS_TRANSPORT_UDP);
        assert_int_equal(in_place.len, r.len);
        assert_memory_equal(in_place.b, r.b, r.len);
        struct dns_stats entry = {0};
        in_place = q;
        in_place.len = dns_answer_in_place(in_place.b, MSG_MAX, q.len, &zone, &entry);
        assert_int_equal(in_place.len, r.len);
        assert_memory_equal(in_place.b, r.b, r.len);
        assert_memory_equal(&entry, &general, sizeof(entry));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_dns_zone_init_rejects_zero_and_too_many, reset),
        cmocka_unit_test_setup(test_dns_answers_a_for_host1, reset),
        cmocka_unit_test_setup(test_dns_answers_host256_carrying_into_third_octet, reset),
        cmocka_unit_test_setup(test_dns_answers_last_host_and_nxdomain_past_it, reset),
        cmocka_unit_test_setup(test_dns_answers_nxdomain_with_soa_for_unknown_names, reset),
        cmocka_unit_test_setup(test_dns_answer_echoes_question_case, reset),
        cmocka_unit_test_setup(test_dns_answers_any_for_host_with_its_a, reset),
        cmocka_unit_test_setup(test_dns_answers_soa_at_apex, reset),
        cmocka_unit_test_setup(test_dns_answers_ns_at_apex_with_its_address, reset),
        cmocka_unit_test_setup(test_dns_answers_any_at_apex_with_soa_and_ns, reset),
        cmocka_unit_test_setup(test_dns_answers_a_for_ns_host, reset),
        cmocka_unit_test_setup(test_dns_answers_nodata_with_soa_for_other_types, reset),
        cmocka_unit_test_setup(test_dns_refuses_names_outside_zone, reset),
        cmocka_unit_test_setup(test_dns_names_fold_only_ascii_letters_case, reset),
        cmocka_unit_test_setup(test_dns_reads_nothing_past_a_short_question, reset),
        cmocka_unit_test_setup(test_dns_refuses_other_classes_and_answers_class_any, reset),
        cmocka_unit_test_setup(test_dns_answers_class_any_without_aa, reset),
        cmocka_unit_test_setup(test_dns_refuses_zone_transfers, reset),
        cmocka_unit_test_setup(test_dns_formerr_for_qdcount_other_than_one, reset),
        cmocka_unit_test_setup(test_dns_formerr_for_truncated_question, reset),
        cmocka_unit_test_setup(test_dns_formerr_for_record_past_the_end, reset),
        cmocka_unit_test_setup(test_dns_drops_short_packets_and_responses, reset),
        cmocka_unit_test_setup(test_dns_notimp_for_other_opcodes, reset),
        cmocka_unit_test_setup(test_dns_formerr_for_pointer_to_itself, reset),
        cmocka_unit_test_setup(test_dns_formerr_for_pointer_into_header, reset),
        cmocka_unit_test_setup(test_dns_formerr_for_forward_pointer, reset),
        cmocka_unit_test_setup(test_dns_formerr_for_pointer_out_of_bounds, reset),
        cmocka_unit_test_setup(test_dns_formerr_for_label_over_63_and_reserved_types, reset),
        cmocka_unit_test_setup(test_dns_name_of_255_is_read_and_256_is_formerr, reset),
        cmocka_unit_test_setup(test_dns_skip_name_follows_backward_pointers, reset),
        cmocka_unit_test_setup(test_dns_skip_name_bounds_pointer_chains, reset),
        cmocka_unit_test_setup(test_dns_edns_payload_sets_the_udp_limit, reset),
        cmocka_unit_test_setup(test_dns_answer_carries_opt_back, reset),
        cmocka_unit_test_setup(test_dns_copies_do_bit_into_reply_opt, reset),
        cmocka_unit_test_setup(test_dns_formerr_for_opt_option_overrunning_rdata, reset),
        cmocka_unit_test_setup(test_dns_answers_cookie_only_query_with_opt, reset),
        cmocka_unit_test_setup(test_dns_badvers_for_edns_version_1, reset),
        cmocka_unit_test_setup(test_dns_formerr_for_two_opts, reset),
        cmocka_unit_test_setup(test_dns_formerr_for_opt_not_owned_by_root, reset),
        cmocka_unit_test_setup(test_dns_ignores_other_records, reset),
        cmocka_unit_test_setup(test_dns_sets_tc_when_reply_does_not_fit, reset),
        cmocka_unit_test_setup(test_dns_copies_id_and_rd_and_never_sets_ra, reset),
        cmocka_unit_test_setup(test_dns_answers_in_place, reset),
        cmocka_unit_test_setup(test_dns_answers_in_place_within_room, reset),
        cmocka_unit_test_setup(test_dns_answers_over_tcp, reset),
        cmocka_unit_test_setup(test_dns_counts_every_outcome, reset),
        cmocka_unit_test_setup(test_dns_reads_host_numbers_of_every_length, reset),
        cmocka_unit_test_setup(test_dns_a_reply_fits_its_exact_room, reset),
        cmocka_unit_test_setup(test_dns_aaaa_nodata_fits_its_exact_room, reset),
        cmocka_unit_test_setup(test_dns_one_pass_agrees_with_general_path, reset),
    };
    return cmocka_run_group_tests_name("dns", tests, NULL, NULL);
}
