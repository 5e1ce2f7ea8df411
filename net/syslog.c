// SPDX-License-Identifier: MIT
/*
 * RFC 5424 syslog over UDP (RFC 5426), see syslog.h. Each message:
 *   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG
 * PRI = facility * 8 + severity (§6.2.1) with facility 1 (user-level);
 * TIMESTAMP in RFC 3339 UTC with microseconds from the wall clock, or "-"
 * without an RTC; APP-NAME "mote"; PROCID, MSGID and STRUCTURED-DATA "-".
 */
#include "net/syslog.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>
#include <mote/net.h>
#include <mote/time.h>
#include <mote/timer.h>

#include "kernel/event.h"
#include "kernel/log.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"

#define SYSLOG_LINE_MAX   640 /* header (about 100 bytes) and a 512-byte log line */
#define HOSTNAME_MAX      255 /* §6.2.4 */
#define COLLECTOR_ARG_MAX 64
#define FACILITY_USER     1
#define SYSLOG_VERSION    1
#define LOCAL_PORT        514 /* the source port RFC 5426 §3.3 suggests */
#define RETRY_NS          (200 * MOTE_NS_PER_MS)
#define ARP_WAIT_NS       (20 * MOTE_NS_PER_MS)
#define DEFAULT_HOSTNAME  "mote"
#define APP_NAME          "mote"

/* §6.2.1 severities */
static const int severity[] = {
    [MOTE_LOG_ERROR] = 3,
    [MOTE_LOG_WARN] = 4,
    [MOTE_LOG_INFO] = 6,
    [MOTE_LOG_DEBUG] = 7,
};

static struct {
    int sock;
    struct mote_endpoint to;
    char hostname[HOSTNAME_MAX + 1];
    int event;
    int retry_timer;
    /* Queue of formatted messages: the logger fills head, the loop sends tail. */
    char lines[SYSLOG_QUEUE][SYSLOG_LINE_MAX];
    uint16_t lens[SYSLOG_QUEUE];
    volatile uint32_t head, tail;
    volatile unsigned long dropped;
    unsigned long dropped_reported;
    unsigned long sent;
} sl;

#define SECS_PER_DAY 86400

/* The proleptic Gregorian date of a day number since 1970-01-01 (H. Hinnant, "civil_from_days"). */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int)(yoe + era * 400) + (*m <= 2);
}

/* RFC 3339 "2026-11-23T12:00:00.123456Z", or the NILVALUE without a wall clock. */
static int put_timestamp(char *buf, size_t len)
{
    int64_t ns = mote_wallclock_ns();
    if (ns < 0)
        return snprintf(buf, len, "-");
    int64_t secs = ns / (int64_t)MOTE_NS_PER_S;
    int year;
    unsigned month, day, sod = (unsigned)(secs % SECS_PER_DAY);
    civil_from_days(secs / SECS_PER_DAY, &year, &month, &day);
    return snprintf(buf, len, "%04d-%02u-%02uT%02u:%02u:%02u.%06lldZ", year, month, day, sod / 3600,
                    sod / 60 % 60, sod % 60,
                    (long long)(ns % (int64_t)MOTE_NS_PER_S / (int64_t)MOTE_NS_PER_US));
}

static unsigned long irq_save(void)
{
    unsigned long daif;
    __asm__ volatile("mrs %0, daif\n msr daifset, #2" : "=r"(daif)::"memory");
    return daif;
}

static void irq_restore(unsigned long daif)
{
    __asm__ volatile("msr daif, %0" ::"r"(daif) : "memory");
}

/* Formats one message into the queue. */
static void enqueue(int pri, const char *msg, size_t len)
{
    unsigned long daif = irq_save(); /* an interrupt handler may log in the middle */
    if (sl.head - sl.tail == SYSLOG_QUEUE) {
        sl.dropped++;
        irq_restore(daif);
        return;
    }
    char *line = sl.lines[sl.head % SYSLOG_QUEUE];
    char stamp[40];
    put_timestamp(stamp, sizeof(stamp));
    int n = snprintf(line, SYSLOG_LINE_MAX, "<%d>%d %s %s %s - - - ", pri, SYSLOG_VERSION, stamp,
                     sl.hostname, APP_NAME);
    if (n < 0 || n >= SYSLOG_LINE_MAX)
        n = 0;
    size_t room = SYSLOG_LINE_MAX - (size_t)n;
    if (len > room)
        len = room;
    memcpy(line + n, msg, len);
    sl.lens[sl.head % SYSLOG_QUEUE] = (uint16_t)(n + (int)len);
    sl.head++;
    irq_restore(daif);
    event_raise(sl.event);
}

static void sink(enum mote_log_level level, const char *msg, size_t len)
{
    enqueue(FACILITY_USER * 8 + severity[level], msg, len);
}

static void retry(void *arg)
{
    (void)arg;
    sl.retry_timer = 0;
    event_raise(sl.event);
}

static void retry_in(uint64_t ns)
{
    if (sl.retry_timer <= 0)
        sl.retry_timer = mote_timer_after(ns, retry, NULL);
}

/*
 * Whether the collector's next hop (itself or the gateway) has an ARP entry.
 * lwIP keeps only the last packet sent to an unresolved address (ARP_QUEUEING
 * is off), so a burst then would lose all but one line.
 */
