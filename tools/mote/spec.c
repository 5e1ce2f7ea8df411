// SPDX-License-Identifier: MIT
/* Parsers and formatters for what users type and read, see spec.h. */
#include "tools/mote/spec.h"

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NS_PER_S     1000000000ll
#define MEM_MIN_MIB  16
#define MEM_MAX_MIB  (64 * 1024)
#define PORT_MAX     65535
#define SECS_PER_DAY 86400

int spec_fail(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err)
        vsnprintf(err, SPEC_ERR_LEN, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alnum(char c)
{
    return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A decimal number of at most 9 digits from s[0..len) into *out. */
static bool parse_uint(const char *s, size_t len, unsigned *out)
{
    if (len == 0 || len > 9)
        return false;
    unsigned v = 0;
    for (size_t i = 0; i < len; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

static bool parse_port_number(const char *s, size_t len, unsigned *port)
{
    return parse_uint(s, len, port) && *port >= 1 && *port <= PORT_MAX;
}

int spec_parse_port(const char *s, struct port_spec *out, char *err)
{
    static const char expected[] = "expected [IP:]HOSTPORT:PORT[/tcp|/udp], e.g. 5353:53/udp";
    memset(out, 0, sizeof(*out));
    out->proto = PORT_TCP;
    const char *slash = strchr(s, '/');
    size_t len = slash ? (size_t)(slash - s) : strlen(s);
    if (slash) {
        if (strcmp(slash + 1, "udp") == 0)
            out->proto = PORT_UDP;
        else if (strcmp(slash + 1, "tcp") != 0)
            return spec_fail(err, "bad port spec '%s': unknown protocol '%s'; %s", s, slash + 1,
                             expected);
    }
    /* Split at the colons: HOSTPORT:PORT or IP:HOSTPORT:PORT. */
    const char *parts[3], *p = s, *end = s + len;
    size_t lens[3], n = 0;
    for (const char *q = s; q < end; q++)
        n += *q == ':';
    if (n < 1 || n > 2)
        return spec_fail(err, "bad port spec '%s': %s", s, expected);
    for (size_t i = 0; i <= n; i++) {
        const char *colon = memchr(p, ':', (size_t)(end - p));
        parts[i] = p;
        lens[i] = colon ? (size_t)(colon - p) : (size_t)(end - p);
        p = colon ? colon + 1 : end;
    }
    n++;
    size_t first = n - 2;
    if (n == 3) {
        struct in_addr addr;
        if (lens[0] == 0 || lens[0] >= IP_STR_MAX)
            return spec_fail(err, "bad port spec '%s': '%.*s' is not an IPv4 address; %s", s,
                             (int)lens[0], parts[0], expected);
        memcpy(out->host_ip, parts[0], lens[0]);
        out->host_ip[lens[0]] = '\0';
        if (inet_pton(AF_INET, out->host_ip, &addr) != 1)
            return spec_fail(err, "bad port spec '%s': '%s' is not an IPv4 address; %s", s,
                             out->host_ip, expected);
    }
    if (!parse_port_number(parts[first], lens[first], &out->host_port))
        return spec_fail(err,
                         "bad port spec '%s': host port '%.*s' is not a number from 1 to 65535", s,
                         (int)lens[first], parts[first]);
    if (!parse_port_number(parts[first + 1], lens[first + 1], &out->guest_port))
        return spec_fail(err,
                         "bad port spec '%s': guest port '%.*s' is not a number from 1 to 65535", s,
                         (int)lens[first + 1], parts[first + 1]);
    return 0;
}

const char *spec_proto_name(enum port_proto proto)
{
    return proto == PORT_UDP ? "udp" : "tcp";
}

void spec_format_port(const struct port_spec *p, char *buf, size_t len)
{
    snprintf(buf, len, "%s:%u->%u/%s", p->host_ip[0] ? p->host_ip : "0.0.0.0", p->host_port,
             p->guest_port, spec_proto_name(p->proto));
}

int spec_parse_volume(const char *s, char *path, size_t path_len, unsigned *n, bool *sd, char *err)
{
    static const char expected[] = "expected HOSTFILE:TARGET, TARGET virtio0 to virtio7 or sd, "
                                   "e.g. -v disk.img:virtio0";
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s)
        return spec_fail(err, "bad volume '%s': %s", s, expected);
    const char *target = colon + 1;
    size_t len = (size_t)(colon - s);
    unsigned v = 0;
    *sd = false;
    if (strcmp(target, "sd") == 0 || strcmp(target, "sd0") == 0) {
        *sd = true;
    } else if (strncmp(target, "virtio", 6) != 0 ||
               !parse_uint(target + 6, strlen(target + 6), &v) || v >= VOLUME_DISKS_MAX) {
        return spec_fail(err, "bad volume target '%s' in '%s': %s", target, s, expected);
    }
    if (len >= path_len)
        return spec_fail(err, "bad volume '%.60s...': the file name is longer than %zu characters",
                         s, path_len - 1);
    memcpy(path, s, len);
    path[len] = '\0';
    *n = v;
    return 0;
}

int spec_parse_memory(const char *s, unsigned *mib, char *err)
{
    size_t len = strlen(s), digits = 0;
    while (digits < len && is_digit(s[digits]))
        digits++;
    unsigned v, scale = 1;
    const char *unit = s + digits;
    if (strcmp(unit, "") == 0 || strcmp(unit, "M") == 0 || strcmp(unit, "m") == 0 ||
        strcmp(unit, "MiB") == 0)
        scale = 1;
    else if (strcmp(unit, "G") == 0 || strcmp(unit, "g") == 0 || strcmp(unit, "GiB") == 0)
        scale = 1024;
    else
        return spec_fail(err,
                         "bad memory size '%s': expected a number of MiB with an optional unit "
                         "M or G, e.g. 128M or 1G",
                         s);
    if (!parse_uint(s, digits, &v) || v > MEM_MAX_MIB / scale || v * scale < MEM_MIN_MIB ||
        v * scale > MEM_MAX_MIB)
        return spec_fail(err, "bad memory size '%s': expected %u MiB to %u GiB", s, MEM_MIN_MIB,
                         MEM_MAX_MIB / 1024);
    *mib = v * scale;
    return 0;
}

int spec_check_name(const char *s, char *err)
{
    size_t len = strlen(s);
    bool ok = len >= 1 && len <= NAME_MAX_LEN && is_alnum(s[0]) && is_alnum(s[len - 1]);
    for (size_t i = 0; ok && i < len; i++)
        ok = is_alnum(s[i]) || s[i] == '-';
    if (!ok)
        return spec_fail(err,
                         "bad name '%s': expected 1 to %d letters, digits and '-', starting and "
                         "ending with a letter or digit (it is the guest's host name)",
                         s, NAME_MAX_LEN);
    return 0;
}

int spec_parse_restart(const char *s, enum restart_policy *policy, unsigned *max, char *err)
{
    *max = 0;
    if (strcmp(s, "no") == 0) {
        *policy = RESTART_NO;
        return 0;
    }
    if (strncmp(s, "on-failure", 10) == 0 &&
        (s[10] == '\0' || (s[10] == ':' && parse_uint(s + 11, strlen(s + 11), max) && *max > 0))) {
        *policy = RESTART_ON_FAILURE;
        return 0;
    }
    return spec_fail(err,
                     "bad restart policy '%s': expected no, on-failure or on-failure:MAX "
                     "(MAX restarts, at least 1)",
                     s);
}

const char *spec_restart_name(enum restart_policy policy)
{
    return policy == RESTART_ON_FAILURE ? "on-failure" : "no";
}

int spec_parse_duration(const char *s, int64_t *ns, char *err)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    double scale = 1;
    if (end == s || !is_digit(s[0]) || errno)
        goto bad;
    if (strcmp(end, "") == 0 || strcmp(end, "s") == 0)
        scale = 1;
    else if (strcmp(end, "m") == 0)
        scale = 60;
    else if (strcmp(end, "h") == 0)
        scale = 3600;
    else if (strcmp(end, "d") == 0)
        scale = SECS_PER_DAY;
    else
        goto bad;
    v *= scale;
    if (v > 100.0 * 365 * SECS_PER_DAY) /* a century: anything more is a typo */
        goto bad;
    *ns = (int64_t)(v * NS_PER_S);
    return 0;
bad:
    return spec_fail(err,
                     "bad duration '%s': expected a number with an optional unit s, m, h or d, "
                     "e.g. 30s or 5m",
                     s);
}

static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    /* Howard Hinnant's algorithm: days since 1970-01-01 in the proleptic Gregorian calendar */
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static bool digits_at(const char *s, size_t n, unsigned *out)
{
    for (size_t i = 0; i < n; i++)
        if (!is_digit(s[i]))
            return false;
    return parse_uint(s, n, out);
}

int spec_parse_time(const char *s, int64_t *ns)
{
    unsigned y, mo, d, h, mi, sec;
    if (strlen(s) < 20 || !digits_at(s, 4, &y) || s[4] != '-' || !digits_at(s + 5, 2, &mo) ||
        s[7] != '-' || !digits_at(s + 8, 2, &d) || (s[10] != 'T' && s[10] != 't') ||
        !digits_at(s + 11, 2, &h) || s[13] != ':' || !digits_at(s + 14, 2, &mi) || s[16] != ':' ||
        !digits_at(s + 17, 2, &sec))
        return -EINVAL;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return -EINVAL;
    const char *p = s + 19;
    int64_t frac = 0;
    if (*p == '.') {
        int64_t scale = NS_PER_S;
        p++;
        if (!is_digit(*p))
            return -EINVAL;
        for (; is_digit(*p); p++)
            if (scale > 1) {
                scale /= 10;
                frac += (*p - '0') * scale;
            }
    }
    int64_t offset = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        unsigned oh, om;
        if (!digits_at(p + 1, 2, &oh) || p[3] != ':' || !digits_at(p + 4, 2, &om) || oh > 23 ||
            om > 59)
            return -EINVAL;
        offset = (int64_t)(oh * 3600 + om * 60) * (*p == '-' ? -1 : 1);
        p += 6;
    } else {
        return -EINVAL;
    }
    if (*p)
        return -EINVAL;
    int64_t secs = days_from_civil(y, mo, d) * SECS_PER_DAY + h * 3600 + mi * 60 + sec - offset;
    /* Nanoseconds in an int64 end in 2262 (found by fuzz_mote_manifest: "created":"9999-..."). */
    if (secs >= INT64_MAX / NS_PER_S || secs <= INT64_MIN / NS_PER_S)
        return -EINVAL;
    *ns = secs * NS_PER_S + frac;
    return 0;
}

int spec_parse_since(const char *s, int64_t now_ns, int64_t *ns, char *err)
{
    int64_t t;
    if (spec_parse_time(s, &t) == 0) {
        *ns = t;
        return 0;
    }
    /* Seconds since the epoch: a long plain number (a duration would carry a unit or be short). */
    size_t len = strlen(s);
    unsigned digits = 0;
    while (digits < len && is_digit(s[digits]))
        digits++;
    if (digits == len && len >= 9 && len <= 12) {
        *ns = strtoll(s, NULL, 10) * NS_PER_S;
        return 0;
    }
    if (spec_parse_duration(s, &t, NULL) == 0) {
        *ns = now_ns - t;
        return 0;
    }
    return spec_fail(err,
                     "bad --since '%s': expected a duration (10m, 2h), an RFC 3339 time "
                     "(2026-11-23T12:00:00Z) or seconds since the epoch",
                     s);
}

void spec_format_time(int64_t ns, char buf[TIME_STR_LEN + 1])
{
    time_t secs = (time_t)(ns / NS_PER_S);
    int64_t frac = ns % NS_PER_S;
    if (frac < 0) {
        frac += NS_PER_S;
        secs--;
    }
    struct tm tm;
    gmtime_r(&secs, &tm);
    char tmp[96]; /* room for any year the compiler can imagine; real ones take 4 digits */
    snprintf(tmp, sizeof(tmp), "%04d-%02d-%02dT%02d:%02d:%02d.%09" PRId64 "Z", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, frac);
    memcpy(buf, tmp, TIME_STR_LEN);
    buf[TIME_STR_LEN] = '\0';
}

void spec_human_duration(int64_t ns, char *buf, size_t len)
{
    int64_t s = ns / NS_PER_S;
    if (s < 1)
        snprintf(buf, len, "Less than a second");
    else if (s == 1)
        snprintf(buf, len, "1 second");
    else if (s < 60)
        snprintf(buf, len, "%" PRId64 " seconds", s);
    else if (s < 120)
        snprintf(buf, len, "About a minute");
    else if (s < 3600)
        snprintf(buf, len, "%" PRId64 " minutes", s / 60);
    else if (s < 2 * 3600)
        snprintf(buf, len, "About an hour");
    else if (s < 2 * SECS_PER_DAY)
        snprintf(buf, len, "%" PRId64 " hours", s / 3600);
    else
        snprintf(buf, len, "%" PRId64 " days", s / SECS_PER_DAY);
}

static bool is_key_char(char c)
{
    return is_alnum(c) || c == '_' || c == '.' || c == '-';
}

int spec_add_bootarg(struct strbuf *out, const char *word, bool require_value, char *err)
{
    const char *eq = strchr(word, '=');
    size_t key_len = eq ? (size_t)(eq - word) : strlen(word);
    bool ok = key_len > 0;
    for (size_t i = 0; ok && i < key_len; i++)
        ok = is_key_char(word[i]);
    if (!ok)
        return spec_fail(err,
                         "bad boot argument '%s': expected KEY=VALUE%s, KEY made of letters, "
                         "digits and _ . -",
                         word, require_value ? "" : " or FLAG");
    if (!eq && require_value)
        return spec_fail(err, "bad -e '%s': expected KEY=VALUE", word);
    const char *val = eq ? eq + 1 : NULL;
    bool quote = false;
    for (const char *v = val; v && *v; v++) {
        if (*v == '"' || (unsigned char)*v < 0x20 || *v == 0x7f)
            return spec_fail(err,
                             "bad boot argument '%s': a value cannot hold a double quote or a "
                             "control character",
                             word);
        quote |= *v == ' ';
    }
    if (out->len)
        sb_addc(out, ' ');
    sb_add(out, word, key_len);
    if (val)
        sb_addf(out, quote ? "=\"%s\"" : "=%s", val);
    return 0;
}
