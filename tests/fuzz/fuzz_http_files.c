// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: what the http service's file serving reads from a
 * request (services/http/files_http.c): the target as a volume path, a date
 * as If-Modified-Since, a header lookup in the head. Checks the contract: a
 * path it accepts starts with '/', has no ".." component, no control
 * character or backslash; a date it accepts formats back to the same text.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "services/http/files_http.h"

#define PATH_OUT 256

static void check_path(const char *p)
{
    if (p[0] != '/')
        abort();
    for (const char *c = p; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f || *c == '\\')
            abort();
    for (const char *c = p; (c = strstr(c, "..")) != NULL; c++)
        if (c[-1] == '/' && (c[2] == '/' || c[2] == '\0'))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    char out[PATH_OUT] = "";
    if (files_path(s, size, out, sizeof(out)) == 0)
        check_path(out);
    files_content_type(out[0] ? out : "/");
    int64_t t;
    if (files_parse_date(s, size, &t) == 0) {
        char back[FILES_DATE_MAX];
        if (files_format_date(t, back, sizeof(back)) != 0)
            abort();
        /* A leap second (:60) is read as :59; anything else comes back the same. */
        if (memcmp(back, s, 23) != 0 || (memcmp(back + 23, s + 23, 6) != 0 && s[23] != '6'))
            abort();
    }
    const char *v;
    size_t n;
    if (files_header(s, size, "If-Modified-Since", &v, &n) && (v < s || v + n > s + size))
        abort();
    return 0;
}
