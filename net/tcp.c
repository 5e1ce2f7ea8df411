// SPDX-License-Identifier: MIT
/*
 * TCP listeners and connections (include/mote/net.h) over lwIP's raw TCP API.
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

#include "lwip/tcp.h"
#include "net/net.h"

#define MAX_SLOTS   (MEMP_NUM_TCP_PCB + MEMP_NUM_TCP_PCB_LISTEN)
#define SLOT_BITS   8 /* an id is generation << SLOT_BITS | (slot index + 1) */
#define SLOT_MASK   ((1u << SLOT_BITS) - 1)
#define GEN_MAX     (1u << (31 - SLOT_BITS)) /* ids stay positive ints */
#define CLOSE_RETRY 1       /* lwIP poll intervals (500 ms) between close retries */
#define WRITE_CHUNK 0xffffu /* tcp_write takes a u16_t length */
#define WAITING_MIN 2048    /* first allocation for mote_tcp_send's waiting bytes */
#define ROUTE_WAIT_NS \
    (30 * MOTE_NS_PER_S) /* a DHCP lease with QEMU's user networking takes well under 1 s */

_Static_assert(MAX_SLOTS < SLOT_MASK, "slot index must fit in an id");

struct slot {
    struct tcp_pcb *pcb; /* NULL: free */
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
};

static struct slot slots[MAX_SLOTS];
static struct tcp_pcb *running_pcb; /* whose lwIP callback is running */
static bool running_aborted;        /* ... and the service aborted it */

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

static struct slot *slot_alloc(struct tcp_pcb *pcb)
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
}

/* lwIP calls nothing of ours for pcb afterwards. */
static void detach(struct tcp_pcb *pcb)
{
    tcp_arg(pcb, NULL);
    tcp_recv(pcb, NULL);
    tcp_sent(pcb, NULL);
    tcp_err(pcb, NULL);
}

static struct tcp_pcb *enter(struct tcp_pcb *pcb)
{
    struct tcp_pcb *outer = running_pcb;
    running_pcb = pcb;
    running_aborted = false;
    return outer;
}

/* After a service callback: what lwIP expects from ours. */
static err_t leave(struct tcp_pcb *outer)
{
    bool aborted = running_aborted;
    running_pcb = outer;
    running_aborted = false;
    net_timeouts_changed();
    return aborted ? ERR_ABRT : ERR_OK;
}

