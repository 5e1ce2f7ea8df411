// SPDX-License-Identifier: MIT
/*
 * mote_tls_serve (include/mote/tls.h): net/tcp_server.c's bookkeeping for a
 * request/response server, over the public TLS API instead of TCP's.
 *
 * Each connection has one allocation: this file's header, the service's
 * state, then the input buffer. A service's input callback may close or abort
 * its connection; afterwards no callback of that connection runs (net.h), so
 * this file learns of it by asking mote_tls_space(), which knows ids only
 * while their connection is the service's, and frees the allocation itself.
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
        size_t used = server->input(conn, c->state, c->in, c->in_len, server->arg);
        if (mote_tls_space(conn) == -EBADF) { /* closed or aborted by the service */
            free(c);
            return;
        }
        used = used < c->in_len ? used : c->in_len;
        if (used == 0 && c->in_len == server->in_max) { /* a request larger than in_max */
            mote_tls_abort(conn);
            free(c);
            return;
        }
        memmove(c->in, c->in + used, c->in_len - used);
        c->in_len -= used;
    }
}

/* The peer is done: the answers still waiting go out before FIN. */
static void on_closed(int conn, void *arg)
{
    mote_tls_close(conn);
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
    mote_tls_set_callbacks(conn, &callbacks, c);
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
