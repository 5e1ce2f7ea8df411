/* SPDX-License-Identifier: MIT */
/*
 * RFC 5424 syslog messages, the pure part of remote logging (net/syslog.c
 * sends them): formatting, and the checks of the boot arguments. No clock,
 * no network: built for the host and unit-tested too.
 */
#ifndef LIB_SYSLOG_MESSAGE_H
#define LIB_SYSLOG_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYSLOG_HOSTNAME_MAX 255 /* RFC 5424 §6.2.4 */
#define SYSLOG_FACILITY_MAX 23  /* §6.2.1: local7 */
#define SYSLOG_SEVERITY_MAX 7   /* debug */

/*
 * Writes "<PRI>1 TIMESTAMP HOSTNAME APP-NAME - - - MSG" into buf (size
 * bytes, not NUL-terminated): TIMESTAMP in RFC 3339 UTC with microseconds
 * from wallclock_ns (nanoseconds since 1970), or "-" when it is negative;
 * msg (msg_len bytes) is cut to what fits. Returns the length, or -EINVAL
 * for a facility or severity out of range, an invalid hostname or app name
 * (see syslog_name_ok), or a buffer too small for the header.
 */
int syslog_format_message(char *buf, size_t size, unsigned facility, unsigned severity,
                          int64_t wallclock_ns, const char *hostname, const char *app,
                          const char *msg, size_t msg_len);

/* A HOSTNAME or APP-NAME: 1 to max printable US-ASCII characters, no space (§6.2.4, §6.2.5). */
bool syslog_name_ok(const char *name, size_t max);

/*
 * Parses "A.B.C.D:PORT" (decimal, each octet 0-255, port 1-65535, nothing
 * else) into addr (network order) and *port. Returns 0 or -EINVAL.
 */
int syslog_parse_collector(const char *val, uint8_t addr[4], uint16_t *port);

#endif
