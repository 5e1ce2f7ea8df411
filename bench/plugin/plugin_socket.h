/* SPDX-License-Identifier: MIT */
/*
 * The Unix socket a bench TCG plugin answers on (insn_count.c, profile.c):
 * the host connects, may write one command line, reads the answer, and the
 * plugin closes the connection. One thread serves the connections one at a
 * time until QEMU exits; the socket file is removed when QEMU exits.
 */
#ifndef BENCH_PLUGIN_PLUGIN_SOCKET_H
#define BENCH_PLUGIN_PLUGIN_SOCKET_H

#include <stddef.h>

#include <qemu/qemu-plugin.h>

/*
 * Called on each connection with its descriptor, which it closes (or
 * fdopen()s and fcloses) before returning.
 */
typedef void (*plugin_socket_fn)(int fd);

/*
 * Listens on path and starts the thread that calls serve for each
 * connection; who names the plugin in messages. Returns 0, or -1 with a
 * message on stderr (nothing left behind).
 */
int plugin_socket_start(qemu_plugin_id_t id, const char *who, const char *path,
                        plugin_socket_fn serve);

/*
 * Reads one command line of at most size - 1 bytes from fd into cmd, without
 * its newline; returns its length (0 when the peer wrote nothing).
 */
size_t plugin_socket_read_line(int fd, char *cmd, size_t size);

#endif
