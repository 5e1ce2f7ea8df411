/* SPDX-License-Identifier: MIT */
/*
 * net/tcp.c's connection table as the TLS layer (net/tls.c) uses it: TLS
 * connections are net/tcp.c's connections over a TLS altcp pcb, with the
 * hooks below for what TLS adds. Only the TLS build of net/ (LWIP_ALTCP=1,
 * mk/mbedtls.mk) has this; a TLS connection's id is never a mote_tcp_* one
 * and the other way round.
 */
#ifndef NET_TCP_CONN_H
#define NET_TCP_CONN_H

#include <stdbool.h>
#include <stddef.h>

#include <mote/net.h>

#include "lwip/altcp.h"

/* Slots in the table: connections and listeners. */
#define NET_CONN_MAX (MEMP_NUM_TCP_PCB + MEMP_NUM_TCP_PCB_LISTEN)

/* What a TLS connection adds to a TCP one; conn is its id. */
struct net_conn_ops {
    size_t write_max;                     /* bytes per altcp_write (one whole record) */
    bool (*ready)(struct altcp_pcb *pcb); /* the handshake is done: writes may go out */
    void (*started)(int conn);            /* accepted, or routed: the handshake is under way */
    void (*progressed)(int conn);         /* data arrived or connected: the handshake is over */
    /* Idle timeout reached; the connection ends after this. */
    void (*idle)(int conn, struct altcp_pcb *pcb);
    /*
     * The connection failed with lwIP's err (pcb's TLS state still
     * readable): returns the errno the service hears.
     */
    int (*failed)(int conn, struct altcp_pcb *pcb, err_t err, bool connecting, bool closing);
    void (*freed)(int conn); /* its slot is free again */
};

/* Without altcp (images without TLS) these are net/tcp.c's own. */
#if LWIP_ALTCP
/*
 * The slot index conn names (< NET_CONN_MAX), live or not (also from the
 * freed hook), or -1 for no id at all.
 */
int net_conn_index(int conn);

/*
 * Listens with pcb (new and bound; taken over, freed on failure). Returns
 * the listener's id or -ENOMEM.
 */
int net_conn_listen(struct altcp_pcb *pcb, mote_tcp_accept_fn on_accept, void *arg,
                    const struct net_conn_ops *ops);

/*
 * Connects pcb (new; taken over, freed on failure) to addr:port, as
 * mote_tcp_connect. Returns the connection's id or mote_tcp_connect's errors.
 */
int net_conn_connect(struct altcp_pcb *pcb, const ip_addr_t *addr, uint16_t port,
                     mote_tcp_connect_fn on_connect, void *arg, const struct net_conn_ops *ops);

/* The pcb of a live connection with ops, or NULL. */
struct altcp_pcb *net_conn_pcb(int conn, const struct net_conn_ops *ops);

/* Ends a connection with ops at once: reset, and the service hears err. */
void net_conn_fail(int conn, const struct net_conn_ops *ops, int err);

/* mote_tcp_*'s work for connections with ops (NULL: TCP's). */
int net_conn_set_callbacks(int conn, const struct net_conn_ops *ops,
                           const struct mote_tcp_callbacks *cb, void *arg);
int net_conn_write(int conn, const struct net_conn_ops *ops, const void *data, size_t len);
int net_conn_send(int conn, const struct net_conn_ops *ops, const void *data, size_t len);
int net_conn_space(int conn, const struct net_conn_ops *ops);
int net_conn_set_idle_timeout(int conn, const struct net_conn_ops *ops, uint64_t idle_ns);
int net_conn_close(int conn, const struct net_conn_ops *ops);
int net_conn_abort(int conn, const struct net_conn_ops *ops);
int net_conn_peer(int conn, const struct net_conn_ops *ops, struct mote_endpoint *peer);

#endif

#endif
