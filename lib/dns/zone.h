/* SPDX-License-Identifier: MIT */
/*
 * The synthetic zone mote.test. (its records are drawn in dns.h): its data
 * as constants, and the lookup that places a name in it. Internal to lib/dns.
 */
#ifndef LIB_DNS_ZONE_H
#define LIB_DNS_ZONE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <dns/dns.h>
#include "lib/dns/wire.h"

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
 * Decimal digits read eight at a time, as bytes in one 64-bit word (the
 * first digit lowest): XOR with ASCII '0' in every byte leaves each digit's
 * value, and a byte is a digit exactly when that value, and that value plus
 * 6, are both below 16. Three multiply-adds then fold neighbouring digits
 * into pairs, fours and eights.
 */
#define DNS_DIGITS_ASCII_ZERO 0x3030303030303030ull /* '0' in each byte */
#define DNS_DIGITS_TO_TEN     0x0606060606060606ull /* 6 in each byte: 9 + 6 = 15 */
#define DNS_DIGITS_HIGH_NIBS  0xf0f0f0f0f0f0f0f0ull
#define DNS_DIGITS_LOW_BYTE   0xffull
#define DNS_DIGITS_PAIRS      0x00ff00ff00ff00ffull
#define DNS_DIGITS_FOURS      0x0000ffff0000ffffull
#define DNS_DIGITS_EIGHTS     0x00000000ffffffffull
#define DNS_TEN               10u
#define DNS_HUNDRED           100u
#define DNS_TEN_THOUSAND      10000u
_Static_assert(DNS_ZONE_HOST_DIGITS_MAX < sizeof(uint64_t), "the digits fit one word");

/*
 * Reads a "host<i>" label (its len bytes at p, after its length byte) into
 * *i: "host" in either case, then 1 to DNS_ZONE_HOST_DIGITS_MAX decimal
 * digits without a leading zero (host01 is not host1), so i >= 1 (the zone
 * has it when i <= zone->records). Returns 1, or 0 when the label is not
 * one (*i unchanged). Reads the 8 bytes that end with the label, from up
 * to 3 bytes before p (a question's name always has the 12-byte header
 * before it). Inline: the one-pass answer and the lookup share it.
 */
static inline int dns_zone_host_index(const uint8_t *p, size_t len, uint32_t *i)
{
    size_t prefix = sizeof(DNS_ZONE_HOST_PREFIX) - 1;
    size_t digits = len - prefix; /* huge when len < prefix: refused below */
    if (digits - 1 >= DNS_ZONE_HOST_DIGITS_MAX ||
        !dns_fold_equal(p, DNS_ZONE_HOST_PREFIX, DNS_ZONE_HOST_PREFIX_FOLD, prefix))
        return 0;
    /*
     * The word ending with the last digit holds the digits in its top bytes,
     * as eight digits with leading zeros would be; what comes before them
     * (the prefix, the length byte, the header) is shifted out to check the
     * digits alone, and the zeros shifted back in stand for leading zeros.
     */
    unsigned unused_bits = CHAR_BIT * (unsigned)(sizeof(uint64_t) - digits);
    uint64_t x = dns_bytes_word(p + len - sizeof(uint64_t), sizeof(uint64_t)) >> unused_bits;
    x ^= DNS_DIGITS_ASCII_ZERO >> unused_bits;
    if (((x | (x + DNS_DIGITS_TO_TEN)) & DNS_DIGITS_HIGH_NIBS) || (x & DNS_DIGITS_LOW_BYTE) == 0)
        return 0; /* not all digits, or a leading zero */
    /* Then 10a+b, 100ab+cd, 10000abcd+efgh */
    x <<= unused_bits;
    x = (x * DNS_TEN + (x >> CHAR_BIT)) & DNS_DIGITS_PAIRS;
    x = (x * DNS_HUNDRED + (x >> 2 * CHAR_BIT)) & DNS_DIGITS_FOURS;
    x = (x * DNS_TEN_THOUSAND + (x >> 4 * CHAR_BIT)) & DNS_DIGITS_EIGHTS;
    *i = (uint32_t)x;
    return 1;
}

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
