// SPDX-License-Identifier: MIT
/*
 * TLS listeners and connections (include/mote/tls.h) over lwIP's altcp with
 * altcp_tls_mbedtls, shaped like net/tcp.c's TCP ones: a slot per listener
 * or connection, ids that carry the slot's generation, mote_tls_send's
 * waiting bytes pushed from the sent callback, a closing connection kept
 * until what waits is out.
 *
 * Differences from TCP: writes go through mbedTLS, one record of at most
 * MBEDTLS_SSL_OUT_CONTENT_LEN bytes per altcp_write (altcp_tls_mbedtls
 * cannot report a partial record); nothing is written before the handshake
 * is done; each connection has a handshake deadline; and a failed handshake
 * is logged with its reason, read from the TLS state altcp still holds in
 * its error callback.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/error.h>
#include <mote/log.h>
#include <mote/net.h>
#include <mote/time.h>
#include <mote/timer.h>
#include <mote/tls.h>

#include "lwip/altcp.h"
#include "lwip/altcp_tcp.h"
#include "lwip/altcp_tls.h"
#include "lwip/tcp.h"
#include "mbedtls/ssl.h"
#include "net/net.h"
#include "net/tls.h"

#define MAX_SLOTS     (MEMP_NUM_TCP_PCB + MEMP_NUM_TCP_PCB_LISTEN)
#define SLOT_BITS     8 /* an id is generation << SLOT_BITS | (slot index + 1) */
#define SLOT_MASK     ((1u << SLOT_BITS) - 1)
#define GEN_MAX       (1u << (31 - SLOT_BITS))
#define WAITING_MIN   2048
#define RECORD_MAX    MBEDTLS_SSL_OUT_CONTENT_LEN /* one mbedtls_ssl_write, one whole record */
#define REASON_MAX    200
#define PEER_TEXT     64
#define POLL_INTERVAL 2 /* lwIP's coarse timer periods (500 ms): a second */

_Static_assert(MAX_SLOTS < SLOT_MASK, "slot index must fit in an id");

struct slot {
    struct altcp_pcb *pcb; /* NULL: free */
    unsigned gen;
    bool listener;
    bool closing;
    bool connecting;
    struct mote_tls_config *config; /* a listener's */
    mote_tcp_accept_fn accept;
    mote_tcp_connect_fn connect;
    void *connect_arg;
    struct mote_tcp_callbacks cb;
    void *arg;
    uint8_t *waiting;
    size_t waiting_len, waiting_cap;
    uint64_t idle_ns;
    int idle_timer;
    int handshake_timer;
    struct mote_endpoint peer; /* for the log */
};

static struct slot slots[MAX_SLOTS];
static struct altcp_pcb *running_pcb; /* whose altcp callback is running */
static bool running_aborted;

static int slot_id(const struct slot *s)
{
    return (int)(s->gen << SLOT_BITS | (unsigned)(s - slots + 1));
}

static struct slot *slot_find(int id)
{
    unsigned i = ((unsigned)id & SLOT_MASK) - 1;
    if (id <= 0 || i >= MAX_SLOTS || !slots[i].pcb || slots[i].closing || slot_id(&slots[i]) != id)
        return NULL;
    return &slots[i];
}

