// SPDX-License-Identifier: MIT
/* RFC 5424 syslog messages, see message.h. */
#include "lib/syslog/message.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/args/number.h"

#define SYSLOG_VERSION  1
#define APP_NAME_MAX    48 /* §6.2.5 */
#define NS_PER_US       1000ll
#define NS_PER_S        1000000000ll
#define SECS_PER_DAY    86400
#define SECS_PER_HOUR   3600
#define SECS_PER_MINUTE 60
#define TIMESTAMP_MAX   40
#define OCTET_MAX       255
#define DIGITS_MAX      5 /* of an octet or a port */
#define PORT_MAX        65535

/*
 * The Gregorian date of a day number counted from 1970-01-01, by the
 * days-from-civil inversion over 400-year eras (146097 days each) that
 * start on March 1st, so leap days fall at the end of a year.
 */
static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468; /* days from 0000-03-01 to 1970-01-01 */
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);                          /* [0, 146096] */
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* [0, 399] */
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* [0, 365] */
    unsigned mp = (5 * doy + 2) / 153;                                    /* March = 0 */
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int format_timestamp(char *buf, size_t size, int64_t ns)
{
    if (ns < 0)
        return snprintf(buf, size, "-");
    int64_t secs = ns / NS_PER_S;
    unsigned sod = (unsigned)(secs % SECS_PER_DAY), month, day;
    int64_t year;
    civil_from_days(secs / SECS_PER_DAY, &year, &month, &day);
    return snprintf(buf, size, "%04lld-%02u-%02uT%02u:%02u:%02u.%06lldZ", (long long)year, month,
                    day, sod / SECS_PER_HOUR, sod / SECS_PER_MINUTE % 60, sod % 60,
                    (long long)(ns % NS_PER_S / NS_PER_US));
}

bool syslog_name_ok(const char *name, size_t max)
{
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++)
        if (name[i] < '!' || name[i] > '~')
            return false;
    return true;
}

int syslog_format_message(char *buf, size_t size, unsigned facility, unsigned severity,
                          int64_t wallclock_ns, const char *hostname, const char *app,
                          const char *msg, size_t msg_len)
{
    if (facility > SYSLOG_FACILITY_MAX || severity > SYSLOG_SEVERITY_MAX ||
        !syslog_name_ok(hostname, SYSLOG_HOSTNAME_MAX) || !syslog_name_ok(app, APP_NAME_MAX))
        return -EINVAL;
    char stamp[TIMESTAMP_MAX];
    format_timestamp(stamp, sizeof(stamp), wallclock_ns);
    /* snprintf needs room for its NUL: a header that fills buf exactly is refused too. */
    int n = snprintf(buf, size, "<%u>%d %s %s %s - - - ", facility * 8 + severity, SYSLOG_VERSION,
                     stamp, hostname, app);
    if (n < 0 || (size_t)n >= size)
        return -EINVAL;
    size_t room = size - (size_t)n;
    if (msg_len > room)
        msg_len = room;
    memcpy(buf + n, msg, msg_len);
    return n + (int)msg_len;
}

/*
 * Parses the decimal number at *p up to max, advancing past it; returns 0 or
 * -EINVAL. At most DIGITS_MAX digits: leading zeros beyond a port's five are
 * refused as malformed.
 */
static int parse_number(const char **p, unsigned max, unsigned *out)
{
    uint64_t v;
    int n = number_parse_decimal(*p, strlen(*p), max, &v);
    if (n < 0 || n > DIGITS_MAX)
        return -EINVAL;
    *p += n;
    *out = (unsigned)v;
    return 0;
}

int syslog_parse_collector(const char *val, uint8_t addr[4], uint16_t *port)
{
    const char *p = val;
    unsigned v;
    if (!p)
        return -EINVAL;
    for (int i = 0; i < 4; i++) {
        if (parse_number(&p, OCTET_MAX, &v) != 0 || *p++ != (i < 3 ? '.' : ':'))
            return -EINVAL;
        addr[i] = (uint8_t)v;
    }
    if (parse_number(&p, PORT_MAX, &v) != 0 || v == 0 || *p)
        return -EINVAL;
    *port = (uint16_t)v;
    return 0;
}
