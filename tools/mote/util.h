/* SPDX-License-Identifier: MIT */
/*
 * What every part of mote uses: one-line errors on stderr, allocation that
 * cannot fail (running out of memory ends the program with a message), and
 * small file helpers that return a negative errno.
 */
#ifndef TOOLS_MOTE_UTIL_H
#define TOOLS_MOTE_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Exit statuses of mote itself (an attached `run` returns the instance's own). */
#define MOTE_EXIT_OK    0
#define MOTE_EXIT_ERROR 1 /* the command failed; the message said why */
#define MOTE_EXIT_USAGE 2 /* bad arguments */

/* Prints "mote: <message>" on stderr. */
__attribute__((format(printf, 1, 2))) void errorf(const char *fmt, ...);
/* Prints "mote: <message>" on stderr and exits with status. */
__attribute__((noreturn, format(printf, 2, 3))) void die(int status, const char *fmt, ...);

void *xmalloc(size_t len);
void *xcalloc(size_t n, size_t len);
void *xrealloc(void *p, size_t len);
char *xstrdup(const char *s);
__attribute__((format(printf, 1, 2))) char *xasprintf(const char *fmt, ...);

/* Reads the whole file (NUL-terminated; *len without the NUL). Returns 0 or -errno. */
int file_read(const char *path, char **data, size_t *len);
/* Writes data to path through a temporary file and rename: readers see the old or the new file. */
int file_write_atomic(const char *path, const void *data, size_t len);
/* Copies src to dst (created with mode 0644, or 0755 if exec). Returns 0 or -errno. */
int file_copy(const char *src, const char *dst);
/* Creates path and its parents (mode 0755). Returns 0 or -errno. */
int dir_create(const char *path);
/* Removes path and everything under it; a missing path is not an error. Returns 0 or -errno. */
int dir_remove_tree(const char *path);
bool path_exists(const char *path);

/* The absolute form of path, which may not exist yet (allocated; dies if the current folder is
 * unreadable). */
char *path_absolute(const char *path);
/* Writes all of buf to fd, retrying short writes. Returns 0 or -errno. */
int fd_write_all(int fd, const void *buf, size_t len);

/* Nanoseconds since the epoch (CLOCK_REALTIME). */
int64_t time_now_ns(void);

/* A process's start time in clock ticks since boot (/proc/PID/stat field 22), 0 if it is gone. */
uint64_t proc_start_time(pid_t pid);
/* true if pid is alive and started at start_time (so it is not a reused PID). */
bool proc_alive(pid_t pid, uint64_t start_time);

/* The first directory of PATH holding an executable prog, as a new string, or NULL. */
char *path_search(const char *prog);

#endif
