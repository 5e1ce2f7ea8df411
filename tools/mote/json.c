// SPDX-License-Identifier: MIT
/* JSON writer and parser (RFC 8259), see json.h. */
#include "tools/mote/json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/util.h"

/* ---- writing ---- */

void json_writer_init(struct json_writer *w, struct strbuf *out, bool pretty)
{
    memset(w, 0, sizeof(*w));
    w->out = out;
    w->pretty = pretty;
    w->first[0] = true;
}

static void newline(struct json_writer *w)
{
    if (!w->pretty)
        return;
    sb_addc(w->out, '\n');
    for (int i = 0; i < w->depth; i++)
        sb_adds(w->out, "  ");
}

/* Before any value or key: the comma and line break it needs. */
static void before_value(struct json_writer *w)
{
    if (w->after_key) {
        w->after_key = false;
        return;
    }
    if (w->depth > 0) {
        if (!w->first[w->depth])
            sb_addc(w->out, ',');
        newline(w);
    }
    w->first[w->depth] = false;
}

static void begin(struct json_writer *w, char c)
{
    before_value(w);
    sb_addc(w->out, c);
    if (w->depth < JSON_MAX_DEPTH)
        w->depth++;
    w->first[w->depth] = true;
}

static void end(struct json_writer *w, char c)
{
    bool empty = w->first[w->depth];
    if (w->depth > 0)
        w->depth--;
    if (!empty)
        newline(w);
    sb_addc(w->out, c);
}

void json_begin_object(struct json_writer *w)
{
    begin(w, '{');
}

void json_end_object(struct json_writer *w)
{
    end(w, '}');
}

void json_begin_array(struct json_writer *w)
{
    begin(w, '[');
}

void json_end_array(struct json_writer *w)
{
    end(w, ']');
}

/* Length of the valid UTF-8 sequence at s (RFC 3629), or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s, size_t left)
{
    size_t n;
    uint32_t cp;
    if (s[0] < 0x80)
        return 1;
    if ((s[0] & 0xe0) == 0xc0)
        n = 2, cp = s[0] & 0x1f;
    else if ((s[0] & 0xf0) == 0xe0)
        n = 3, cp = s[0] & 0x0f;
    else if ((s[0] & 0xf8) == 0xf0)
        n = 4, cp = s[0] & 0x07;
    else
        return 0;
    if (n > left)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    /* no overlong forms, no surrogates, nothing past U+10FFFF */
    static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min[n] || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
        return 0;
    return n;
}

static void write_string(struct strbuf *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t left = strlen(s);
    sb_addc(out, '"');
    while (left) {
        unsigned char c = *p;
        size_t n = 1;
        if (c == '"' || c == '\\') {
            sb_addc(out, '\\');
            sb_addc(out, (char)c);
        } else if (c == '\n') {
            sb_adds(out, "\\n");
        } else if (c == '\t') {
            sb_adds(out, "\\t");
        } else if (c == '\r') {
            sb_adds(out, "\\r");
        } else if (c < 0x20 || c == 0x7f) {
            sb_addf(out, "\\u%04x", c);
        } else if ((n = utf8_len(p, left)) == 0) {
            sb_adds(out, "\\ufffd");
            n = 1;
        } else {
            sb_add(out, p, n);
        }
        p += n;
        left -= n;
    }
    sb_addc(out, '"');
}

void json_key(struct json_writer *w, const char *key)
{
    before_value(w);
    write_string(w->out, key);
    sb_adds(w->out, w->pretty ? ": " : ":");
    w->after_key = true;
}

void json_string(struct json_writer *w, const char *s)
{
    before_value(w);
    if (s)
        write_string(w->out, s);
    else
        sb_adds(w->out, "null");
}

void json_int(struct json_writer *w, int64_t v)
{
    before_value(w);
    sb_addf(w->out, "%" PRId64, v);
}

void json_bool(struct json_writer *w, bool v)
{
    before_value(w);
    sb_adds(w->out, v ? "true" : "false");
}

void json_null(struct json_writer *w)
{
    before_value(w);
    sb_adds(w->out, "null");
}

void json_member_string(struct json_writer *w, const char *key, const char *s)
{
    json_key(w, key);
    json_string(w, s);
}

void json_member_int(struct json_writer *w, const char *key, int64_t v)
{
    json_key(w, key);
    json_int(w, v);
}

void json_member_bool(struct json_writer *w, const char *key, bool v)
{
    json_key(w, key);
    json_bool(w, v);
}

/* ---- reading ---- */

struct parser {
    const char *p, *end, *start;
    char *err;
    size_t err_len;
    bool failed;
};

