// SPDX-License-Identifier: MIT
/*
 * RFC 5424 syslog over UDP (RFC 5426), see syslog.h. The message format is
 * lib/syslog (facility 1, user-level; APP-NAME "mote"; the wall clock as
 * TIMESTAMP); this file queues, sends and counts.
 */
#include "net/syslog.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <mote/args.h>
#include <mote/error.h>
#include <mote/log.h>
#include <mote/net.h>
#include <mote/time.h>
#include <mote/timer.h>

#include "arch/aarch64/cpu.h"
#include "kernel/boothook.h"
#include "kernel/event.h"
#include "kernel/log.h"
#include "kernel/ring.h"
#include "lib/syslog/message.h"
#include "lwip/etharp.h"
#include "lwip/netif.h"
#include "net/net.h"

#define SYSLOG_LINE_MAX   640 /* header (about 100 bytes) and a 512-byte log line */
#define COLLECTOR_ARG_MAX 64
#define FACILITY_USER     1
#define LOCAL_PORT        514 /* the source port RFC 5426 §3.3 suggests */
#define RETRY_NS          (200 * MOTE_NS_PER_MS)
#define ARP_WAIT_NS       (20 * MOTE_NS_PER_MS)
#define DEFAULT_HOSTNAME  "mote"
#define APP_NAME          "mote"

/* §6.2.1 severities */
static const unsigned severities[] = {
    [MOTE_LOG_ERROR] = 3,
    [MOTE_LOG_WARN] = 4,
    [MOTE_LOG_INFO] = 6,
    [MOTE_LOG_DEBUG] = 7,
};

/* A queued message: its length, then its bytes, in the ring. */
struct queued {
    uint16_t len;
    char line[SYSLOG_LINE_MAX];
};

static uint8_t queue_buf[SYSLOG_QUEUE_BYTES];

static struct {
    int sock;
    struct mote_endpoint to;
    char hostname[SYSLOG_HOSTNAME_MAX + 1];
    int event;
    int retry_timer;
    volatile unsigned long dropped;
    unsigned long dropped_reported;
    unsigned long sent;
} sl;
/*
 * Formatted messages (kernel/ring.h): the loggers produce, taking turns with
 * interrupts masked (a handler may log in the middle of the loop's line); the
 * loop consumes. Apart from sl, so that sl is all zero at boot (.bss) and not
 * 336 bytes of initialised data in the image.
 */
static struct ring queue = RING_INIT(queue_buf);

/* Formats one message into the queue. */
static void enqueue(unsigned severity, const char *msg, size_t len)
{
    static struct queued q; /* static: an interrupt handler's stack is small; guarded below */
    uint64_t daif = cpu_irq_save();
    int n = syslog_format_message(q.line, sizeof(q.line), FACILITY_USER, severity,
                                  mote_wallclock_ns(), sl.hostname, APP_NAME, msg, len);
    q.len = (uint16_t)n;
    /* n < 0 cannot happen: every field was checked at the start */
    bool queued = n >= 0 && ring_write(&queue, &q, sizeof(q.len) + (size_t)n);
    if (!queued)
        sl.dropped++;
    cpu_irq_restore(daif);
    if (queued)
        event_raise(sl.event);
}

static void sink(enum mote_log_level level, const char *msg, size_t len)
{
    enqueue(severities[level], msg, len);
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
 * lwIP queues packets to an unresolved address (ARP_QUEUEING), but only
 * ARP_QUEUE_LEN of them (net/lwipopts.h), fewer than this queue holds, so
 * a burst then could lose lines: the first one starts ARP, the rest wait.
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
    static struct queued q;
    while (ring_peek(&queue, &q.len, sizeof(q.len)) == sizeof(q.len)) {
        size_t size = sizeof(q.len) + q.len;
        ring_peek(&queue, &q, size);           /* the producer wrote it whole */
        bool resolving = !next_hop_resolved(); /* this line starts ARP, the rest waits */
        int err = mote_udp_send(sl.sock, q.line, q.len, &sl.to);
        if (err == -EHOSTUNREACH || err == -ENOMEM || err == -ENETDOWN) {
            retry_in(RETRY_NS);
            return;
        }
        if (err == 0)
            sl.sent++;
        else
            sl.dropped++; /* refused for good (too long...): not retried */
        ring_skip(&queue, size);
        if (resolving && ring_used(&queue)) {
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
        enqueue(severities[MOTE_LOG_WARN], msg, (size_t)n);
    }
}

static void receive_nothing(int sock, const void *data, size_t len,
                            const struct mote_endpoint *from, void *arg)
{
    (void)sock, (void)data, (void)len, (void)from, (void)arg; /* a collector never writes back */
}

int syslog_start(const char *args)
{
    char val[COLLECTOR_ARG_MAX];
    int len = mote_arg_get(args, "syslog", val, sizeof(val));
    if (len == -ENOENT)
        return -ENOENT;
    if (len < 0 || syslog_parse_collector(val, sl.to.addr, &sl.to.port) != 0) {
        mote_log(MOTE_LOG_ERROR,
                 "syslog: syslog=%s not understood; expected syslog=HOST:PORT "
                 "with an IPv4 address, e.g. syslog=10.0.2.2:514",
                 len < 0 ? "(too long)" : val);
        return -EINVAL;
    }
    sl.to.family = MOTE_AF_INET;
    strcpy(sl.hostname, DEFAULT_HOSTNAME);
    char name[SYSLOG_HOSTNAME_MAX + 1];
    int nlen = mote_arg_get(args, "hostname", name, sizeof(name));
    bool bad_name = nlen != -ENOENT && (nlen < 0 || !syslog_name_ok(name, SYSLOG_HOSTNAME_MAX));
    if (nlen >= 0 && !bad_name)
        strcpy(sl.hostname, name);

    sl.event = event_source_add(send_queued, NULL);
    if (sl.event < 0)
        return sl.event;
    sl.sock = mote_udp_bind(LOCAL_PORT, receive_nothing, NULL);
    if (sl.sock < 0) {
        mote_log(MOTE_LOG_ERROR, "syslog: no UDP socket: %s; remote logs are off",
                 mote_strerror(sl.sock));
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

/* Before the service starts: syslog= brings the network up now, which starts the logs (net_up). */
static void start_at_boot(const char *bootargs)
{
    char val[2];
    if (mote_arg_get(bootargs, "syslog", val, sizeof(val)) == -ENOENT)
        return;
    int err = net_up();
    if (err)
        mote_log(MOTE_LOG_ERROR, "syslog: %s; remote logs are off", mote_strerror(err));
}

BOOT_HOOK(syslog_hook) = {
    .name = "syslog",
    .args = {"syslog", "hostname"},
    .start = start_at_boot,
};
