// SPDX-License-Identifier: MIT
/* Symbol lookup by address in the compact table, see symtab.h. */
#include "kernel/symtab.h"

#include <stdbool.h>

#define LEB_SHIFT_MAX 63 /* a 64-bit number has at most ten 7-bit groups */

/* A reader that refuses to run past the table's end. */
struct reader {
    const uint8_t *p, *end;
    bool bad;
};

static uint8_t read_u8(struct reader *r)
{
    if (r->p >= r->end) {
        r->bad = true;
        return 0;
    }
    return *r->p++;
}

/* uleb128, or sleb128 when is_signed. */
static uint64_t read_leb(struct reader *r, bool is_signed)
{
    uint64_t v = 0;
    unsigned shift = 0;
    uint8_t b;
    do {
        b = read_u8(r);
        if (shift <= LEB_SHIFT_MAX)
            v |= (uint64_t)(b & 0x7f) << shift;
        shift += 7;
    } while ((b & 0x80) && !r->bad);
    if (is_signed && shift <= LEB_SHIFT_MAX && (b & 0x40))
        v |= ~(uint64_t)0 << shift;
    return v;
}

/* What the table's names are made of: its alphabet and its pairs (symtab.h). */
struct name_codes {
    const uint8_t *alphabet;
    unsigned chars;
    const uint8_t *pairs;
    unsigned npairs;
};

/*
 * Expands the pair-encoded bytes code[0..len) into out from out[n] on, at
 * most up to SYMTAB_NAME_MAX characters, and returns the name's new length.
 * A pair refers only to earlier pairs, so a stack as deep as the pair table
 * suffices. A malformed table cannot make it loop or overrun: a reference to
 * a pair that is not earlier is dropped, and the work is bounded by what a
 * valid name of SYMTAB_NAME_MAX characters needs (a leaf per character,
 * fewer inner nodes).
 */
static size_t decode_name(const struct name_codes *c, const uint8_t *code, uint64_t len, char *out,
                          size_t n)
{
    uint8_t stack[256 + 1]; /* chars + pairs <= 256 byte values, one pushed per level */
    uint64_t budget = 2 * SYMTAB_NAME_MAX + len;
    for (uint64_t i = 0; i < len; i++) {
        unsigned depth = 0;
        stack[depth++] = code[i];
        while (depth && budget) {
            budget--;
            uint8_t b = stack[--depth];
            if (b < c->chars) {
                if (n < SYMTAB_NAME_MAX)
                    out[n++] = (char)c->alphabet[b];
                continue;
            }
            unsigned pair = b - c->chars;
            if (pair >= c->npairs || depth + 2 > sizeof(stack))
                continue;
            for (int half = 1; half >= 0; half--) { /* the second half below the first */
                uint8_t e = c->pairs[2 * pair + half];
                if (e < c->chars || (unsigned)(e - c->chars) < pair)
                    stack[depth++] = e;
            }
        }
    }
    return n;
}

/* Points *at at the next n bytes of the table and skips them; false past its end. */
static bool read_bytes(struct reader *r, uint64_t n, const uint8_t **at)
{
    if (r->bad || (uint64_t)(r->end - r->p) < n)
        return false;
    *at = r->p;
    r->p += n;
    return true;
}

const char *symtab_lookup(const struct symtab *tab, uint64_t addr, uint64_t *offset)
{
    static char name[SYMTAB_NAME_MAX + 1];
    struct reader r = {tab->data, tab->data + tab->size, false};
    if (!tab->size)
        return NULL;
    addr -= tab->slide; /* the table has the ELF's addresses */

    struct name_codes codes;
    codes.chars = read_u8(&r);
    if (!read_bytes(&r, codes.chars, &codes.alphabet))
        return NULL;
    codes.npairs = read_u8(&r);
    if (!read_bytes(&r, 2u * codes.npairs, &codes.pairs))
        return NULL;
    unsigned shift = read_u8(&r);
    if (shift > SYMTAB_SHIFT_MAX)
        return NULL;
    uint64_t count = read_leb(&r, false);

    /*
     * The last function that starts at or below addr, and whether one follows
     * it. Each name is told as what it adds to the previous one's first
     * characters, so every name up to it is spelled out in turn in name[].
     */
    uint64_t start = 0, end = 0, found_start = 0, found_size = 0;
    size_t name_len = 0;
    bool found = false, followed = false;
    for (uint64_t i = 0; i < count && !r.bad; i++) {
        unsigned head = read_u8(&r);
        uint64_t len = head & SYMTAB_HEAD_LEN;
        if (len == SYMTAB_HEAD_LEN)
            len = read_leb(&r, false);
        unsigned prefix = (head & SYMTAB_HEAD_PREFIX) ? read_u8(&r) : 0;
        start = end + ((head & SYMTAB_HEAD_GAP) ? read_leb(&r, true) << shift : 0);
        uint64_t size = read_leb(&r, false) << shift;
        const uint8_t *code;
        if (!read_bytes(&r, len, &code))
            return NULL;
        if (start > addr) {
            followed = true;
            break;
        }
        if (prefix > name_len) /* more than the previous name has */
            return NULL;
        found = true;
        found_start = start;
        found_size = size;
        name_len = decode_name(&codes, code, len, name, prefix);
        end = start + size;
    }
    if (!found || r.bad)
        return NULL;
    uint64_t off = addr - found_start;
    /* A sized symbol owns only its bytes; an unsized one runs to the next symbol. */
    if (found_size && off >= found_size)
        return NULL;
    if (!found_size && !followed)
        return NULL;
    name[name_len] = '\0';
    *offset = off;
    return name;
}
