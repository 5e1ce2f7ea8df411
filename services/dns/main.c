// SPDX-License-Identifier: MIT
/*
 * dns: an authoritative DNS server for the synthetic zone mote.test:
 * host<i>.mote.test. -> 10.0.0.0 + i for i = 1..records (default 10,000), on
 * UDP port 53. The DNS logic is lib/dns, shared with the Linux baseline of
 * the benchmark; this file only moves datagrams.
 *   make run SERVICE=dns, then: dig @127.0.0.1 -p 5353 host42.mote.test
 */
#include <errno.h>

#include <mote/mote.h>

#include "lib/dns/dns.h"

#define DNS_PORT        53
#define REPLY_MAX       4096 /* lib/dns keeps UDP replies within the client's EDNS size */
#define STATS_PERIOD_NS (60 * MOTE_NS_PER_S)

static struct dns_zone zone;
static struct dns_stats stats;
static uint8_t reply[REPLY_MAX];

static void on_query(int sock, const void *data, size_t len, const struct mote_endpoint *from,
                     void *arg)
{
    (void)arg;
    size_t n = dns_answer(&zone, &stats, data, len, reply, sizeof(reply), DNS_TRANSPORT_UDP);
    if (n > 0)
        mote_udp_send(sock, reply, n, from);
}

static void log_stats(void *arg)
{
    (void)arg;
    mote_log(MOTE_LOG_INFO,
             "dns: %llu queries, %llu noerror, %llu nxdomain, %llu refused, "
             "%llu formerr, %llu dropped",
             (unsigned long long)stats.queries, (unsigned long long)stats.noerror,
             (unsigned long long)stats.nxdomain, (unsigned long long)stats.refused,
             (unsigned long long)stats.formerr, (unsigned long long)stats.dropped);
}

void service_start(const char *args)
{
    uint64_t records = DNS_ZONE_RECORDS_DEFAULT;
    if (mote_arg_get_u64(args, "records", &records) == -EINVAL ||
        dns_zone_init(&zone, records > UINT32_MAX ? 0 : (uint32_t)records) != 0) {
        mote_log(MOTE_LOG_ERROR, "dns: records: expected a number from 1 to %u",
                 (unsigned)DNS_ZONE_RECORDS_MAX);
        mote_exit(2);
    }
    int sock = mote_udp_bind(DNS_PORT, on_query, NULL);
    if (sock < 0) {
        mote_log(MOTE_LOG_ERROR, "dns: cannot listen on UDP port %d: error %d", DNS_PORT, sock);
        mote_exit(1);
    }
    mote_timer_every(STATS_PERIOD_NS, log_stats, NULL);
    mote_log(MOTE_LOG_INFO, "dns: serving %llu records of mote.test on UDP port %d",
             (unsigned long long)records, DNS_PORT);
}
