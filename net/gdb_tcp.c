// SPDX-License-Identifier: MIT
/*
 * The GDB stub's TCP transport, see gdb_tcp.h.
 *
 * Polling while stopped: the stub runs the network device's receive path
 * itself through the driver's poll operation (net/netdev.h); a device
 * without one refuses gdb=tcp. While stopped, the device's receive hook is swapped for a filter
 * that passes ARP and the debugger's TCP port only: other frames are dropped (and counted), as a
 * stopped machine would not answer them. lwIP's timeouts run from the poll too (TCP retransmission,
 * ARP), and its per-packet globals are saved around it, because the stop may be inside lwIP's own
 * input path (a breakpoint in a UDP service callback).
 *
 * Who may attach: the stub can read and write all memory, so a debugger is a
 * root shell. gdb=tcp:PORT listens on every address of the image but accepts
 * a debugger only from the local link (an IPv4 peer inside the interface's
 * subnet, an IPv6 peer that is link-local or inside one of its /64 prefixes):
 * a routed peer is reset. Under QEMU's user networking the host's forwarded
 * connections come from the on-link 10.0.2.2, so that is the host, and the
 * forward itself decides who on the host side may reach it (127.0.0.1 in make
 * run, mote run and the tests). gdb=tcp:ADDR:PORT binds to that one address
 * of the image and accepts any peer that reaches it: the user said where.
 * One debugger at a time: another connection while one is attached is reset
 * (it would otherwise take over a session mid-way); a debugger that vanished
 * without a word is found by TCP keep-alives and frees the place.
 */
#include "net/gdb_tcp.h"

#include <errno.h>
#include <string.h>

#include <mote/log.h>
#include <mote/net.h>
#include <mote/time.h>

#include "lib/args/number.h"

#include "kernel/gdb_transport.h"
#include "kernel/ring.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"
#include "net/gdb_filter.h"
#include "net/net.h"
#include "net/netdev.h"

#define RING             4096 /* received, not yet read; a power of two */
#define RSP_INTERRUPT    0x03
#define WRITE_TIMEOUT_NS (10 * MOTE_NS_PER_S)

/* A debugger silent this long is probed; after KEEPALIVE_PROBES unanswered ones it is gone. */
#define KEEPALIVE_IDLE_MS     20000
#define KEEPALIVE_INTERVAL_MS 5000
#define KEEPALIVE_PROBES      4

static struct {
    uint16_t port;
    int conn; /* the debugger's connection, 0 when none */
    const struct gdb_transport_events *ev;
    struct netdev *dev;
    bool (*saved_receive)(struct netdev *dev, void *frame, size_t len, void *buf,
                          const struct netdev_csum *csum);
    struct ring rx; /* producer: on_data (the loop, or the stub's polls); consumer: read */
    bool any_peer;  /* gdb=tcp:ADDR:PORT: any peer; gdb=tcp:PORT: on-link peers only */
    /*
     * A debugger that arrived during a stop whose own debugger left: the stub
     * is still ending that session and must not take the newcomer's bytes
     * for it, so they wait in rx until the next stop, which resume asks for.
     */
    bool ended_in_stop, held;
    unsigned long filtered, overflow;
    unsigned long refused_busy, refused_remote; /* connections reset, logged once each */
} g;
static uint8_t rx_buf[RING];

/* While stopped, only the frames gdb_frame_wanted (net/gdb_filter.c) lets through. */
static bool filter_receive(struct netdev *dev, void *frame, size_t len, void *buf,
                           const struct netdev_csum *csum)
{
    if (gdb_frame_wanted(frame, len, g.port))
        return g.saved_receive(dev, frame, len, buf, csum);
    g.filtered++;
    return false; /* dropped: the buffer stays the driver's */
}

static void on_data(int conn, const void *data, size_t len, void *arg)
{
    (void)arg;
    if (conn != g.conn)
        return;
    const uint8_t *p = data;
    bool interrupt = false;
    for (size_t i = 0; i < len; i++) {
        if (!ring_put(&g.rx, p[i])) {
            g.overflow++;
            continue;
        }
        interrupt |= p[i] == RSP_INTERRUPT;
    }
    if (interrupt && !g.saved_receive) /* only while running: stopped, the stub reads it */
        g.ev->stop();
}

static void on_gone(int conn)
{
    if (conn != g.conn)
        return;
    g.conn = 0;
    g.held = false;
    if (!g.saved_receive) /* running: the stub cleans up now, else it sees the end itself */
        g.ev->gone();
    else
        g.ended_in_stop = true;
}

static void on_closed(int conn, void *arg)
{
    (void)arg;
    mote_tcp_close(conn);
    on_gone(conn);
}

static void on_error(int conn, int err, void *arg)
{
    (void)arg;
    (void)err;
    on_gone(conn);
}

/* Whether peer is on the interface's own link (see the top of this file). */
static bool peer_on_link(const ip_addr_t *peer)
{
    const struct netif *n = netif_default;
    if (!n)
        return false;
    if (!IP_IS_V6(peer)) {
        const ip4_addr_t *a = netif_ip4_addr(n);
        return !ip4_addr_isany(a) && ip4_addr_netcmp(ip_2_ip4(peer), a, netif_ip4_netmask(n));
    }
    const ip6_addr_t *p6 = ip_2_ip6(peer);
    if (ip6_addr_islinklocal(p6))
        return true;
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
        if (ip6_addr_isvalid(netif_ip6_addr_state(n, i)) &&
            ip6_addr_netcmp_zoneless(p6, netif_ip6_addr(n, i)))
            return true;
    return false;
}

