// SPDX-License-Identifier: MIT
/*
 * dns: an authoritative DNS server for the synthetic zone mote.test:
 * host<i>.mote.test. -> 10.0.0.0 + i for i = 1..records (default 10,000), on
 * UDP and TCP port 53. The DNS logic is lib/dns, shared with the Linux
 * baseline of the benchmark; this file moves datagrams, tcp.c streams.
 * Typing "stats" on the console logs the counters (also every minute).
 *   make run, then: dig @127.0.0.1 -p 5353 host42.mote.test (add +tcp for TCP)
 */
#include <errno.h>
#include <string.h>

#include <mote/mote.h>

#include "dns_service.h"

#define REPLY_MAX       4096 /* lib/dns keeps UDP replies within the client's EDNS size */
#define STATS_PERIOD_NS (60 * MOTE_NS_PER_S)

struct dns_zone dns_service_zone;
struct dns_stats dns_service_stats;
static uint8_t reply[REPLY_MAX];

/*
 * Answers in place when it can: dns_answer reads what it needs of the query
 * before it writes, and a reply's question is the query's at the same
 * offset, so the reply is built over the query in its receive buffer (its
 * question left where it is) and sent back as it is (mote_udp_reply);
 * otherwise from a buffer of its own.
 */
static void on_query(int sock, const void *data, size_t len, const struct mote_endpoint *from,
                     void *arg)
{
    /* The room comes back by value: no local's address taken, so no stack-protector canary. */
    (void)arg;
    struct mote_udp_room in_place = mote_udp_reply_buffer(sock);
    if (in_place.buf) {
        size_t n = dns_answer_in_place(in_place.buf, in_place.room, len, &dns_service_zone,
                                       &dns_service_stats);
        if (n)
            mote_udp_reply(sock, n); /* or the ordinary way, when no transmit buffer is free */
        return;
    }
    size_t n = dns_answer(&dns_service_zone, &dns_service_stats, data, len, reply, sizeof(reply),
                          DNS_TRANSPORT_UDP);
    if (n)
        mote_udp_send(sock, reply, n, from);
}

static void log_stats(void *arg)
{
    const struct dns_stats *s = &dns_service_stats;
    struct mote_net_stats net;
    (void)arg;
    mote_log(MOTE_LOG_INFO,
             "dns: %llu queries, %llu noerror, %llu nxdomain, %llu refused, "
             "%llu formerr, %llu notimp, %llu badvers, %llu truncated, %llu dropped",
             (unsigned long long)s->queries, (unsigned long long)s->noerror,
             (unsigned long long)s->nxdomain, (unsigned long long)s->refused,
             (unsigned long long)s->formerr, (unsigned long long)s->notimp,
             (unsigned long long)s->badvers, (unsigned long long)s->truncated,
             (unsigned long long)s->dropped);
    if (mote_net_stats(&net) == 0)
        mote_log(
            MOTE_LOG_INFO,
            "net: link rx %llu tx %llu drops %llu copied %llu; udp rx %llu tx %llu; tcp rx %llu tx %llu "
            "drops %llu errors %llu; bus errors %llu retries %llu malformed %llu",
            (unsigned long long)net.link.rx, (unsigned long long)net.link.tx,
            (unsigned long long)net.link.drops, (unsigned long long)net.rx_copied,
            (unsigned long long)net.udp.rx, (unsigned long long)net.udp.tx,
            (unsigned long long)net.tcp.rx, (unsigned long long)net.tcp.tx,
            (unsigned long long)net.tcp.drops, (unsigned long long)net.tcp.errors,
            (unsigned long long)net.bus_errors, (unsigned long long)net.bus_retries,
            (unsigned long long)net.rx_malformed);
    if (mote_net_stats(&net) == 0)
        mote_log(MOTE_LOG_INFO,
                 "net: watchdog tx renotified %llu recollected %llu; rx renotified %llu "
                 "recollected %llu",
                 (unsigned long long)net.tx_renotified, (unsigned long long)net.tx_recollected,
                 (unsigned long long)net.rx_renotified, (unsigned long long)net.rx_recollected);
}

static void on_console(const char *data, size_t len, void *arg)
{
    static char line[16];
    static size_t line_len;
    (void)arg;
    for (size_t i = 0; i < len; i++) {
        if (data[i] != '\r' && data[i] != '\n') {
            if (line_len < sizeof(line) - 1)
                line[line_len++] = data[i];
            continue;
        }
        line[line_len] = '\0';
        if (strcmp(line, "stats") == 0)
            log_stats(NULL);
        else if (line_len > 0)
            mote_log(MOTE_LOG_INFO, "dns: unknown command \"%s\"; expected stats", line);
        line_len = 0;
    }
}

void service_start(const char *args)
{
    uint64_t records = DNS_ZONE_RECORDS_DEFAULT;
    if (mote_arg_get_u64(args, "records", &records) == -EINVAL ||
        dns_zone_init(&dns_service_zone, records > UINT32_MAX ? 0 : (uint32_t)records) != 0) {
        mote_log(MOTE_LOG_ERROR, "dns: records: expected a number from 1 to %u",
                 (unsigned)DNS_ZONE_RECORDS_MAX);
        mote_exit(2);
    }
    int sock = mote_udp_bind(DNS_PORT, on_query, NULL);
    if (sock < 0) {
        mote_log(MOTE_LOG_ERROR, "dns: cannot listen on UDP port %d: %s", DNS_PORT,
                 mote_strerror(sock));
        mote_exit(1);
    }
    int err = dns_tcp_start(DNS_PORT);
    if (err < 0) {
        mote_log(MOTE_LOG_ERROR, "dns: cannot listen on TCP port %d: %s", DNS_PORT,
                 mote_strerror(err));
        mote_exit(1);
    }
    mote_timer_every(STATS_PERIOD_NS, log_stats, NULL);
    mote_console_on_input(on_console, NULL);
    mote_log(MOTE_LOG_INFO, "dns: serving %llu records of mote.test on UDP and TCP port %d",
             (unsigned long long)records, DNS_PORT);
}
