// SPDX-License-Identifier: MIT
/* The one number parser, decimal and hexadecimal; see number.h. */
#include "lib/args/number.h"

#include <errno.h>
#include <string.h>

#define DECIMAL_BASE 10

int number_parse_decimal(const char *s, size_t len, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
        unsigned digit = (unsigned)(s[i] - '0');
        if (digit > max || v > (max - digit) / DECIMAL_BASE)
            return -EINVAL;
        v = v * DECIMAL_BASE + digit;
    }
    if (i == 0 || i > INT32_MAX)
        return -EINVAL;
    *out = v;
    return (int)i;
}

int number_parse_decimal_str(const char *s, uint64_t max, uint64_t *out)
{
    size_t len = strlen(s);
    uint64_t v;
    int n = number_parse_decimal(s, len, max, &v);
    if (n < 0 || (size_t)n != len)
        return -EINVAL;
    *out = v;
    return 0;
}

#define HEX_LETTER_BASE 10
#define HEX_DIGIT_BITS  4

int number_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + HEX_LETTER_BASE;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + HEX_LETTER_BASE;
    return -1;
}

int number_parse_hex_bytes(const char *hex, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        int hi = number_hex_digit(hex[2 * i]);
        int lo = hi < 0 ? -1 : number_hex_digit(hex[2 * i + 1]);
        if (lo < 0)
            return -EINVAL;
        out[i] = (uint8_t)(hi << HEX_DIGIT_BITS | lo);
    }
    return 0;
}
