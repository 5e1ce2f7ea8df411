// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the DNS server core (lib/dns/) on any bytes as a query,
 * over UDP and TCP, into reply buffers from a few bytes to 64 KiB. Query and
 * reply sit in heap blocks of their exact size, so ASan sees any byte read or
 * written outside them. Also checks that answering in place (reply over the
 * query, and over UDP through dns_answer_in_place too) gives the same bytes,
 * and that dns_answer's one pass (fast.c) gives the bytes and counts of the
 * general path (answer.c) for every message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <dns/dns.h>
#include "lib/dns/answer.h"
#include "lib/dns/wire.h"

/* The first byte: bit 0 the transport, bits 1-2 the zone, bits 3-7 the reply buffer size. */
#define CTL_TCP        0x01u
#define CTL_ZONE_SHIFT 1
#define CTL_ZONE_MASK  0x3u
#define CTL_SIZE_SHIFT 3
#define SMALL_STEP     4 /* small buffers: 0, 4, .. 108 bytes */
#define SMALL_SIZES    28

static const uint32_t zone_sizes[] = {1, DNS_ZONE_RECORDS_DEFAULT, DNS_ZONE_RECORDS_MAX, 256};
static const size_t large_sizes[] = {512, 1232, 4096, DNS_TCP_MSG_MAX};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    uint8_t ctl = data[0];
    size_t query_len = size - 1;
    enum dns_transport transport = ctl & CTL_TCP ? DNS_TRANSPORT_TCP : DNS_TRANSPORT_UDP;
    unsigned size_sel = ctl >> CTL_SIZE_SHIFT;
    size_t reply_max =
        size_sel < SMALL_SIZES ? size_sel * SMALL_STEP : large_sizes[size_sel - SMALL_SIZES];
    struct dns_zone zone;
    struct dns_stats stats = {0};
    if (dns_zone_init(&zone, zone_sizes[ctl >> CTL_ZONE_SHIFT & CTL_ZONE_MASK]) != 0)
        abort();

    uint8_t *query = malloc(query_len ? query_len : 1);
    uint8_t *reply = malloc(reply_max ? reply_max : 1);
    uint8_t *general = malloc(reply_max ? reply_max : 1);
    size_t both = query_len > reply_max ? query_len : reply_max;
    uint8_t *in_place = malloc(both ? both : 1);
    if (!query || !reply || !general || !in_place)
        abort();
    memcpy(query, data + 1, query_len);
    memcpy(in_place, data + 1, query_len);

    size_t len = dns_answer(&zone, &stats, query, query_len, reply, reply_max, transport);
    if (len > reply_max || (len && len < DNS_HEADER_LEN))
        abort();
    struct dns_stats general_stats = {0};
    size_t general_len =
        dns_answer_general(&zone, &general_stats, query, query_len, general, reply_max, transport);
    if (general_len != len || memcmp(reply, general, len) != 0 ||
        memcmp(&stats, &general_stats, sizeof(stats)) != 0)
        abort();
    size_t len2 = dns_answer(&zone, &stats, in_place, query_len, in_place, reply_max, transport);
    if (len2 != len || memcmp(reply, in_place, len) != 0)
        abort();
    if (transport == DNS_TRANSPORT_UDP) {
        /* The in-place entry: the reply and counts of dns_answer's over UDP */
        struct dns_stats in_place_stats = {0};
        memcpy(in_place, data + 1, query_len);
        size_t len3 = dns_answer_in_place(in_place, reply_max, query_len, &zone, &in_place_stats);
        if (len3 != len || memcmp(reply, in_place, len) != 0 ||
            memcmp(&in_place_stats, &general_stats, sizeof(in_place_stats)) != 0)
            abort();
    }
    /* Every call is one query, then either dropped or counted under one RCODE */
    uint64_t replies = stats.noerror + stats.nxdomain + stats.refused + stats.formerr +
                       stats.notimp + stats.servfail + stats.badvers;
    if (stats.queries != 2 || replies + stats.dropped != 2 || stats.truncated > replies)
        abort();

    free(in_place);
    free(general);
    free(reply);
    free(query);
    return 0;
}
