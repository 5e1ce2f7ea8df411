// SPDX-License-Identifier: MIT
/*
 * mote_tls_serve (include/mote/tls.h): net/tcp_server.c's bookkeeping for a
 * request/response server, over the public TLS API instead of TCP's.
 *
 * Each connection has one allocation: this file's header, the service's
 * state, then the input buffer. A service's input callback may close or abort
 * its connection; afterwards no callback of that connection runs (net.h), so
 * this file learns of it by asking mote_tls_space(), which knows ids only
 * while their connection is the service's, and frees the allocation itself
 * (after the service's end callback, whatever the way the connection ended).
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <mote/net.h>
#include <mote/tls.h>

struct served {
    const struct mote_tcp_server *server;
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
    if (mote_tls_space(conn) == -EBADF) { /* closed or aborted by the service */
        release(c);
        return false;
    }
    used = used < c->in_len ? used : c->in_len;
    if (used == 0 && c->in_len == server->in_max) { /* a request larger than in_max */
        mote_tls_abort(conn);
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
    if (mote_tls_space(conn) == -EBADF) {
        release(c);
        return;
    }
    if (more && c->in_len > 0)
        run_input(conn, c);
}

/* The peer is done: the answers still waiting go out before FIN. */
static void on_closed(int conn, void *arg)
{
    mote_tls_close(conn);
    release(arg);
}

static void on_error(int conn, int err, void *arg)
{
    (void)conn;
    (void)err;
    release(arg);
}

static void on_accept(int conn, const struct mote_endpoint *peer, void *arg)
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
    const struct mote_tcp_server *server = arg;
    (void)peer;
    size_t state = state_bytes(server);
    struct served *c = calloc(1, sizeof(*c) + state + server->in_max);
    if (!c) {
        mote_tls_abort(conn);
        return;
    }
    c->server = server;
    c->in = (uint8_t *)c->state + state;
    mote_tls_set_callbacks(conn, server->sent ? &callbacks_sent : &callbacks, c);
    mote_tls_set_idle_timeout(conn, server->idle_ns);
}

int mote_tls_serve(uint16_t port, struct mote_tls_config *config,
                   const struct mote_tcp_server *server)
{
    if (!server || !server->input || server->in_max == 0)
        return -EINVAL;
    /* mote_tls_listen's arg is not const: the server is only ever read through it. */
    return mote_tls_listen(port, config, on_accept, (void *)(uintptr_t)server);
}
