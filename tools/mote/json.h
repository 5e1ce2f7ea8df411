/* SPDX-License-Identifier: MIT */
/*
 * JSON through libjansson (Debian libjansson-dev): the few helpers mote adds
 * on top of it. Text from outside (OCI layouts, registry answers) is parsed by
 * jansson, which bounds its nesting and refuses invalid UTF-8; these helpers
 * only make the checks that follow short and never trust a member's type.
 */
#ifndef TOOLS_MOTE_JSON_H
#define TOOLS_MOTE_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Parses len bytes of text as one JSON value. Returns a new reference, or
 * NULL with "line L column C: reason" in err (err may be NULL).
 */
json_t *json_parse_text(const char *text, size_t len, char *err, size_t err_len);

/*
 * The text of j: pretty (2-space indents) or compact, members in the order
 * they were added. A new string; never NULL.
 */
char *json_text(const json_t *j, bool pretty);

/* The member's string, or NULL if obj is not an object or the member is absent or not a string. */
const char *json_get_string(const json_t *obj, const char *key);
/* The member's integer into *out: 0, or -1 if absent or not an integer (then *out is unchanged). */
int json_get_int(const json_t *obj, const char *key, int64_t *out);
/* The member's boolean, or def if absent or not a boolean. */
bool json_get_bool(const json_t *obj, const char *key, bool def);

/*
 * Sets obj[key] to the string s: null if s is NULL, and bytes that are not
 * UTF-8 (a console line, a path) each replaced by '?' so the output stays JSON.
 */
void json_set_string(json_t *obj, const char *key, const char *s);
void json_set_int(json_t *obj, const char *key, int64_t v);
void json_set_bool(json_t *obj, const char *key, bool v);
/* Sets obj[key] to value, taking the reference (value NULL sets null). */
void json_set(json_t *obj, const char *key, json_t *value);
/* A string value as json_set_string makes it. A new reference. */
json_t *json_str(const char *s);

#endif
