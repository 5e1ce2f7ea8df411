/* SPDX-License-Identifier: MIT */
/*
 * The one request/response server (net/tcp_server.c) behind mote_tcp_serve
 * (include/mote/net.h) and mote_tls_serve (include/mote/tls.h): the same
 * bookkeeping over either API's connection calls.
 */
#ifndef NET_TCP_SERVER_H
#define NET_TCP_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include <mote/net.h>

/*
 * A transport's connection calls, with mote_tcp_*'s contracts (net.h); in
 * particular space() returns -EBADF once a connection is no longer the
 * service's, which is how the server learns that the service closed it.
 */
struct net_serve_transport {
    int (*set_callbacks)(int conn, const struct mote_tcp_callbacks *cb, void *arg);
    int (*set_idle_timeout)(int conn, uint64_t idle_ns);
    int (*space)(int conn);
    int (*close)(int conn);
    int (*abort)(int conn);
};

/*
 * Takes over conn, just accepted over transport t, for server (which must
 * outlive it, as t must): its state and input buffer are allocated and its
 * callbacks set, or it is aborted when there is no memory.
 */
void net_serve_accept(const struct net_serve_transport *t, int conn,
                      const struct mote_tcp_server *server);

/* Whether server can be served: it has an input callback and an input buffer. */
static inline bool net_serve_valid(const struct mote_tcp_server *server)
{
    return server && server->input && server->in_max > 0;
}

#endif
