// SPDX-License-Identifier: MIT
/*
 * mote_tls_serve (include/mote/tls.h): net/tcp_server.c's request/response
 * server, handed the TLS API's connection calls instead of TCP's.
 */
#include <errno.h>
#include <stdint.h>

#include <mote/net.h>
#include <mote/tls.h>

#include "net/tcp_server.h"

static const struct net_serve_transport tls_transport = {
    .set_callbacks = mote_tls_set_callbacks,
    .set_idle_timeout = mote_tls_set_idle_timeout,
    .space = mote_tls_space,
    .close = mote_tls_close,
    .abort = mote_tls_abort,
};

static void on_accept(int conn, const struct mote_endpoint *peer, void *arg)
{
    (void)peer;
    net_serve_accept(&tls_transport, conn, arg);
}

int mote_tls_serve(uint16_t port, struct mote_tls_config *config,
                   const struct mote_tcp_server *server)
{
    if (!net_serve_valid(server))
        return -EINVAL;
    /* mote_tls_listen's arg is not const: the server is only ever read through it. */
    return mote_tls_listen(port, config, on_accept, (void *)(uintptr_t)server);
}
