// SPDX-License-Identifier: MIT
/* The one decimal number parser; see number.h. */
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