/* Resets conn, counting why in *count and saying it the first time. */
static void refuse(int conn, const ip_addr_t *peer, unsigned long *count, const char *why)
{
    char text[IPADDR_STRLEN_MAX];
    mote_tcp_abort(conn);
    if ((*count)++ == 0)
        mote_log(MOTE_LOG_WARN, "gdb: refused a debugger from %s: %s (said once)",
                 ipaddr_ntoa_r(peer, text, sizeof(text)), why);
}

static void on_accept(int conn, const struct mote_endpoint *peer, void *arg)
{
    (void)arg;
    static const struct mote_tcp_callbacks cb = {
        .data = on_data,
        .closed = on_closed,
        .error = on_error,
    };
    ip_addr_t from;
    if (net_endpoint_to(peer, &from) != 0) {
        mote_tcp_abort(conn);
        return;
    }
    if (!g.any_peer && !peer_on_link(&from)) {
        refuse(conn, &from, &g.refused_remote,
               "not on the local link (gdb=tcp:ADDR:PORT accepts any peer that reaches ADDR)");
        return;
    }
    if (g.conn) {
        refuse(conn, &from, &g.refused_busy, "another debugger is attached");
        return;
    }
    g.conn = conn;
    g.held = g.saved_receive && g.ended_in_stop;
    ring_skip(&g.rx, ring_used(&g.rx)); /* what the last debugger left */
    mote_tcp_set_callbacks(conn, &cb, NULL);
    net_tcp_keepalive(conn, KEEPALIVE_IDLE_MS, KEEPALIVE_INTERVAL_MS, KEEPALIVE_PROBES);
    if (!g.saved_receive)
        g.ev->stop();
}

/*
 * gdb=tcp:PORT listens on PORT on every address, for on-link peers;
 * gdb=tcp:ADDR:PORT ("10.0.2.15:1234", "[fe80::1]:1234") on ADDR only, for
 * any peer. Starts the network if needed.
 */
static int gdb_tcp_open(const char *param, const struct gdb_transport_events *ev)
{
    uint64_t port;
    struct mote_endpoint at;
    ip_addr_t addr = *IP_ANY_TYPE;
    if (!param)
        return -EINVAL;
    if (number_parse_decimal_str(param, UINT16_MAX, &port) == 0 && port != 0) {
        g.any_peer = false;
    } else if (mote_endpoint_parse(param, &at) == 0 && net_endpoint_to(&at, &addr) == 0) {
        port = at.port;
        g.any_peer = true;
    } else {
        return -EINVAL;
    }
    g.dev = netdev_get(0);
    if (!g.dev)
        return -ENETDOWN;
    if (!g.dev->poll)
        return -ENOSYS;
    g.port = (uint16_t)port;
    g.ev = ev;
    g.rx = (struct ring)RING_INIT(rx_buf);
    int id = net_tcp_listen_at(&addr, g.port, on_accept, NULL);
    return id < 0 ? id : 0;
}

static void poll_network(void)
{
    if (!g.saved_receive) {
        g.saved_receive = g.dev->receive;
        g.dev->receive = filter_receive;
    }
    struct ip_globals saved = ip_data; /* the stop may be inside ip_input */
    g.dev->poll(g.dev);
    sys_check_timeouts();
    ip_data = saved;
}

static size_t gdb_tcp_read(uint8_t *buf, size_t len)
{
    poll_network();
    return g.held ? 0 : ring_read(&g.rx, buf, len);
}

static bool gdb_tcp_connected(void)
{
    return g.conn != 0 && !g.held;
}

static int gdb_tcp_write(const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t deadline = mote_time_ns() + WRITE_TIMEOUT_NS;
    while (len) {
        if (!gdb_tcp_connected()) /* the last session's words are not for a newcomer */
            return -ENOTCONN;
        int n = mote_tcp_write(g.conn, p, len);
        if (n < 0)
            return n;
        p += n;
        len -= (size_t)n;
        if (len) {
            if (mote_time_ns() > deadline)
                return -ETIMEDOUT;
            poll_network();
        }
    }
    return 0;
}

/* Never sleep in wfi: lwIP's timeouts need the polls. */
static bool gdb_tcp_quiet(void)
{
    return false;
}

static void gdb_tcp_resume(void)
{
    if (g.saved_receive) {
        g.dev->receive = g.saved_receive;
        g.saved_receive = NULL;
    }
    g.ended_in_stop = false;
    if (g.held) { /* the newcomer's turn */
        g.held = false;
        g.ev->stop();
    }
    net_timeouts_changed();
}

static const struct gdb_transport tcp = {
    .name = "tcp",
    .label = "TCP",
    .open = gdb_tcp_open,
    .read = gdb_tcp_read,
    .write = gdb_tcp_write,
    .connected = gdb_tcp_connected,
    .quiet = gdb_tcp_quiet,
    .resume = gdb_tcp_resume,
};

void gdb_tcp_register(void)
{
    gdb_transport_register(&tcp);
}
