// SPDX-License-Identifier: MIT
/* The gateway's commands from actuators/<host>/...: see gateway.h. */
#include <errno.h>
#include <string.h>

#include "gateway.h"

#define VALUE_MAX     16 /* bytes of a command's value, spaces trimmed */
#define OUTPUT_LEVEL  "output"
#define PERIOD_LEVEL  "period_ms"
#define BURST_LEVEL   "burst"
#define DECIMAL_RADIX 10

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * The payload without surrounding spaces, as a string in val. Returns false
 * if it is too long or holds a NUL (which would hide what follows it).
 */
static bool trimmed(const void *payload, size_t len, char *val)
{
    const char *p = payload;
    while (len > 0 && is_space(p[0])) {
        p++;
        len--;
    }
    while (len > 0 && is_space(p[len - 1]))
        len--;
    if (len >= VALUE_MAX || memchr(p, '\0', len))
        return false;
    memcpy(val, p, len);
    val[len] = '\0';
    return true;
}

static int parse_output(const char *val, struct gateway_command *cmd)
{
    static const struct {
        const char *word;
        int level; /* -1: toggle */
    } words[] = {{"on", 1}, {"1", 1},     {"true", 1}, {"high", 1},   {"off", 0},
                 {"0", 0},  {"false", 0}, {"low", 0},  {"toggle", -1}};
    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        if (strcmp(val, words[i].word) == 0) {
            cmd->kind = GATEWAY_SET_OUTPUT;
            cmd->toggle = words[i].level < 0;
            cmd->value = words[i].level > 0;
            return 0;
        }
    }
    return -EINVAL;
}

/* A decimal number in min..max. Returns 0 or -EINVAL. */
static int parse_number(const char *val, uint64_t min, uint64_t max, uint32_t *out)
{
    uint64_t n = 0;
    if (!val[0])
        return -EINVAL;
    for (const char *c = val; *c; c++) {
        if (*c < '0' || *c > '9')
            return -EINVAL;
        n = n * DECIMAL_RADIX + (uint64_t)(*c - '0');
        if (n > max)
            return -EINVAL;
    }
    if (n < min)
        return -EINVAL;
    *out = (uint32_t)n;
    return 0;
}

static int parse_counted(const char *val, enum gateway_command_kind kind, uint64_t min,
                         uint64_t max, struct gateway_command *cmd)
{
    uint32_t n;
    if (parse_number(val, min, max, &n) != 0)
        return -EINVAL;
    cmd->kind = kind;
    cmd->toggle = false;
    cmd->value = n;
    return 0;
}

int gateway_command_parse(const char *prefix, const char *topic, const void *payload, size_t len,
                          struct gateway_command *cmd)
{
    size_t plen = strlen(prefix);
    if (strncmp(topic, prefix, plen) != 0)
        return -ENOENT;
    const char *what = topic + plen;
    char val[VALUE_MAX];
    if (strcmp(what, OUTPUT_LEVEL) == 0)
        return trimmed(payload, len, val) ? parse_output(val, cmd) : -EINVAL;
    if (strcmp(what, PERIOD_LEVEL) == 0)
        return trimmed(payload, len, val)
                   ? parse_counted(val, GATEWAY_SET_PERIOD, GATEWAY_PERIOD_MIN_MS,
                                   GATEWAY_PERIOD_MAX_MS, cmd)
                   : -EINVAL;
    if (strcmp(what, BURST_LEVEL) == 0)
        return trimmed(payload, len, val)
                   ? parse_counted(val, GATEWAY_BURST, 1, GATEWAY_BURST_MAX, cmd)
                   : -EINVAL;
    return -ENOENT;
}

bool gateway_hostname_valid(const char *name)
{
    size_t len = strnlen(name, GATEWAY_HOSTNAME_MAX + 1);
    if (len == 0 || len > GATEWAY_HOSTNAME_MAX || name[0] == '-')
        return false;
    for (size_t i = 0; i < len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-'))
            return false;
    }
    return true;
}
