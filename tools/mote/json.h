/* SPDX-License-Identifier: MIT */
/*
 * JSON (RFC 8259): a writer for mote's output and stored files, and a parser
 * for reading them back and for OCI layouts given to `mote load`, which are
 * outside input: the parser checks everything, bounds its depth and never
 * reads past the text it was given.
 */
#ifndef TOOLS_MOTE_JSON_H
#define TOOLS_MOTE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/mote/strbuf.h"

#define JSON_MAX_DEPTH 64

/* ---- writing ---- */

struct json_writer {
    struct strbuf *out;
    bool pretty; /* newlines and 2-space indents */
    int depth;
    bool first[JSON_MAX_DEPTH + 1]; /* nothing written yet at this depth */
    bool after_key;
};

void json_writer_init(struct json_writer *w, struct strbuf *out, bool pretty);
void json_begin_object(struct json_writer *w);
void json_end_object(struct json_writer *w);
void json_begin_array(struct json_writer *w);
void json_end_array(struct json_writer *w);
/* An object member's name; the value follows with one of the calls below. */
void json_key(struct json_writer *w, const char *key);
/* A string (NULL writes null); bytes that are not valid UTF-8 become U+FFFD. */
void json_string(struct json_writer *w, const char *s);
void json_int(struct json_writer *w, int64_t v);
void json_bool(struct json_writer *w, bool v);
void json_null(struct json_writer *w);
/* Shorthands for a member: key and value. */
void json_member_string(struct json_writer *w, const char *key, const char *s);
void json_member_int(struct json_writer *w, const char *key, int64_t v);
void json_member_bool(struct json_writer *w, const char *key, bool v);

/* ---- reading ---- */

enum json_type { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT };

struct json {
    enum json_type type;
    bool boolean;
    bool is_int;     /* a number written without fraction or exponent that fits in int64 */
    int64_t integer; /* when is_int */
    double number;
    char *string; /* JSON_STRING: NUL-terminated; \u0000 is refused */
    size_t count; /* JSON_ARRAY, JSON_OBJECT: number of items */
    char **keys;  /* JSON_OBJECT: member names */
    struct json **items;
};

/*
 * Parses text (len bytes, need not be NUL-terminated) as one JSON value with
 * nothing but whitespace after it. Returns the tree (free with json_free), or
 * NULL with a message in err ("line 3: expected ':' after a member name").
 */
struct json *json_parse(const char *text, size_t len, char *err, size_t err_len);
void json_free(struct json *j);

/* The member key of an object (the last one if repeated), or NULL. */
const struct json *json_get(const struct json *obj, const char *key);
/* The member's string, or NULL if absent or not a string. */
const char *json_get_string(const struct json *obj, const char *key);
/* The member's integer into *out: 0, or -1 if absent or not an integer (then *out is unchanged). */
int json_get_int(const struct json *obj, const char *key, int64_t *out);
/* The member's boolean, or def if absent or not a boolean. */
bool json_get_bool(const struct json *obj, const char *key, bool def);

#endif
