/* SPDX-License-Identifier: MIT */
/*
 * A QMP client (QEMU Machine Protocol, docs/interop/qmp-spec): connects to an
 * instance's qmp.sock, negotiates capabilities and runs commands, skipping
 * the asynchronous events QEMU interleaves with replies.
 */
#ifndef TOOLS_MOTE_QMP_H
#define TOOLS_MOTE_QMP_H

#include <stddef.h>

#define QMP_TIMEOUT_MS 10000

/*
 * Connects to the QMP socket in dir and negotiates. Returns the socket, or
 * -errno with a message in err (err_len bytes).
 */
int qmp_connect(const char *dir, char *err, size_t err_len);

/*
 * Runs command (no arguments) and waits for its reply. Returns 0, -EIO with
 * QEMU's error in err, -ECONNRESET if QEMU closed the connection (it may have
 * exited, as after system_powerdown), or -ETIMEDOUT.
 */
int qmp_execute(int fd, const char *command, char *err, size_t err_len);

/*
 * Connects a UNIX stream socket to dir/name through /proc/self/fd, so the
 * address stays short however long dir is. Returns the socket or -errno.
 */
int unix_connect_in(const char *dir, const char *name);

#endif
