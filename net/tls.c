// SPDX-License-Identifier: MIT
/*
 * TLS listeners and connections (include/mote/tls.h): net/tcp.c's
 * connections over altcp_tls_mbedtls pcbs (net/tcp_conn.h). What is TLS's
 * own is here: creating the pcbs with the configuration, the handshake's
 * deadline, holding writes back until the handshake is done (net/tcp.c asks
 * ready()), one record of at most MBEDTLS_SSL_OUT_CONTENT_LEN bytes per
 * altcp_write (altcp_tls_mbedtls cannot report a partial record), logging a
 * failed handshake with its reason (read from the TLS state altcp still
 * holds in its error callback), and mote_tls_info.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include <mote/error.h>
#include <mote/log.h>
#include <mote/net.h>
#include <mote/time.h>
#include <mote/timer.h>
#include <mote/tls.h>

#include "lwip/altcp.h"
#include "lwip/altcp_tls.h"
#include "mbedtls/ssl.h"
#include "net/net.h"
#include "net/tcp_conn.h"
#include "net/tls.h"

#define RECORD_MAX MBEDTLS_SSL_OUT_CONTENT_LEN /* one mbedtls_ssl_write, one whole record */
#define REASON_MAX 200
#define PEER_TEXT  64

/* By slot index (net_conn_index): what TLS keeps per connection. */
static struct {
    int handshake_timer; /* 0: none */
    /* For the log, kept: altcp cannot tell it once the TCP connection failed. */
    struct mote_endpoint peer;
} conns[NET_CONN_MAX];

static void peer_text(int conn, char *buf, size_t max)
{
    int i = net_conn_index(conn);
    const struct mote_endpoint *ep = &conns[i < 0 ? 0 : i].peer;
    const uint8_t *a = ep->addr;
    if (ep->family == MOTE_AF_INET)
        snprintf(buf, max, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], ep->port);
    else
        snprintf(buf, max, "[%x:%x:...:%x]:%u", a[0] << 8 | a[1], a[2] << 8 | a[3],
                 a[14] << 8 | a[15], ep->port);
}

static const struct net_conn_ops tls_ops;

/* The handshake is over (or the connection gone): its deadline goes. */
static void handshake_over(int conn)
{
    int i = net_conn_index(conn);
    if (i < 0)
        return;
    if (conns[i].handshake_timer > 0)
        mote_timer_cancel(conns[i].handshake_timer);
    conns[i].handshake_timer = 0;
}

static void handshake_expired(void *arg)
{
    int conn = (int)(intptr_t)arg;
    struct altcp_pcb *pcb = net_conn_pcb(conn, &tls_ops);
    if (!pcb)
        return;
    conns[net_conn_index(conn)].handshake_timer = 0;
    if (tls_handshake_done(pcb))
        return;
    char peer[PEER_TEXT];
    peer_text(conn, peer, sizeof(peer));
    mote_log(MOTE_LOG_WARN, "tls: %s: no finished handshake after %llu s: connection ended", peer,
             (unsigned long long)(MOTE_TLS_HANDSHAKE_NS / MOTE_NS_PER_S));
    net_conn_fail(conn, &tls_ops, -ETIMEDOUT);
}

/* The handshake has begun (accepted, or a client's SYN sent): its deadline starts. */
static void handshake_started(int conn)
{
    int i = net_conn_index(conn);
    struct altcp_pcb *pcb = net_conn_pcb(conn, &tls_ops);
    if (i < 0 || !pcb)
        return;
    ip_addr_t addr;
    u16_t port = 0;
    ip_addr_set_zero(&addr);
    altcp_get_tcp_addrinfo(pcb, 0, &addr, &port);
    net_endpoint_from(&conns[i].peer, &addr, port);
    if (conns[i].handshake_timer > 0)
        mote_timer_cancel(conns[i].handshake_timer);
    conns[i].handshake_timer =
        mote_timer_after(MOTE_TLS_HANDSHAKE_NS, handshake_expired, (void *)(intptr_t)conn);
}

static void idle(int conn, struct altcp_pcb *pcb)
{
    if (tls_handshake_done(pcb))
        return;
    char peer[PEER_TEXT]; /* a silent client, or one too slow to finish */
    peer_text(conn, peer, sizeof(peer));
    mote_log(MOTE_LOG_WARN,
             "tls: %s: no finished handshake within the idle timeout: "
             "connection ended",
             peer);
}

/*
 * altcp frees pcb after this (a TCP error), or closes it (a failed
 * handshake: err is ERR_CLSD before the handshake is done); its TLS state is
 * still readable here, so the reason goes to the log.
 */
static int failed(int conn, struct altcp_pcb *pcb, err_t err, bool connecting, bool closing)
{
    int result = net_errno(err);
    if (!tls_handshake_done(pcb) && !closing) {
        char peer[PEER_TEXT], why[REASON_MAX];
        peer_text(conn, peer, sizeof(peer));
        if (err == ERR_CLSD)
            tls_describe_failure(pcb, why, sizeof(why));
        else
            snprintf(why, sizeof(why), "%s during the handshake", mote_strerror(result));
        mote_log(MOTE_LOG_WARN, "tls: %s: handshake failed: %s", peer, why);
        return connecting && (err == ERR_CLSD || err == ERR_RST) ? -ECONNREFUSED : -ECONNABORTED;
    }
    return err == ERR_CLSD ? -ECONNABORTED : result;
}

static const struct net_conn_ops tls_ops = {
    .write_max = RECORD_MAX,
    .ready = tls_handshake_done,
    .started = handshake_started,
    .progressed = handshake_over,
    .idle = idle,
    .failed = failed,
    .freed = handshake_over,
};

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
    return net_conn_listen(pcb, on_accept, arg, &tls_ops);
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
    return net_conn_connect(pcb, &addr, to->port, on_connect, arg, &tls_ops);
}

int mote_tls_set_callbacks(int conn, const struct mote_tcp_callbacks *cb, void *arg)
{
    return net_conn_set_callbacks(conn, &tls_ops, cb, arg);
}

int mote_tls_write(int conn, const void *data, size_t len)
{
    return net_conn_write(conn, &tls_ops, data, len);
}

int mote_tls_send(int conn, const void *data, size_t len)
{
    return net_conn_send(conn, &tls_ops, data, len);
}

int mote_tls_space(int conn)
{
    return net_conn_space(conn, &tls_ops);
}

int mote_tls_set_idle_timeout(int conn, uint64_t idle_ns)
{
    return net_conn_set_idle_timeout(conn, &tls_ops, idle_ns);
}

int mote_tls_close(int conn)
{
    return net_conn_close(conn, &tls_ops);
}

int mote_tls_abort(int conn)
{
    return net_conn_abort(conn, &tls_ops);
}

int mote_tls_peer(int conn, struct mote_endpoint *peer)
{
    return net_conn_peer(conn, &tls_ops, peer);
}

int mote_tls_info(int conn, struct mote_tls_info *info)
{
    struct altcp_pcb *pcb = net_conn_pcb(conn, &tls_ops);
    if (!pcb)
        return -EBADF;
    if (!info)
        return -EINVAL;
    if (!tls_handshake_done(pcb))
        return -ENOTCONN;
    mbedtls_ssl_context *ssl = altcp_tls_context(pcb);
    info->version = mbedtls_ssl_get_version(ssl);
    info->cipher = mbedtls_ssl_get_ciphersuite(ssl);
    return 0;
}