/* Queues what lwIP's send buffer takes of data. Returns the bytes queued, or < 0. */
static int push(struct slot *s, const uint8_t *data, size_t len)
{
    size_t done = 0;
    if (s->unrouted) /* lwIP queues data from SYN_SENT on, not before */
        return 0;
    while (done < len) {
        size_t n = len - done;
        size_t space = tcp_sndbuf(s->pcb);
        n = n < space ? n : space;
        n = n < WRITE_CHUNK ? n : WRITE_CHUNK;
        if (n == 0)
            break;
        err_t err = tcp_write(s->pcb, data + done, (u16_t)n, TCP_WRITE_FLAG_COPY);
        if (err == ERR_MEM) /* segment queue full: back-pressure, like a full buffer */
            break;
        if (err != ERR_OK) {
            if (done)
                break;
            return net_errno(err); /* ERR_CONN: -ENOTCONN */
        }
        done += n;
    }
    if (done > 0) {
        tcp_output(s->pcb);
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

/* Retries a close that had no memory for its FIN; a dead peer ends it through lwIP's timeouts. */
static err_t close_retry(void *arg, struct tcp_pcb *pcb)
{
    (void)arg;
    if (tcp_close(pcb) == ERR_OK)
        tcp_poll(pcb, NULL, 0);
    return ERR_OK;
}

/* The end of a closing connection: its slot is freed, FIN goes out. */
static void finish_close(struct slot *s)
{
    struct tcp_pcb *pcb = s->pcb;
    detach(pcb);
    slot_free(s);
    if (tcp_close(pcb) != ERR_OK) /* no memory for the FIN yet: lwIP's poll retries */
        tcp_poll(pcb, close_retry, CLOSE_RETRY);
    net_timeouts_changed();
}

static void idle_expired(void *arg)
{
    int id = (int)(intptr_t)arg;
    struct slot *s = slot_find(id);
    if (!s)
        return;
    s->idle_timer = 0;
    void (*error)(int, int, void *) = s->cb.error;
    void *cb_arg = s->arg;
    mote_tcp_close(id);
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

static err_t received(void *arg, struct tcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct slot *s = arg;
    if (!s || s->closing || err != ERR_OK) { /* nobody listens any more: acknowledge, drop */
        if (p) {
            tcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    int id = slot_id(s);
    struct tcp_pcb *outer = enter(pcb);
    if (!p) { /* FIN: the peer is done sending */
        if (s->cb.closed)
            s->cb.closed(id, s->arg);
        else
            mote_tcp_close(id);
        return leave(outer);
    }
    tcp_recved(pcb, p->tot_len);
    idle_restart(s);
    for (const struct pbuf *q = p; q && s->cb.data; q = q->next) {
        if (q->len == 0)
            continue;
        s->cb.data(id, q->payload, q->len, s->arg);
        if (slot_find(id) != s) /* closed or aborted from the callback */
            break;
    }
    pbuf_free(p);
    return leave(outer);
}

static err_t sent(void *arg, struct tcp_pcb *pcb, u16_t len)
{
    struct slot *s = arg;
    (void)len;
    if (!s)
        return ERR_OK;
    if (push_waiting(s) != 0) { /* the connection cannot send any more */
        int id = slot_id(s);
        void (*error)(int, int, void *) = s->closing ? NULL : s->cb.error;
        void *cb_arg = s->arg;
        detach(pcb);
        slot_free(s);
        tcp_abort(pcb);
        if (error)
            error(id, -ECONNABORTED, cb_arg);
        return ERR_ABRT;
    }
    if (s->closing) {
        if (s->waiting_len == 0)
            finish_close(s);
        return ERR_OK;
    }
    if (s->waiting_len > 0 || !s->cb.sent)
        return ERR_OK;
    struct tcp_pcb *outer = enter(pcb);
    s->cb.sent(slot_id(s), tcp_sndbuf(pcb), s->arg);
    return leave(outer);
}

/* lwIP has already freed the pcb. */
static void failed(void *arg, err_t err)
{
    struct slot *s = arg;
    if (!s)
        return;
    int id = slot_id(s);
    void (*error)(int, int, void *) = s->closing ? NULL : s->cb.error;
    mote_tcp_connect_fn connect = s->closing || !s->connecting ? NULL : s->connect;
    void *cb_arg = s->arg, *connect_arg = s->connect_arg;
    slot_free(s);
    if (connect) /* a reset answering our SYN is a refusal (RFC 9293 §3.10.7.3) */
        connect(id, err == ERR_RST ? -ECONNREFUSED : -ECONNABORTED, connect_arg);
    else if (error)
        error(id, net_errno(err), cb_arg); /* ERR_ABRT also after retransmission timeouts */
    net_timeouts_changed();
}

/* lwIP calls this once the handshake is done (err is always ERR_OK in lwIP 2.1). */
static err_t connected(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct slot *s = arg;
    (void)err;
    if (!s || s->closing)
        return ERR_OK;
    s->connecting = false;
    if (push_waiting(s) != 0) { /* mote_tcp_send data from before a route existed */
        mote_tcp_connect_fn connect = s->connect;
        void *connect_arg = s->connect_arg;
        int id = slot_id(s);
        detach(pcb);
        slot_free(s);
        tcp_abort(pcb);
        connect(id, -ECONNABORTED, connect_arg);
        return ERR_ABRT;
    }
    struct tcp_pcb *outer = enter(pcb);
    s->connect(slot_id(s), 0, s->connect_arg);
    return leave(outer);
}

/* Our callbacks on a connection's pcb. */
static void attach(struct tcp_pcb *pcb, struct slot *s)
{
    tcp_arg(pcb, s);
    tcp_recv(pcb, received);
    tcp_sent(pcb, sent);
    tcp_err(pcb, failed);
    tcp_nagle_disable(pcb); /* request/response services: answers go out at once */
}

static err_t accepted(void *arg, struct tcp_pcb *pcb, err_t err)
{
    struct slot *l = arg;
    if (err != ERR_OK || !pcb || !l)
        return ERR_VAL;
    struct slot *s = slot_alloc(pcb);
    if (!s) {
        TCP_STATS_INC(tcp.drop);
        tcp_abort(pcb);
        return ERR_ABRT;
    }
    attach(pcb, s);

    struct mote_endpoint peer;
    net_endpoint_from(&peer, &pcb->remote_ip, pcb->remote_port);
    struct tcp_pcb *outer = enter(pcb);
    l->accept(slot_id(s), &peer, l->arg);
    return leave(outer);
}

int net_tcp_listen_at(const ip_addr_t *addr, uint16_t port, mote_tcp_accept_fn on_accept, void *arg)
{
    if (!addr || !on_accept || port == 0)
        return -EINVAL;
    int err = net_up();
    if (err)
        return err;
    struct tcp_pcb *pcb = tcp_new_ip_type(IP_GET_TYPE(addr));
    if (!pcb)
        return -ENOMEM;
    if (tcp_bind(pcb, addr, port) != ERR_OK) {
        tcp_close(pcb);
        return -EADDRINUSE;
    }
    struct slot *s = slot_alloc(pcb);
    struct tcp_pcb *lpcb = s ? tcp_listen_with_backlog(pcb, TCP_DEFAULT_LISTEN_BACKLOG) : NULL;
    if (!lpcb) {
        if (s)
            slot_free(s);
        tcp_close(pcb);
        return -ENOMEM;
    }
    s->pcb = lpcb;
    s->listener = true;
    s->accept = on_accept;
    s->arg = arg;
    tcp_arg(lpcb, s);
    tcp_accept(lpcb, accepted);
    return slot_id(s);
}

int mote_tcp_listen(uint16_t port, mote_tcp_accept_fn on_accept, void *arg)
{
    return net_tcp_listen_at(IP_ANY_TYPE, port, on_accept, arg);
}

/* Whether the network lacks an address of addr's family yet (so no route may appear later). */
static bool address_pending(const ip_addr_t *addr)
{
    const struct netif *n = netif_default;
    if (!n)
        return false;
    if (!IP_IS_V6(addr))
        return ip4_addr_isany_val(*netif_ip4_addr(n));
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
        if (ip6_addr_isvalid(netif_ip6_addr_state(n, i)))
            return false;
    return true;
}

/* An unrouted connection's end: the service hears err. */
static void fail_unrouted(struct slot *s, int err)
{
    int id = slot_id(s);
    mote_tcp_connect_fn connect = s->connect;
    void *connect_arg = s->connect_arg;
    struct tcp_pcb *pcb = s->pcb;
    detach(pcb);
    slot_free(s);
    tcp_abort(pcb); /* never connected: frees it */
    connect(id, err, connect_arg);
}

static void route_expired(void *arg)
{
    struct slot *s = slot_find((int)(intptr_t)arg);
    if (!s || !s->unrouted)
        return;
    s->route_timer = 0;
    fail_unrouted(s, -EHOSTUNREACH);
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
        err_t e = tcp_connect(s->pcb, &s->pcb->remote_ip, s->pcb->remote_port, connected);
        if (e == ERR_OK) {
            s->unrouted = false;
            if (s->route_timer > 0)
                mote_timer_cancel(s->route_timer);
            s->route_timer = 0;
        } else if (e != ERR_RTE || !address_pending(&s->pcb->remote_ip)) {
            fail_unrouted(s, net_errno(e));
        }
    }
    net_timeouts_changed();
}
NETIF_DECLARE_EXT_CALLBACK(address_watch)

int mote_tcp_connect(const struct mote_endpoint *to, mote_tcp_connect_fn on_connect, void *arg)
{
    ip_addr_t addr;
    if (!to || !on_connect || to->port == 0 || net_endpoint_to(to, &addr) != 0)
        return -EINVAL;
    int err = net_up();
    if (err)
        return err;
    struct tcp_pcb *pcb = tcp_new_ip_type(IP_GET_TYPE(&addr));
    if (!pcb)
        return -ENOMEM;
    struct slot *s = slot_alloc(pcb);
    if (!s) {
        tcp_close(pcb); /* never connected: frees it */
        return -ENOMEM;
    }
    s->connecting = true;
    s->connect = on_connect;
    s->connect_arg = arg;
    attach(pcb, s);
    err_t e = tcp_connect(pcb, &addr, to->port, connected);
    if (e == ERR_RTE && address_pending(&addr)) {
        static bool watching;
        if (!watching) {
            netif_add_ext_callback(&address_watch, retry_unrouted);
            watching = true;
        }
        s->unrouted = true; /* tcp_connect has set the pcb's remote address and port */
        s->route_timer =
            mote_timer_after(ROUTE_WAIT_NS, route_expired, (void *)(intptr_t)slot_id(s));
        return slot_id(s);
    }
    if (e != ERR_OK) {
        detach(pcb);
        slot_free(s);
        tcp_abort(pcb);
        return net_errno(e); /* ERR_RTE: no route; ERR_MEM: no SYN segment */
    }
    net_timeouts_changed();
    return slot_id(s);
}

static struct slot *conn_find(int conn)
{
    struct slot *s = slot_find(conn);
    return s && !s->listener ? s : NULL;
}

int mote_tcp_set_callbacks(int conn, const struct mote_tcp_callbacks *cb, void *arg)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    if (!cb)
        return -EINVAL;
    s->cb = *cb;
    s->arg = arg;
    return 0;
}

int mote_tcp_write(int conn, const void *data, size_t len)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    if (s->waiting_len > 0) /* keeps the stream in order */
        return 0;
    return push(s, data, len);
}

int mote_tcp_send(int conn, const void *data, size_t len)
{
    struct slot *s = conn_find(conn);
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

int mote_tcp_space(int conn)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    return s->waiting_len > 0 || s->unrouted ? 0 : (int)tcp_sndbuf(s->pcb);
}

int mote_tcp_set_idle_timeout(int conn, uint64_t idle_ns)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    s->idle_ns = idle_ns;
    idle_restart(s);
    return 0;
}

int mote_tcp_close(int conn)
{
    struct slot *s = slot_find(conn);
    if (!s)
        return -EBADF;
    if (s->listener) {
        tcp_close(s->pcb); /* cannot fail for a listener */
        slot_free(s);
        return 0;
    }
    memset(&s->cb, 0, sizeof(s->cb));
    s->closing = true;
    s->idle_ns = 0;
    idle_restart(s);
    if (s->waiting_len == 0)
        finish_close(s);
    return 0;
}

int mote_tcp_abort(int conn)
{
    struct slot *s = slot_find(conn);
    if (!s)
        return -EBADF;
    if (s->listener)
        return mote_tcp_close(conn);
    struct tcp_pcb *pcb = s->pcb;
    detach(pcb);
    slot_free(s);
    if (pcb == running_pcb)
        running_aborted = true;
    tcp_abort(pcb);
    net_timeouts_changed();
    return 0;
}

int net_tcp_keepalive(int conn, uint32_t idle_ms, uint32_t interval_ms, uint32_t count)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    if (idle_ms == 0 || interval_ms == 0 || count == 0)
        return -EINVAL;
    ip_set_option(s->pcb, SOF_KEEPALIVE);
    s->pcb->keep_idle = idle_ms;
    s->pcb->keep_intvl = interval_ms;
    s->pcb->keep_cnt = count;
    net_timeouts_changed();
    return 0;
}

int mote_tcp_peer(int conn, struct mote_endpoint *peer)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    if (!peer)
        return -EINVAL;
    net_endpoint_from(peer, &s->pcb->remote_ip, s->pcb->remote_port);
    return 0;
}
