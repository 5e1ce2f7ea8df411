/* SPDX-License-Identifier: MIT */
/*
 * Stopping instances, shared by stop, kill, rm -f and an attached run's
 * Ctrl-C: each first marks the state stop_requested (so the restart policy
 * leaves the instance down), then acts on QEMU, then waits for the monitor to
 * record the end.
 */
#ifndef TOOLS_MOTE_CONTROL_H
#define TOOLS_MOTE_CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "tools/mote/instance.h"

/*
 * Asks the guest to power off (QMP system_powerdown: the power button), waits
 * up to timeout_s for QEMU to exit, then kills it. Returns 0 once the instance
 * has exited (*forced says whether it had to be killed), or -errno with a
 * message printed.
 */
int control_stop(const char *name, int timeout_s, bool *forced);

/*
 * Marks the stop and presses the power button (QMP system_powerdown) without
 * waiting. Returns 0, or -errno with a message in err (QEMU not reachable).
 */
int control_powerdown(const char *name, char *err, size_t err_len);

/* Sends signal sig to QEMU and waits for the end to be recorded. Returns 0 or -errno (printed). */
int control_kill(const char *name, int sig);

/*
 * Waits up to timeout_ms for the instance to be exited (not restarting). Returns
 * 0 with the final state in *s, or -ETIMEDOUT.
 */
int control_wait_exited(const char *name, int timeout_ms, struct instance_state *s);

/* Marks the instance stop_requested under the lock. Returns 0 or -errno. */
int control_mark_stop(const char *name);

/*
 * Removes an exited instance: waits for its monitor to be gone (killing it if
 * it hangs), then deletes its folder and the image files only it used.
 * Returns 0 or -errno.
 */
int control_remove(const char *name);

#endif
