/* SPDX-License-Identifier: MIT */
/*
 * Instances in the store: instances/<name>/config.json (what `run` was asked
 * for; never changes) and state.json (what is happening; written by the
 * instance's monitor and by stop/kill, always under the store's lock). Their
 * fields are those `mote inspect NAME` prints (docs/mote.md).
 */
#ifndef TOOLS_MOTE_INSTANCE_H
#define TOOLS_MOTE_INSTANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tools/mote/image.h"
#include "tools/mote/json.h"
#include "tools/mote/spec.h"

#define MAX_PORTS       32
#define VOLUME_PATH_MAX 1024
#define NET_SPEC_MAX    32
#define GUEST_GDB_PORT  1234 /* the image's GDB stub listens here (gdb=tcp:1234) */

struct instance_config {
    char name[NAME_MAX_LEN + 1];
    char image[IMAGE_REF_MAX + 1];                         /* name:tag */
    char image_sha256[65], elf_sha256[65], dtb_sha256[65]; /* dtb: "" if none */
    struct board_qemu board;                               /* the image's */
    bool debug_image;
    unsigned memory_mib;
    char net[NET_SPEC_MAX + 1]; /* "user", "none" or "tap:IFNAME" */
    char runtime[8];            /* "qemu" (mote's monitor) or "libvirt" (libvirt_runtime.h) */
    char libvirt_uri[256];      /* --connect, "" for virsh's default */
    struct port_spec ports[MAX_PORTS];
    size_t port_count;
    struct volume {
        char path[VOLUME_PATH_MAX]; /* absolute */
        unsigned n;                 /* the disk number ({n}) */
        bool sd;                    /* asked for as the SD card */
    } volumes[VOLUME_DISKS_MAX];
    size_t volume_count;
    char *cmdline; /* boot arguments, without syslog= (the monitor adds it) */
    enum restart_policy restart;
    unsigned max_restarts; /* 0: no limit */
    bool gdb;
    unsigned gdb_host_port; /* forwarded to GUEST_GDB_PORT */
    bool gdb_wait;
    bool syslog;
    int64_t created_ns;
};

enum instance_status {
    ST_CREATED,    /* being set up, QEMU not started yet */
    ST_STARTING,   /* QEMU runs, the image has not said "mote: ready" */
    ST_RUNNING,    /* ready */
    ST_RESTARTING, /* exited, will be started again (restart policy) */
    ST_EXITED,
};

struct instance_state {
    enum instance_status status;
    pid_t monitor_pid;
    uint64_t monitor_start; /* its start time, so a reused PID is not taken for it */
    pid_t qemu_pid;
    int64_t started_ns, finished_ns, ready_ns;
    bool has_exit_code;
    int exit_code; /* QEMU's exit status; 128+N when signal N killed it */
    unsigned restarts;
    bool stop_requested;
    unsigned syslog_port; /* the collector's UDP port on 127.0.0.1, 0 if none */
    char error[256];      /* why it stopped or failed, "" if nothing went wrong */
};

const char *instance_status_name(enum instance_status s);

/* The instance's folder (new string). */
char *instance_dir(const char *name);

int instance_config_load(const char *name, struct instance_config *c, char *err);
int instance_config_save(const struct instance_config *c);
void instance_config_free(struct instance_config *c);
/* config.json's object. A new reference. */
json_t *instance_config_to_json(const struct instance_config *c);

/* Reads state.json. Returns 0, -ENOENT, or -EINVAL if damaged. */
int instance_state_load(const char *name, struct instance_state *s);
/* Writes state.json atomically. Call with the store's lock held. */
int instance_state_save(const char *name, const struct instance_state *s);
/* state.json's object. A new reference. */
json_t *instance_state_to_json(const struct instance_state *s);

/*
 * Reads the state and corrects it if the monitor died without recording an
 * end (then QEMU died with it: see monitor.c), so a dead instance is never
 * shown as running. Takes the lock itself when it must correct. Returns 0 or
 * what instance_state_load returned.
 */
int instance_state_refresh(const char *name, struct instance_state *s);

/* true for starting, running and restarting: the instance has a live monitor. */
bool instance_is_active(const struct instance_state *s);

/* Every instance name (sorted by creation time, newest first). Returns 0 or -errno. */
int instance_list(char ***names, size_t *count);

/* The whole of an instance as `inspect` and `ps --json` show it. A new reference. */
json_t *instance_to_json(const char *name, const struct instance_config *c,
                         const struct instance_state *s);

#endif
