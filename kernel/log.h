/* SPDX-License-Identifier: MIT */
/* The kernel's side of mote_log (include/mote/log.h): where lines go besides the console. */
#ifndef KERNEL_LOG_H
#define KERNEL_LOG_H

#include <stddef.h>

#include <mote/log.h>

/*
 * A second destination for every logged line (the remote syslog): fn gets
 * the level and the message without timestamp, level or newline. It runs
 * in the logger's context, which may be an interrupt handler: it must only
 * copy the line and return. NULL removes it.
 */
void log_set_sink(void (*fn)(enum mote_log_level level, const char *msg, size_t len));

/*
 * A third destination (the log file, kernel/logfile/): fn gets each whole
 * console line, timestamp and level included, with its newline. Same rules
 * as the sink above. NULL removes it.
 */
void log_set_file_sink(void (*fn)(const char *line, size_t len));

#endif
