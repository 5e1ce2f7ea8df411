/* SPDX-License-Identifier: MIT */
/*
 * The monitor: one process per instance, started by `mote run` (as
 * `mote __monitor NAME`, in its own session) and living as long as the
 * instance. It is QEMU's parent, so it alone learns QEMU's exit status; it
 *   - starts QEMU in the instance folder (again, under --restart on-failure);
 *   - captures the console: every line, with the host's time, to console.log,
 *     and notes "mote: ready" in state.json;
 *   - forwards console input from `mote run` (attached) through console.sock;
 *   - runs the syslog collector of the instance (UDP on 127.0.0.1, a free
 *     port) when it was started with --syslog, storing lines in syslog.log;
 *   - records every change of state under the store's lock.
 * QEMU is started with PR_SET_PDEATHSIG, so if the monitor is killed QEMU
 * dies too, and `ps` shows the instance as exited, never as running.
 */
#ifndef TOOLS_MOTE_MONITOR_H
#define TOOLS_MOTE_MONITOR_H

#define MONITOR_COMMAND "__monitor"
#define CONSOLE_SOCKET  "console.sock"
#define CONSOLE_LOG     "console.log"
#define SYSLOG_LOG      "syslog.log"
#define QEMU_LOG        "qemu.log"
#define QEMU_ARGV_FILE  "qemu.argv"
#define READY_MARKER    "mote: ready"

/* Runs the monitor of instance name until its QEMU has ended for good. Returns an exit status. */
int monitor_main(const char *name);

#endif
