/* SPDX-License-Identifier: MIT */
/*
 * Logging. Each line goes to the console as
 *   [    1.234567] level: message
 * with the seconds since boot. Messages below the current level are dropped;
 * the level starts at info, or as the boot argument loglevel=error|warn|info|debug says.
 */
#ifndef MOTE_LOG_H
#define MOTE_LOG_H

enum mote_log_level {
    MOTE_LOG_ERROR,
    MOTE_LOG_WARN,
    MOTE_LOG_INFO,
    MOTE_LOG_DEBUG,
};

/* Logs one line (a trailing newline is added). Lines longer than 512 bytes are cut. */
void mote_log(enum mote_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Sets the lowest level that is printed. Returns 0, or -EINVAL for an unknown level. */
int mote_log_set_level(enum mote_log_level level);

#endif
