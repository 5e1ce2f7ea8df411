/* SPDX-License-Identifier: MIT */
/*
 * The one number parser, for every place that reads a number from outside:
 * decimal (boot arguments, a syslog collector, a GDB port) and hexadecimal
 * (GDB packets, a USB adapter's MAC string). Portable, no OS calls; bounded by
 * len and by max, so no input can overflow it.
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

/* The value of hex digit c (either case), or -1 if c is none. */
int number_hex_digit(int c);

/*
 * Decodes exactly len bytes from the 2*len hex digits at hex into out; stops
 * at the first character that is not a hex digit (a NUL too), so a shorter
 * string is never read past. Returns 0, or -EINVAL (out partly written).
 */
int number_parse_hex_bytes(const char *hex, uint8_t *out, size_t len);

#endif
