// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: DNS over TCP as the dns service frames it
 * (services/dns/tcp.c) on the per-connection buffering every request/response
 * server shares (net/tcp_server.c), over a fake of the TCP API with one
 * connection. The input is the byte stream the client sends, cut into
 * segments: each a length byte, then that many bytes. Checked: every answer
 * is one framed DNS message (its 2-byte length matches, a header fits) whose
 * ID is that of a query the client completed, in order; nothing is delivered
 * after the connection was closed or reset; the connection's memory is freed
 * (LeakSanitizer), however the stream ends.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/net.h>

#include "services/dns/dns_service.h"

#define CONN       2
#define LISTENER   1
#define DNS_PORT   53
#define LEN_PREFIX 2
#define DNS_HEADER 12
#define STREAM_MAX (1u << 17) /* two full-size queries and change */
#define SEND_SPACE 65536

struct dns_zone dns_service_zone;
struct dns_stats dns_service_stats;

static struct {
    mote_tcp_accept_fn accept;
    void *accept_arg;
    struct mote_tcp_callbacks cb;
    void *cb_arg;
    bool open;
} tcp;

/* The client's stream and where the next query's header starts in it. */
static uint8_t *stream;
static size_t stream_len, next_query;

int mote_tcp_listen(uint16_t port, mote_tcp_accept_fn on_accept, void *arg)
{
    (void)port;
    tcp.accept = on_accept;
    tcp.accept_arg = arg;
    return LISTENER;
}

int mote_tcp_set_callbacks(int conn, const struct mote_tcp_callbacks *cb, void *arg)
{
    if (conn != CONN)
        abort();
    tcp.cb = *cb;
    tcp.cb_arg = arg;
    return 0;
}

int mote_tcp_set_idle_timeout(int conn, uint64_t idle_ns)
{
    (void)idle_ns;
    return conn == CONN ? 0 : -EBADF;
}

int mote_tcp_space(int conn)
{
    return conn == CONN && tcp.open ? SEND_SPACE : -EBADF;
}

int mote_tcp_close(int conn)
{
    if (conn != CONN || !tcp.open)
        abort();
    tcp.open = false;
    return 0;
}

int mote_tcp_abort(int conn)
{
    if (conn != CONN || !tcp.open)
        abort();
    tcp.open = false;
    return 0;
}

/* An answer: framed, and for the next query the client completed (IDs in order). */
int mote_tcp_send(int conn, const void *data, size_t len)
{
    const uint8_t *p = data;
    if (conn != CONN || !tcp.open || len < LEN_PREFIX + DNS_HEADER ||
        (size_t)(p[0] << 8 | p[1]) != len - LEN_PREFIX)
        abort();
    /* Skip the client's queries that got no answer (too short to have an ID). */
    for (;;) {
        if (next_query + LEN_PREFIX > stream_len)
            abort(); /* an answer with no query left */
        size_t qlen = (size_t)stream[next_query] << 8 | stream[next_query + 1];
        size_t q = next_query + LEN_PREFIX;
        next_query = q + qlen;
        if (qlen >= 2 && next_query <= stream_len && memcmp(stream + q, p + LEN_PREFIX, 2) == 0)
            return 0;
        if (next_query > stream_len)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool started;
    if (!started) {
        if (dns_zone_init(&dns_service_zone, DNS_ZONE_RECORDS_DEFAULT) != 0 ||
            dns_tcp_start(DNS_PORT) != 0)
            abort();
        started = true;
    }
    stream = malloc(STREAM_MAX);
    if (!stream)
        abort();
    stream_len = next_query = 0;
    memset(&tcp.cb, 0, sizeof(tcp.cb));
    tcp.open = true;
    struct mote_endpoint peer = {.family = MOTE_AF_INET, .port = 40000};
    tcp.accept(CONN, &peer, tcp.accept_arg);

    size_t off = 0;
    while (off < size && tcp.open && tcp.cb.data) {
        size_t seg = data[off++];
        /* A zero length byte is a large segment: 4 KiB of the stream so far, repeated. */
        uint8_t *bytes = (uint8_t *)data + off;
        if (seg == 0) {
            seg = stream_len < 4096 ? stream_len : 4096;
            bytes = stream;
        } else if (seg > size - off) {
            seg = size - off;
        }
        if (stream_len + seg > STREAM_MAX)
            break;
        memmove(stream + stream_len, bytes, seg);
        uint8_t *copy = malloc(seg ? seg : 1); /* exact size, for ASan */
        memcpy(copy, stream + stream_len, seg);
        stream_len += seg;
        if (bytes != stream)
            off += seg;
        if (seg)
            tcp.cb.data(CONN, copy, seg, tcp.cb_arg);
        free(copy);
    }
    /* The peer closes, unless the service already closed or reset the connection. */
    if (tcp.open)
        tcp.cb.closed(CONN, tcp.cb_arg);
    free(stream);
    return 0;
}
