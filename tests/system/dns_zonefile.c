// SPDX-License-Identifier: MIT
/*
 * Prints the synthetic zone mote.test. of lib/dns as an RFC 1035 §5 master
 * file, for a reference server (NSD) to serve the same data as Mote. Every
 * value comes from lib/dns/zone.h, and every owner printed is checked with
 * dns_zone_lookup(), so the file cannot drift from what Mote answers: one
 * source of truth. Built for the host by tests/system/test_dns_nsd.py.
 *
 *   dns_zonefile RECORDS > mote.test.zone
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/dns/wire.h"
#include "lib/dns/zone.h"

#define OCTET_MASK 0xffu

/* A wire label ("\2ns") as text ("ns"). */
static const char *label_text(const char *wire)
{
    return wire + 1;
}

static void print_addr(uint32_t a)
{
    printf("%u.%u.%u.%u\n", a >> 24 & OCTET_MASK, a >> 16 & OCTET_MASK, a >> 8 & OCTET_MASK,
           a & OCTET_MASK);
}

/* Checks that lib/dns places the one-label name label.mote.test. at node (and host). */
static void check(const struct dns_zone *zone, const char *label, enum dns_node node, uint32_t host)
{
    uint8_t name[DNS_NAME_MAX];
    size_t len = strlen(label), n = 0;
    unsigned labels = DNS_ZONE_ORIGIN_LABELS;
    if (len) {
        labels++;
        name[n++] = (uint8_t)len;
        memcpy(name + n, label, len);
        n += len;
    }
    /* Where the name's last two labels start, as the question's reader notes it */
    size_t tail_off = n;
    memcpy(name + n, DNS_ZONE_ORIGIN, DNS_ZONE_ORIGIN_LEN);
    n += DNS_ZONE_ORIGIN_LEN;
    name[n++] = DNS_NAME_ROOT;
    struct dns_match m = dns_zone_lookup(zone, name, labels, tail_off);
    if (m.node != node || (node == DNS_NODE_HOST && m.host != host)) {
        fprintf(stderr, "dns_zonefile: lib/dns does not place %s.mote.test. as printed\n", label);
        exit(1);
    }
}

int main(int argc, char **argv)
{
    struct dns_zone zone;
    if (argc != 2 || dns_zone_init(&zone, (uint32_t)strtoul(argv[1], NULL, 10)) != 0) {
        fprintf(stderr, "usage: dns_zonefile RECORDS (1..%u)\n", DNS_ZONE_RECORDS_MAX);
        return 2;
    }
    const char *ns = label_text(DNS_ZONE_NS_LABEL);
    check(&zone, "", DNS_NODE_APEX, 0);
    check(&zone, ns, DNS_NODE_NS, 0);
    printf("$ORIGIN mote.test.\n$TTL %u\n", DNS_ZONE_TTL);
    printf("@ SOA %s %s %u %u %u %u %u\n", ns, label_text(DNS_ZONE_HOSTMASTER_LABEL),
           DNS_ZONE_SOA_SERIAL, DNS_ZONE_SOA_REFRESH, DNS_ZONE_SOA_RETRY, DNS_ZONE_SOA_EXPIRE,
           DNS_ZONE_SOA_MINIMUM);
    printf("@ NS %s\n%s A ", ns, ns);
    print_addr(DNS_ZONE_NS_ADDR);
    for (uint32_t i = 1; i <= zone.records; i++) {
        char label[sizeof(DNS_ZONE_HOST_PREFIX) + DNS_ZONE_HOST_DIGITS_MAX];
        snprintf(label, sizeof(label), "%s%u", DNS_ZONE_HOST_PREFIX, i);
        check(&zone, label, DNS_NODE_HOST, i);
        printf("%s A ", label);
        print_addr(DNS_ZONE_HOST_BASE + i);
    }
    /* One past the last is absent, as NSD will say too */
    char past[sizeof(DNS_ZONE_HOST_PREFIX) + DNS_ZONE_HOST_DIGITS_MAX + 1];
    snprintf(past, sizeof(past), "%s%u", DNS_ZONE_HOST_PREFIX, zone.records + 1);
    check(&zone, past, DNS_NODE_NXDOMAIN, 0);
    return 0;
}
