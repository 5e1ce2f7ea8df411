// SPDX-License-Identifier: MIT
/* The synthetic zone mote.test.: computed, never stored. See zone.h. */
#include "lib/dns/zone.h"

#include <errno.h>

#include "lib/dns/wire.h"

#define DECIMAL_BASE 10

int dns_zone_init(struct dns_zone *zone, uint32_t records)
{
    if (records == 0 || records > DNS_ZONE_RECORDS_MAX)
        return -EINVAL;
    zone->records = records;
    return 0;
}

/* The i of a "host<i>" label (len bytes at p) within the zone, or 0. */
static uint32_t host_number(const struct dns_zone *zone, const uint8_t *p, size_t len)
{
    size_t prefix = sizeof(DNS_ZONE_HOST_PREFIX) - 1;
    if (len <= prefix || len - prefix > DNS_ZONE_HOST_DIGITS_MAX ||
        !dns_name_equal(p, (const uint8_t *)DNS_ZONE_HOST_PREFIX, prefix))
        return 0;
    /* No leading zero: host01 is not host1 */
    if (p[prefix] == '0')
        return 0;
    uint32_t n = 0;
    for (size_t i = prefix; i < len; i++) {
        if (p[i] < '0' || p[i] > '9')
            return 0;
        n = n * DECIMAL_BASE + (uint32_t)(p[i] - '0');
    }
    return n <= zone->records ? n : 0;
}

struct dns_match dns_zone_lookup(const struct dns_zone *zone, const uint8_t *name, size_t name_len)
{
    struct dns_match m = {.node = DNS_NODE_OUTSIDE};

    /* The name ends in the origin and the root, and the origin starts at a label */
    if (name_len < DNS_ZONE_ORIGIN_LEN + 1)
        return m;
    size_t apex = name_len - 1 - DNS_ZONE_ORIGIN_LEN, pos = 0;
    while (pos < apex)
        pos += 1 + (size_t)name[pos];
    if (pos != apex ||
        !dns_name_equal(name + apex, (const uint8_t *)DNS_ZONE_ORIGIN, DNS_ZONE_ORIGIN_LEN))
        return m;

    m.apex_off = apex;
    m.node = DNS_NODE_NXDOMAIN;
    if (apex == 0) {
        m.node = DNS_NODE_APEX;
        return m;
    }
    /* One label above the apex, or none of ours: the zone has no deeper names */
    size_t label_len = name[0];
    if (1 + label_len != apex)
        return m;
    if (label_len + 1 == sizeof(DNS_ZONE_NS_LABEL) - 1 &&
        dns_name_equal(name, (const uint8_t *)DNS_ZONE_NS_LABEL, label_len + 1)) {
        m.node = DNS_NODE_NS;
    } else if ((m.host = host_number(zone, name + 1, label_len)) != 0) {
        m.node = DNS_NODE_HOST;
    }
    return m;
}
