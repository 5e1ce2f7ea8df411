// SPDX-License-Identifier: MIT
/*
 * http: a small static HTTP/1.1 server on TCP port 80 (RFC 9110, RFC 9112):
 * GET and HEAD, persistent connections with pipelining (answers in order),
 * 404 for unknown paths, 405 for other methods, 400/431/501/505 from the
 * request parser (lib/http) and then the connection is closed. Idle
 * connections close after IDLE_NS; mote_tcp_serve keeps each connection's
 * input. The pages are in pages.c. With a certificate and key (service.mk:
 * service_tls_cert, service_tls_key) the same pages are served over HTTPS on
 * port 443 too (https.c); a connection's transport says which. With a
 * volume mounted (fs=virtio0p1) its files are served first (files.c), over
 * both.
 *   make run SERVICE=http, then: curl -v http://127.0.0.1:8080/
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <mote/mote.h>

#include <http/http.h>
#include "files.h"
#include "http_service.h"
#include "pages.h"

#define HTTP_PORT          80
#define HEADER_MAX         512
#define DYNAMIC_MAX        1024
#define IDLE_NS            (15 * MOTE_NS_PER_S)
#define STATUS_OK          200
#define STATUS_NOT_FOUND   404
#define STATUS_NOT_ALLOWED 405
#define STATUS_SERVER_ERR  500

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
 * Sends a response; after one without keep-alive the connection is closed.
 * Returns false if conn was closed or aborted.
 */
static bool respond(const struct http_transport *t, int conn, int status, const struct page *page,
                    bool head_only, bool keep_alive, const char *extra)
{
    char header[HEADER_MAX], date[64];
    format_date(date, sizeof(date));
    int n = snprintf(header, sizeof(header),
                     "HTTP/1.1 %d %s\r\nServer: Mote\r\n%sContent-Type: %s\r\n"
                     "Content-Length: %zu\r\n%s%s\r\n",
                     status, http_reason(status), date, page->type, page->len, extra,
                     keep_alive ? "" : "Connection: close\r\n");
    if (n < 0 || (size_t)n >= sizeof(header) || t->send(conn, header, (size_t)n) != 0 ||
        (!head_only && t->send(conn, page->body, page->len) != 0)) {
        t->abort(conn); /* a client that does not read its answers */
        return false;
    }
    if (!keep_alive) {
        t->close(conn);
        return false;
    }
    return true;
}

static bool respond_error(const struct http_transport *t, int conn, int status, bool head_only,
                          bool keep_alive, const char *extra)
{
    char body[sizeof(error_body) + 64];
    int n = snprintf(body, sizeof(body), error_body, status, http_reason(status));
    struct page page = {"text/html; charset=utf-8", body, n > 0 ? (size_t)n : 0};
    return respond(t, conn, status, &page, head_only, keep_alive, extra);
}

/*
 * Answers one parsed request (its head at in). Returns false if conn was
 * closed or aborted; a file still streaming shows in c->file.
 */
static bool serve(const struct http_transport *t, int conn, struct http_conn *c,
                  const struct http_request *req, const char *in)
{
    static char dynamic[DYNAMIC_MAX];
    bool head = req->method == HTTP_HEAD;
    if (req->method == HTTP_OTHER)
        return respond_error(t, conn, STATUS_NOT_ALLOWED, false, req->keep_alive,
                             "Allow: GET, HEAD\r\n");
    char date[64];
    format_date(date, sizeof(date));
    switch (files_serve(t, conn, &c->file, req, in, date)) {
    case FILES_NONE: break;
    case FILES_CLOSED: return false;
    case FILES_ANSWERED:
    case FILES_STREAMING: return true;
    }
    struct page page;
    int err = pages_find(req->path, req->path_len, dynamic, sizeof(dynamic), &page);
    if (err == -ENOENT)
        return respond_error(t, conn, STATUS_NOT_FOUND, head, req->keep_alive, "");
    if (err)
        return respond_error(t, conn, STATUS_SERVER_ERR, head, req->keep_alive, "");
    return respond(t, conn, STATUS_OK, &page, head, req->keep_alive, "");
}

/*
 * Answers every complete request in in (len bytes). Returns the bytes of the
 * requests answered and of bodies skipped. A full buffer never waits here:
 * HTTP_HEAD_MAX bytes are a complete head or a 431.
 */
const struct http_transport http_tcp = {mote_tcp_send, mote_tcp_close, mote_tcp_abort,
                                        mote_tcp_write, mote_tcp_space};

size_t http_serve_requests(int conn, void *state, const void *in, size_t len, void *arg)
{
    const struct http_transport *t = arg ? arg : &http_tcp;
    struct http_conn *c = state;
    size_t off = 0;
    for (;;) {
        if (c->file.fd)
            return off; /* answers in order: the next waits for this file's end */
        if (c->body_skip > 0) {
            size_t n = c->body_skip < len - off ? c->body_skip : len - off;
            off += n;
            c->body_skip -= n;
            if (c->body_skip > 0)
                return off;
        }
        struct http_request req;
        int r = http_parse_request((const char *)in + off, len - off, &req);
        if (r == 0)
            return off;
        if (r != 1) {
            respond_error(t, conn, r, false, false, ""); /* and close */
            return off;
        }
        if (!serve(t, conn, c, &req, (const char *)in + off))
            return off;
        off += req.head_len;
        c->body_skip = req.body_len;
    }
}

/* Room to send: a file goes on; when it is done, the requests behind it are read. */
bool http_file_sent(int conn, void *state, void *arg)
{
    (void)arg;
    return files_pump(conn, &((struct http_conn *)state)->file);
}

void http_conn_end(void *state, void *arg)
{
    (void)arg;
    files_end(&((struct http_conn *)state)->file);
}

void service_start(const char *args)
{
    (void)args;
    static const struct mote_tcp_server server = {
        .in_max = HTTP_HEAD_MAX,
        .state_size = sizeof(struct http_conn),
        .idle_ns = IDLE_NS,
        .input = http_serve_requests,
        .sent = http_file_sent,
        .end = http_conn_end,
    };
    int l = mote_tcp_serve(HTTP_PORT, &server);
    if (l < 0) {
        mote_log(MOTE_LOG_ERROR, "http: cannot listen on TCP port %d: %s", HTTP_PORT,
                 mote_strerror(l));
        mote_exit(1);
    }
    /* Found on the local network as <hostname>.local (include/mote/mdns.h). */
    int err = mote_mdns_announce("_http._tcp", HTTP_PORT);
    if (err)
        mote_log(MOTE_LOG_WARN, "http: not announced over mDNS: %s", mote_strerror(err));
    mote_log(MOTE_LOG_INFO, "http: serving on TCP port %d", HTTP_PORT);
    https_start();
}
