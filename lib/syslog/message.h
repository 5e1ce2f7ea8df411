/* SPDX-License-Identifier: MIT */
/*
 * RFC 5424 syslog messages, both ways, in one place: formatting them (the
 * image's remote logging, net/syslog.c, sends them over UDP, RFC 5426) and
 * parsing them (the host's `mote` collector, tools/mote/monitor.c, receives
 * them). Also the checks of the syslog= boot argument. No clock, no network:
 * built for the image and the host, and unit-tested on the host.
 */
#ifndef LIB_SYSLOG_MESSAGE_H
#define LIB_SYSLOG_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYSLOG_HOSTNAME_MAX 255 /* RFC 5424 §6.2.4 */
#define SYSLOG_APP_MAX      48  /* §6.2.5 */
#define SYSLOG_PROCID_MAX   128 /* §6.2.6 */
#define SYSLOG_MSGID_MAX    32  /* §6.2.7 */
#define SYSLOG_TIME_MAX     40  /* the longest RFC 3339 timestamp §6.2.3 allows, with margin */
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

/* One message as parsed (lib/syslog/parse.c). */
struct syslog_msg {
    unsigned facility, severity;         /* RFC 5424 §6.2.1 */
    char timestamp[SYSLOG_TIME_MAX + 1]; /* "-" when the sender gave none */
    char hostname[SYSLOG_HOSTNAME_MAX + 1];
    char app[SYSLOG_APP_MAX + 1];
    char procid[SYSLOG_PROCID_MAX + 1];
    char msgid[SYSLOG_MSGID_MAX + 1];
    const char *msg; /* into the datagram, without a BOM or trailing line breaks; may be empty */
    size_t msg_len;
};

/*
 * Parses one message of len bytes (outside input: every field is checked).
 * Returns 0, or -EINVAL if it is not RFC 5424 (bad PRI, version other than
 * 1, a header field too long or not printable ASCII, malformed structured data).
 */
int syslog_parse(const char *data, size_t len, struct syslog_msg *m);

/* "emerg" ... "debug" for severity 0..7. */
const char *syslog_severity_name(unsigned severity);

#endif
