// SPDX-License-Identifier: MIT
/*
 * The commands people type after `run` out of habit from docker: port, wait,
 * stats, system prune, and exec and cp, which say in one line why a
 * unikernel has neither.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "tools/mote/commands.h"
#include "tools/mote/control.h"
#include "tools/mote/image.h"
#include "tools/mote/instance.h"
#include "tools/mote/store.h"
#include "tools/mote/table.h"
#include "tools/mote/util.h"

#define STATS_SAMPLE_MS 1000
#define KIB             1024
#define WAIT_FOREVER_MS INT_MAX /* `wait` waits as long as it takes (24 days per call) */

int cmd_exec(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    die(MOTE_EXIT_ERROR, "exec: a Mote image is one program with no shell or processes to run a "
                         "command in; use `mote logs`, `mote debug NAME` (gdb) or boot arguments "
                         "(`mote run IMAGE -- KEY=VALUE`)");
}

int cmd_cp(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    die(MOTE_EXIT_ERROR, "cp: a Mote image has no file system of its own to copy from or to; "
                         "attach a disk image with `mote run -v FILE:virtio0` and copy to and "
                         "from FILE on the host (mtools: mcopy -i FILE)");
}

/* Loads an instance's config for a command, or says why not (false). */
static bool load_config(const char *cmd, const char *name, struct instance_config *c)
{
    char err[SPEC_ERR_LEN];
    if (spec_check_name(name, err) != 0) {
        fprintf(stderr, "mote %s: %s\n", cmd, err);
        return false;
    }
    if (instance_config_load(name, c, NULL) != 0) {
        fprintf(stderr, "mote %s: no instance %s; `mote ps -a` lists them\n", cmd, name);
        return false;
    }
    return true;
}

int cmd_port(int argc, char **argv)
{
    static const struct opt_def defs[] = {OPT_HELP_DEF, {NULL, 0, false, 0}};
    struct opts o;
    const char *val;
    opts_init(&o, "port", defs, argc, argv, false);
    while (opts_next(&o, &val))
        help_exit("port");
    if (o.npos < 1 || o.npos > 2)
        usage_error("port", "expected NAME [PORT[/PROTO]]");
    struct instance_config c;
    if (!load_config("port", o.pos[0], &c))
        return MOTE_EXIT_ERROR;
    int shown = 0;
    for (size_t i = 0; i < c.port_count; i++) {
        const struct port_spec *p = &c.ports[i];
        char guest[32];
        snprintf(guest, sizeof(guest), "%u/%s", p->guest_port, spec_proto_name(p->proto));
        /* "53" matches 53/tcp as docker's does; "53/udp" only that. */
        if (o.npos == 2 && strcmp(o.pos[1], guest) != 0 &&
            !(strchr(o.pos[1], '/') == NULL && p->proto == PORT_TCP &&
              (unsigned)atoi(o.pos[1]) == p->guest_port))
            continue;
        printf("%s -> %s:%u\n", guest, p->host_ip[0] ? p->host_ip : "0.0.0.0", p->host_port);
        shown++;
    }
    if (c.gdb)
        shown += o.npos == 1 &&
                 printf("%u/tcp -> 127.0.0.1:%u (gdb)\n", GUEST_GDB_PORT, c.gdb_host_port) > 0;
    instance_config_free(&c);
    if (!shown && o.npos == 2)
        die(MOTE_EXIT_ERROR, "no public port '%s' published for %s", o.pos[1], o.pos[0]);
    opts_free(&o);
    return MOTE_EXIT_OK;
}

