// SPDX-License-Identifier: MIT
/* --format templates, see template.h. */
#include "tools/mote/template.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <strings.h>

#include "tools/mote/spec.h"
#include "tools/mote/util.h"

#define PATH_PART_MAX 64
#define NO_VALUE      "<no value>" /* what Go's templates print for a missing field */

__attribute__((format(printf, 2, 3))) static int bad(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, SPEC_ERR_LEN, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/* key equals name[0..len) with case and '_' ignored: docker's ExitCode is exit_code. */
static bool same_name(const char *key, const char *name, size_t len)
{
    size_t i = 0;
    for (; *key; key++) {
        if (*key == '_')
            continue;
        while (i < len && name[i] == '_')
            i++;
        if (i == len || tolower((unsigned char)*key) != tolower((unsigned char)name[i]))
            return false;
        i++;
    }
    while (i < len && name[i] == '_')
        i++;
    return i == len;
}

/* The member of obj named name, in docker's spelling or inspect's ("ExitCode", "exit_code"). */
static const json_t *member(const json_t *obj, const char *name, size_t len)
{
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        if (same_name(key, name, len))
            return value;
    }
    return NULL;
}

/* The value at path (".", ".A", ".A.B"; spaces trimmed), or NULL; -EINVAL if not a path. */
static int resolve(const char *path, size_t len, const json_t *obj, const json_t **out, char *err)
{
    while (len && path[0] == ' ')
        path++, len--;
    while (len && path[len - 1] == ' ')
        len--;
    if (len == 0 || path[0] != '.')
        return bad(err, "bad format: '%.*s' is not a field path such as .State.Status", (int)len,
                   path);
    const json_t *v = obj;
    for (size_t i = 1; i < len;) {
        size_t n = 0;
        while (i + n < len && path[i + n] != '.')
            n++;
        if (n == 0 || n > PATH_PART_MAX)
            return bad(err, "bad format: '%.*s' is not a field path such as .State.Status",
                       (int)len, path);
        for (size_t k = 0; k < n; k++) {
            char c = path[i + k];
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_'))
                return bad(err, "bad format: '%.*s' is not a field path such as .State.Status",
                           (int)len, path);
        }
        v = v ? member(v, path + i, n) : NULL;
        i += n + 1;
    }
    *out = v;
    return 0;
}

static void put_value(struct strbuf *out, const json_t *v, bool as_json)
{
    if (!v) {
        sb_adds(out, as_json ? "null" : NO_VALUE);
        return;
    }
    if (!as_json && json_is_string(v)) {
        sb_adds(out, json_string_value(v));
        return;
    }
    char *text = json_text(v, false);
    sb_adds(out, text);
    free(text);
}

int template_render(const char *tmpl, const json_t *obj, struct strbuf *out, char *err)
{
    for (const char *p = tmpl; *p;) {
        if (p[0] == '\\' && (p[1] == 'n' || p[1] == 't')) {
            sb_addc(out, p[1] == 'n' ? '\n' : '\t');
            p += 2;
            continue;
        }
        if (strncmp(p, "{{", 2) != 0) {
            sb_addc(out, *p++);
            continue;
        }
        const char *end = strstr(p + 2, "}}");
        if (!end)
            return bad(err, "bad format: a '{{' is not closed by '}}'");
        const char *action = p + 2;
        size_t len = (size_t)(end - action);
        while (len && *action == ' ')
            action++, len--;
        bool as_json = len > 5 && strncmp(action, "json ", 5) == 0;
        if (as_json)
            action += 5, len -= 5;
        const json_t *v = NULL;
        if (resolve(action, len, obj, &v, err) != 0)
            return -EINVAL;
        put_value(out, v, as_json);
        p = end + 2;
    }
    return 0;
}