__attribute__((format(printf, 2, 3))) static void fail(struct parser *ps, const char *fmt, ...)
{
    if (ps->failed)
        return;
    ps->failed = true;
    int line = 1;
    for (const char *q = ps->start; q < ps->p && q < ps->end; q++)
        line += *q == '\n';
    char msg[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (ps->err && ps->err_len)
        snprintf(ps->err, ps->err_len, "line %d: %s", line, msg);
}

static void skip_space(struct parser *ps)
{
    while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
        ps->p++;
}

static bool literal(struct parser *ps, const char *word)
{
    size_t n = strlen(word);
    if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n) != 0)
        return false;
    ps->p += n;
    return true;
}

static int hex4(struct parser *ps, uint32_t *out)
{
    if (ps->end - ps->p < 4)
        return -1;
    uint32_t v = 0;
    for (int i = 0; i < 4; i++) {
        char c = *ps->p++;
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (uint32_t)(c - 'A' + 10);
        else
            return -1;
    }
    *out = v;
    return 0;
}

static void put_utf8(struct strbuf *sb, uint32_t cp)
{
    if (cp < 0x80) {
        sb_addc(sb, (char)cp);
    } else if (cp < 0x800) {
        sb_addc(sb, (char)(0xc0 | cp >> 6));
        sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        sb_addc(sb, (char)(0xe0 | cp >> 12));
        sb_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
        sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
    } else {
        sb_addc(sb, (char)(0xf0 | cp >> 18));
        sb_addc(sb, (char)(0x80 | ((cp >> 12) & 0x3f)));
        sb_addc(sb, (char)(0x80 | ((cp >> 6) & 0x3f)));
        sb_addc(sb, (char)(0x80 | (cp & 0x3f)));
    }
}

