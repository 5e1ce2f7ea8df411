// SPDX-License-Identifier: MIT
/*
 * TCP listeners and connections (include/mote/net.h) over lwIP's altcp API,
 * and the same for TLS ones (include/mote/tls.h): net/tls.c creates TLS
 * pcbs and hands them to this table with its hooks (net/tcp_conn.h). In
 * images without TLS, lwIP is built without altcp and altcp_* are lwIP's
 * raw tcp_* (lwip/altcp.h): what TLS adds is compiled out (CONN_OPS).
 *
 * Each listener and connection has a slot; its id carries the slot's
 * generation, so an id kept after close never reaches a newer connection in
 * the same slot. Received pbufs go to the data callback piece by piece in
 * place, without a copy, and are acknowledged first: lwIP's tcp_close() sends
 * RST instead of FIN while received data is unacknowledged, and a service
 * often closes from inside its data callback.
 *
 * mote_tcp_send() data that does not fit lwIP's send buffer waits in the
 * slot and is pushed from lwIP's sent callback. A connection closed with data
 * still waiting stays in its slot, invisible to the service, until the data
 * is out; then FIN.
 *
 * An outbound connection (mote_tcp_connect) has its slot from the start; it
 * is "connecting" until lwIP's connected callback, and a failure before that
 * goes to the service's connect callback instead of its error callback. One
 * made before the network has an address of its family (DHCP or SLAAC still
 * under way) has no route yet: it waits, "unrouted", for the next address
 * change (a netif callback) to try again, up to ROUTE_WAIT_NS.
 *
 * lwIP requires a callback that aborts its own pcb to return ERR_ABRT; the
 * pcb whose callback is running is noted for that.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mote/net.h>
#include <mote/time.h>
#include <mote/timer.h>

#include "lwip/altcp.h"
#include "lwip/tcp.h"
#if LWIP_ALTCP
#include "lwip/altcp_tcp.h"
#endif
#include "net/net.h"
#include "net/tcp_conn.h"

#define MAX_SLOTS     NET_CONN_MAX
#define SLOT_BITS     8 /* an id is generation << SLOT_BITS | (slot index + 1) */
#define SLOT_MASK     ((1u << SLOT_BITS) - 1)
#define GEN_MAX       (1u << (31 - SLOT_BITS)) /* ids stay positive ints */
#define CLOSE_RETRY   1       /* lwIP poll intervals (500 ms) between close retries */
#define WRITE_CHUNK   0xffffu /* tcp_write takes a u16_t length */
#define WAITING_MIN   2048    /* first allocation for mote_tcp_send's waiting bytes */
#define POLL_INTERVAL 2       /* TLS: lwIP's coarse timer periods (500 ms), a second */
#define ROUTE_WAIT_NS \
    (30 * MOTE_NS_PER_S) /* a DHCP lease with QEMU's user networking takes well under 1 s */

_Static_assert(MAX_SLOTS < SLOT_MASK, "slot index must fit in an id");

/* Without altcp, net/tcp_conn.h's functions are this file's alone. */
#if LWIP_ALTCP
#define CONN_API
#else
#define CONN_API static
#endif

struct slot {
    struct altcp_pcb *pcb; /* NULL: free */
    unsigned gen;
    bool listener;
    bool closing;    /* closed by the service: sending what waits, then FIN */
    bool connecting; /* mote_tcp_connect's handshake is not done yet */
    bool unrouted;   /* ... nor started: no address to send from yet */
    mote_tcp_accept_fn accept;
    mote_tcp_connect_fn connect;
    void *connect_arg;
    struct mote_tcp_callbacks cb;
    void *arg;
    uint8_t *waiting; /* mote_tcp_send's bytes lwIP had no room for yet */
    size_t waiting_len, waiting_cap;
    uint64_t idle_ns;
    int idle_timer;
    int route_timer; /* while unrouted */
#if LWIP_ALTCP
    const struct net_conn_ops *ops; /* NULL: plain TCP */
#endif
};

/* A slot's TLS hooks: always NULL without altcp, so the TLS paths compile out. */
#if LWIP_ALTCP
#define CONN_OPS(s) ((s)->ops)
#else
#define CONN_OPS(s) ((void)(s), (const struct net_conn_ops *)NULL)
#endif

