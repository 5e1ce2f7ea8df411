// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: DNS over TCP as the dns service frames it
 * (services/dns/tcp.c) on the per-connection buffering every request/response
 * server shares (net/tcp_server.c), over a fake TCP connection
 * (tests/fuzz/tcp_fake.c). The input is the byte stream the client sends, cut
 * into segments: each a length byte, then that many bytes (a length of 0
 * resends up to 4 KiB of the stream so far, for long queries). Checked: every
 * answer is one framed DNS message whose ID is that of a query the client
 * completed, in order; the connection's memory is freed however it ends.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "services/dns/dns_service.h"
#include "tests/fuzz/tcp_fake.h"

#define DNS_PORT   53
#define LEN_PREFIX 2
#define DNS_HEADER 12
#define STREAM_MAX (1u << 17) /* two full-size queries and change */
#define RESEND_MAX 4096

struct dns_zone dns_service_zone;
struct dns_stats dns_service_stats;

/* The client's stream and where the next query's length starts in it. */
static uint8_t *stream;
static size_t stream_len, next_query;

/* An answer: framed, and for the next query the client completed (IDs in order). */
void tcp_fake_output(const uint8_t *p, size_t len)
{
    if (len < LEN_PREFIX + DNS_HEADER || (size_t)(p[0] << 8 | p[1]) != len - LEN_PREFIX)
        abort();
    for (;;) { /* queries too short to have an ID get no answer */
        if (next_query + LEN_PREFIX > stream_len)
            abort();
        size_t qlen = (size_t)stream[next_query] << 8 | stream[next_query + 1];
        size_t q = next_query + LEN_PREFIX;
        next_query = q + qlen;
        if (next_query > stream_len)
            abort(); /* answered before it was complete */
        if (qlen >= 2 && memcmp(stream + q, p + LEN_PREFIX, 2) == 0)
            return;
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
    tcp_fake_connect();
    size_t off = 0;
    while (off < size && tcp_fake_open()) {
        size_t seg = data[off++];
        const uint8_t *bytes = data + off;
        if (seg == 0) {
            seg = stream_len < RESEND_MAX ? stream_len : RESEND_MAX;
            bytes = stream;
        } else {
            seg = seg < size - off ? seg : size - off;
            off += seg;
        }
        if (seg == 0 || stream_len + seg > STREAM_MAX)
            break;
        memmove(stream + stream_len, bytes, seg);
        stream_len += seg;
        tcp_fake_deliver(stream + stream_len - seg, seg);
    }
    tcp_fake_end(false);
    free(stream);
    return 0;
}
