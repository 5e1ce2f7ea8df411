// SPDX-License-Identifier: MIT
/*
 * DNS over TCP (RFC 7766): each message behind a 2-byte length, several
 * queries per connection, pipelined, answered in order. A connection is
 * closed after TCP_IDLE_NS without a query (§6.2.3), and reset when it sends
 * a length no query has or does not read its answers (MOTE_TCP_SEND_MAX of
 * them waiting). mote_tcp_serve keeps each connection's input.
 */
#include <stdint.h>

#include <mote/mote.h>

#include "dns_service.h"

#define LEN_PREFIX    2
#define TCP_QUERY_MAX 4096 /* a question and an OPT need far less */
#define TCP_REPLY_MAX 4096 /* this zone's largest reply is an SOA answer of ~150 bytes */
#define TCP_IDLE_NS   (10 * MOTE_NS_PER_S)

static uint8_t reply[LEN_PREFIX + TCP_REPLY_MAX];

static void conn_drop(int conn)
{
    dns_service_stats.dropped++;
    mote_tcp_abort(conn);
}

/* Answers every complete query in in. Returns the bytes of those queries. */
static size_t answer_queries(int conn, void *state, const void *data, size_t len, void *arg)
{
    const uint8_t *in = data;
    size_t off = 0;
    (void)state;
    (void)arg;
    while (len - off >= LEN_PREFIX) {
        size_t query_len = (size_t)in[off] << 8 | in[off + 1];
        if (query_len == 0 || query_len > TCP_QUERY_MAX) {
            conn_drop(conn);
            return 0;
        }
        if (len - off < LEN_PREFIX + query_len)
            break;
        size_t n = dns_answer(&dns_service_zone, &dns_service_stats, in + off + LEN_PREFIX,
                              query_len, reply + LEN_PREFIX, TCP_REPLY_MAX, DNS_TRANSPORT_TCP);
        off += LEN_PREFIX + query_len;
        if (n == 0)
            continue;
        reply[0] = (uint8_t)(n >> 8);
        reply[1] = (uint8_t)n;
        if (mote_tcp_send(conn, reply, LEN_PREFIX + n) != 0) { /* the client does not read */
            conn_drop(conn);
            return 0;
        }
    }
    return off;
}

int dns_tcp_start(uint16_t port)
{
    static const struct mote_tcp_server server = {
        .in_max = LEN_PREFIX + TCP_QUERY_MAX, /* so a whole query always fits */
        .idle_ns = TCP_IDLE_NS,
        .input = answer_queries,
    };
    int l = mote_tcp_serve(port, &server);
    return l < 0 ? l : 0;
}
