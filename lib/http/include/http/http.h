/* SPDX-License-Identifier: MIT */
/*
 * Portable HTTP/1.x request-head parser (RFC 9112 message syntax, RFC 9110
 * semantics) for small servers: no allocation, no OS calls. The parsed
 * request points into the caller's buffer.
 *
 * Accepted: origin-form targets ("/path?query"), HTTP/1.0 and HTTP/1.1,
 * lines ending in CRLF or a bare LF (RFC 9112 §2.2), Content-Length bodies
 * (the caller skips body_len bytes). Rejected with the status a server
 * should answer:
 *   400  malformed request line or header, missing Host in HTTP/1.1
 *        (§3.2), header folding (§5.2), conflicting Content-Length,
 *        whitespace before a header's colon (§5.1), control characters
 *   431  a head longer than HTTP_HEAD_MAX
 *   501  Transfer-Encoding (no chunked bodies here)
 *   505  a major version other than 1
 */
#ifndef LIB_HTTP_HTTP_H
#define LIB_HTTP_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_HEAD_MAX   8192 /* request line and headers */
#define HTTP_METHOD_MAX 16

enum http_method {
    HTTP_GET,
    HTTP_HEAD,
    HTTP_OTHER, /* any other token: the server answers 405 or 501 */
};

struct http_request {
    enum http_method method;
    char method_name[HTTP_METHOD_MAX]; /* NUL-terminated, for HTTP_OTHER's Allow/log */
    const char *path;                  /* the target up to '?' or its end; not NUL-terminated */
    size_t path_len;
    unsigned version_minor; /* 0 or 1 (1.x above 1 is treated as 1.1) */
    bool keep_alive;        /* HTTP/1.1 unless "Connection: close"; 1.0 only with keep-alive */
    size_t body_len;        /* Content-Length, 0 without one */
    size_t head_len;        /* bytes of the head, including its blank line */
};

/*
 * Parses the request head at the start of buf (len bytes). Returns 1 when a
 * complete head was parsed into req, 0 when more bytes are needed, or an
 * HTTP status code >= 400 (see above) for a request to refuse.
 */
int http_parse_request(const char *buf, size_t len, struct http_request *req);

/* The reason phrase of a status code this server sends ("Not Found"), or "Unknown". */
const char *http_reason(int status);

#endif
