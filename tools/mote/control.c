// SPDX-License-Identifier: MIT
/* Stop and kill, see control.h. */
#include "tools/mote/control.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/mote/libvirt_runtime.h"
#include "tools/mote/qemu.h"
#include "tools/mote/qmp.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

#define POLL_MS        50
#define RECORD_WAIT_MS 10000 /* for the monitor to record an exit it has already seen */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

int control_mark_stop(const char *name)
{
    struct instance_state s;
    int lock = store_lock();
    int err = instance_state_load(name, &s);
    if (!err && !s.stop_requested) {
        s.stop_requested = true;
        err = instance_state_save(name, &s);
    }
    store_unlock(lock);
    return err;
}

int control_wait_exited(const char *name, int timeout_ms, struct instance_state *s)
{
    for (int waited = 0;; waited += POLL_MS) {
        int err = instance_state_refresh(name, s);
        if (err)
            return err;
        if (s->status == ST_EXITED || s->status == ST_CREATED)
            return 0;
        if (waited >= timeout_ms)
            return -ETIMEDOUT;
        sleep_ms(POLL_MS);
    }
}

/* Signals the current QEMU of a live instance, if there is one. */
static int signal_qemu(const char *name, int sig)
{
    struct instance_state s;
    int err = instance_state_refresh(name, &s);
    if (err)
        return err;
    if (!instance_is_active(&s) || s.status == ST_RESTARTING || s.qemu_pid <= 0)
        return 0;
    /* The monitor is QEMU's parent and reaps it, so this PID cannot be reused under us
     * before the state says it exited: the monitor records the exit first. */
    if (kill(s.qemu_pid, sig) != 0 && errno != ESRCH)
        return -errno;
    return 0;
}

/*
 * Ends an instance whose stop cannot be recorded (state.json cannot be
 * written: a full disk). The monitor takes SIGTERM as the stop request it
 * could not read, kills QEMU itself and does not restart it; if it does not
 * go within the wait, its process group (it and QEMU) is killed.
 */
static int end_unrecorded(const char *name)
{
    struct instance_state s;
    int err = instance_state_load(name, &s);
    if (err)
        return err;
    if (s.monitor_pid <= 0 || !proc_alive(s.monitor_pid, s.monitor_start))
        return 0;
    kill(s.monitor_pid, SIGTERM);
    for (int waited = 0; proc_alive(s.monitor_pid, s.monitor_start); waited += POLL_MS) {
        if (waited >= RECORD_WAIT_MS) {
            kill(-s.monitor_pid, SIGKILL);
            break;
        }
        sleep_ms(POLL_MS);
    }
    return 0;
}

/* The instance's config if libvirt runs it (then true), for the commands that go through virsh. */
static bool under_libvirt(const char *name, struct instance_config *c)
{
    if (instance_config_load(name, c, NULL) != 0)
        return false;
    if (libvirt_runs(c))
        return true;
    instance_config_free(c);
    return false;
}

int control_kill(const char *name, int sig)
{
    struct instance_state s;
    struct instance_config c;
    if (under_libvirt(name, &c)) {
        /* libvirt has one way to end a domain at once: destroy (QEMU gets SIGTERM, then KILL). */
        int err = libvirt_stop(&c, true);
        instance_config_free(&c);
        return err ? err : control_wait_exited(name, RECORD_WAIT_MS, &s);
    }
    int err = control_mark_stop(name);
    if (err) {
        /* QEMU first: a full disk must not keep an instance running. */
        errorf("cannot record the stop of %s (%s); killing it anyway", name, strerror(-err));
        err = end_unrecorded(name);
        if (!err)
            return 0;
    }
    if (!err)
        err = signal_qemu(name, sig);
    if (!err)
        err = control_wait_exited(name, RECORD_WAIT_MS, &s);
    if (err)
        errorf("cannot kill %s: %s", name, strerror(-err));
    return err;
}

int control_powerdown(const char *name, char *msg, size_t msg_len)
{
    /* A stop that cannot be recorded (a full disk) still presses the button: an image that
     * powers off exits with 0, which no restart policy restarts. */
    int err = control_mark_stop(name);
    if (err)
        errorf("cannot record the stop of %s (%s); pressing its power button anyway", name,
               strerror(-err));
    struct instance_config c;
    if (instance_config_load(name, &c, NULL) == 0) {
        bool button = c.board.power_button;
        if (!button)
            snprintf(msg, msg_len, "board %s has no power button QEMU can press", c.board.name);
        instance_config_free(&c);
        if (!button)
            return -EOPNOTSUPP;
    }
    char *dir = instance_dir(name);
    int fd = qmp_connect(dir, msg, msg_len);
    free(dir);
    if (fd < 0)
        return fd;
    err = qmp_execute(fd, "system_powerdown", msg, msg_len);
    close(fd);
    return err == -ECONNRESET ? 0 : err; /* a reset: QEMU exited at once, which is the point */
}

int control_stop(const char *name, int timeout_s, bool *forced)
{
    struct instance_state s;
    struct instance_config c;
    char msg[256];
    *forced = false;
    if (under_libvirt(name, &c)) {
        /* virsh shutdown sends QEMU's system_powerdown: the image's power button. */
        int err = c.board.power_button ? libvirt_stop(&c, false) : -EOPNOTSUPP;
        if (!err && control_wait_exited(name, timeout_s * 1000, &s) == 0) {
            instance_config_free(&c);
            return 0;
        }
        *forced = true;
        errorf("%s did not power off%s: destroying it", name,
               err == -EOPNOTSUPP ? " (its board has no power button)" : " in time");
        err = libvirt_stop(&c, true);
        instance_config_free(&c);
        return err ? err : control_wait_exited(name, RECORD_WAIT_MS, &s);
    }
    int err = instance_state_refresh(name, &s);
    if (err) {
        errorf("cannot stop %s: %s", name, strerror(-err));
        return err;
    }
    bool timed_out = false;
    if (s.status == ST_RUNNING || s.status == ST_STARTING) {
        if (control_powerdown(name, msg, sizeof(msg)) != 0)
            errorf("%s: %s; killing it", name, msg);
        else if (control_wait_exited(name, timeout_s * 1000, &s) == 0)
            return 0;
        else
            timed_out = true;
    }
    /* Restarting (the monitor gives up on seeing the mark), or it did not power off in time. */
    err = control_mark_stop(name);
    if (err) {
        errorf("cannot record the stop of %s (%s); killing it anyway", name, strerror(-err));
        *forced = true;
        err = end_unrecorded(name);
    } else if (instance_state_refresh(name, &s) == 0 && s.status != ST_EXITED &&
               s.status != ST_CREATED) {
        *forced = s.status != ST_RESTARTING;
        if (timed_out)
            errorf("%s did not power off within %d s: killing it", name, timeout_s);
        err = signal_qemu(name, SIGKILL);
        if (!err)
            err = control_wait_exited(name, RECORD_WAIT_MS, &s);
    }
    if (err)
        errorf("cannot stop %s: %s", name, strerror(-err));
    return err;
}
