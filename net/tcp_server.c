// SPDX-License-Identifier: MIT
/*
 * mote_tcp_serve (include/mote/net.h), and for mote_tls_serve
 * (net/tls_server.c) the same code over the TLS API: the per-connection
 * bookkeeping a request/response server needs, written once over a
 * transport's public connection calls (net/tcp_server.h).
 *
 * Each connection has one allocation: this file's header, the service's
 * state, then the input buffer. A service's input callback may close or abort
 * its connection; afterwards no callback of that connection runs (net.h), so
 * this file learns of it by asking the transport's space(), which knows ids
 * only while their connection is the service's, and frees the allocation
 * itself (after the service's end callback, whatever the way the connection
 * ended).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <mote/net.h>

#include "net/tcp_server.h"

struct served {
    const struct mote_tcp_server *server;
    const struct net_serve_transport *t;
    uint8_t *in; /* server->in_max bytes, after the state */
    size_t in_len;
    max_align_t state[]; /* server->state_size bytes, aligned for anything */
};

/* The state's size rounded up, so the input buffer after it stays aligned too. */
static size_t state_bytes(const struct mote_tcp_server *server)
{
    size_t align = sizeof(max_align_t);
    return (server->state_size + align - 1) / align * align;
}

/* The connection is gone: the service hears of it, then its state goes. */
static void release(struct served *c)
{
    if (c->server->end)
        c->server->end(c->state, c->server->arg);
    free(c);
}

/*
 * Hands the unconsumed input to the service. Returns false when the
 * connection is gone (closed by the service, or reset here for a request
 * larger than in_max) and c freed.
 */
static bool run_input(int conn, struct served *c)
{
    const struct mote_tcp_server *server = c->server;
    size_t used = server->input(conn, c->state, c->in, c->in_len, server->arg);
    if (c->t->space(conn) == -EBADF) { /* closed or aborted by the service */
        release(c);
        return false;
    }
    used = used < c->in_len ? used : c->in_len;
    if (used == 0 && c->in_len == server->in_max) { /* a request larger than in_max */
        c->t->abort(conn);
        release(c);
        return false;
    }
    memmove(c->in, c->in + used, c->in_len - used);
    c->in_len -= used;
    return true;
}

static void on_data(int conn, const void *data, size_t len, void *arg)
{
    struct served *c = arg;
    const struct mote_tcp_server *server = c->server;
    const uint8_t *p = data;
    while (len > 0) {
        size_t n = server->in_max - c->in_len;
        n = n < len ? n : len;
        memcpy(c->in + c->in_len, p, n);
        c->in_len += n;
        p += n;
        len -= n;
        if (!run_input(conn, c))
            return;
    }
}

/* Room to write: a service streaming a long answer goes on, then maybe reads on. */
static void on_sent(int conn, size_t space, void *arg)
{
    struct served *c = arg;
    (void)space;
    bool more = c->server->sent(conn, c->state, c->server->arg);
    if (c->t->space(conn) == -EBADF) {
        release(c);
        return;
    }
    if (more && c->in_len > 0)
        run_input(conn, c);
}

/* The peer is done: the answers still waiting go out before FIN. */
static void on_closed(int conn, void *arg)
{
    struct served *c = arg;
    c->t->close(conn);
    release(c);
}

static void on_error(int conn, int err, void *arg)
{
    (void)conn;
    (void)err;
    release(arg);
}

void net_serve_accept(const struct net_serve_transport *t, int conn,
                      const struct mote_tcp_server *server)
{
    static const struct mote_tcp_callbacks callbacks = {
        .data = on_data,
        .closed = on_closed,
        .error = on_error,
    };
    static const struct mote_tcp_callbacks callbacks_sent = {
        .data = on_data,
        .sent = on_sent,
        .closed = on_closed,
        .error = on_error,
    };
    size_t state = state_bytes(server);
    struct served *c = calloc(1, sizeof(*c) + state + server->in_max);
    if (!c) {
        t->abort(conn);
        return;
    }
    c->server = server;
    c->t = t;
    c->in = (uint8_t *)c->state + state;
    t->set_callbacks(conn, server->sent ? &callbacks_sent : &callbacks, c);
    t->set_idle_timeout(conn, server->idle_ns);
}

static const struct net_serve_transport tcp_transport = {
    .set_callbacks = mote_tcp_set_callbacks,
    .set_idle_timeout = mote_tcp_set_idle_timeout,
    .space = mote_tcp_space,
    .close = mote_tcp_close,
    .abort = mote_tcp_abort,
};

static void on_accept(int conn, const struct mote_endpoint *peer, void *arg)
{
    (void)peer;
    net_serve_accept(&tcp_transport, conn, arg);
}

int mote_tcp_serve(uint16_t port, const struct mote_tcp_server *server)
{
    if (!net_serve_valid(server))
        return -EINVAL;
    /* mote_tcp_listen's arg is not const: the server is only ever read through it. */
    return mote_tcp_listen(port, on_accept, (void *)(uintptr_t)server);
}
