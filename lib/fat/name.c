// SPDX-License-Identifier: MIT
/*
 * Names: 8.3 names (which characters they allow, the basis and ~N tail of a
 * generated one, the checksum long-name slots carry, fatgen103 and the Long
 * File Name Specification) and the UTF-8 <-> UTF-16 conversion of long names.
 */
#include <errno.h>
#include <string.h>

#include "lib/fat/internal.h"

#define SFN_BASE        FAT_SFN_BASE
#define SFN_EXT         3
#define SFN_PAD         ' '
#define SFN_TAIL_CHAR   '~'
#define SFN_LOSSY       '_'
#define UTF16_SURROGATE 0xd800
#define UTF16_LOW       0xdc00
#define UTF16_END       0xe000
#define UNICODE_MAX     0x10ffff
#define UNICODE_PLANE1  0x10000

static bool sfn_char_ok(unsigned char c)
{
    /* fatgen103: letters, digits and these; no lower case (that is NT's flag) */
    return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("$%'-_@~`!(){}^#&", c);
}

static unsigned char upper(unsigned char c)
{
    return c >= 'a' && c <= 'z' ? (unsigned char)(c - 'a' + 'A') : c;
}

/* One part (base or extension) of a plain 8.3 name: all upper or all lower case. */
static bool short_part(const char *s, size_t len, size_t max, uint8_t *out, bool *lower)
{
    bool has_upper = false, has_lower = false;
    if (len == 0 || len > max)
        return false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        has_lower |= c >= 'a' && c <= 'z';
        has_upper |= c >= 'A' && c <= 'Z';
        if (!sfn_char_ok(upper(c)))
            return false;
        out[i] = upper(c);
    }
    *lower = has_lower;
    return !(has_lower && has_upper);
}

bool fat_name_is_short(const char *name, uint8_t sfn[FAT_SFN_LEN], uint8_t *ntres)
{
    memset(sfn, SFN_PAD, FAT_SFN_LEN);
    const char *dot = strchr(name, '.');
    size_t base_len = dot ? (size_t)(dot - name) : strlen(name);
    bool base_lower = false, ext_lower = false;
    if (!short_part(name, base_len, SFN_BASE, sfn, &base_lower))
        return false;
    if (dot && (strchr(dot + 1, '.') ||
                !short_part(dot + 1, strlen(dot + 1), SFN_EXT, sfn + SFN_BASE, &ext_lower)))
        return false;
    if (sfn[0] == SLOT_FREE) /* cannot happen for ASCII, kept for the rule */
        sfn[0] = SLOT_KANJI_E5;
    *ntres = (uint8_t)((base_lower ? NTRES_BASE_LOWER : 0) | (ext_lower ? NTRES_EXT_LOWER : 0));
    return true;
}

void fat_name_basis(const char *name, uint8_t sfn[FAT_SFN_LEN])
{
    memset(sfn, SFN_PAD, FAT_SFN_LEN);
    while (*name == '.' || *name == ' ')
        name++;
    const char *last_dot = strrchr(name, '.');
    size_t n = 0;
    for (const char *p = name; *p && p != last_dot && n < SFN_BASE; p++) {
        unsigned char c = upper((unsigned char)*p);
        if (c == ' ' || c == '.')
            continue;
        /* A character 8.3 cannot hold (a UTF-8 sequence counts once) becomes '_'. */
        if ((c & 0xc0) == 0x80)
            continue;
        sfn[n++] = sfn_char_ok(c) ? c : SFN_LOSSY;
    }
    if (n == 0)
        sfn[n++] = SFN_LOSSY;
    n = 0;
    if (last_dot)
        for (const char *p = last_dot + 1; *p && n < SFN_EXT; p++) {
            unsigned char c = upper((unsigned char)*p);
            if (c == ' ' || (c & 0xc0) == 0x80)
                continue;
            sfn[SFN_BASE + n++] = sfn_char_ok(c) ? c : SFN_LOSSY;
        }
}

void fat_name_tail(uint8_t sfn[FAT_SFN_LEN], uint32_t n)
{
    char digits[12];
    int len = 0;
    do {
        digits[len++] = (char)('0' + n % 10);
        n /= 10;
    } while (n && len < (int)sizeof(digits));
    int base = 0;
    while (base < SFN_BASE && sfn[base] != SFN_PAD)
        base++;
    int at = base + 1 + len > SFN_BASE ? SFN_BASE - 1 - len : base;
    sfn[at++] = SFN_TAIL_CHAR;
    while (len)
        sfn[at++] = (uint8_t)digits[--len];
    while (at < SFN_BASE)
        sfn[at++] = SFN_PAD;
}

uint8_t fat_name_checksum(const uint8_t sfn[FAT_SFN_LEN])
{
    uint8_t sum = 0;
    for (int i = 0; i < FAT_SFN_LEN; i++)
        sum = (uint8_t)(((sum & 1) << 7) + (sum >> 1) + sfn[i]);
    return sum;
}

