// SPDX-License-Identifier: MIT
/*
 * apicheck: exercises the service API from outside, for
 * tests/system/test_api.py.
 *
 * With connect=ADDR:PORT it opens a TCP connection there (mote_tcp_connect),
 * sends "random <32 hex digits>\n" from mote_random_bytes and then echoes
 * what it receives until the peer closes. A failed connection is logged.
 *
 * With mdns=1 it answers <hostname>.local (mote_mdns_start): the one image
 * that names mdns without tls, so it runs lwIP's mDNS build (mk/lwip.mk) for
 * tests/system/test_mdns.py.
 *
 * It also defines functions named like the kernel's and lwIP's own
 * (event_raise, heap_size, random_u64, tcp_write, console_write). The link
 * keeps those local to Mote (mk/global.syms), so these are the service's
 * alone: the image links, and the kernel still calls its own (the echo works,
 * the random bytes are not this file's).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include <mote/mote.h>

#define ENDPOINT_TEXT_MAX 64
#define RANDOM_BYTES      16
#define FAKE_RANDOM       0x5a5a5a5a5a5a5a5aull
#define EXIT_USAGE        2

static struct mote_endpoint peer;
static char peer_text[ENDPOINT_TEXT_MAX];

/*
 * The kernel's names, defined again here; each is the service's own. Not
 * inlined, so that each stays a function of its own in the image, beside the
 * kernel's, for the test to find.
 */
#define OWN __attribute__((noinline))

OWN uint64_t random_u64(void)
{
    return FAKE_RANDOM; /* would make mote_random_bytes constant if the kernel called it */
}

OWN int event_raise(int event)
{
    return event; /* would stop every callback if the kernel's event loop called it */
}

OWN size_t heap_size(void)
{
    return 0;
}

OWN int tcp_write(const void *data, size_t len)
{
    (void)data;
    return (int)len; /* would swallow everything sent if lwIP called it */
}

static volatile size_t own_console_bytes;

OWN void console_write(const char *s, size_t len)
{
    (void)s;
    own_console_bytes += len;
}

static void on_data(int conn, const void *data, size_t len, void *arg)
{
    (void)arg;
    if (mote_tcp_send(conn, data, len) != 0)
        mote_tcp_abort(conn);
}

/* The peer is done: what was echoed still goes out, then FIN. */
static void on_closed(int conn, void *arg)
{
    (void)arg;
    mote_tcp_close(conn);
    mote_log(MOTE_LOG_INFO, "apicheck: %s closed the connection", peer_text);
}

static void on_error(int conn, int err, void *arg)
{
    (void)conn;
    (void)arg;
    mote_log(MOTE_LOG_ERROR, "apicheck: connection to %s lost: %s", peer_text, mote_strerror(err));
}

static void on_connect(int conn, int err, void *arg)
{
    static const struct mote_tcp_callbacks callbacks = {
        .data = on_data,
        .closed = on_closed,
        .error = on_error,
    };
    uint8_t random[RANDOM_BYTES];
    char line[sizeof("random \n") + 2 * RANDOM_BYTES];
    (void)arg;
    if (err) {
        mote_log(MOTE_LOG_ERROR, "apicheck: cannot connect to %s: %s", peer_text,
                 mote_strerror(err));
        return;
    }
    mote_tcp_set_callbacks(conn, &callbacks, NULL);
    mote_random_bytes(random, sizeof(random));
    int n = snprintf(line, sizeof(line), "random ");
    for (size_t i = 0; i < sizeof(random); i++)
        n += snprintf(line + n, sizeof(line) - (size_t)n, "%02x", random[i]);
    n += snprintf(line + n, sizeof(line) - (size_t)n, "\n");
    if (mote_tcp_send(conn, line, (size_t)n) != 0)
        mote_tcp_abort(conn);
    mote_log(MOTE_LOG_INFO, "apicheck: connected to %s", peer_text);
}

void service_start(const char *args)
{
    /* The service's own functions answer, not the kernel's. */
    console_write("", 0);
    mote_log(MOTE_LOG_INFO,
             "apicheck: own heap_size() %zu, event_raise(7) %d, tcp_write() %d, random_u64() %#llx",
             heap_size(), event_raise(7), tcp_write("", 1), (unsigned long long)random_u64());
    uint64_t mdns = 0;
    if (mote_arg_get_u64(args, "mdns", &mdns) == -EINVAL || mdns > 1) {
        mote_log(MOTE_LOG_ERROR, "apicheck: mdns: expected 0 or 1");
        mote_exit(EXIT_USAGE);
    }
    if (mdns && mote_mdns_start() != 0)
        mote_log(MOTE_LOG_ERROR, "apicheck: mDNS did not start");
    int err = mote_arg_get(args, "connect", peer_text, sizeof(peer_text));
    if (err == -ENOENT)
        return;
    if (err < 0 || mote_endpoint_parse(peer_text, &peer) != 0) {
        mote_log(MOTE_LOG_ERROR, "apicheck: connect: expected ADDR:PORT or [ADDR]:PORT");
        mote_exit(EXIT_USAGE);
    }
    int conn = mote_tcp_connect(&peer, on_connect, NULL);
    if (conn < 0) {
        mote_log(MOTE_LOG_ERROR, "apicheck: cannot connect to %s: %s", peer_text,
                 mote_strerror(conn));
        mote_exit(1);
    }
}
