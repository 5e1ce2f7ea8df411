// SPDX-License-Identifier: MIT
/* Boot argument parsing, see include/mote/args.h. Bounded by the string's length. */
#include <mote/args.h>

#include <errno.h>
#include <string.h>

#include "lib/args/number.h"

#define HEX_BASE 16

struct word {
    const char *key, *val;
    size_t key_len, val_len;
};

/* Reads the word at *p, advancing past it. Returns 0 at the end of args. */
static int next_word(const char **p, struct word *w)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == '\n')
        s++;
    if (!*s)
        return 0;
    w->key = s;
    while (*s && *s != '=' && *s != ' ' && *s != '\t' && *s != '\n')
        s++;
    w->key_len = (size_t)(s - w->key);
    w->val = s;
    w->val_len = 0;
    if (*s == '=') {
        s++;
        if (*s == '"') {
            w->val = ++s;
            while (*s && *s != '"')
                s++;
            w->val_len = (size_t)(s - w->val);
            if (*s == '"')
                s++;
        } else {
            w->val = s;
            while (*s && *s != ' ' && *s != '\t' && *s != '\n')
                s++;
            w->val_len = (size_t)(s - w->val);
        }
    }
    *p = s;
    return 1;
}

static int find_last(const char *args, const char *key, struct word *found)
{
    size_t key_len;
    struct word w;
    int hit = 0;

    if (!args || !key || !(key_len = strlen(key)) || strpbrk(key, "= \t\n"))
        return -EINVAL;
    while (next_word(&args, &w)) {
        if (w.key_len == key_len && memcmp(w.key, key, key_len) == 0) {
            *found = w;
            hit = 1;
        }
    }
    return hit ? 0 : -ENOENT;
}

int mote_arg_get(const char *args, const char *key, char *val, size_t len)
{
    struct word w;
    int err = find_last(args, key, &w);
    if (err)
        return err;
    if (!val || w.val_len >= len)
        return -ENOSPC;
    memcpy(val, w.val, w.val_len);
    val[w.val_len] = '\0';
    return (int)w.val_len;
}

int mote_arg_get_u64(const char *args, const char *key, uint64_t *out)
{
    struct word w;
    int err = find_last(args, key, &w);
    if (err)
        return err;

    const char *s = w.val, *end = w.val + w.val_len;
    uint64_t v = 0;
    if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        for (s += 2; s < end; s++) {
            int d = number_hex_digit(*s);
            if (d < 0)
                return -EINVAL;
            unsigned digit = (unsigned)d;
            if (v > (UINT64_MAX - digit) / HEX_BASE)
                return -EINVAL;
            v = v * HEX_BASE + digit;
        }
    } else if (number_parse_decimal(s, w.val_len, UINT64_MAX, &v) != (int)w.val_len) {
        return -EINVAL; /* not all digits, none, or over 64 bits */
    }
    *out = v;
    return 0;
}