static struct slot slots[MAX_SLOTS];
static struct altcp_pcb *running_pcb; /* whose lwIP callback is running */
static bool running_aborted;          /* ... and the service aborted it */

static int slot_id(const struct slot *s)
{
    return (int)(s->gen << SLOT_BITS | (unsigned)(s - slots + 1));
}

/* The service's listener or connection id (closing connections are no longer its). */
static struct slot *slot_find(int id)
{
    unsigned i = ((unsigned)id & SLOT_MASK) - 1;
    if (id <= 0 || i >= MAX_SLOTS || !slots[i].pcb || slots[i].closing || slot_id(&slots[i]) != id)
        return NULL;
    return &slots[i];
}

/* ... of the API ops says (mote_tcp_* or mote_tls_*). */
static struct slot *slot_find_of(int id, const struct net_conn_ops *ops)
{
    struct slot *s = slot_find(id);
    return s && CONN_OPS(s) == ops ? s : NULL;
}

static struct slot *slot_alloc(struct altcp_pcb *pcb)
{
    for (unsigned i = 0; i < MAX_SLOTS; i++) {
        struct slot *s = &slots[i];
        if (s->pcb)
            continue;
        unsigned gen = s->gen % (GEN_MAX - 1) + 1;
        memset(s, 0, sizeof(*s));
        s->pcb = pcb;
        s->gen = gen;
        return s;
    }
    return NULL;
}

/* Frees the slot; the caller deals with its pcb (already gone, or detach()ed). */
static void slot_free(struct slot *s)
{
    if (s->idle_timer > 0)
        mote_timer_cancel(s->idle_timer);
    if (s->route_timer > 0)
        mote_timer_cancel(s->route_timer);
    s->route_timer = 0;
    free(s->waiting);
    s->waiting = NULL;
    s->idle_timer = 0;
    s->pcb = NULL;
    if (CONN_OPS(s) && !s->listener)
        CONN_OPS(s)->freed(slot_id(s));
}

/* lwIP calls nothing of ours for pcb afterwards. */
static void detach(struct slot *s, struct altcp_pcb *pcb)
{
    if (CONN_OPS(s))
        altcp_poll(pcb, NULL, 0);
    altcp_arg(pcb, NULL);
    altcp_recv(pcb, NULL);
    altcp_sent(pcb, NULL);
    altcp_err(pcb, NULL);
}

static struct altcp_pcb *enter(struct altcp_pcb *pcb)
{
    struct altcp_pcb *outer = running_pcb;
    running_pcb = pcb;
    running_aborted = false;
    return outer;
}

/* After a service callback: what lwIP expects from ours. */
static err_t leave(struct altcp_pcb *outer)
{
    bool aborted = running_aborted;
    running_pcb = outer;
    running_aborted = false;
    net_timeouts_changed();
    return aborted ? ERR_ABRT : ERR_OK;
}

/* Whether data may go to lwIP now: routed, and for TLS with its handshake done. */
static bool writable(const struct slot *s)
{
    if (s->unrouted) /* lwIP queues data from SYN_SENT on, not before */
        return false;
    return !CONN_OPS(s) || (!s->connecting && CONN_OPS(s)->ready(s->pcb));
}

/* Queues what lwIP's send buffer takes of data. Returns the bytes queued, or < 0. */
static int push(struct slot *s, const uint8_t *data, size_t len)
{
    size_t done = 0;
    size_t chunk = CONN_OPS(s) ? CONN_OPS(s)->write_max : WRITE_CHUNK;
    if (!writable(s))
        return 0;
    while (done < len) {
        size_t n = len - done;
        size_t space = altcp_sndbuf(s->pcb);
        n = n < space ? n : space;
        n = n < chunk ? n : chunk;
        if (n == 0)
            break;
        err_t err = altcp_write(s->pcb, data + done, (u16_t)n, TCP_WRITE_FLAG_COPY);
        if (err == ERR_MEM) /* segment queue full: back-pressure, like a full buffer */
            break;
        if (err != ERR_OK) {
            if (done)
                break;
            return CONN_OPS(s) ? -ENOTCONN : net_errno(err); /* ERR_CONN: -ENOTCONN */
        }
        done += n;
    }
    if (done > 0) {
        altcp_output(s->pcb);
        net_timeouts_changed();
    }
    return (int)done;
}

