// SPDX-License-Identifier: MIT
/* Option parsing, see opts.h. */
#include "tools/mote/opts.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/util.h"

void usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "mote %s: ", cmd);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "; see `mote help %s`\n", cmd);
    va_end(ap);
    exit(MOTE_EXIT_USAGE);
}

void opts_init(struct opts *o, const char *cmd, const struct opt_def *defs, int argc, char **argv,
               bool options_first)
{
    memset(o, 0, sizeof(*o));
    o->cmd = cmd;
    o->defs = defs;
    o->argc = argc;
    o->argv = argv;
    o->i = 1;
    o->options_first = options_first;
    o->pos = xcalloc((size_t)argc + 1, sizeof(char *));
}

static void add_pos(struct opts *o, char *arg)
{
    o->pos[o->npos++] = arg;
}

static const struct opt_def *find_short(const struct opts *o, char c)
{
    for (const struct opt_def *d = o->defs; d->long_name; d++)
        if (d->short_name == c)
            return d;
    return NULL;
}

static const struct opt_def *find_long(const struct opts *o, const char *name, size_t len)
{
    for (const struct opt_def *d = o->defs; d->long_name; d++)
        if (strlen(d->long_name) == len && strncmp(d->long_name, name, len) == 0)
            return d;
    return NULL;
}

/* The value of an option that takes one: the rest of the word, or the next word. */
static const char *take_value(struct opts *o, const char *rest, const char *shown)
{
    if (rest && *rest)
        return rest;
    if (o->i >= o->argc)
        usage_error(o->cmd, "option %s needs a value", shown);
    return o->argv[o->i++];
}

int opts_next(struct opts *o, const char **val)
{
    *val = NULL;
    if (o->bundle && *o->bundle) {
        char c = *o->bundle++;
        const struct opt_def *d = find_short(o, c);
        if (!d)
            usage_error(o->cmd, "unknown option '-%c'", c);
        if (d->has_arg) {
            char shown[3] = {'-', c, '\0'};
            const char *rest = o->bundle;
            o->bundle = NULL;
            *val = take_value(o, rest, shown);
        }
        return d->id;
    }
    o->bundle = NULL;
    while (!o->ended && o->i < o->argc) {
        char *arg = o->argv[o->i++];
        if (strcmp(arg, "--") == 0) {
            o->ended = true;
            break;
        }
        if (arg[0] != '-' || arg[1] == '\0') {
            add_pos(o, arg);
            if (o->options_first) {
                o->ended = true;
                if (o->i < o->argc && strcmp(o->argv[o->i], "--") == 0)
                    o->i++;
            }
            continue;
        }
        if (arg[1] != '-') {
            o->bundle = arg + 1;
            return opts_next(o, val);
        }
        const char *name = arg + 2, *eq = strchr(name, '=');
        size_t len = eq ? (size_t)(eq - name) : strlen(name);
        const struct opt_def *d = find_long(o, name, len);
        if (!d)
            usage_error(o->cmd, "unknown option '--%.*s'", (int)len, name);
        if (!d->has_arg && eq)
            usage_error(o->cmd, "option --%s takes no value", d->long_name);
        if (d->has_arg) {
            char shown[64];
            snprintf(shown, sizeof(shown), "--%s", d->long_name);
            if (eq && !eq[1])
                usage_error(o->cmd, "option --%s needs a value", d->long_name);
            *val = take_value(o, eq ? eq + 1 : NULL, shown);
        }
        return d->id;
    }
    while (o->i < o->argc)
        add_pos(o, o->argv[o->i++]);
    return 0;
}

void opts_free(struct opts *o)
{
    free(o->pos);
    o->pos = NULL;
}