void fat_name_sfn_text(const uint8_t sfn[FAT_SFN_LEN], uint8_t ntres, char *out)
{
    int n = 0;
    for (int i = 0; i < SFN_BASE && sfn[i] != SFN_PAD; i++) {
        unsigned char c = i == 0 && sfn[0] == SLOT_KANJI_E5 ? SLOT_FREE : sfn[i];
        if (c >= 0x80)
            c = SFN_LOSSY; /* an OEM code page character: not UTF-8 */
        if ((ntres & NTRES_BASE_LOWER) && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        out[n++] = (char)c;
    }
    if (sfn[SFN_BASE] != SFN_PAD) {
        out[n++] = '.';
        for (int i = SFN_BASE; i < FAT_SFN_LEN && sfn[i] != SFN_PAD; i++) {
            unsigned char c = sfn[i] >= 0x80 ? SFN_LOSSY : sfn[i];
            if ((ntres & NTRES_EXT_LOWER) && c >= 'A' && c <= 'Z')
                c = (unsigned char)(c - 'A' + 'a');
            out[n++] = (char)c;
        }
    }
    out[n] = '\0';
}

/* Characters a long name may not hold (LFN specification). */
static bool lfn_char_ok(uint32_t c)
{
    return c >= 0x20 && c != 0x7f && !(c < 0x80 && strchr("\"*/:<>?\\|", (int)c));
}

int fat_name_to_utf16(const char *name, uint16_t *out, int max)
{
    const unsigned char *p = (const unsigned char *)name;
    int n = 0;
    size_t len = strlen(name);
    if (len == 0)
        return -EINVAL;
    if (len > MOTE_FS_NAME_MAX)
        return -ENAMETOOLONG;
    /* Windows drops trailing dots and spaces; a name that relied on them is refused. */
    if (name[len - 1] == '.' || name[len - 1] == ' ')
        return -EINVAL;
    while (*p) {
        uint32_t c;
        int more;
        if (*p < 0x80) {
            c = *p;
            more = 0;
        } else if ((*p & 0xe0) == 0xc0) {
            c = *p & 0x1f;
            more = 1;
        } else if ((*p & 0xf0) == 0xe0) {
            c = *p & 0x0f;
            more = 2;
        } else if ((*p & 0xf8) == 0xf0) {
            c = *p & 0x07;
            more = 3;
        } else {
            return -EINVAL;
        }
        p++;
        for (int i = 0; i < more; i++, p++) {
            if ((*p & 0xc0) != 0x80)
                return -EINVAL;
            c = c << 6 | (*p & 0x3f);
        }
        static const uint32_t min[] = {0, 0x80, 0x800, 0x10000};
        if (c < min[more] || c > UNICODE_MAX || (c >= UTF16_SURROGATE && c < UTF16_END) ||
            !lfn_char_ok(c))
            return -EINVAL;
        if (c >= UNICODE_PLANE1) {
            if (n + 2 > max)
                return -ENAMETOOLONG;
            c -= UNICODE_PLANE1;
            out[n++] = (uint16_t)(UTF16_SURROGATE + (c >> 10));
            out[n++] = (uint16_t)(UTF16_LOW + (c & 0x3ff));
        } else {
            if (n + 1 > max)
                return -ENAMETOOLONG;
            out[n++] = (uint16_t)c;
        }
    }
    return n;
}

int fat_name_from_utf16(const uint16_t *in, int len, char *out)
{
    int n = 0;
    for (int i = 0; i < len; i++) {
        uint32_t c = in[i];
        if (c >= UTF16_SURROGATE && c < UTF16_LOW) {
            if (i + 1 >= len || in[i + 1] < UTF16_LOW || in[i + 1] >= UTF16_END)
                return -EILSEQ;
            c = UNICODE_PLANE1 + ((c - UTF16_SURROGATE) << 10) + (in[++i] - UTF16_LOW);
        } else if (c >= UTF16_LOW && c < UTF16_END) {
            return -EILSEQ;
        }
        if (c == 0 || c == '/')
            return -EILSEQ;
        int bytes = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
        if (n + bytes > MOTE_FS_NAME_MAX)
            return -EILSEQ;
        if (bytes == 1) {
            out[n++] = (char)c;
        } else {
            static const uint8_t lead[] = {0, 0, 0xc0, 0xe0, 0xf0};
            for (int k = bytes - 1; k >= 0; k--) {
                uint32_t part = (c >> (6 * k)) & 0x3f;
                out[n++] = (char)(k == bytes - 1 ? lead[bytes] | (c >> (6 * k)) : 0x80 | part);
            }
        }
    }
    if (n == 0)
        return -EILSEQ;
    out[n] = '\0';
    return n;
}

bool fat_name_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (upper((unsigned char)*a) != upper((unsigned char)*b))
            return false;
    return *a == *b;
}
