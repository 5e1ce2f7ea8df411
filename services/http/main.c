// SPDX-License-Identifier: MIT
/*
 * http: a small static HTTP/1.1 server on TCP port 80 (RFC 9110, RFC 9112):
 * GET and HEAD, persistent connections with pipelining (answers in order),
 * 404 for unknown paths, 405 for other methods, 400/431/501/505 from the
 * request parser (lib/http) and then the connection is closed. Idle
 * connections close after IDLE_NS. The pages are in pages.c.
 *   make run SERVICE=http, then: curl -v http://127.0.0.1:8080/
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mote/mote.h>

#include "lib/http/http.h"
#include "services/http/pages.h"

#define HTTP_PORT          80
#define HEADER_MAX         512
#define DYNAMIC_MAX        1024
#define IDLE_NS            (15 * MOTE_NS_PER_S)
#define STATUS_OK          200
#define STATUS_NOT_FOUND   404
#define STATUS_NOT_ALLOWED 405
#define STATUS_SERVER_ERR  500

struct http_conn {
    int conn;
    size_t body_skip; /* request body bytes still to discard */
    size_t in_len;
    char in[HTTP_HEAD_MAX];
};

static const char error_body[] = "<!DOCTYPE html>\n<html><body><h1>%d %s</h1></body></html>\n";

/* The Date header's value (RFC 9110 §5.6.7 IMF-fixdate), or "" without a clock. */
static void format_date(char *buf, size_t max)
{
    int64_t ns = mote_wallclock_ns();
    time_t secs = (time_t)(ns / (int64_t)MOTE_NS_PER_S);
    struct tm tm;
    buf[0] = '\0';
    if (ns >= 0 && gmtime_r(&secs, &tm))
        strftime(buf, max, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n", &tm);
}

/*
 * Sends a response; after one without keep-alive the connection is closed
 * and c freed. Returns false if c was freed.
 */
static bool respond(struct http_conn *c, int status, const struct page *page, bool head_only,
                    bool keep_alive, const char *extra)
{
    char header[HEADER_MAX], date[64];
    format_date(date, sizeof(date));
    int n = snprintf(header, sizeof(header),
                     "HTTP/1.1 %d %s\r\nServer: Mote\r\n%sContent-Type: %s\r\n"
                     "Content-Length: %zu\r\n%s%s\r\n",
                     status, http_reason(status), date, page->type, page->len, extra,
                     keep_alive ? "" : "Connection: close\r\n");
    if (n < 0 || (size_t)n >= sizeof(header) || mote_tcp_send(c->conn, header, (size_t)n) != 0 ||
        (!head_only && mote_tcp_send(c->conn, page->body, page->len) != 0)) {
        mote_tcp_abort(c->conn); /* a client that does not read its answers */
        free(c);
        return false;
    }
    if (!keep_alive) {
        mote_tcp_close(c->conn);
        free(c);
        return false;
    }
    return true;
}

static bool respond_error(struct http_conn *c, int status, bool head_only, bool keep_alive,
                          const char *extra)
{
    char body[sizeof(error_body) + 64];
    int n = snprintf(body, sizeof(body), error_body, status, http_reason(status));
    struct page page = {"text/html; charset=utf-8", body, n > 0 ? (size_t)n : 0};
    return respond(c, status, &page, head_only, keep_alive, extra);
}

/* Answers one parsed request. Returns false if c was freed. */
static bool serve(struct http_conn *c, const struct http_request *req)
{
    static char dynamic[DYNAMIC_MAX];
    bool head = req->method == HTTP_HEAD;
    if (req->method == HTTP_OTHER)
        return respond_error(c, STATUS_NOT_ALLOWED, false, req->keep_alive, "Allow: GET, HEAD\r\n");
    struct page page;
    int err = pages_find(req->path, req->path_len, dynamic, sizeof(dynamic), &page);
    if (err == -ENOENT)
        return respond_error(c, STATUS_NOT_FOUND, head, req->keep_alive, "");
    if (err)
        return respond_error(c, STATUS_SERVER_ERR, head, req->keep_alive, "");
    return respond(c, STATUS_OK, &page, head, req->keep_alive, "");
}

/* Answers every complete request in c->in. Returns false if c was freed. */
static bool serve_requests(struct http_conn *c)
{
    for (;;) {
        if (c->body_skip > 0) {
            size_t n = c->body_skip < c->in_len ? c->body_skip : c->in_len;
            memmove(c->in, c->in + n, c->in_len - n);
            c->in_len -= n;
            c->body_skip -= n;
            if (c->body_skip > 0)
                return true;
        }
        struct http_request req;
        int r = http_parse_request(c->in, c->in_len, &req);
        if (r == 0)
            return true;
        if (r != 1)
            return respond_error(c, r, false, false, ""); /* and close */
        if (!serve(c, &req))
            return false;
        memmove(c->in, c->in + req.head_len, c->in_len - req.head_len);
        c->in_len -= req.head_len;
        c->body_skip = req.body_len;
    }
}

static void on_data(int conn, const void *data, size_t len, void *arg)
{
    struct http_conn *c = arg;
    const char *p = data;
    (void)conn;
    while (len > 0) {
        /* Never full here: a full buffer is a complete head or a 431. */
        size_t room = sizeof(c->in) - c->in_len;
        size_t n = room < len ? room : len;
        memcpy(c->in + c->in_len, p, n);
        c->in_len += n;
        p += n;
        len -= n;
        if (!serve_requests(c))
            return;
    }
}

/* The client is done: the answers still waiting go out before FIN. */
static void on_closed(int conn, void *arg)
{
    mote_tcp_close(conn);
    free(arg);
}

static void on_error(int conn, int err, void *arg)
{
    (void)conn;
    (void)err;
    free(arg);
}

static void on_accept(int conn, const struct mote_endpoint *peer, void *arg)
{
    static const struct mote_tcp_callbacks callbacks = {
        .data = on_data,
        .closed = on_closed,
        .error = on_error,
    };
    (void)peer;
    (void)arg;
    struct http_conn *c = malloc(sizeof(*c));
    if (!c) {
        mote_tcp_abort(conn);
        return;
    }
    c->conn = conn;
    c->body_skip = c->in_len = 0;
    mote_tcp_set_callbacks(conn, &callbacks, c);
    mote_tcp_set_idle_timeout(conn, IDLE_NS);
}

void service_start(const char *args)
{
    (void)args;
    int l = mote_tcp_listen(HTTP_PORT, on_accept, NULL);
    if (l < 0) {
        mote_log(MOTE_LOG_ERROR, "http: cannot listen on TCP port %d: %s", HTTP_PORT,
                 mote_strerror(l));
        mote_exit(1);
    }
    mote_log(MOTE_LOG_INFO, "http: serving on TCP port %d", HTTP_PORT);
}
