/* SPDX-License-Identifier: MIT */
/*
 * Command-line options through getopt_long(3), in the usual style: -a, -abc
 * (bundled flags), -t 5, -t5, --time 5, --time=5, an unambiguous prefix of a
 * long name, and -- to end the options. A bad option ends the program with a
 * one-line message and exit status 2.
 */
#ifndef TOOLS_MOTE_OPTS_H
#define TOOLS_MOTE_OPTS_H

#include <stdbool.h>

struct opt_def {
    const char *long_name; /* without the dashes; NULL ends the table */
    char short_name;       /* 0 if none */
    bool has_arg;
    int id; /* > 0 */
};

struct option;

struct opts {
    const char *cmd; /* "run", for messages */
    const struct opt_def *defs;
    int argc;
    char **argv;          /* getopt_long may reorder it (options before positionals) */
    bool options_first;   /* the first positional ends the options (run IMAGE [ARGS]) */
    char *shorts;         /* getopt_long's optstring */
    struct option *longs; /* and its long options */
    char **pos;           /* positionals, in order, once opts_next returned 0 */
    int npos;
};

/* argv[0] is the command's name; the options start at argv[1]. */
void opts_init(struct opts *o, const char *cmd, const struct opt_def *defs, int argc, char **argv,
               bool options_first);

/*
 * The next option's id, with its value in *val (NULL for a flag), or 0 when
 * none are left: the positionals are then in o->pos. With options_first,
 * everything after the first positional (less one "--") is positional too.
 */
int opts_next(struct opts *o, const char **val);

/* Ends the program with "mote CMD: <message>; see `mote help CMD`" and status 2. */
__attribute__((noreturn, format(printf, 2, 3))) void usage_error(const char *cmd, const char *fmt,
                                                                 ...);

void opts_free(struct opts *o);

#endif
