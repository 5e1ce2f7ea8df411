// SPDX-License-Identifier: MIT
/* Helpers over libjansson, see json.h. */
#include "tools/mote/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/util.h"

#define JSON_INDENT_SPACES 2

json_t *json_parse_text(const char *text, size_t len, char *err, size_t err_len)
{
    json_error_t e;
    /* JSON_ALLOW_NUL is off: a \u0000 in a name would cut it short in C. */
    json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &e);
    if (!j && err)
        snprintf(err, err_len, "line %d column %d: %s", e.line, e.column, e.text);
    return j;
}

char *json_text(const json_t *j, bool pretty)
{
    size_t flags = JSON_PRESERVE_ORDER | (pretty ? JSON_INDENT(JSON_INDENT_SPACES) : JSON_COMPACT);
    char *s = json_dumps(j, flags | JSON_ENCODE_ANY);
    if (!s)
        die(MOTE_EXIT_ERROR, "out of memory");
    return s;
}

const char *json_get_string(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

int json_get_int(const json_t *obj, const char *key, int64_t *out)
{
    const json_t *v = json_object_get(obj, key);
    if (!json_is_integer(v))
        return -1;
    *out = (int64_t)json_integer_value(v);
    return 0;
}

bool json_get_bool(const json_t *obj, const char *key, bool def)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_boolean(v) ? json_is_true(v) : def;
}

/* Length of the UTF-8 sequence at s (1 to 4), or 0 if it is not a valid one. */
static size_t utf8_len(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = (s[0] & 0xe0) == 0xc0   ? 2
               : (s[0] & 0xf0) == 0xe0 ? 3
               : (s[0] & 0xf8) == 0xf0 ? 4
                                       : 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xc0) != 0x80)
            return 0;
    return n;
}

json_t *json_str(const char *s)
{
    if (!s)
        return json_null();
    json_t *v = json_string(s);
    if (v)
        return v;
    /* Not UTF-8 (or overlong/surrogate forms jansson also refuses): keep what is readable. */
    char *copy = xstrdup(s);
    for (unsigned char *p = (unsigned char *)copy; *p;) {
        size_t n = utf8_len(p);
        if (n == 0 || n > 1) {
            json_t *probe = n ? json_stringn((const char *)p, n) : NULL;
            if (!probe) {
                *p++ = '?';
                continue;
            }
            json_decref(probe);
        }
        p += n;
    }
    v = json_string(copy);
    free(copy);
    if (!v)
        die(MOTE_EXIT_ERROR, "out of memory");
    return v;
}

void json_set(json_t *obj, const char *key, json_t *value)
{
    if (json_object_set_new(obj, key, value ? value : json_null()) != 0)
        die(MOTE_EXIT_ERROR, "out of memory");
}

void json_set_string(json_t *obj, const char *key, const char *s)
{
    json_set(obj, key, json_str(s));
}

void json_set_int(json_t *obj, const char *key, int64_t v)
{
    json_set(obj, key, json_integer((json_int_t)v));
}

void json_set_bool(json_t *obj, const char *key, bool v)
{
    json_set(obj, key, json_boolean(v));
}
