/* SPDX-License-Identifier: MIT */
/*
 * The pure parts of serving files over HTTP (files.c does the I/O): the
 * request target to a volume path, the Content-Type of a name, HTTP dates,
 * and one header of a request head. No OS calls: built and fuzzed on the host.
 */
#ifndef SERVICES_HTTP_FILES_HTTP_H
#define SERVICES_HTTP_FILES_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FILES_INDEX    "index.html" /* what a target ending in '/' names */
#define FILES_DATE_MAX 30           /* "Sun, 06 Nov 1994 08:49:37 GMT" and its NUL */

/*
 * The volume path a request target's path (len bytes, not NUL-terminated)
 * names, into out (max bytes, NUL-terminated): percent-escapes decoded
 * (RFC 3986 §2.1), FILES_INDEX added after a final '/'. Returns 0; -EINVAL
 * for a target not starting with '/', a bad escape, or a decoded NUL,
 * backslash or control character; -EACCES for a ".." component (a path that
 * would climb out of the volume's root); -ENAMETOOLONG when out is too small.
 */
int files_path(const char *target, size_t len, char *out, size_t max);

/* The Content-Type for path's extension (case-insensitive); "application/octet-stream" else. */
const char *files_content_type(const char *path);

/*
 * Formats t (seconds since 1970, UTC) as an IMF-fixdate (RFC 9110 §5.6.7)
 * into buf (FILES_DATE_MAX bytes). Returns 0, or -EINVAL for a time before
 * 1970 or after 9999.
 */
int files_format_date(int64_t t, char *buf, size_t max);

/*
 * Parses an IMF-fixdate (len bytes) into *t. Returns 0, or -EINVAL for
 * anything else: the obsolete RFC 850 and asctime forms included, which
 * makes an If-Modified-Since in them ignored, as §13.1.3 asks of an invalid one.
 */
int files_parse_date(const char *s, size_t len, int64_t *t);

/*
 * Finds header name (case-insensitive) in a request head (len bytes, the
 * request line first). Sets *val and *val_len to its value without the
 * surrounding whitespace and returns true; false when absent.
 */
bool files_header(const char *head, size_t len, const char *name, const char **val,
                  size_t *val_len);

#endif
