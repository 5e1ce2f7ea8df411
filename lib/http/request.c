// SPDX-License-Identifier: MIT
/* HTTP/1.x request heads (lib/http/http.h). */
#include <string.h>

#include <http/http.h>

#define STATUS_BAD_REQUEST      400
#define STATUS_HEAD_TOO_LARGE   431
#define STATUS_NOT_IMPLEMENTED  501
#define STATUS_VERSION_NOT_SUPP 505
#define BODY_LEN_MAX            ((size_t)1 << 40) /* far beyond what any user of this parser takes */
#define VERSION_PREFIX          "HTTP/"
#define VERSION_PREFIX_LEN      5

/* RFC 9110 §5.6.2: tchar. */
static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Visible characters and obs-text of a target or field value (no controls but HTAB). */
static bool is_field_char(char c)
{
    unsigned char u = (unsigned char)c;
    return u == '\t' || (u >= ' ' && u != 0x7f);
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool equals_nocase(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len != n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (lower(s[i]) != word[i])
            return false;
    return true;
}

/* Whether the comma-separated list s (len bytes) holds token word (lower case). */
static bool list_has(const char *s, size_t len, const char *word)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == ','))
            i++;
        size_t start = i;
        while (i < len && s[i] != ',')
            i++;
        size_t end = i;
        while (end > start && (s[end - 1] == ' ' || s[end - 1] == '\t'))
            end--;
        if (end > start && equals_nocase(s + start, end - start, word))
            return true;
    }
    return false;
}

/* The end of the line starting at p (where its CR or LF is), or NULL if none before end. */
static const char *line_end(const char *p, const char *end)
{
    const char *lf = memchr(p, '\n', (size_t)(end - p));
    if (!lf)
        return NULL;
    return lf > p && lf[-1] == '\r' ? lf - 1 : lf;
}

/* Past the line terminator at e (CRLF or LF). */
static const char *next_line(const char *e)
{
    return *e == '\r' ? e + 2 : e + 1;
}

static int parse_request_line(const char *p, const char *e, struct http_request *req)
{
    const char *sp = memchr(p, ' ', (size_t)(e - p));
    if (!sp || sp == p || (size_t)(sp - p) >= HTTP_METHOD_MAX)
        return STATUS_BAD_REQUEST;
    for (const char *c = p; c < sp; c++)
        if (!is_tchar(*c))
            return STATUS_BAD_REQUEST;
    memcpy(req->method_name, p, (size_t)(sp - p));
    req->method_name[sp - p] = '\0';
    req->method = strcmp(req->method_name, "GET") == 0    ? HTTP_GET
                  : strcmp(req->method_name, "HEAD") == 0 ? HTTP_HEAD
                                                          : HTTP_OTHER;

    const char *target = sp + 1;
    const char *sp2 = memchr(target, ' ', (size_t)(e - target));
    if (!sp2 || sp2 == target || *target != '/')
        return STATUS_BAD_REQUEST;
    for (const char *c = target; c < sp2; c++)
        if (!is_field_char(*c) || *c == '\t')
            return STATUS_BAD_REQUEST;
    const char *query = memchr(target, '?', (size_t)(sp2 - target));
    req->path = target;
    req->path_len = (size_t)((query ? query : sp2) - target);

    /* HTTP-version = "HTTP/" DIGIT "." DIGIT (§2.3) */
    const char *v = sp2 + 1;
    const char *major = v + VERSION_PREFIX_LEN, *minor = major + 2;
    if (e - v != VERSION_PREFIX_LEN + 3 || memcmp(v, VERSION_PREFIX, VERSION_PREFIX_LEN) != 0 ||
        !is_digit(*major) || major[1] != '.' || !is_digit(*minor))
        return STATUS_BAD_REQUEST;
    if (*major != '1')
        return STATUS_VERSION_NOT_SUPP;
    req->version_minor = *minor == '0' ? 0 : 1;
    return 0;
}

/* Content-Length's value: digits only; returns 0 and sets *len, or 400. */
static int parse_length(const char *s, size_t n, size_t *len)
{
    if (n == 0)
        return STATUS_BAD_REQUEST;
    size_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(s[i]))
            return STATUS_BAD_REQUEST;
        v = v * 10 + (size_t)(s[i] - '0');
        if (v > BODY_LEN_MAX)
            return STATUS_BAD_REQUEST;
    }
    *len = v;
    return 0;
}

int http_parse_request(const char *buf, size_t len, struct http_request *req)
{
    const char *p = buf, *end = buf + (len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX);
    memset(req, 0, sizeof(*req));

    /* RFC 9112 §2.2: ignore at least one empty line before the request line. */
    while (p < end && (*p == '\r' || *p == '\n'))
        p++;
    const char *e = line_end(p, end);
    if (!e)
        return len >= HTTP_HEAD_MAX ? STATUS_HEAD_TOO_LARGE : 0;
    int status = parse_request_line(p, e, req);
    if (status)
        return status;

    bool have_host = false, have_length = false, close = false, keep_alive = false;
    for (p = next_line(e);; p = next_line(e)) {
        e = line_end(p, end);
        if (!e)
            return len >= HTTP_HEAD_MAX ? STATUS_HEAD_TOO_LARGE : 0;
        if (e == p) /* the blank line: end of the head */
            break;
        if (*p == ' ' || *p == '\t') /* obsolete line folding */
            return STATUS_BAD_REQUEST;
        const char *colon = memchr(p, ':', (size_t)(e - p));
        if (!colon || colon == p)
            return STATUS_BAD_REQUEST;
        for (const char *c = p; c < colon; c++)
            if (!is_tchar(*c))
                return STATUS_BAD_REQUEST;
        const char *v = colon + 1, *ve = e;
        for (const char *c = v; c < ve; c++)
            if (!is_field_char(*c))
                return STATUS_BAD_REQUEST;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        size_t name_len = (size_t)(colon - p), value_len = (size_t)(ve - v);

        if (equals_nocase(p, name_len, "host")) {
            if (have_host)
                return STATUS_BAD_REQUEST;
            have_host = true;
        } else if (equals_nocase(p, name_len, "content-length")) {
            size_t n;
            if (parse_length(v, value_len, &n) || (have_length && n != req->body_len))
                return STATUS_BAD_REQUEST;
            have_length = true;
            req->body_len = n;
        } else if (equals_nocase(p, name_len, "transfer-encoding")) {
            return STATUS_NOT_IMPLEMENTED;
        } else if (equals_nocase(p, name_len, "connection")) {
            close = close || list_has(v, value_len, "close");
            keep_alive = keep_alive || list_has(v, value_len, "keep-alive");
        }
    }
    if (req->version_minor >= 1 && !have_host)
        return STATUS_BAD_REQUEST;
    req->keep_alive = !close && (req->version_minor >= 1 || keep_alive);
    req->head_len = (size_t)(next_line(e) - buf);
    return 1;
}

const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
    }
}