int cmd_wait(int argc, char **argv)
{
    static const struct opt_def defs[] = {OPT_HELP_DEF, {NULL, 0, false, 0}};
    struct opts o;
    const char *val;
    int status = MOTE_EXIT_OK;
    opts_init(&o, "wait", defs, argc, argv, false);
    while (opts_next(&o, &val))
        help_exit("wait");
    if (o.npos == 0)
        usage_error("wait", "expected the NAME of an instance");
    for (int i = 0; i < o.npos; i++) {
        struct instance_config c;
        struct instance_state s;
        if (!load_config("wait", o.pos[i], &c)) {
            status = MOTE_EXIT_ERROR;
            continue;
        }
        instance_config_free(&c);
        /* Through restarts: the instance has ended when its restart policy is done with it. */
        int err = control_wait_exited(o.pos[i], WAIT_FOREVER_MS, &s);
        if (err || !s.has_exit_code) {
            errorf("%s: %s", o.pos[i], err ? strerror(-err) : "it never ran");
            status = MOTE_EXIT_ERROR;
            continue;
        }
        printf("%d\n", s.exit_code);
    }
    opts_free(&o);
    return status;
}

/* QEMU's CPU time (utime + stime, clock ticks) and resident memory (KiB) from /proc. */
static int proc_usage(pid_t pid, unsigned long long *ticks, unsigned long long *rss_kib)
{
    char path[64], *text;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (file_read(path, &text, NULL) != 0)
        return -ESRCH;
    /* Fields after the command name (which may hold spaces), from the last ')'. */
    char *p = strrchr(text, ')');
    unsigned long long utime = 0, stime = 0;
    int n =
        p ? sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime)
          : 0;
    free(text);
    if (n != 2)
        return -EIO;
    *ticks = utime + stime;
    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if (file_read(path, &text, NULL) != 0)
        return -ESRCH;
    char *rss = strstr(text, "VmRSS:");
    *rss_kib = rss ? strtoull(rss + 6, NULL, 10) : 0;
    free(text);
    return 0;
}

int cmd_stats(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"no-stream", 0, false, 's'},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    const char *val;
    int id;
    opts_init(&o, "stats", defs, argc, argv, false);
    while ((id = opts_next(&o, &val)))
        if (id == 'h')
            help_exit("stats");
    char **names;
    size_t n;
    bool given = o.npos > 0;
    if (given) {
        names = xcalloc((size_t)o.npos, sizeof(char *));
        for (int i = 0; i < o.npos; i++)
            names[i] = xstrdup(o.pos[i]);
        n = (size_t)o.npos;
    } else if (instance_list(&names, &n) != 0) {
        die(MOTE_EXIT_ERROR, "cannot read the instances of %s", store_home());
    }
    pid_t *pids = xcalloc(n ? n : 1, sizeof(pid_t));
    unsigned long long *before = xcalloc(n ? n : 1, sizeof(*before)), rss;
    unsigned *mem_mib = xcalloc(n ? n : 1, sizeof(unsigned));
    int status = MOTE_EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        struct instance_config c;
        struct instance_state s;
        if (instance_config_load(names[i], &c, NULL) != 0 ||
            instance_state_refresh(names[i], &s) != 0) {
            if (given) {
                errorf("no instance %s; `mote ps -a` lists them", names[i]);
                status = MOTE_EXIT_ERROR;
            }
            continue;
        }
        mem_mib[i] = c.board.fixed_mem_mib ? c.board.fixed_mem_mib : c.memory_mib;
        instance_config_free(&c);
        if (instance_is_active(&s) && s.qemu_pid > 0 &&
            proc_usage(s.qemu_pid, &before[i], &rss) == 0)
            pids[i] = s.qemu_pid;
        else if (given) {
            errorf("%s is not running", names[i]);
            status = MOTE_EXIT_ERROR;
        }
    }
    /* One sample over a second, as docker stats --no-stream shows. */
    struct timespec ts = {STATS_SAMPLE_MS / 1000, (long)(STATS_SAMPLE_MS % 1000) * 1000000};
    nanosleep(&ts, NULL);
    long hz = sysconf(_SC_CLK_TCK);
    static const char *const heading[] = {"NAME", "CPU %", "MEM USAGE / LIMIT", "MEM %", "PID"};
    struct table t;
    table_init(&t, 5, heading);
    for (size_t i = 0; i < n; i++) {
        unsigned long long after;
        if (pids[i] && proc_usage(pids[i], &after, &rss) == 0) {
            char cpu[32], mem[64], pct[32], pid[16];
            snprintf(cpu, sizeof(cpu), "%.2f%%",
                     100.0 * (double)(after - before[i]) / (double)hz * 1000.0 / STATS_SAMPLE_MS);
            snprintf(mem, sizeof(mem), "%.1fMiB / %uMiB", (double)rss / KIB, mem_mib[i]);
            snprintf(pct, sizeof(pct), "%.2f%%", 100.0 * (double)rss / KIB / mem_mib[i]);
            snprintf(pid, sizeof(pid), "%d", (int)pids[i]);
            const char *row[] = {names[i], cpu, mem, pct, pid};
            table_add(&t, row);
        }
        free(names[i]);
    }
    table_print(&t, stdout);
    table_free(&t);
    free(names);
    free(pids);
    free(before);
    free(mem_mib);
    opts_free(&o);
    return status;
}