static bool next_hop_resolved(void)
{
    struct netif *nif = netif_default;
    if (!nif || ip4_addr_isany_val(*netif_ip4_addr(nif)))
        return true; /* no address yet: the send fails and is retried anyway */
    ip4_addr_t to, hop;
    memcpy(&to.addr, sl.to.addr, 4);
    hop =
        ip4_addr_netcmp(&to, netif_ip4_addr(nif), netif_ip4_netmask(nif)) ? to : *netif_ip4_gw(nif);
    struct eth_addr *eth;
    const ip4_addr_t *ip;
    return etharp_find_addr(nif, &hop, &eth, &ip) >= 0;
}

/* Event loop: sends what is queued; on a network error keeps it and tries again later. */
static void send_queued(void *arg)
{
    (void)arg;
    while (sl.tail != sl.head) {
        bool resolving = !next_hop_resolved(); /* this line starts ARP, the rest waits */
        int err = mote_udp_send(sl.sock, sl.lines[sl.tail % SYSLOG_QUEUE],
                                sl.lens[sl.tail % SYSLOG_QUEUE], &sl.to);
        if (err == -EHOSTUNREACH || err == -ENOMEM || err == -ENETDOWN) {
            retry_in(RETRY_NS);
            return;
        }
        if (err == 0)
            sl.sent++;
        else
            sl.dropped++; /* refused for good (too long...): not retried */
        sl.tail++;
        if (resolving && sl.tail != sl.head) {
            retry_in(ARP_WAIT_NS);
            return;
        }
    }
    unsigned long dropped = sl.dropped;
    if (dropped != sl.dropped_reported) {
        char msg[80];
        int n = snprintf(msg, sizeof(msg), "syslog: %lu messages dropped (queue full or refused)",
                         dropped - sl.dropped_reported);
        sl.dropped_reported = dropped;
        enqueue(FACILITY_USER * 8 + severity[MOTE_LOG_WARN], msg, (size_t)n);
    }
}

static void receive_nothing(int sock, const void *data, size_t len,
                            const struct mote_endpoint *from, void *arg)
{
    (void)sock, (void)data, (void)len, (void)from, (void)arg; /* a collector never writes back */
}

/* HOST:PORT with an IPv4 HOST in dotted decimal; returns 0 or -EINVAL. */
static int parse_collector(const char *val, struct mote_endpoint *to)
{
    unsigned a[4], port;
    char end;
    if (sscanf(val, "%3u.%3u.%3u.%3u:%5u%c", &a[0], &a[1], &a[2], &a[3], &port, &end) != 5)
        return -EINVAL;
    if (a[0] > 255 || a[1] > 255 || a[2] > 255 || a[3] > 255 || port == 0 || port > 65535)
        return -EINVAL;
    memset(to, 0, sizeof(*to));
    to->family = MOTE_AF_INET;
    for (int i = 0; i < 4; i++)
        to->addr[i] = (uint8_t)a[i];
    to->port = (uint16_t)port;
    return 0;
}

/* §6.2.4: 1 to 255 printable US-ASCII characters, no space. */
static bool hostname_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > HOSTNAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++)
        if (name[i] < '!' || name[i] > '~')
            return false;
    return true;
}

int syslog_start(const char *args)
{
    char val[COLLECTOR_ARG_MAX];
    int len = mote_arg_get(args, "syslog", val, sizeof(val));
    if (len == -ENOENT)
        return -ENOENT;
    if (len < 0 || parse_collector(val, &sl.to) != 0) {
        mote_log(MOTE_LOG_ERROR,
                 "syslog: syslog=%s not understood; expected syslog=HOST:PORT "
                 "with an IPv4 address, e.g. syslog=10.0.2.2:514",
                 len < 0 ? "(too long)" : val);
        return -EINVAL;
    }
    strcpy(sl.hostname, DEFAULT_HOSTNAME);
    char name[HOSTNAME_MAX + 1];
    int nlen = mote_arg_get(args, "hostname", name, sizeof(name));
    bool bad_name = nlen != -ENOENT && (nlen < 0 || !hostname_ok(name));
    if (nlen >= 0 && !bad_name)
        strcpy(sl.hostname, name);

    sl.event = event_source_add(send_queued, NULL);
    if (sl.event < 0)
        return sl.event;
    sl.sock = mote_udp_bind(LOCAL_PORT, receive_nothing, NULL);
    if (sl.sock < 0) {
        mote_log(MOTE_LOG_ERROR, "syslog: no UDP socket: error %d; remote logs are off", sl.sock);
        return sl.sock;
    }
    log_set_sink(sink);
    mote_log(MOTE_LOG_INFO, "syslog: sending logs to %u.%u.%u.%u:%u as %s", sl.to.addr[0],
             sl.to.addr[1], sl.to.addr[2], sl.to.addr[3], (unsigned)sl.to.port, sl.hostname);
    if (bad_name) /* said after the start, so the collector hears it too */
        mote_log(MOTE_LOG_WARN,
                 "syslog: hostname= must be 1 to 255 printable characters "
                 "without spaces; using \"%s\"",
                 DEFAULT_HOSTNAME);
    return 0;
}
