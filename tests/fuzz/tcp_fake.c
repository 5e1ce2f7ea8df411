// SPDX-License-Identifier: MIT
/* A fake of the TCP API for fuzz targets of services (tests/fuzz/tcp_fake.h). */
#include "tests/fuzz/tcp_fake.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LISTENER 1

static struct {
    mote_tcp_accept_fn accept;
    void *accept_arg;
    struct mote_tcp_callbacks cb;
    void *cb_arg;
    bool open;
    size_t space;
} tcp;

int mote_tcp_listen(uint16_t port, mote_tcp_accept_fn on_accept, void *arg)
{
    if (port == 0 || !on_accept)
        abort();
    tcp.accept = on_accept;
    tcp.accept_arg = arg;
    return LISTENER;
}

int mote_tcp_set_callbacks(int conn, const struct mote_tcp_callbacks *cb, void *arg)
{
    if (conn != TCP_FAKE_CONN || !tcp.open || !cb)
        abort();
    tcp.cb = *cb;
    tcp.cb_arg = arg;
    return 0;
}

int mote_tcp_set_idle_timeout(int conn, uint64_t idle_ns)
{
    (void)idle_ns;
    return conn == TCP_FAKE_CONN && tcp.open ? 0 : -EBADF;
}

int mote_tcp_space(int conn)
{
    return conn == TCP_FAKE_CONN && tcp.open ? (int)tcp.space : -EBADF;
}

int mote_tcp_write(int conn, const void *data, size_t len)
{
    if (conn != TCP_FAKE_CONN || !tcp.open)
        abort();
    size_t n = len < tcp.space ? len : tcp.space;
    tcp_fake_output(data, n);
    tcp.space -= n;
    return (int)n;
}

int mote_tcp_send(int conn, const void *data, size_t len)
{
    if (conn != TCP_FAKE_CONN || !tcp.open)
        abort();
    if (len > MOTE_TCP_SEND_MAX)
        return -ENOBUFS;
    tcp_fake_output(data, len); /* what does not fit waits inside Mote: not the service's concern */
    return 0;
}

static int end_by_service(int conn)
{
    if (conn != TCP_FAKE_CONN || !tcp.open)
        abort();
    tcp.open = false;
    return 0;
}

int mote_tcp_close(int conn)
{
    return conn == LISTENER ? 0 : end_by_service(conn);
}

int mote_tcp_abort(int conn)
{
    return end_by_service(conn);
}

void tcp_fake_connect(void)
{
    static const struct mote_endpoint peer = {
        .family = MOTE_AF_INET, .addr = {10, 0, 2, 2}, .port = 40000};
    memset(&tcp.cb, 0, sizeof(tcp.cb));
    tcp.open = true;
    tcp.space = TCP_FAKE_SPACE;
    tcp.accept(TCP_FAKE_CONN, &peer, tcp.accept_arg);
}

bool tcp_fake_open(void)
{
    return tcp.open;
}

void tcp_fake_deliver(const uint8_t *data, size_t len)
{
    if (!tcp.open || len == 0 || !tcp.cb.data)
        return;
    uint8_t *copy = malloc(len);
    if (!copy)
        abort();
    memcpy(copy, data, len);
    tcp.cb.data(TCP_FAKE_CONN, copy, len, tcp.cb_arg);
    free(copy);
}

void tcp_fake_ack(void)
{
    if (!tcp.open)
        return;
    tcp.space = TCP_FAKE_SPACE;
    if (tcp.cb.sent)
        tcp.cb.sent(TCP_FAKE_CONN, tcp.space, tcp.cb_arg);
}

void tcp_fake_end(bool reset)
{
    if (!tcp.open)
        return;
    if (reset) {
        tcp.open = false;
        if (tcp.cb.error)
            tcp.cb.error(TCP_FAKE_CONN, -ECONNRESET, tcp.cb_arg);
    } else if (tcp.cb.closed) {
        tcp.cb.closed(TCP_FAKE_CONN, tcp.cb_arg); /* the service closes it, or will */
    }
    /* Whatever is still open after a FIN: the service would close it; the stack does now. */
    if (tcp.open) {
        tcp.open = false;
        if (tcp.cb.error)
            tcp.cb.error(TCP_FAKE_CONN, -ETIMEDOUT, tcp.cb_arg);
    }
}