/* Every image no instance was started from, untagged (system prune -a). */
static int prune_images(void)
{
    struct image *imgs;
    size_t n, removed = 0;
    char **names;
    size_t ni;
    if (image_list(&imgs, &n) != 0 || instance_list(&names, &ni) != 0)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char ref[IMAGE_REF_MAX + 1];
        bool used = false;
        snprintf(ref, sizeof(ref), "%s:%s", imgs[i].name, imgs[i].tag);
        for (size_t j = 0; j < ni && !used; j++) {
            struct instance_config c;
            if (instance_config_load(names[j], &c, NULL) == 0) {
                used = strcmp(c.image, ref) == 0;
                instance_config_free(&c);
            }
        }
        if (!used && image_remove(imgs[i].name, imgs[i].tag) == 0) {
            printf("Untagged %s\n", ref);
            removed++;
        }
    }
    for (size_t j = 0; j < ni; j++)
        free(names[j]);
    free(names);
    image_list_free(imgs, n);
    return (int)removed;
}

int cmd_system(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"all", 'a', false, 'a'},
        {"force", 'f', false, 'f'},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    const char *val;
    bool all = false, force = false;
    int id;
    opts_init(&o, "system", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (id == 'a')
            all = true;
        else if (id == 'f')
            force = true;
        else
            help_exit("system");
    }
    if (o.npos != 1 || strcmp(o.pos[0], "prune") != 0)
        usage_error("system", "expected `mote system prune [-a] [-f]`");
    if (!force) {
        if (!isatty(STDIN_FILENO))
            usage_error("system", "prune removes every exited instance%s: confirm with -f",
                        all ? " and every image no instance uses" : "");
        fprintf(stderr, "This removes every exited instance%s. Are you sure? [y/N] ",
                all ? " and every image no instance uses" : "");
        char answer[8] = "";
        if (!fgets(answer, sizeof(answer), stdin) || (answer[0] != 'y' && answer[0] != 'Y'))
            return MOTE_EXIT_ERROR;
    }
    char **names;
    size_t n;
    int removed = 0;
    if (instance_list(&names, &n) != 0)
        die(MOTE_EXIT_ERROR, "cannot read the instances of %s", store_home());
    for (size_t i = 0; i < n; i++) {
        struct instance_state s;
        if (instance_state_refresh(names[i], &s) == 0 && s.status == ST_EXITED &&
            control_remove(names[i]) == 0) {
            printf("Deleted instance %s\n", names[i]);
            removed++;
        }
        free(names[i]);
    }
    free(names);
    int lock = store_lock();
    if (all)
        prune_images();
    char *tmp = store_path("tmp");
    dir_remove_tree(tmp); /* what failed pulls and loads left (they remove it themselves) */
    free(tmp);
    int blobs = store_gc();
    store_unlock(lock);
    printf("Deleted %d instance%s and %d image file%s\n", removed, removed == 1 ? "" : "s", blobs,
           blobs == 1 ? "" : "s");
    opts_free(&o);
    return MOTE_EXIT_OK;
}
