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

#include "lib/dns/wire.h"

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

struct dns_match dns_zone_lookup(const struct dns_zone *zone, const uint8_t *name, unsigned labels,
                                 size_t tail_off)
{
    struct dns_match m = {.node = DNS_NODE_OUTSIDE};

    /*
     * The name's last two labels (before the root, as in every name) are the
     * apex's. The first word's 8 bytes lie in the question (two labels, the
     * root, QTYPE and QCLASS take at least 9); the second word (bytes 2 to
     * 9) is read only once the first matched, so inside the name.
     */
    if (labels < DNS_ZONE_ORIGIN_LABELS ||
        !dns_fold_equal(name + tail_off, DNS_ZONE_ORIGIN, DNS_ZONE_ORIGIN_FOLD,
                        DNS_ZONE_ORIGIN_LEN))
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
    if (dns_fold_equal(name, DNS_ZONE_NS_LABEL, DNS_ZONE_NS_LABEL_FOLD,
                       sizeof(DNS_ZONE_NS_LABEL) - 1))
        m.node = DNS_NODE_NS;
    else if (dns_zone_host_index(name + 1, name[0], &m.host) && m.host <= zone->records)
        m.node = DNS_NODE_HOST;
    return m;
}
