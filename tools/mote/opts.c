// SPDX-License-Identifier: MIT
/* Option parsing with getopt_long(3), see opts.h. */
#include "tools/mote/opts.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/util.h"

#define LONG_ID_BASE 256 /* getopt_long's value for a long option: above every char */

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
    o->options_first = options_first;
    size_t n = 0;
    while (defs[n].long_name)
        n++;
    /* "+": stop at the first positional (run IMAGE ARGS); ":": report a missing value to us. */
    char *s = o->shorts = xcalloc(3 * n + 3, 1);
    if (options_first)
        *s++ = '+';
    *s++ = ':';
    struct option *l = o->longs = xcalloc(n + 1, sizeof(struct option));
    for (size_t i = 0; i < n; i++) {
        l[i].name = defs[i].long_name;
        l[i].has_arg = defs[i].has_arg ? required_argument : no_argument;
        l[i].val = LONG_ID_BASE + (int)i;
        if (defs[i].short_name) {
            *s++ = defs[i].short_name;
            if (defs[i].has_arg)
                *s++ = ':';
        }
    }
    optind = 0; /* 0, not 1: glibc starts over, forgetting any earlier command line */
    opterr = 0;
}

/* The option word getopt just read, for messages. */
static const char *last_word(const struct opts *o)
{
    return optind > 0 && optind <= o->argc ? o->argv[optind - 1] : "?";
}

static void take_positionals(struct opts *o)
{
    o->pos = xcalloc((size_t)o->argc + 1, sizeof(char *));
    for (int i = optind; i < o->argc; i++) {
        /* run IMAGE -- ARGS: the "--" after the image only separates. */
        if (o->options_first && o->npos == 1 && i == optind + 1 && strcmp(o->argv[i], "--") == 0)
            continue;
        o->pos[o->npos++] = o->argv[i];
    }
}

int opts_next(struct opts *o, const char **val)
{
    *val = NULL;
    if (o->pos)
        return 0;
    int c = getopt_long(o->argc, o->argv, o->shorts, o->longs, NULL);
    if (c == -1) {
        take_positionals(o);
        return 0;
    }
    if (c == ':')
        usage_error(o->cmd, "option %s needs a value",
                    optopt ? (char[]){'-', (char)optopt, 0} : last_word(o));
    if (c == '?') {
        if (optopt && optopt < LONG_ID_BASE)
            usage_error(o->cmd, "unknown option '-%c'", optopt);
        if (optopt >= LONG_ID_BASE)
            usage_error(o->cmd, "option --%s takes no value",
                        o->defs[optopt - LONG_ID_BASE].long_name);
        const char *word = last_word(o);
        usage_error(o->cmd, "unknown (or ambiguous) option '%.*s'", (int)strcspn(word, "="), word);
    }
    *val = optarg;
    if (c >= LONG_ID_BASE)
        return o->defs[c - LONG_ID_BASE].id;
    for (const struct opt_def *d = o->defs; d->long_name; d++)
        if (d->short_name == c)
            return d->id;
    usage_error(o->cmd, "unknown option '-%c'", c);
}

void opts_free(struct opts *o)
{
    free(o->pos);
    free(o->shorts);
    free(o->longs);
    o->pos = NULL;
    o->shorts = NULL;
    o->longs = NULL;
}
