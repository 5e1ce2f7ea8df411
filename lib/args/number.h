/* SPDX-License-Identifier: MIT */
/*
 * The one number parser, for every place that reads a number from outside:
 * decimal (boot arguments, a syslog collector, a GDB port) and hex digits (GDB
 * packets, a USB adapter's MAC string). Portable, no OS calls; bounded by len
 * and by max, so no input can overflow it.
 */
#ifndef LIB_ARGS_NUMBER_H
#define LIB_ARGS_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads the decimal digits at the start of s[0..len) into *out. Returns how
 * many characters it read (at least 1), or -EINVAL when s starts with no
 * digit or the value exceeds max (*out is then unchanged).
 */
int number_parse_decimal(const char *s, size_t len, uint64_t max, uint64_t *out);

/* The whole NUL-terminated s is one decimal number up to max: 0, or -EINVAL. */
int number_parse_decimal_str(const char *s, uint64_t max, uint64_t *out);

/* The value of the hex digit c (0-9, a-f, A-F), or -1 for any other character. */
static inline int number_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
