// SPDX-License-Identifier: MIT
/*
 * The synthetic zone mote.test.: computed, never stored. See zone.h.
 *
 * A lookup is a few byte compares: the question's reader has already found
 * where the name's last two labels start, so the apex is checked in place,
 * and the one label above it is ns or host<i>, whose i is the answer itself.
 * No table to hash into: the number is the record.
 */
#include "lib/dns/zone.h"

#include <errno.h>
#include <limits.h>

#include "lib/dns/wire.h"

#define DECIMAL_BASE 10

int dns_zone_init(struct dns_zone *zone, uint32_t records)
{
    if (records == 0 || records > DNS_ZONE_RECORDS_MAX)
        return -EINVAL;
    zone->records = records;
    return 0;
}

_Static_assert(sizeof(DNS_ZONE_ORIGIN) == sizeof(DNS_ZONE_ORIGIN_FOLD), "a mask per byte");
_Static_assert(sizeof(DNS_ZONE_NS_LABEL) == sizeof(DNS_ZONE_NS_LABEL_FOLD), "a mask per byte");
_Static_assert(sizeof(DNS_ZONE_HOST_PREFIX) == sizeof(DNS_ZONE_HOST_PREFIX_FOLD),
               "a mask per byte");

#define WORD_BYTES sizeof(uint64_t)

/*
 * The n (<= 8) bytes at p as one number, the first byte lowest. Unrolled,
 * the compiler makes it one load, or a constant for a string literal.
 */
static inline uint64_t bytes_word(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t w = 0;
#pragma GCC unroll 8
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)b[i] << (CHAR_BIT * i);
    return w;
}

/*
 * Whether the n bytes at p match lower under its fold mask (see zone.h): a
 * word at a time, since the zone's names are constants.
 */
static inline int fold_equal(const uint8_t *p, const char *lower, const char *fold, size_t n)
{
#pragma GCC unroll 2
    for (size_t i = 0; i < n; i += WORD_BYTES) {
        size_t k = n - i < WORD_BYTES ? n - i : WORD_BYTES;
        if ((bytes_word(p + i, k) | bytes_word(fold + i, k)) != bytes_word(lower + i, k))
            return 0;
    }
    return 1;
}

/* The i of a "host<i>" label (len bytes at p) within the zone, or 0. */
static uint32_t host_number(const struct dns_zone *zone, const uint8_t *p, size_t len)
{
    size_t prefix = sizeof(DNS_ZONE_HOST_PREFIX) - 1;
    if (len <= prefix || len - prefix > DNS_ZONE_HOST_DIGITS_MAX ||
        !fold_equal(p, DNS_ZONE_HOST_PREFIX, DNS_ZONE_HOST_PREFIX_FOLD, prefix))
        return 0;
    /* No leading zero: host01 is not host1 */
    if (p[prefix] == '0')
        return 0;
    uint32_t n = 0;
    for (size_t i = prefix; i < len; i++) {
        uint32_t digit = (uint32_t)p[i] - '0';
        if (digit >= DECIMAL_BASE)
            return 0;
        n = n * DECIMAL_BASE + digit;
    }
    return n <= zone->records ? n : 0;
}

struct dns_match dns_zone_lookup(const struct dns_zone *zone, const uint8_t *name, unsigned labels,
                                 size_t tail_off)
{
    struct dns_match m = {.node = DNS_NODE_OUTSIDE};

    /*
     * The name's last two labels (before the root, as in every name) are the
     * apex's. The first word's 8 bytes lie in the question (two labels, the
     * root, QTYPE and QCLASS take at least 9); the last 2 are read only once
     * the first 8 matched, so inside the name.
     */
    if (labels < DNS_ZONE_ORIGIN_LABELS ||
        !fold_equal(name + tail_off, DNS_ZONE_ORIGIN, DNS_ZONE_ORIGIN_FOLD, DNS_ZONE_ORIGIN_LEN))
        return m;

    m.apex_off = tail_off;
    m.node = DNS_NODE_NXDOMAIN;
    if (labels == DNS_ZONE_ORIGIN_LABELS) {
        m.node = DNS_NODE_APEX;
        return m;
    }
    /* One label above the apex, or none of ours: the zone has no deeper names */
    if (labels > DNS_ZONE_ORIGIN_LABELS + 1)
        return m;
    if (fold_equal(name, DNS_ZONE_NS_LABEL, DNS_ZONE_NS_LABEL_FOLD, sizeof(DNS_ZONE_NS_LABEL) - 1))
        m.node = DNS_NODE_NS;
    else if ((m.host = host_number(zone, name + 1, name[0])) != 0)
        m.node = DNS_NODE_HOST;
    return m;
}
