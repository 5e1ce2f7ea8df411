// SPDX-License-Identifier: MIT
/*
 * tlsclient: a TLS client, to show and test the TLS client API. Boot
 * arguments: connect=ADDR:PORT (the server), name=HOST (the name its
 * certificate must carry; default: ADDR), retry=SECONDS (between attempts,
 * default 5). The CA certificate is the build's (service_tls_ca). Each
 * attempt sends "GET / HTTP/1.0" and logs the answer's first line; a refused
 * server is logged by Mote's TLS layer with its reason, and the next attempt
 * follows. count=N makes N exchanges, each on a new connection, one after the
 * other (default 1; for bench/tls.py), after wait=SECONDS (default 0); then
 * the service logs "done" and stays idle.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <mote/mote.h>
#include <mote/tls.h>

#define ARG_MAX       64
#define NAME_MAX_LEN  256
#define REQUEST_MAX   320
#define LINE_MAX      120
#define RETRY_DEFAULT 5
#define RETRY_MAX     3600
#define COUNT_MAX     100000

static struct mote_endpoint server;
static char name[NAME_MAX_LEN];
static struct mote_tls_config *config;
static uint64_t retry_ns;
static char line[LINE_MAX];
static size_t line_len;
static bool answered;
static uint64_t count = 1, exchanges;

static void attempt(void *arg);

static void again(void)
{
    if (!answered)
        mote_timer_after(retry_ns, attempt, NULL);
}

/* The first line of the answer, as it arrives in pieces. */
static void on_data(int conn, const void *data, size_t len, void *arg)
{
    (void)arg;
    const char *p = data;
    for (size_t i = 0; i < len && !answered; i++) {
        if (p[i] == '\r' || p[i] == '\n' || line_len == sizeof(line) - 1) {
            line[line_len] = '\0';
            if (exchanges++ == 0)
                mote_log(MOTE_LOG_INFO, "tlsclient: answer: %s", line);
            mote_tls_close(conn);
            if (exchanges < count) { /* the next exchange, on a new connection */
                line_len = 0;
                attempt(NULL);
                return;
            }
            mote_log(MOTE_LOG_INFO, "tlsclient: done (%llu exchanges)",
                     (unsigned long long)exchanges);
            answered = true;
            return;
        }
        line[line_len++] = p[i];
    }
}

static void on_closed(int conn, void *arg)
{
    (void)arg;
    mote_tls_close(conn);
    if (!answered) {
        mote_log(MOTE_LOG_WARN, "tlsclient: the server closed without an answer");
        again();
    }
}

static void on_error(int conn, int err, void *arg)
{
    (void)conn;
    (void)arg;
    if (!answered) {
        mote_log(MOTE_LOG_WARN, "tlsclient: connection lost: %s", mote_strerror(err));
        again();
    }
}

static void on_connect(int conn, int err, void *arg)
{
    (void)arg;
    if (err) {
        mote_log(MOTE_LOG_WARN, "tlsclient: no TLS connection: %s; again in %llu s",
                 mote_strerror(err), (unsigned long long)(retry_ns / MOTE_NS_PER_S));
        again();
        return;
    }
    static const struct mote_tcp_callbacks cb = {
        .data = on_data, .closed = on_closed, .error = on_error};
    mote_tls_set_callbacks(conn, &cb, NULL);
    struct mote_tls_info info;
    if (mote_tls_info(conn, &info) == 0)
        mote_log(MOTE_LOG_INFO, "tlsclient: connected to %s: %s, %s", name, info.version,
                 info.cipher);
    char request[REQUEST_MAX];
    int n = snprintf(request, sizeof(request), "GET / HTTP/1.0\r\nHost: %s\r\n\r\n", name);
    line_len = 0;
    if (n < 0 || (size_t)n >= sizeof(request) || mote_tls_send(conn, request, (size_t)n) != 0)
        mote_tls_abort(conn);
}

static void attempt(void *arg)
{
    (void)arg;
    int c = mote_tls_connect(&server, name, config, on_connect, NULL);
    if (c < 0) { /* no route yet (DHCP under way) among others */
        mote_log(MOTE_LOG_WARN, "tlsclient: cannot connect: %s; again in %llu s", mote_strerror(c),
                 (unsigned long long)(retry_ns / MOTE_NS_PER_S));
        again();
    }
}

void service_start(const char *args)
{
    char target[ARG_MAX];
    if (mote_arg_get(args, "connect", target, sizeof(target)) < 0 ||
        mote_endpoint_parse(target, &server) != 0) {
        mote_log(MOTE_LOG_ERROR, "tlsclient: expected connect=ADDR:PORT (the TLS server)");
        mote_exit(1);
    }
    if (mote_arg_get(args, "name", name, sizeof(name)) < 0)
        snprintf(name, sizeof(name), "%.*s", (int)(strrchr(target, ':') - target), target);
    uint64_t retry_s = RETRY_DEFAULT;
    if (mote_arg_get_u64(args, "retry", &retry_s) == -EINVAL || retry_s == 0 ||
        retry_s > RETRY_MAX) {
        mote_log(MOTE_LOG_ERROR, "tlsclient: expected retry=SECONDS (1 to %d)", RETRY_MAX);
        mote_exit(1);
    }
    retry_ns = retry_s * MOTE_NS_PER_S;
    uint64_t wait_s = 0;
    if (mote_arg_get_u64(args, "count", &count) == -EINVAL || count == 0 || count > COUNT_MAX ||
        mote_arg_get_u64(args, "wait", &wait_s) == -EINVAL || wait_s > RETRY_MAX) {
        mote_log(MOTE_LOG_ERROR, "tlsclient: expected count=N (1 to %d), wait=SECONDS (0 to %d)",
                 COUNT_MAX, RETRY_MAX);
        mote_exit(1);
    }
    struct mote_tls_credentials cred;
    mote_tls_build_credentials(&cred);
    int err = mote_tls_client_config(&cred, &config);
    if (err) {
        mote_log(MOTE_LOG_ERROR, "tlsclient: no client configuration: %s%s", mote_strerror(err),
                 cred.ca_len ? "" : " (the image has no CA: service_tls_ca or make TLS_CA=)");
        mote_exit(1);
    }
    mote_log(MOTE_LOG_INFO, "tlsclient: connecting to %s as %s in %llu s", target, name,
             (unsigned long long)wait_s);
    if (wait_s)
        mote_timer_after(wait_s * MOTE_NS_PER_S, attempt, NULL);
    else
        attempt(NULL);
}
