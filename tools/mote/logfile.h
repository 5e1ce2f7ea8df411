/* SPDX-License-Identifier: MIT */
/*
 * The log files the monitor writes (console.log, syslog.log): one record per
 * line, "<RFC 3339 time> <text>". Reading them whole and following them as
 * they grow, for `mote logs` and an attached `mote run`.
 */
#ifndef TOOLS_MOTE_LOGFILE_H
#define TOOLS_MOTE_LOGFILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tools/mote/strbuf.h"

struct log_record {
    int64_t ns; /* host time the line was captured; 0 if the line had no valid time */
    const char *text;
    size_t len;
};

/* Splits one line (without its newline) into time and text. A line without a time is all text. */
void logfile_parse_line(const char *line, size_t len, struct log_record *r);

typedef void (*logfile_line_fn)(const struct log_record *r, void *arg);

/* Follows a file from offset: each call reads what was appended and hands over whole lines. */
struct log_tailer {
    char *path;
    off_t off;
    struct strbuf partial;
};

void log_tailer_init(struct log_tailer *t, const char *path, off_t off);
/* Returns the number of lines handed to fn (0 if nothing new or the file does not exist yet). */
int log_tailer_poll(struct log_tailer *t, logfile_line_fn fn, void *arg);
void log_tailer_free(struct log_tailer *t);

#endif