static struct slot *conn_find(int id)
{
    struct slot *s = slot_find(id);
    return s && !s->listener ? s : NULL;
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

static void slot_free(struct slot *s)
{
    if (s->idle_timer > 0)
        mote_timer_cancel(s->idle_timer);
    if (s->handshake_timer > 0)
        mote_timer_cancel(s->handshake_timer);
    free(s->waiting);
    s->waiting = NULL;
    s->idle_timer = 0;
    s->handshake_timer = 0;
    s->pcb = NULL;
}

static void detach(struct altcp_pcb *pcb)
{
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

static err_t leave(struct altcp_pcb *outer)
{
    bool aborted = running_aborted;
    running_pcb = outer;
    running_aborted = false;
    net_timeouts_changed();
    return aborted ? ERR_ABRT : ERR_OK;
}

static void peer_text(const struct mote_endpoint *ep, char *buf, size_t max)
{
    const uint8_t *a = ep->addr;
    if (ep->family == MOTE_AF_INET)
        snprintf(buf, max, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], ep->port);
    else
        snprintf(buf, max, "[%x:%x:...:%x]:%u", a[0] << 8 | a[1], a[2] << 8 | a[3],
                 a[14] << 8 | a[15], ep->port);
}

/* Queues what the TLS layer takes of data, record by record. Returns the bytes queued, or < 0. */
static int push(struct slot *s, const uint8_t *data, size_t len)
{
    if (s->connecting || !tls_handshake_done(s->pcb))
        return 0;
    size_t done = 0;
    while (done < len) {
        size_t n = len - done;
        size_t space = altcp_sndbuf(s->pcb);
        n = n < space ? n : space;
        n = n < RECORD_MAX ? n : RECORD_MAX;
        if (n == 0)
            break;
        err_t err = altcp_write(s->pcb, data + done, (u16_t)n, TCP_WRITE_FLAG_COPY);
        if (err == ERR_MEM) /* TCP's queue is full: back-pressure */
            break;
        if (err != ERR_OK) {
            if (done)
                break;
            return -ENOTCONN;
        }
        done += n;
    }
    if (done > 0) {
        altcp_output(s->pcb);
        net_timeouts_changed();
    }
    return (int)done;
}

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

static void finish_close(struct slot *s)
{
    struct altcp_pcb *pcb = s->pcb;
    detach(pcb);
    slot_free(s);
    if (altcp_close(pcb) != ERR_OK) /* no memory for the FIN: reset instead of leaking the pcb */
        altcp_abort(pcb);
    net_timeouts_changed();
}

static void idle_expired(void *arg)
{
    int id = (int)(intptr_t)arg;
    struct slot *s = slot_find(id);
    if (!s)
        return;
    s->idle_timer = 0;
    if (!tls_handshake_done(s->pcb)) { /* a silent client, or one too slow to finish */
        char peer[PEER_TEXT];
        peer_text(&s->peer, peer, sizeof(peer));
        mote_log(MOTE_LOG_WARN,
                 "tls: %s: no finished handshake within the idle timeout: "
                 "connection ended",
                 peer);
    }
    void (*error)(int, int, void *) = s->cb.error;
    void *cb_arg = s->arg;
    mote_tls_close(id);
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

/* A connection that failed: the service hears err from the callback it expects. */
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

static void handshake_expired(void *arg)
{
    struct slot *s = slot_find((int)(intptr_t)arg);
    if (!s)
        return;
    s->handshake_timer = 0;
    if (tls_handshake_done(s->pcb))
        return;
    char peer[PEER_TEXT];
    peer_text(&s->peer, peer, sizeof(peer));
    mote_log(MOTE_LOG_WARN, "tls: %s: no finished handshake after %llu s: connection ended", peer,
             (unsigned long long)(MOTE_TLS_HANDSHAKE_NS / MOTE_NS_PER_S));
    struct altcp_pcb *pcb = s->pcb;
    int id = slot_id(s);
    detach(pcb);
    altcp_abort(pcb);
    report(id, s, -ETIMEDOUT);
    net_timeouts_changed();
}

/* The handshake is over (the first data, or the connected callback): its deadline goes. */
static void handshake_over(struct slot *s)
{
    if (s->handshake_timer > 0)
        mote_timer_cancel(s->handshake_timer);
    s->handshake_timer = 0;
}

static err_t received(void *arg, struct altcp_pcb *pcb, struct pbuf *p, err_t err)
{
    struct slot *s = arg;
    if (!s || s->closing || err != ERR_OK) {
        if (p) {
            altcp_recved(pcb, p->tot_len);
            pbuf_free(p);
        }
        return ERR_OK;
    }
    int id = slot_id(s);
    handshake_over(s);
    struct altcp_pcb *outer = enter(pcb);
    if (!p) {
        if (s->cb.closed)
            s->cb.closed(id, s->arg);
        else
            mote_tls_close(id);
        return leave(outer);
    }
    altcp_recved(pcb, p->tot_len);
    idle_restart(s);
    for (const struct pbuf *q = p; q && s->cb.data; q = q->next) {
        if (q->len == 0)
            continue;
        s->cb.data(id, q->payload, q->len, s->arg);
        if (slot_find(id) != s)
            break;
    }
    pbuf_free(p);
    /* Data sent before the first record arrived (a server's early answer) waits for this. */
    if (slot_find(id) == s && push_waiting(s) != 0)
        mote_tls_abort(id);
    return leave(outer);
}

static err_t sent(void *arg, struct altcp_pcb *pcb, u16_t len)
{
    struct slot *s = arg;
    (void)len;
    if (!s)
        return ERR_OK;
    if (push_waiting(s) != 0) {
        int id = slot_id(s);
        detach(pcb);
        altcp_abort(pcb);
        report(id, s, -ECONNABORTED);
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

/*
 * altcp frees pcb after this returns (a TCP error), or closes it (a failed
 * handshake: err is ERR_CLSD before the handshake is done); its TLS state is
 * still readable here, so the reason goes to the log.
 */
static void failed(void *arg, err_t err)
{
    struct slot *s = arg;
    if (!s)
        return;
    int id = slot_id(s);
    bool handshaking = !tls_handshake_done(s->pcb);
    int result = net_errno(err);
    if (handshaking && !s->closing) {
        char peer[PEER_TEXT], why[REASON_MAX];
        peer_text(&s->peer, peer, sizeof(peer));
        if (err == ERR_CLSD)
            tls_describe_failure(s->pcb, why, sizeof(why));
        else
            snprintf(why, sizeof(why), "%s during the handshake", mote_strerror(result));
        mote_log(MOTE_LOG_WARN, "tls: %s: handshake failed: %s", peer, why);
        result = s->connecting && err == ERR_CLSD ? -ECONNREFUSED : -ECONNABORTED;
        if (s->connecting && err == ERR_RST)
            result = -ECONNREFUSED;
    } else if (err == ERR_CLSD) {
        result = -ECONNABORTED;
    }
    report(id, s, result);
    net_timeouts_changed();
}

static err_t connected(void *arg, struct altcp_pcb *pcb, err_t err)
{
    struct slot *s = arg;
    (void)err;
    if (!s || s->closing)
        return ERR_OK;
    s->connecting = false;
    handshake_over(s);
    if (push_waiting(s) != 0) {
        mote_tcp_connect_fn connect = s->connect;
        void *connect_arg = s->connect_arg;
        int id = slot_id(s);
        detach(pcb);
        slot_free(s);
        altcp_abort(pcb);
        connect(id, -ECONNABORTED, connect_arg);
        return ERR_ABRT;
    }
    struct altcp_pcb *outer = enter(pcb);
    s->connect(slot_id(s), 0, s->connect_arg);
    return leave(outer);
}

/*
 * Every POLL_INTERVAL: altcp tells a server nothing when its handshake is
 * done, and calls sent only once application data went out, so data the
 * service queued before (a greeting), or left waiting at close, is pushed
 * from here.
 */
static err_t polled(void *arg, struct altcp_pcb *pcb)
{
    struct slot *s = arg;
    if (!s || s->waiting_len == 0 || s->connecting || !tls_handshake_done(pcb))
        return ERR_OK;
    return sent(arg, pcb, 0);
}

static void attach(struct altcp_pcb *pcb, struct slot *s)
{
    altcp_arg(pcb, s);
    altcp_recv(pcb, received);
    altcp_sent(pcb, sent);
    altcp_err(pcb, failed);
    altcp_poll(pcb, polled, POLL_INTERVAL);
    altcp_nagle_disable(pcb);
    s->handshake_timer =
        mote_timer_after(MOTE_TLS_HANDSHAKE_NS, handshake_expired, (void *)(intptr_t)slot_id(s));
}

/* The TCP peer of a TLS pcb. */
static void peer_of(struct altcp_pcb *pcb, struct mote_endpoint *ep)
{
    ip_addr_t addr;
    u16_t port = 0;
    ip_addr_set_zero(&addr);
    altcp_get_tcp_addrinfo(pcb, 0, &addr, &port);
    net_endpoint_from(ep, &addr, port);
}

static err_t accepted(void *arg, struct altcp_pcb *pcb, err_t err)
{
    struct slot *l = arg;
    if (err != ERR_OK || !pcb || !l)
        return ERR_VAL;
    struct slot *s = slot_alloc(pcb);
    if (!s) {
        altcp_abort(pcb);
        return ERR_ABRT;
    }
    peer_of(pcb, &s->peer);
    attach(pcb, s);
    struct mote_endpoint peer = s->peer;
    struct altcp_pcb *outer = enter(pcb);
    l->accept(slot_id(s), &peer, l->arg);
    return leave(outer);
}

int mote_tls_listen(uint16_t port, struct mote_tls_config *config, mote_tcp_accept_fn on_accept,
                    void *arg)
{
    if (!config || !on_accept || port == 0 || !tls_config_is_server(config))
        return -EINVAL;
    int err = net_up();
    if (err)
        return err;
    struct altcp_pcb *pcb = altcp_tls_new(tls_altcp_config(config), IPADDR_TYPE_ANY);
    if (!pcb)
        return -ENOMEM;
    if (altcp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
        altcp_close(pcb);
        return -EADDRINUSE;
    }
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
    s->config = config;
    s->accept = on_accept;
    s->arg = arg;
    altcp_arg(lpcb, s);
    altcp_accept(lpcb, accepted);
    return slot_id(s);
}

int mote_tls_connect(const struct mote_endpoint *to, const char *server_name,
                     struct mote_tls_config *config, mote_tcp_connect_fn on_connect, void *arg)
{
    ip_addr_t addr;
    if (!to || !server_name || !config || !on_connect || to->port == 0 ||
        tls_config_is_server(config) || net_endpoint_to(to, &addr) != 0)
        return -EINVAL;
    int err = net_up();
    if (err)
        return err;
    struct altcp_pcb *pcb = altcp_tls_new(tls_altcp_config(config), IP_GET_TYPE(&addr));
    if (!pcb)
        return -ENOMEM;
    if ((err = tls_client_prepare(pcb, server_name)) != 0) {
        altcp_abort(pcb);
        return err;
    }
    struct slot *s = slot_alloc(pcb);
    if (!s) {
        altcp_abort(pcb);
        return -ENOMEM;
    }
    s->connecting = true;
    s->connect = on_connect;
    s->connect_arg = arg;
    s->peer = *to;
    attach(pcb, s);
    err_t e = altcp_connect(pcb, &addr, to->port, connected);
    if (e != ERR_OK) {
        detach(pcb);
        slot_free(s);
        altcp_abort(pcb);
        return net_errno(e); /* ERR_RTE: no route (yet: DHCP may be under way) */
    }
    net_timeouts_changed();
    return slot_id(s);
}

int mote_tls_set_callbacks(int conn, const struct mote_tcp_callbacks *cb, void *arg)
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

int mote_tls_write(int conn, const void *data, size_t len)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    if (s->connecting || !tls_handshake_done(s->pcb))
        return -ENOTCONN;
    if (s->waiting_len > 0)
        return 0;
    return push(s, data, len);
}

int mote_tls_send(int conn, const void *data, size_t len)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    if (len > MOTE_TCP_SEND_MAX - s->waiting_len)
        return -ENOBUFS;
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

int mote_tls_space(int conn)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    if (s->waiting_len > 0 || s->connecting || !tls_handshake_done(s->pcb))
        return 0;
    size_t space = altcp_sndbuf(s->pcb);
    return (int)space;
}

int mote_tls_set_idle_timeout(int conn, uint64_t idle_ns)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    s->idle_ns = idle_ns;
    idle_restart(s);
    return 0;
}

int mote_tls_close(int conn)
{
    struct slot *s = slot_find(conn);
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
    idle_restart(s);
    /* Waiting data needs a finished handshake: without one there is nothing to flush into. */
    if (s->waiting_len == 0 || s->connecting || !tls_handshake_done(s->pcb))
        finish_close(s);
    return 0;
}

int mote_tls_abort(int conn)
{
    struct slot *s = slot_find(conn);
    if (!s)
        return -EBADF;
    if (s->listener)
        return mote_tls_close(conn);
    struct altcp_pcb *pcb = s->pcb;
    detach(pcb);
    slot_free(s);
    if (pcb == running_pcb)
        running_aborted = true;
    altcp_abort(pcb);
    net_timeouts_changed();
    return 0;
}

int mote_tls_peer(int conn, struct mote_endpoint *peer)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    if (!peer)
        return -EINVAL;
    *peer = s->peer;
    return 0;
}

int mote_tls_info(int conn, struct mote_tls_info *info)
{
    struct slot *s = conn_find(conn);
    if (!s)
        return -EBADF;
    if (!info)
        return -EINVAL;
    if (s->connecting || !tls_handshake_done(s->pcb))
        return -ENOTCONN;
    mbedtls_ssl_context *ssl = altcp_tls_context(s->pcb);
    info->version = mbedtls_ssl_get_version(ssl);
    info->cipher = mbedtls_ssl_get_ciphersuite(ssl);
    return 0;
}