/* Pushes waiting bytes. Returns 0 or the error of push(). */
static int push_waiting(struct slot *s)
{
    if (s->waiting_len == 0)
        return 0;
    int n = push(s, s->waiting, s->waiting_len);
    if (n < 0)
        return n;
    memmove(s->waiting, s->waiting + n, s->waiting_len - (size_t)n);
    s->waiting_len -= (size_t)n;
    return 0;
}

/* A connection that failed: its slot goes, the service hears err from the callback it expects. */
static void report(int id, struct slot *s, int err)
{
    mote_tcp_connect_fn connect = !s->closing && s->connecting ? s->connect : NULL;
    void (*error)(int, int, void *) = s->closing ? NULL : s->cb.error;
    void *cb_arg = s->arg, *connect_arg = s->connect_arg;
    slot_free(s);
    if (connect)
        connect(id, err, connect_arg);
    else if (error)
        error(id, err, cb_arg);
}

/* Resets s's connection; the service hears err. Inlined: images without TLS stay as small. */
static inline __attribute__((always_inline)) void fail(struct slot *s, int err)
{
    struct altcp_pcb *pcb = s->pcb;
    int id = slot_id(s);
    detach(s, pcb);
    altcp_abort(pcb);
    report(id, s, err);
}

/* Retries a close that had no memory for its FIN; a dead peer ends it through lwIP's timeouts. */
static err_t close_retry(void *arg, struct altcp_pcb *pcb)
{
    (void)arg;
    if (altcp_close(pcb) == ERR_OK)
        altcp_poll(pcb, NULL, 0);
    return ERR_OK;
}

/* The end of a closing connection: its slot is freed, FIN goes out. Inlined as before the TLS
 * merge. */
static inline __attribute__((always_inline)) void finish_close(struct slot *s)
{
    struct altcp_pcb *pcb = s->pcb;
    bool tls = CONN_OPS(s) != NULL;
    detach(s, pcb);
    slot_free(s);
    if (altcp_close(pcb) != ERR_OK) { /* no memory for the FIN yet */
        if (tls) /* ... nor for close_notify: reset instead of leaking the pcb */
            altcp_abort(pcb);
        else
            altcp_poll(pcb, close_retry, CLOSE_RETRY);
    }
    net_timeouts_changed();
}

/* Not inlined: one copy serves mote_tcp_close and this file's own closes. */
CONN_API __attribute__((noinline)) int net_conn_close(int conn, const struct net_conn_ops *ops)
{
    struct slot *s = slot_find_of(conn, ops);
    if (!s)
        return -EBADF;
    if (s->listener) {
        struct altcp_pcb *pcb = s->pcb;
        slot_free(s);
        altcp_close(pcb); /* cannot fail for a listener */
        return 0;
    }
    memset(&s->cb, 0, sizeof(s->cb));
    s->closing = true;
    s->idle_ns = 0;
    if (s->idle_timer > 0)
        mote_timer_cancel(s->idle_timer);
    s->idle_timer = 0;
    /* TLS's waiting data needs a finished handshake: without one there is nothing to flush into. */
    if (s->waiting_len == 0 || (CONN_OPS(s) && !writable(s)))
        finish_close(s);
    return 0;
}

static void idle_expired(void *arg)
{
    int id = (int)(intptr_t)arg;
    struct slot *s = slot_find(id);
    if (!s)
        return;
    s->idle_timer = 0;
    if (CONN_OPS(s))
        CONN_OPS(s)->idle(id, s->pcb);
    void (*error)(int, int, void *) = s->cb.error;
    void *cb_arg = s->arg;
    net_conn_close(id, CONN_OPS(s));
    if (error)
        error(id, -ETIMEDOUT, cb_arg);
}

static void idle_restart(struct slot *s)
{
    if (s->idle_timer > 0)
        mote_timer_cancel(s->idle_timer);
    s->idle_timer = 0;
    if (s->idle_ns)
        s->idle_timer = mote_timer_after(s->idle_ns, idle_expired, (void *)(intptr_t)slot_id(s));
}

CONN_API int net_conn_abort(int conn, const struct net_conn_ops *ops)
{
    struct slot *s = slot_find_of(conn, ops);
    if (!s)
        return -EBADF;
    if (s->listener)
        return net_conn_close(conn, ops);
    struct altcp_pcb *pcb = s->pcb;
    detach(s, pcb);
    slot_free(s);
    if (pcb == running_pcb)
        running_aborted = true;
    altcp_abort(pcb);
    net_timeouts_changed();
    return 0;
}

