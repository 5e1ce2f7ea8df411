/* SPDX-License-Identifier: MIT */
/*
 * The debugging boot arguments, parsed in this one place for everyone who
 * acts on them (the GDB stub, core dumps, a board choosing its debug port):
 *   gdb=NAME[:PARAM][,wait]   the GDB stub's transport (gdb_transport.h):
 *                             gdb=serial, gdb=tcp:[ADDR:]PORT; ",wait" stops for
 *                             gdb before the service starts
 *   core=serial               a crash sends an ELF core over the debug port
 * Only the syntax is checked here; whether the transport exists and PARAM
 * fits is the stub's to say.
 */
#ifndef KERNEL_DEBUGARGS_H
#define KERNEL_DEBUGARGS_H

#include <stdbool.h>

#define DEBUG_ARG_MAX 32

enum debug_arg_state {
    DEBUG_ARG_ABSENT,
    DEBUG_ARG_OK,
    DEBUG_ARG_BAD, /* given but malformed or too long: raw says what was given */
};

struct debug_args {
    enum debug_arg_state gdb;
    char gdb_transport[DEBUG_ARG_MAX]; /* NAME */
    char gdb_param[DEBUG_ARG_MAX];     /* PARAM, "" without ":PARAM" */
    bool gdb_has_param;
    bool gdb_wait;
    char gdb_raw[DEBUG_ARG_MAX]; /* the value as given ("(too long)" if it was) */

    enum debug_arg_state core;
    bool core_serial;
    char core_raw[DEBUG_ARG_MAX];
};

/* Parses the debugging arguments of args into *d (pure: the unit tests call it). */
void debug_args_parse(const char *args, struct debug_args *d);

/*
 * The debugging arguments of the boot arguments args, parsed on the first
 * call (the boot arguments never change after boot; later calls return the
 * same result whatever args they pass). Never NULL.
 */
const struct debug_args *debug_args_get(const char *args);

/* Whether gdb= or core= asks for the debug port (gdb=serial counts only in images with the stub).
 */
bool debug_args_want_port(const struct debug_args *d);

#endif
