// SPDX-License-Identifier: MIT
/* RFC 5424 parser, see message.h. Sections cited are RFC 5424's. */
#include "lib/syslog/message.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#define PRIVAL_MAX  191
#define SD_NAME_MAX 32

struct cursor {
    const char *p, *end;
};

static bool at_end(const struct cursor *c)
{
    return c->p >= c->end;
}

static bool take(struct cursor *c, char ch)
{
    if (at_end(c) || *c->p != ch)
        return false;
    c->p++;
    return true;
}

/* §6: PRINTUSASCII is %d33-126 */
static bool printusascii(char ch)
{
    return ch >= 33 && ch <= 126;
}

/* A header field: NILVALUE "-" or 1..max printable characters, then one space. */
static int field(struct cursor *c, char *out, size_t max)
{
    size_t n = 0;
    while (!at_end(c) && *c->p != ' ') {
        if (!printusascii(*c->p) || n == max)
            return -EINVAL;
        out[n++] = *c->p++;
    }
    out[n] = '\0';
    if (n == 0 || !take(c, ' '))
        return -EINVAL;
    return 0;
}

/* §6.3: "-" or one or more [SD-ID *(SP PARAM-NAME="PARAM-VALUE")] */
static int structured_data(struct cursor *c)
{
    if (take(c, '-'))
        return 0;
    if (at_end(c) || *c->p != '[')
        return -EINVAL;
    while (take(c, '[')) {
        size_t n = 0;
        while (!at_end(c) && *c->p != ' ' && *c->p != ']') {
            if (!printusascii(*c->p) || *c->p == '=' || *c->p == '"' || ++n > SD_NAME_MAX)
                return -EINVAL;
            c->p++;
        }
        if (n == 0)
            return -EINVAL;
        while (take(c, ' ')) {
            n = 0;
            while (!at_end(c) && *c->p != '=') {
                if (!printusascii(*c->p) || *c->p == ']' || *c->p == '"' || ++n > SD_NAME_MAX)
                    return -EINVAL;
                c->p++;
            }
            if (n == 0 || !take(c, '=') || !take(c, '"'))
                return -EINVAL;
            /* PARAM-VALUE: '"', '\' and ']' are escaped with '\' */
            while (!at_end(c) && *c->p != '"') {
                if (*c->p == '\\' && c->end - c->p >= 2)
                    c->p++;
                c->p++;
            }
            if (!take(c, '"'))
                return -EINVAL;
        }
        if (!take(c, ']'))
            return -EINVAL;
    }
    return 0;
}

int syslog_parse(const char *data, size_t len, struct syslog_msg *m)
{
    struct cursor c = {data, data + len};
    unsigned pri = 0, digits = 0;
    memset(m, 0, sizeof(*m));
    /* §6.2.1 PRI: "<" 1-3 digits ">" without leading zeros except "<0>" */
    if (!take(&c, '<'))
        return -EINVAL;
    while (!at_end(&c) && *c.p >= '0' && *c.p <= '9' && digits < 3) {
        pri = pri * 10 + (unsigned)(*c.p++ - '0');
        digits++;
    }
    if (digits == 0 || pri > PRIVAL_MAX || (digits > 1 && data[1] == '0') || !take(&c, '>'))
        return -EINVAL;
    m->facility = pri / 8;
    m->severity = pri % 8;
    /* §6.2.2: this parser knows version 1 */
    if (!take(&c, '1') || !take(&c, ' '))
        return -EINVAL;
    if (field(&c, m->timestamp, SYSLOG_TIME_MAX) || field(&c, m->hostname, SYSLOG_HOSTNAME_MAX) ||
        field(&c, m->app, SYSLOG_APP_MAX) || field(&c, m->procid, SYSLOG_PROCID_MAX) ||
        field(&c, m->msgid, SYSLOG_MSGID_MAX))
        return -EINVAL;
    if (structured_data(&c))
        return -EINVAL;
    if (!at_end(&c) && !take(&c, ' '))
        return -EINVAL;
    /* §6.4: a UTF-8 message starts with a BOM */
    if (c.end - c.p >= 3 && memcmp(c.p, "\xef\xbb\xbf", 3) == 0)
        c.p += 3;
    const char *end = c.end;
    while (end > c.p && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\0'))
        end--;
    m->msg = c.p;
    m->msg_len = (size_t)(end - c.p);
    return 0;
}

const char *syslog_severity_name(unsigned severity)
{
    static const char *const names[] = {"emerg",   "alert",  "crit", "err",
                                        "warning", "notice", "info", "debug"};
    return severity < 8 ? names[severity] : "unknown";
}
