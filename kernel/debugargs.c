// SPDX-License-Identifier: MIT
/* The debugging boot arguments, parsed once; see debugargs.h. */
#include "kernel/debugargs.h"

#include <errno.h>
#include <string.h>

#include <mote/args.h>

#include "kernel/gdbstub.h"

#define WAIT_SUFFIX ",wait"

static struct debug_args parsed;
static bool done;

/* Copies s[0..len) into dst of DEBUG_ARG_MAX bytes; false if it does not fit. */
static bool copy(char *dst, const char *s, size_t len)
{
    if (len >= DEBUG_ARG_MAX)
        return false;
    memcpy(dst, s, len);
    dst[len] = '\0';
    return true;
}

/* gdb=NAME[:PARAM][,wait]: splits val into d's fields. False when malformed. */
static bool parse_gdb(const char *val, struct debug_args *d)
{
    size_t len = strlen(val);
    size_t wait_len = strlen(WAIT_SUFFIX);
    if (len > wait_len && strcmp(val + len - wait_len, WAIT_SUFFIX) == 0) {
        d->gdb_wait = true;
        len -= wait_len;
    }
    if (memchr(val, ',', len))
        return false;
    const char *colon = memchr(val, ':', len);
    size_t name_len = colon ? (size_t)(colon - val) : len;
    if (name_len == 0 || !copy(d->gdb_transport, val, name_len))
        return false;
    d->gdb_has_param = colon != NULL;
    return !colon || copy(d->gdb_param, colon + 1, len - name_len - 1);
}

void debug_args_parse(const char *args, struct debug_args *d)
{
    memset(d, 0, sizeof(*d));
    int len = mote_arg_get(args, "gdb", d->gdb_raw, sizeof(d->gdb_raw));
    if (len == -ENOENT) {
        d->gdb = DEBUG_ARG_ABSENT;
    } else if (len < 0) {
        strcpy(d->gdb_raw, "(too long)");
        d->gdb = DEBUG_ARG_BAD;
    } else {
        d->gdb = parse_gdb(d->gdb_raw, d) ? DEBUG_ARG_OK : DEBUG_ARG_BAD;
    }
    if (d->gdb != DEBUG_ARG_OK) {
        d->gdb_wait = false;
        d->gdb_transport[0] = d->gdb_param[0] = '\0';
    }

    len = mote_arg_get(args, "core", d->core_raw, sizeof(d->core_raw));
    if (len == -ENOENT) {
        d->core = DEBUG_ARG_ABSENT;
    } else if (len < 0) {
        strcpy(d->core_raw, "(too long)");
        d->core = DEBUG_ARG_BAD;
    } else {
        d->core_serial = strcmp(d->core_raw, "serial") == 0;
        d->core = d->core_serial ? DEBUG_ARG_OK : DEBUG_ARG_BAD;
    }
}

const struct debug_args *debug_args_get(const char *args)
{
    if (!done) {
        debug_args_parse(args ? args : "", &parsed);
        done = true;
    }
    return &parsed;
}

bool debug_args_want_port(const struct debug_args *d)
{
    bool gdb_serial = d->gdb == DEBUG_ARG_OK && strcmp(d->gdb_transport, "serial") == 0;
    return (gdb_serial && gdbstub_built()) || d->core_serial;
}