static err_t received(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct slot *s = arg;
    if (!s || s->closing || err != ERR_OK) { /* nobody listens any more: acknowledge, drop */
        if (p) {
            altcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    int id = slot_id(s);
    const struct net_conn_ops *ops = CONN_OPS(s);
    if (ops)
        ops->progressed(id);
    struct altcp_pcb *outer = enter(pcb);
    if (!p) { /* FIN: the peer is done sending */
        if (s->cb.closed)
            s->cb.closed(id, s->arg);
        else
            net_conn_close(id, ops);
        return leave(outer);
    }
    altcp_recved(pcb, p->tot_len);
    idle_restart(s);
    for (const struct pbuf *q = p; q && s->cb.data; q = q->next) {
        if (q->len == 0)
            continue;
        s->cb.data(id, q->payload, q->len, s->arg);
        if (slot_find(id) != s) /* closed or aborted from the callback */
            break;
    }
    pbuf_free(p);
    /* TLS: data sent before the first record arrived (a server's early answer) waits for this. */
    if (ops && slot_find(id) == s && push_waiting(s) != 0)
        net_conn_abort(id, ops);
    return leave(outer);
}

static err_t sent(void *arg, struct altcp_pcb *pcb, u16_t len)
{
    struct slot *s = arg;
    (void)len;
    if (!s)
        return ERR_OK;
    if (push_waiting(s) != 0) { /* the connection cannot send any more */
        fail(s, -ECONNABORTED);
        return ERR_ABRT;
    }
    if (s->closing) {
        if (s->waiting_len == 0)
            finish_close(s);
        return ERR_OK;
    }
    if (s->waiting_len > 0 || !s->cb.sent)
        return ERR_OK;
    struct altcp_pcb *outer = enter(pcb);
    s->cb.sent(slot_id(s), altcp_sndbuf(pcb), s->arg);
    return leave(outer);
}

/* lwIP has already freed the pcb (altcp's TLS frees it after this returns). */
static void failed(void *arg, err_t err)
{
    struct slot *s = arg;
    if (!s)
        return;
    int result;
    if (CONN_OPS(s))
        result = CONN_OPS(s)->failed(slot_id(s), s->pcb, err, s->connecting, s->closing);
    else if (s->connecting) /* a reset answering our SYN is a refusal (RFC 9293 §3.10.7.3) */
        result = err == ERR_RST ? -ECONNREFUSED : -ECONNABORTED;
    else
        result = net_errno(err); /* ERR_ABRT also after retransmission timeouts */
    report(slot_id(s), s, result);
    net_timeouts_changed();
}

/* lwIP calls this once the handshake is done (err is always ERR_OK in lwIP 2.1). */
static err_t connected(void *arg, struct altcp_pcb *pcb, err_t err)
{
    struct slot *s = arg;
    (void)err;
    if (!s || s->closing)
        return ERR_OK;
    s->connecting = false;
    if (CONN_OPS(s))
        CONN_OPS(s)->progressed(slot_id(s));
    if (push_waiting(s) != 0) { /* mote_tcp_send data from before a route existed */
        s->connecting = true;   /* the service hears it from its connect callback */
        fail(s, -ECONNABORTED);
        return ERR_ABRT;
    }
    struct altcp_pcb *outer = enter(pcb);
    s->connect(slot_id(s), 0, s->connect_arg);
    return leave(outer);
}

/*
 * TLS, every POLL_INTERVAL: altcp tells a server nothing when its handshake
 * is done, and calls sent only once application data went out, so data the
 * service queued before (a greeting), or left waiting at close, is pushed
 * from here.
 */
static err_t polled(void *arg, struct altcp_pcb *pcb)
{
    struct slot *s = arg;
    if (!s || s->waiting_len == 0 || !writable(s))
        return ERR_OK;
    return sent(arg, pcb, 0);
}

/* Our callbacks on a connection's pcb. */
static void attach(struct altcp_pcb *pcb, struct slot *s)
{
    altcp_arg(pcb, s);
    altcp_recv(pcb, received);
    altcp_sent(pcb, sent);
    altcp_err(pcb, failed);
    if (CONN_OPS(s))
        altcp_poll(pcb, polled, POLL_INTERVAL);
    altcp_nagle_disable(pcb); /* request/response services: answers go out at once */
}

/* The TCP peer of pcb, plain or TLS. */
static void remote_of(struct altcp_pcb *pcb, ip_addr_t *addr, u16_t *port)
{
#if LWIP_ALTCP
    ip_addr_set_zero(addr);
    *port = 0;
    altcp_get_tcp_addrinfo(pcb, 0, addr, port);
#else
    ip_addr_copy(*addr, pcb->remote_ip);
    *port = pcb->remote_port;
#endif
}

/* ... as an endpoint. */
static void endpoint_of(struct altcp_pcb *pcb, struct mote_endpoint *ep)
{
#if LWIP_ALTCP
    ip_addr_t addr;
    u16_t port;
    remote_of(pcb, &addr, &port);
    net_endpoint_from(ep, &addr, port);
#else
    net_endpoint_from(ep, &pcb->remote_ip, pcb->remote_port);
#endif
}

static err_t accepted(void *arg, struct altcp_pcb *pcb, err_t err)
{
    struct slot *l = arg;
    if (err != ERR_OK || !pcb || !l)
        return ERR_VAL;
    struct slot *s = slot_alloc(pcb);
    if (!s) {
        TCP_STATS_INC(tcp.drop);
        altcp_abort(pcb);
        return ERR_ABRT;
    }
#if LWIP_ALTCP
    s->ops = l->ops;
#endif
    attach(pcb, s);
    if (CONN_OPS(s))
        CONN_OPS(s)->started(slot_id(s));

    struct mote_endpoint peer;
    endpoint_of(pcb, &peer);
    struct altcp_pcb *outer = enter(pcb);
    l->accept(slot_id(s), &peer, l->arg);
    return leave(outer);
}

CONN_API int net_conn_listen(struct altcp_pcb *pcb, mote_tcp_accept_fn on_accept, void *arg,
                             const struct net_conn_ops *ops);

int net_tcp_listen_at(const ip_addr_t *addr, uint16_t port, mote_tcp_accept_fn on_accept, void *arg)
{
    if (!addr || !on_accept || port == 0)
        return -EINVAL;
    int err = net_up();
    if (err)
        return err;
    struct altcp_pcb *pcb = altcp_tcp_new_ip_type(IP_GET_TYPE(addr));
    if (!pcb)
        return -ENOMEM;
    if (altcp_bind(pcb, addr, port) != ERR_OK) {
        altcp_close(pcb);
        return -EADDRINUSE;
    }
    return net_conn_listen(pcb, on_accept, arg, NULL);
}

/* Listens with pcb, bound already. */
CONN_API int net_conn_listen(struct altcp_pcb *pcb, mote_tcp_accept_fn on_accept, void *arg,
                             const struct net_conn_ops *ops)
{
    struct slot *s = slot_alloc(pcb);
    struct altcp_pcb *lpcb = s ? altcp_listen_with_backlog(pcb, TCP_DEFAULT_LISTEN_BACKLOG) : NULL;
    if (!lpcb) {
        if (s)
            slot_free(s);
        altcp_close(pcb);
        return -ENOMEM;
    }
    s->pcb = lpcb;
    s->listener = true;
    s->accept = on_accept;
    s->arg = arg;
#if LWIP_ALTCP
    s->ops = ops;
#else
    (void)ops;
#endif
    altcp_arg(lpcb, s);
    altcp_accept(lpcb, accepted);
    return slot_id(s);
}

int mote_tcp_listen(uint16_t port, mote_tcp_accept_fn on_accept, void *arg)
{
    return net_tcp_listen_at(IP_ANY_TYPE, port, on_accept, arg);
}

/* net/net.h; here, beside the connections that wait for an address, and used by MQTT's too. */
bool net_address_pending(const ip_addr_t *addr)
{
    if (!netif_default)
        return false;
    if (!IP_IS_V6(addr))
        return ip4_addr_isany_val(*netif_ip4_addr(netif_default));
#if LWIP_IPV6
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
        if (ip6_addr_isvalid(netif_ip6_addr_state(netif_default, i)))
            return false;
#endif
    return true;
}

static void route_expired(void *arg)
{
    struct slot *s = slot_find((int)(intptr_t)arg);
    if (!s || !s->unrouted)
        return;
    s->route_timer = 0;
    fail(s, -EHOSTUNREACH);
}

/* The network's addresses changed: unrouted connections try again. */
static void retry_unrouted(struct netif *netif, netif_nsc_reason_t reason,
                           const netif_ext_callback_args_t *args)
{
    (void)netif;
    (void)reason;
    (void)args;
    for (unsigned i = 0; i < MAX_SLOTS; i++) {
        struct slot *s = &slots[i];
        if (!s->pcb || !s->unrouted || s->closing)
            continue;
        ip_addr_t addr;
        u16_t port;
        remote_of(s->pcb, &addr, &port);
        err_t e = altcp_connect(s->pcb, &addr, port, connected);
        if (e == ERR_OK) {
            s->unrouted = false;
            if (s->route_timer > 0)
                mote_timer_cancel(s->route_timer);
            s->route_timer = 0;
            if (CONN_OPS(s))
                CONN_OPS(s)->started(slot_id(s));
        } else if (e != ERR_RTE || !net_address_pending(&addr)) {
            fail(s, net_errno(e));
        }
    }
    net_timeouts_changed();
}
NETIF_DECLARE_EXT_CALLBACK(address_watch)

CONN_API int net_conn_connect(struct altcp_pcb *pcb, const ip_addr_t *addr, uint16_t port,
                              mote_tcp_connect_fn on_connect, void *arg,
                              const struct net_conn_ops *ops)
{
    struct slot *s = slot_alloc(pcb);
    if (!s) {
        altcp_abort(pcb); /* never connected: frees it */
        return -ENOMEM;
    }
    s->connecting = true;
    s->connect = on_connect;
    s->connect_arg = arg;
#if LWIP_ALTCP
    s->ops = ops;
#else
    (void)ops;
#endif
    attach(pcb, s);
    err_t e = altcp_connect(pcb, addr, port, connected);
    if (e == ERR_RTE && net_address_pending(addr)) {
        static bool watching;
        if (!watching) {
            netif_add_ext_callback(&address_watch, retry_unrouted);
            watching = true;
        }
        s->unrouted = true; /* altcp_connect has set the pcb's remote address and port */
        s->route_timer =
            mote_timer_after(ROUTE_WAIT_NS, route_expired, (void *)(intptr_t)slot_id(s));
        return slot_id(s);
    }
    if (e != ERR_OK) {
        detach(s, pcb);
        slot_free(s);
        altcp_abort(pcb);
        return net_errno(e); /* ERR_RTE: no route; ERR_MEM: no SYN segment */
    }
    if (CONN_OPS(s))
        CONN_OPS(s)->started(slot_id(s));
    net_timeouts_changed();
    return slot_id(s);
}

int mote_tcp_connect(const struct mote_endpoint *to, mote_tcp_connect_fn on_connect, void *arg)
{
    ip_addr_t addr;
    if (!to || !on_connect || to->port == 0 || net_endpoint_to(to, &addr) != 0)
        return -EINVAL;
    int err = net_up();
    if (err)
        return err;
    struct altcp_pcb *pcb = altcp_tcp_new_ip_type(IP_GET_TYPE(&addr));
    if (!pcb)
        return -ENOMEM;
    return net_conn_connect(pcb, &addr, to->port, on_connect, arg, NULL);
}

static struct slot *conn_find(int conn, const struct net_conn_ops *ops)
{
    struct slot *s = slot_find_of(conn, ops);
    return s && !s->listener ? s : NULL;
}

CONN_API int net_conn_set_callbacks(int conn, const struct net_conn_ops *ops,
                                    const struct mote_tcp_callbacks *cb, void *arg)
{
    struct slot *s = conn_find(conn, ops);
    if (!s)
        return -EBADF;
    if (!cb)
        return -EINVAL;
    s->cb = *cb;
    s->arg = arg;
    return 0;
}

CONN_API int net_conn_write(int conn, const struct net_conn_ops *ops, const void *data, size_t len)
{
    struct slot *s = conn_find(conn, ops);
    if (!s)
        return -EBADF;
    if (ops && !writable(s)) /* TLS: the handshake is not done */
        return -ENOTCONN;
    if (s->waiting_len > 0) /* keeps the stream in order */
        return 0;
    return push(s, data, len);
}

CONN_API int net_conn_send(int conn, const struct net_conn_ops *ops, const void *data, size_t len)
{
    struct slot *s = conn_find(conn, ops);
    if (!s)
        return -EBADF;
    if (len > MOTE_TCP_SEND_MAX - s->waiting_len)
        return -ENOBUFS;
    /* Room first, so a failure leaves nothing half sent. */
    if (s->waiting_cap < s->waiting_len + len) {
        size_t cap = s->waiting_cap ? s->waiting_cap : WAITING_MIN;
        while (cap < s->waiting_len + len)
            cap *= 2;
        cap = cap < MOTE_TCP_SEND_MAX ? cap : MOTE_TCP_SEND_MAX;
        uint8_t *w = realloc(s->waiting, cap);
        if (!w)
            return -ENOMEM;
        s->waiting = w;
        s->waiting_cap = cap;
    }
    size_t done = 0;
    if (s->waiting_len == 0) {
        int n = push(s, data, len);
        if (n < 0)
            return n;
        done = (size_t)n;
    }
    memcpy(s->waiting + s->waiting_len, (const uint8_t *)data + done, len - done);
    s->waiting_len += len - done;
    return 0;
}

CONN_API int net_conn_space(int conn, const struct net_conn_ops *ops)
{
    struct slot *s = conn_find(conn, ops);
    if (!s)
        return -EBADF;
    return s->waiting_len > 0 || !writable(s) ? 0 : (int)altcp_sndbuf(s->pcb);
}

CONN_API int net_conn_set_idle_timeout(int conn, const struct net_conn_ops *ops, uint64_t idle_ns)
{
    struct slot *s = conn_find(conn, ops);
    if (!s)
        return -EBADF;
    s->idle_ns = idle_ns;
    idle_restart(s);
    return 0;
}

CONN_API int net_conn_peer(int conn, const struct net_conn_ops *ops, struct mote_endpoint *peer)
{
    struct slot *s = conn_find(conn, ops);
    if (!s)
        return -EBADF;
    if (!peer)
        return -EINVAL;
    endpoint_of(s->pcb, peer);
    return 0;
}

#if LWIP_ALTCP
int net_conn_index(int conn)
{
    unsigned i = ((unsigned)conn & SLOT_MASK) - 1;
    return conn > 0 && i < MAX_SLOTS ? (int)i : -1;
}

struct altcp_pcb *net_conn_pcb(int conn, const struct net_conn_ops *ops)
{
    struct slot *s = conn_find(conn, ops);
    return s ? s->pcb : NULL;
}

void net_conn_fail(int conn, const struct net_conn_ops *ops, int err)
{
    struct slot *s = conn_find(conn, ops);
    if (!s)
        return;
    fail(s, err);
    net_timeouts_changed();
}
#endif

int mote_tcp_set_callbacks(int conn, const struct mote_tcp_callbacks *cb, void *arg)
{
    return net_conn_set_callbacks(conn, NULL, cb, arg);
}

int mote_tcp_write(int conn, const void *data, size_t len)
{
    return net_conn_write(conn, NULL, data, len);
}

int mote_tcp_send(int conn, const void *data, size_t len)
{
    return net_conn_send(conn, NULL, data, len);
}

int mote_tcp_space(int conn)
{
    return net_conn_space(conn, NULL);
}

int mote_tcp_set_idle_timeout(int conn, uint64_t idle_ns)
{
    return net_conn_set_idle_timeout(conn, NULL, idle_ns);
}

int mote_tcp_close(int conn)
{
    return net_conn_close(conn, NULL);
}

int mote_tcp_abort(int conn)
{
    return net_conn_abort(conn, NULL);
}

int mote_tcp_peer(int conn, struct mote_endpoint *peer)
{
    return net_conn_peer(conn, NULL, peer);
}

int net_tcp_keepalive(int conn, uint32_t idle_ms, uint32_t interval_ms, uint32_t count)
{
    struct slot *s = conn_find(conn, NULL);
    if (!s)
        return -EBADF;
    if (idle_ms == 0 || interval_ms == 0 || count == 0)
        return -EINVAL;
#if LWIP_ALTCP
    altcp_keepalive_enable(s->pcb, idle_ms, interval_ms, count);
#else
    ip_set_option(s->pcb, SOF_KEEPALIVE);
    s->pcb->keep_idle = idle_ms;
    s->pcb->keep_intvl = interval_ms;
    s->pcb->keep_cnt = count;
#endif
    net_timeouts_changed();
    return 0;
}
