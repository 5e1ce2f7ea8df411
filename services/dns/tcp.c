// SPDX-License-Identifier: MIT
/*
 * DNS over TCP (RFC 7766): each message behind a 2-byte length, several
 * queries per connection, pipelined, answered in order. A connection is
 * closed after TCP_IDLE_NS without a query (§6.2.3), and reset when it sends
 * a length no query has or does not read its answers (MOTE_TCP_SEND_MAX of
 * them waiting).
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>

#include "dns_service.h"

#define LEN_PREFIX    2
#define TCP_QUERY_MAX 4096 /* a question and an OPT need far less */
#define TCP_REPLY_MAX 4096 /* this zone's largest reply is an SOA answer of ~150 bytes */
#define TCP_IDLE_NS   (10 * MOTE_NS_PER_S)

struct dns_tcp_conn {
    int conn;
    size_t in_len;
    uint8_t in[LEN_PREFIX + TCP_QUERY_MAX];
};

static uint8_t reply[LEN_PREFIX + TCP_REPLY_MAX];

static void conn_drop(struct dns_tcp_conn *c)
{
    dns_service_stats.dropped++;
    mote_tcp_abort(c->conn);
    free(c);
}

/* Answers every complete query in c->in. Returns false if c was freed. */
static bool answer_queries(struct dns_tcp_conn *c)
{
    size_t off = 0;
    while (c->in_len - off >= LEN_PREFIX) {
        size_t len = (size_t)c->in[off] << 8 | c->in[off + 1];
        if (len == 0 || len > TCP_QUERY_MAX) {
            conn_drop(c);
            return false;
        }
        if (c->in_len - off < LEN_PREFIX + len)
            break;
        size_t n = dns_answer(&dns_service_zone, &dns_service_stats, c->in + off + LEN_PREFIX, len,
                              reply + LEN_PREFIX, TCP_REPLY_MAX, DNS_TRANSPORT_TCP);
        off += LEN_PREFIX + len;
        if (n == 0)
            continue;
        reply[0] = (uint8_t)(n >> 8);
        reply[1] = (uint8_t)n;
        if (mote_tcp_send(c->conn, reply, LEN_PREFIX + n) != 0) { /* the client does not read */
            conn_drop(c);
            return false;
        }
    }
    memmove(c->in, c->in + off, c->in_len - off);
    c->in_len -= off;
    return true;
}

static void on_data(int conn, const void *data, size_t len, void *arg)
{
    struct dns_tcp_conn *c = arg;
    const uint8_t *p = data;
    (void)conn;
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

/* The client is done: the answers still waiting go out before FIN. */
static void on_closed(int conn, void *arg)
{
    mote_tcp_close(conn);
    free(arg);
}

static void on_error(int conn, int err, void *arg)
{
    (void)conn;
    (void)err;
    free(arg);
}

static void on_accept(int conn, const struct mote_endpoint *peer, void *arg)
{
    static const struct mote_tcp_callbacks callbacks = {
        .data = on_data,
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
    c->in_len = 0;
    mote_tcp_set_callbacks(conn, &callbacks, c);
    mote_tcp_set_idle_timeout(conn, TCP_IDLE_NS);
}

int dns_tcp_start(uint16_t port)
{
    int l = mote_tcp_listen(port, on_accept, NULL);
    return l < 0 ? l : 0;
}
