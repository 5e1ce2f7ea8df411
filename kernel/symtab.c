// SPDX-License-Identifier: MIT
/* Symbol lookup by address in the compact table, see symtab.h. */
#include "kernel/symtab.h"

#include <stdbool.h>

#define TOKEN_FIRST   0x80 /* bytes from here on stand for a pair (symtab.h) */
#define LEB_SHIFT_MAX 63   /* a 64-bit number has at most ten 7-bit groups */

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

/*
 * Expands the pair-encoded name[0..len) into out. A pair refers only to
 * earlier pairs, so a stack as deep as the pair table suffices. A malformed
 * table cannot make it loop or overrun: a reference to a pair that is not
 * earlier is dropped, and the work is bounded by what a valid name of
 * SYMTAB_NAME_MAX characters needs (a leaf per character, fewer inner nodes).
 */
static void decode_name(const uint8_t *pairs, unsigned npairs, const uint8_t *name, unsigned len,
                        char *out, size_t out_size)
{
    uint8_t stack[256 - TOKEN_FIRST + 1];
    unsigned budget = 2 * SYMTAB_NAME_MAX + len;
    size_t n = 0;
    for (unsigned i = 0; i < len; i++) {
        unsigned depth = 0;
        stack[depth++] = name[i];
        while (depth && budget) {
            budget--;
            uint8_t b = stack[--depth];
            if (b < TOKEN_FIRST) {
                if (n + 1 < out_size)
                    out[n++] = (char)b;
                continue;
            }
            unsigned pair = b - TOKEN_FIRST;
            if (pair >= npairs || depth + 2 > sizeof(stack))
                continue;
            for (int half = 1; half >= 0; half--) { /* the second half below the first */
                uint8_t e = pairs[2 * pair + half];
                if (e < TOKEN_FIRST || (unsigned)(e - TOKEN_FIRST) < pair)
                    stack[depth++] = e;
            }
        }
    }
    out[n] = '\0';
}

const char *symtab_lookup(const struct symtab *tab, uint64_t addr, uint64_t *offset)
{
    static char name[SYMTAB_NAME_MAX + 1];
    struct reader r = {tab->data, tab->data + tab->size, false};
    if (!tab->size)
        return NULL;
    addr -= tab->slide; /* the table has the ELF's addresses */

    unsigned npairs = read_u8(&r);
    const uint8_t *pairs = r.p;
    if ((size_t)(r.end - r.p) < 2u * npairs)
        return NULL;
    r.p += 2u * npairs;
    unsigned shift = read_u8(&r);
    if (shift > SYMTAB_SHIFT_MAX)
        return NULL;
    uint64_t count = read_leb(&r, false);

    /* The last function that starts at or below addr, and whether one follows it. */
    uint64_t start = 0, end = 0, found_start = 0, found_size = 0;
    const uint8_t *found_name = NULL;
    unsigned found_len = 0;
    bool found = false, followed = false;
    for (uint64_t i = 0; i < count && !r.bad; i++) {
        unsigned head = read_u8(&r);
        unsigned len = head & SYMTAB_NAME_MAX;
        start = end + ((head & SYMTAB_HEAD_GAP) ? read_leb(&r, true) << shift : 0);
        uint64_t size = read_leb(&r, false) << shift;
        if (r.bad || (size_t)(r.end - r.p) < len)
            return NULL;
        if (start > addr) {
            followed = true;
            break;
        }
        found = true;
        found_start = start;
        found_size = size;
        found_name = r.p;
        found_len = len;
        r.p += len;
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
    decode_name(pairs, npairs, found_name, found_len, name, sizeof(name));
    *offset = off;
    return name;
}
