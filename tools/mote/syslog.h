/* SPDX-License-Identifier: MIT */
/*
 * RFC 5424 syslog messages, as images booted with syslog=HOST:PORT send them
 * over UDP (RFC 5426). Parsing only: the monitor (monitor.c) receives them and
 * stores one line per message. Every datagram is outside input and checked.
 */
#ifndef TOOLS_MOTE_SYSLOG_H
#define TOOLS_MOTE_SYSLOG_H

#include <stddef.h>

#define SYSLOG_HOSTNAME_MAX 255
#define SYSLOG_APP_MAX      48
#define SYSLOG_PROCID_MAX   128
#define SYSLOG_MSGID_MAX    32
#define SYSLOG_TIME_MAX     40

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
 * Parses one message of len bytes. Returns 0, or -EINVAL if it is not RFC 5424
 * (bad PRI, version other than 1, a header field too long or not printable
 * ASCII, malformed structured data).
 */
int syslog_parse(const char *data, size_t len, struct syslog_msg *m);

/* "emerg" ... "debug" for severity 0..7. */
const char *syslog_severity_name(unsigned severity);

#endif
