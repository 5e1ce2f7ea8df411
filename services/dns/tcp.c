// SPDX-License-Identifier: MIT
/*
 * DNS over TCP (RFC 7766): each message behind a 2-byte length, several
 * queries per connection, pipelined, answered in order. A connection is
 * closed after TCP_IDLE_NS without a query (§6.2.3), when it sends a length
 * no query has, or when it does not read its answers (TCP_PENDING_MAX).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>

#include "services/dns/dns_service.h"

#define LEN_PREFIX      2
#define TCP_QUERY_MAX   4096 /* a question and an OPT need far less */
#define TCP_REPLY_MAX   4096 /* this zone's largest reply is an SOA answer of ~150 bytes */
#define TCP_PENDING_MAX 16384
#define TCP_IDLE_NS     (10 * MOTE_NS_PER_S)

struct dns_tcp_conn {
    int conn;
    int idle_timer;
    bool peer_done; /* the client sent FIN: close once the answers are out */
    size_t in_len, out_len;
    uint8_t in[LEN_PREFIX + TCP_QUERY_MAX];
    uint8_t out[TCP_PENDING_MAX];
};

static uint8_t reply[LEN_PREFIX + TCP_REPLY_MAX];

static void conn_free(struct dns_tcp_conn *c)
{
    if (c->idle_timer > 0)
        mote_timer_cancel(c->idle_timer);
    free(c);
}

static void conn_close(struct dns_tcp_conn *c)
{
    mote_tcp_close(c->conn);
    conn_free(c);
}

static void idle_expired(void *arg)
{
    struct dns_tcp_conn *c = arg;
    c->idle_timer = 0;
    conn_close(c);
}

static void idle_restart(struct dns_tcp_conn *c)
{
    if (c->idle_timer > 0)
        mote_timer_cancel(c->idle_timer);
    c->idle_timer = mote_timer_after(TCP_IDLE_NS, idle_expired, c);
}

/* Writes what the connection takes of the pending answers. Returns false if c was freed. */
static bool flush(struct dns_tcp_conn *c)
{
    if (c->out_len > 0) {
        int n = mote_tcp_write(c->conn, c->out, c->out_len);
        if (n < 0) {
            conn_close(c);
            return false;
        }
        memmove(c->out, c->out + n, c->out_len - (size_t)n);
        c->out_len -= (size_t)n;
    }
    if (c->peer_done && c->out_len == 0) {
        conn_close(c);
        return false;
    }
    return true;
}

/* Answers every complete query in c->in. Returns false if c was freed. */
static bool answer_queries(struct dns_tcp_conn *c)
{
    size_t off = 0;
    while (c->in_len - off >= LEN_PREFIX) {
        size_t len = (size_t)c->in[off] << 8 | c->in[off + 1];
        if (len == 0 || len > TCP_QUERY_MAX) {
            dns_service_stats.dropped++;
            conn_close(c);
            return false;
        }
        if (c->in_len - off < LEN_PREFIX + len)
            break;
        size_t n = dns_answer(&dns_service_zone, &dns_service_stats, c->in + off + LEN_PREFIX, len,
                              reply + LEN_PREFIX, TCP_REPLY_MAX, DNS_TRANSPORT_TCP);
        off += LEN_PREFIX + len;
        if (n == 0)
            continue;
        if (c->out_len + LEN_PREFIX + n > sizeof(c->out)) { /* the client does not read */
            conn_close(c);
            return false;
        }
        reply[0] = (uint8_t)(n >> 8);
        reply[1] = (uint8_t)n;
        memcpy(c->out + c->out_len, reply, LEN_PREFIX + n);
        c->out_len += LEN_PREFIX + n;
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    return flush(c);
}

static void on_data(int conn, const void *data, size_t len, void *arg)
{
    struct dns_tcp_conn *c = arg;
    const uint8_t *p = data;
    (void)conn;
    idle_restart(c);
    while (len > 0) {
        size_t n = sizeof(c->in) - c->in_len;
        n = n < len ? n : len;
        memcpy(c->in + c->in_len, p, n);
        c->in_len += n;
        p += n;
        len -= n;
        if (!answer_queries(c))
            return;
    }
}

static void on_sent(int conn, size_t space, void *arg)
{
    (void)conn;
    (void)space;
    flush(arg);
}

static void on_closed(int conn, void *arg)
{
    struct dns_tcp_conn *c = arg;
    (void)conn;
    c->peer_done = true;
    flush(c);
}

static void on_error(int conn, int err, void *arg)
{
    (void)conn;
    (void)err;
    conn_free(arg);
}

static void on_accept(int conn, const struct mote_endpoint *peer, void *arg)
{
    static const struct mote_tcp_callbacks callbacks = {
        .data = on_data,
        .sent = on_sent,
        .closed = on_closed,
        .error = on_error,
    };
    (void)peer;
    (void)arg;
    struct dns_tcp_conn *c = malloc(sizeof(*c));
    if (!c) {
        dns_service_stats.servfail++;
        mote_tcp_abort(conn);
        return;
    }
    c->conn = conn;
    c->idle_timer = 0;
    c->peer_done = false;
    c->in_len = c->out_len = 0;
    mote_tcp_set_callbacks(conn, &callbacks, c);
    idle_restart(c);
}

int dns_tcp_start(uint16_t port)
{
    int l = mote_tcp_listen(port, on_accept, NULL);
    return l < 0 ? l : 0;
}
