/* SPDX-License-Identifier: MIT */
/*
 * QEMU's command line for an instance: machine, memory, network and port
 * forwards, console on stdio, QMP on a UNIX socket, semihosting (so the
 * image's exit code becomes QEMU's exit status). QEMU runs in the instance's
 * folder, so its sockets are named relative to it (short paths, whatever
 * $MOTE_HOME is).
 */
#ifndef TOOLS_MOTE_QEMU_H
#define TOOLS_MOTE_QEMU_H

#include <stdbool.h>
#include <stddef.h>

#include "tools/mote/instance.h"

#define QEMU_QMP_SOCKET "qmp.sock"
#define QEMU_DEFAULT    "qemu-system-aarch64"

/* The QEMU program: $MOTE_QEMU if set, else qemu-system-aarch64 (searched in PATH). */
const char *qemu_program(void);

/*
 * The argv (NULL-terminated, malloc'd strings; free with qemu_argv_free) that
 * boots kernel with cmdline as boot arguments for c.
 */
char **qemu_argv(const struct instance_config *c, const char *kernel, const char *dtb,
                 const char *cmdline);
void qemu_argv_free(char **argv);

#endif
