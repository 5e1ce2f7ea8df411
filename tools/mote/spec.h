/* SPDX-License-Identifier: MIT */
/*
 * What users type, parsed and checked: port specs, memory sizes, instance
 * names, restart policies, durations and times, boot
 * arguments. Pure functions (no files, no processes), unit-tested on the host
 * (tests/unit/test_mote_spec.c). Each parser returns 0, or -EINVAL with a
 * one-line message in err saying what was wrong and what is expected.
 */
#ifndef TOOLS_MOTE_SPEC_H
#define TOOLS_MOTE_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/mote/strbuf.h"

#define SPEC_ERR_LEN 1536 /* room for two full image references and a sentence */
#define NAME_MAX_LEN 63   /* an instance name is also the guest's host name: one DNS label */
#define IP_STR_MAX   16   /* dotted IPv4 and its NUL */

/*
 * The parsers' refusal: the message (printf-style) into err (SPEC_ERR_LEN
 * bytes; NULL: none), and -EINVAL to return.
 */
__attribute__((format(printf, 2, 3))) int spec_fail(char *err, const char *fmt, ...);

enum port_proto { PORT_TCP, PORT_UDP };

/* -p [IP:]HOSTPORT:PORT[/tcp|/udp] (Docker's form; tcp when no protocol is given). */
struct port_spec {
    char host_ip[IP_STR_MAX]; /* "" means every address (0.0.0.0) */
    unsigned host_port, guest_port;
    enum port_proto proto;
};

int spec_parse_port(const char *s, struct port_spec *out, char *err);
/* "127.0.0.1:5353->53/udp", or "0.0.0.0:8080->80/tcp" for every address, into buf. */
void spec_format_port(const struct port_spec *p, char *buf, size_t len);
const char *spec_proto_name(enum port_proto proto);

/*
 * -v HOSTFILE:TARGET (docker run -v's form): a disk image file and where it
 * goes, virtioN (N from 0 to 7: disk N of the board) or sd (the SD card; sd0
 * too). path gets HOSTFILE (at most path_len - 1 bytes), *n the disk number
 * (sd: 0), *sd whether the target named the SD card.
 */
#define VOLUME_DISKS_MAX 8
int spec_parse_volume(const char *s, char *path, size_t path_len, unsigned *n, bool *sd, char *err);

/* -m: a size in MiB ("128", "128M", "1G"); 16 MiB to 64 GiB. */
int spec_parse_memory(const char *s, unsigned *mib, char *err);

/* An instance name: 1-63 letters, digits and '-', starting and ending with a letter or digit. */
int spec_check_name(const char *s, char *err);

enum restart_policy { RESTART_NO, RESTART_ON_FAILURE };

/* --restart no|on-failure[:MAX]: *max gets MAX (0: no limit). */
int spec_parse_restart(const char *s, enum restart_policy *policy, unsigned *max, char *err);
const char *spec_restart_name(enum restart_policy policy);

/* A duration: a number with a unit s, m, h or d ("90s", "5m", "1.5h"), or plain seconds. */
int spec_parse_duration(const char *s, int64_t *ns, char *err);

/* --since: a duration before now_ns ("10m"), an RFC 3339 time, or seconds since the epoch. */
int spec_parse_since(const char *s, int64_t now_ns, int64_t *ns, char *err);

/* RFC 3339 in UTC with nanoseconds, "2026-11-23T12:22:15.123456789Z" (31 characters). */
#define TIME_STR_LEN 31
void spec_format_time(int64_t ns, char buf[TIME_STR_LEN + 1]);
/* Parses an RFC 3339 time ("Z" or a "+HH:MM" offset, fraction optional) into ns since the epoch. */
int spec_parse_time(const char *s, int64_t *ns);

/* How long ago or for how long, as `ps` says it: "5 seconds", "About a minute", "3 hours". */
void spec_human_duration(int64_t ns, char *buf, size_t len);

/*
 * Adds one boot argument to out (a space first if out is not empty). word is
 * KEY=VALUE, or a bare FLAG unless require_value. KEY is letters, digits and
 * "_.-"; a VALUE with spaces is double-quoted, as the image's parser expects
 * (docs/service-api.md); a VALUE with a double quote or a control character
 * cannot be passed and is refused.
 */
int spec_add_bootarg(struct strbuf *out, const char *word, bool require_value, char *err);

#endif
