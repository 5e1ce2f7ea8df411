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
#define OUT_MAX            16384 /* responses waiting for the client; every page fits */
#define HEADER_MAX         512
#define DYNAMIC_MAX        1024
#define IDLE_NS            (15 * MOTE_NS_PER_S)
#define STATUS_OK          200
#define STATUS_NOT_FOUND   404
#define STATUS_NOT_ALLOWED 405
#define STATUS_SERVER_ERR  500

struct http_conn {
    int conn;
    int idle_timer;
    bool closing;     /* close once the pending output is written */
    size_t body_skip; /* request body bytes still to discard */
    size_t in_len, out_len;
    char in[HTTP_HEAD_MAX];
    char out[OUT_MAX];
};

static const char error_body[] = "<!DOCTYPE html>\n<html><body><h1>%d %s</h1></body></html>\n";

static void conn_free(struct http_conn *c)
{
    if (c->idle_timer > 0)
        mote_timer_cancel(c->idle_timer);
    free(c);
}

static void conn_close(struct http_conn *c)
{
    mote_tcp_close(c->conn);
    conn_free(c);
}

static void idle_expired(void *arg)
{
    struct http_conn *c = arg;
    c->idle_timer = 0;
    conn_close(c);
}

static void idle_restart(struct http_conn *c)
{
    if (c->idle_timer > 0)
        mote_timer_cancel(c->idle_timer);
    c->idle_timer = mote_timer_after(IDLE_NS, idle_expired, c);
}

/* Writes what the connection takes. Returns false if c was freed. */
static bool flush(struct http_conn *c)
{
    if (c->out_len > 0) {
        int n = mote_tcp_write(c->conn, c->out, c->out_len);
        if (n < 0) {
            conn_close(c);
            return false;
        }
        memmove(c->out, c->out + n, c->out_len - (size_t)n);
        c->out_len -= (size_t)n;
    }
    if (c->closing && c->out_len == 0) {
        conn_close(c);
        return false;
    }
    return true;
}

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
 * Queues a response. Returns false when it does not fit behind the pending
 * output yet (try again once it drained).
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
    size_t body = head_only ? 0 : page->len;
    if (n < 0 || (size_t)n >= sizeof(header) || c->out_len + (size_t)n + body > sizeof(c->out))
        return false;
    memcpy(c->out + c->out_len, header, (size_t)n);
    memcpy(c->out + c->out_len + (size_t)n, page->body, body);
    c->out_len += (size_t)n + body;
    if (!keep_alive)
        c->closing = true;
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

/* Answers one parsed request. Returns false if it does not fit yet. */
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
    while (!c->closing) {
        if (c->body_skip > 0) {
            size_t n = c->body_skip < c->in_len ? c->body_skip : c->in_len;
            memmove(c->in, c->in + n, c->in_len - n);
            c->in_len -= n;
            c->body_skip -= n;
            if (c->body_skip > 0)
                break;
        }
        struct http_request req;
        int r = http_parse_request(c->in, c->in_len, &req);
        if (r == 0)
            break;
        if (r == 1 ? !serve(c, &req) : !respond_error(c, r, false, false, ""))
            break; /* the output is full: continue when it drains */
        if (r != 1)
            break; /* closing after the error */
        memmove(c->in, c->in + req.head_len, c->in_len - req.head_len);
        c->in_len -= req.head_len;
        c->body_skip = req.body_len;
    }
    return flush(c);
}

static void on_data(int conn, const void *data, size_t len, void *arg)
{
    struct http_conn *c = arg;
    const char *p = data;
    (void)conn;
    idle_restart(c);
    while (len > 0 && !c->closing) {
        size_t room = sizeof(c->in) - c->in_len;
        if (room == 0) { /* a full head that cannot be answered yet: the client pipelines
                            without reading */
            conn_close(c);
            return;
        }
        size_t n = room < len ? room : len;
        memcpy(c->in + c->in_len, p, n);
        c->in_len += n;
        p += n;
        len -= n;
        if (!serve_requests(c))
            return;
    }
}

static void on_sent(int conn, size_t space, void *arg)
{
    (void)conn;
    (void)space;
    serve_requests(arg);
}

static void on_closed(int conn, void *arg)
{
    struct http_conn *c = arg;
    (void)conn;
    c->closing = true;
    flush(c);
}

static void on_error(int conn, int err, void *arg)
{
    (void)conn;
    (void)err;
    conn_free(arg);
}

static void on_accept(int conn, const struct mote_endpoint *peer, void *arg)
{
    static const struct mote_tcp_callbacks callbacks = {
        .data = on_data,
        .sent = on_sent,
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
    c->idle_timer = 0;
    c->closing = false;
    c->body_skip = c->in_len = c->out_len = 0;
    mote_tcp_set_callbacks(conn, &callbacks, c);
    idle_restart(c);
}

void service_start(const char *args)
{
    (void)args;
    int l = mote_tcp_listen(HTTP_PORT, on_accept, NULL);
    if (l < 0) {
        mote_log(MOTE_LOG_ERROR, "http: cannot listen on TCP port %d: error %d", HTTP_PORT, l);
        mote_exit(1);
    }
    mote_log(MOTE_LOG_INFO, "http: serving on TCP port %d", HTTP_PORT);
}