/* At the opening quote; returns the string (malloc'd) or NULL after fail(). */
static char *parse_string(struct parser *ps)
{
    struct strbuf sb = STRBUF_INIT;
    ps->p++;
    sb_add(&sb, "", 0);
    for (;;) {
        if (ps->p >= ps->end) {
            fail(ps, "unterminated string");
            break;
        }
        unsigned char c = (unsigned char)*ps->p;
        if (c == '"') {
            ps->p++;
            return sb.s;
        }
        if (c < 0x20) {
            fail(ps, "control character in a string");
            break;
        }
        if (c != '\\') {
            size_t n = utf8_len((const unsigned char *)ps->p, (size_t)(ps->end - ps->p));
            if (!n) {
                fail(ps, "invalid UTF-8 in a string");
                break;
            }
            sb_add(&sb, ps->p, n);
            ps->p += n;
            continue;
        }
        if (++ps->p >= ps->end) {
            fail(ps, "unterminated string");
            break;
        }
        char e = *ps->p++;
        const char *simple = strchr("\"\\/bfnrt", e);
        if (simple && e) {
            static const char to[] = "\"\\/\b\f\n\r\t";
            sb_addc(&sb, to[simple - "\"\\/bfnrt"]);
            continue;
        }
        uint32_t cp, lo;
        if (e != 'u' || hex4(ps, &cp) != 0) {
            fail(ps, "bad escape in a string");
            break;
        }
        if (cp >= 0xd800 && cp <= 0xdbff) {
            if (!literal(ps, "\\u") || hex4(ps, &lo) != 0 || lo < 0xdc00 || lo > 0xdfff) {
                fail(ps, "unpaired surrogate in a string");
                break;
            }
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        } else if (cp >= 0xdc00 && cp <= 0xdfff) {
            fail(ps, "unpaired surrogate in a string");
            break;
        }
        if (cp == 0) {
            fail(ps, "\\u0000 in a string is not accepted");
            break;
        }
        put_utf8(&sb, cp);
    }
    sb_free(&sb);
    return NULL;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool parse_number(struct parser *ps, struct json *j)
{
    const char *s = ps->p;
    bool integral = true;
    if (ps->p < ps->end && *ps->p == '-')
        ps->p++;
    if (ps->p >= ps->end || !is_digit(*ps->p))
        return false;
    if (*ps->p == '0')
        ps->p++;
    else
        while (ps->p < ps->end && is_digit(*ps->p))
            ps->p++;
    if (ps->p < ps->end && *ps->p == '.') {
        integral = false;
        if (++ps->p >= ps->end || !is_digit(*ps->p))
            return false;
        while (ps->p < ps->end && is_digit(*ps->p))
            ps->p++;
    }
    if (ps->p < ps->end && (*ps->p == 'e' || *ps->p == 'E')) {
        integral = false;
        ps->p++;
        if (ps->p < ps->end && (*ps->p == '+' || *ps->p == '-'))
            ps->p++;
        if (ps->p >= ps->end || !is_digit(*ps->p))
            return false;
        while (ps->p < ps->end && is_digit(*ps->p))
            ps->p++;
    }
    char buf[64];
    size_t n = (size_t)(ps->p - s);
    if (n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    j->type = JSON_NUMBER;
    j->number = strtod(buf, NULL);
    if (integral) {
        errno = 0;
        long long v = strtoll(buf, NULL, 10);
        j->is_int = errno == 0;
        j->integer = v;
    }
    return isfinite(j->number);
}

static struct json *parse_value(struct parser *ps, int depth);

static void add_item(struct json *j, char *key, struct json *item)
{
    if ((j->count & (j->count - 1)) == 0) { /* at 0, 1, 2, 4...: double the room */
        size_t cap = j->count ? j->count * 2 : 1;
        j->items = xrealloc(j->items, cap * sizeof(*j->items));
        if (j->type == JSON_OBJECT)
            j->keys = xrealloc(j->keys, cap * sizeof(*j->keys));
    }
    if (j->type == JSON_OBJECT)
        j->keys[j->count] = key;
    j->items[j->count++] = item;
}

static bool parse_members(struct parser *ps, struct json *j, int depth)
{
    bool object = j->type == JSON_OBJECT;
    char close = object ? '}' : ']';
    ps->p++;
    skip_space(ps);
    if (ps->p < ps->end && *ps->p == close) {
        ps->p++;
        return true;
    }
    for (;;) {
        char *key = NULL;
        skip_space(ps);
        if (object) {
            if (ps->p >= ps->end || *ps->p != '"') {
                fail(ps, "expected a member name in quotes");
                return false;
            }
            if (!(key = parse_string(ps)))
                return false;
            skip_space(ps);
            if (ps->p >= ps->end || *ps->p != ':') {
                free(key);
                fail(ps, "expected ':' after a member name");
                return false;
            }
            ps->p++;
        }
        struct json *item = parse_value(ps, depth + 1);
        if (!item) {
            free(key);
            return false;
        }
        add_item(j, key, item);
        skip_space(ps);
        if (ps->p < ps->end && *ps->p == ',') {
            ps->p++;
            continue;
        }
        if (ps->p < ps->end && *ps->p == close) {
            ps->p++;
            return true;
        }
        fail(ps, "expected ',' or '%c'", close);
        return false;
    }
}

static struct json *parse_value(struct parser *ps, int depth)
{
    if (depth > JSON_MAX_DEPTH) {
        fail(ps, "nested deeper than %d levels", JSON_MAX_DEPTH);
        return NULL;
    }
    skip_space(ps);
    if (ps->p >= ps->end) {
        fail(ps, "unexpected end of text");
        return NULL;
    }
    struct json *j = xcalloc(1, sizeof(*j));
    bool ok = true;
    switch (*ps->p) {
    case '{':
        j->type = JSON_OBJECT;
        ok = parse_members(ps, j, depth);
        break;
    case '[':
        j->type = JSON_ARRAY;
        ok = parse_members(ps, j, depth);
        break;
    case '"':
        j->type = JSON_STRING;
        ok = (j->string = parse_string(ps)) != NULL;
        break;
    case 't':
        j->type = JSON_BOOL;
        j->boolean = true;
        ok = literal(ps, "true");
        break;
    case 'f':
        j->type = JSON_BOOL;
        ok = literal(ps, "false");
        break;
    case 'n': ok = literal(ps, "null"); break;
    default:
        ok = parse_number(ps, j);
        if (!ok)
            fail(ps, "expected a value");
    }
    if (!ok) {
        fail(ps, "expected a value");
        json_free(j);
        return NULL;
    }
    return j;
}

struct json *json_parse(const char *text, size_t len, char *err, size_t err_len)
{
    struct parser ps = {
        .p = text, .end = text + len, .start = text, .err = err, .err_len = err_len};
    struct json *j = parse_value(&ps, 0);
    if (!j)
        return NULL;
    skip_space(&ps);
    if (ps.p != ps.end) {
        fail(&ps, "text after the value");
        json_free(j);
        return NULL;
    }
    return j;
}

void json_free(struct json *j)
{
    if (!j)
        return;
    for (size_t i = 0; i < j->count; i++) {
        if (j->keys)
            free(j->keys[i]);
        json_free(j->items[i]);
    }
    free(j->keys);
    free(j->items);
    free(j->string);
    free(j);
}

const struct json *json_get(const struct json *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT)
        return NULL;
    for (size_t i = obj->count; i-- > 0;)
        if (strcmp(obj->keys[i], key) == 0)
            return obj->items[i];
    return NULL;
}

const char *json_get_string(const struct json *obj, const char *key)
{
    const struct json *v = json_get(obj, key);
    return v && v->type == JSON_STRING ? v->string : NULL;
}

int json_get_int(const struct json *obj, const char *key, int64_t *out)
{
    const struct json *v = json_get(obj, key);
    if (!v || v->type != JSON_NUMBER || !v->is_int)
        return -1;
    *out = v->integer;
    return 0;
}

bool json_get_bool(const struct json *obj, const char *key, bool def)
{
    const struct json *v = json_get(obj, key);
    return v && v->type == JSON_BOOL ? v->boolean : def;
}
