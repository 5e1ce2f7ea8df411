// SPDX-License-Identifier: MIT
/* mote stop, kill and rm. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/mote/commands.h"
#include "tools/mote/control.h"
#include "tools/mote/instance.h"
#include "tools/mote/libvirt_runtime.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

#define DEFAULT_STOP_S  10
#define MONITOR_GONE_MS 10000

/* Checks NAME and that the instance exists; prints why not. */
static bool known(const char *cmd, const char *name)
{
    char err[SPEC_ERR_LEN];
    struct instance_state s;
    if (spec_check_name(name, err) != 0) {
        fprintf(stderr, "mote %s: %s\n", cmd, err);
        return false;
    }
    if (instance_state_load(name, &s) != 0) {
        fprintf(stderr, "mote %s: no instance %s; `mote ps -a` lists them\n", cmd, name);
        return false;
    }
    return true;
}

int cmd_stop(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"time", 't', true, 't'},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    int timeout_s = DEFAULT_STOP_S, id, status = MOTE_EXIT_OK;
    char err[SPEC_ERR_LEN];
    const char *val;
    opts_init(&o, "stop", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (id == 'h')
            help_exit("stop");
        int64_t ns;
        if (spec_parse_duration(val, &ns, err) != 0 || ns > 3600ll * 1000000000)
            usage_error("stop",
                        "bad -t '%s': expected seconds to wait before killing (at "
                        "most an hour)",
                        val);
        timeout_s = (int)(ns / 1000000000);
    }
    if (o.npos == 0)
        usage_error("stop", "expected the NAME of an instance");
    for (int i = 0; i < o.npos; i++) {
        bool forced; /* control_stop said why */
        if (!known("stop", o.pos[i]) || control_stop(o.pos[i], timeout_s, &forced) != 0) {
            status = MOTE_EXIT_ERROR;
            continue;
        }
        printf("%s\n", o.pos[i]);
    }
    opts_free(&o);
    return status;
}

static int parse_signal(const char *s)
{
    static const struct {
        const char *name;
        int sig;
    } sigs[] = {
        {"KILL", SIGKILL}, {"TERM", SIGTERM}, {"INT", SIGINT}, {"HUP", SIGHUP}, {"QUIT", SIGQUIT}};
    if (strncmp(s, "SIG", 3) == 0)
        s += 3;
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        if (strcmp(s, sigs[i].name) == 0)
            return sigs[i].sig;
    char *end;
    long v = strtol(s, &end, 10);
    return *s && !*end && v > 0 && v < NSIG ? (int)v : -1;
}

int cmd_kill(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"signal", 's', true, 's'},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    int sig = SIGKILL, id, status = MOTE_EXIT_OK;
    const char *val;
    opts_init(&o, "kill", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (id == 'h')
            help_exit("kill");
        if ((sig = parse_signal(val)) < 0)
            usage_error("kill", "bad signal '%s': expected KILL, TERM, INT, HUP, QUIT or a number",
                        val);
    }
    if (o.npos == 0)
        usage_error("kill", "expected the NAME of an instance");
    for (int i = 0; i < o.npos; i++) {
        struct instance_state s;
        if (!known("kill", o.pos[i])) {
            status = MOTE_EXIT_ERROR;
            continue;
        }
        if (instance_state_refresh(o.pos[i], &s) != 0 || !instance_is_active(&s)) {
            errorf("%s is not running", o.pos[i]);
            status = MOTE_EXIT_ERROR;
            continue;
        }
        if (control_kill(o.pos[i], sig) != 0)
            status = MOTE_EXIT_ERROR;
        else
            printf("%s\n", o.pos[i]);
    }
    opts_free(&o);
    return status;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

int control_remove(const char *name)
{
    struct instance_state s;
    struct instance_config c;
    if (instance_state_refresh(name, &s) != 0)
        return -ENOENT;
    if (instance_config_load(name, &c, NULL) == 0) {
        int err = libvirt_runs(&c) ? libvirt_remove(&c) : 0;
        instance_config_free(&c);
        if (err)
            return err;
    }
    for (int waited = 0; s.monitor_pid > 0 && proc_alive(s.monitor_pid, s.monitor_start);
         waited += 50) {
        if (waited >= MONITOR_GONE_MS) { /* it recorded the end but hangs: end it */
            kill(-s.monitor_pid, SIGKILL);
            break;
        }
        sleep_ms(50);
    }
    int lock = store_lock();
    char *dir = instance_dir(name);
    int err = dir_remove_tree(dir);
    free(dir);
    if (!err)
        store_gc(); /* the image files only this instance still used */
    store_unlock(lock);
    return err;
}

int cmd_rm(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"force", 'f', false, 'f'},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    bool force = false;
    int id, status = MOTE_EXIT_OK;
    const char *val;
    opts_init(&o, "rm", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (id == 'h')
            help_exit("rm");
        force = true;
    }
    if (o.npos == 0)
        usage_error("rm", "expected the NAME of an instance");
    for (int i = 0; i < o.npos; i++) {
        const char *name = o.pos[i];
        struct instance_state s;
        if (!known("rm", name) || instance_state_refresh(name, &s) != 0) {
            status = MOTE_EXIT_ERROR;
            continue;
        }
        if (instance_is_active(&s)) {
            if (!force) {
                errorf("%s is %s; stop it first (mote stop %s) or use rm -f", name,
                       instance_status_name(s.status), name);
                status = MOTE_EXIT_ERROR;
                continue;
            }
            if (control_kill(name, SIGKILL) != 0) {
                status = MOTE_EXIT_ERROR;
                continue;
            }
        }
        int err = control_remove(name);
        if (err) {
            errorf("cannot remove %s: %s", name, strerror(-err));
            status = MOTE_EXIT_ERROR;
            continue;
        }
        printf("%s\n", name);
    }
    opts_free(&o);
    return status;
}
