// SPDX-License-Identifier: MIT
/* Instance config and state files, see instance.h. */
#include "tools/mote/entropy.h"
#include "tools/mote/instance.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/libvirt_runtime.h"
#include "tools/mote/sha256.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

static const char *const status_names[] = {"created", "starting", "running", "restarting",
                                           "exited"};

const char *instance_status_name(enum instance_status s)
{
    return (unsigned)s < sizeof(status_names) / sizeof(status_names[0]) ? status_names[s] : "?";
}

char *instance_dir(const char *name)
{
    return store_path("instances/%s", name);
}

static json_t *time_value(int64_t ns)
{
    char buf[TIME_STR_LEN + 1];
    if (!ns)
        return json_null();
    spec_format_time(ns, buf);
    return json_str(buf);
}

/* When the instance started, became ready and finished, its exit code and restarts. */
static void set_history(json_t *o, const struct instance_state *s)
{
    json_set(o, "started", time_value(s->started_ns));
    json_set(o, "ready_at", time_value(s->ready_ns));
    json_set(o, "finished", time_value(s->finished_ns));
    json_set(o, "exit_code", s->has_exit_code ? json_integer(s->exit_code) : json_null());
    json_set_int(o, "restarts", s->restarts);
}

static int get_time(const json_t *j, const char *key, int64_t *ns)
{
    const json_t *v = json_object_get(j, key);
    *ns = 0;
    if (!v || json_is_null(v))
        return 0;
    return json_is_string(v) ? spec_parse_time(json_string_value(v), ns) : -EINVAL;
}

static json_t *ports_to_json(const struct instance_config *c)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < c->port_count; i++) {
        const struct port_spec *p = &c->ports[i];
        json_t *o = json_object();
        json_set_string(o, "host_ip", p->host_ip[0] ? p->host_ip : "0.0.0.0");
        json_set_int(o, "host_port", p->host_port);
        json_set_int(o, "guest_port", p->guest_port);
        json_set_string(o, "protocol", spec_proto_name(p->proto));
        json_array_append_new(arr, o);
    }
    return arr;
}

/* The config's members, shared by config.json and inspect. */
static void config_members(const struct instance_config *c, json_t *o)
{
    json_set_string(o, "name", c->name);
    json_set(o, "created", time_value(c->created_ns));
    json_t *img = json_object();
    json_set_string(img, "ref", c->image);
    json_set_string(img, "sha256", c->image_sha256);
    json_set_string(img, "elf_sha256", c->elf_sha256);
    json_set_string(img, "dtb_sha256", c->dtb_sha256);
    json_set_bool(img, "debug", c->debug_image);
    json_set(o, "image", img);
    json_set_string(o, "board", c->board.name);
    json_set(o, "qemu", board_to_json(&c->board));
    json_set_int(o, "memory_mib", c->memory_mib);
    json_set_string(o, "net", c->net);
    json_set_string(o, "runtime", c->runtime[0] ? c->runtime : "qemu");
    json_set_string(o, "libvirt_uri", c->libvirt_uri);
    json_set(o, "ports", ports_to_json(c));
    json_t *volumes = json_array();
    for (size_t i = 0; i < c->volume_count; i++) {
        json_t *v = json_object();
        char target[16];
        snprintf(target, sizeof(target), c->volumes[i].sd ? "sd" : "virtio%u", c->volumes[i].n);
        json_set_string(v, "source", c->volumes[i].path);
        json_set_string(v, "target", target);
        json_array_append_new(volumes, v);
    }
    json_set(o, "volumes", volumes);
    json_set_string(o, "cmdline", c->cmdline);
    json_t *restart = json_object();
    json_set_string(restart, "policy", spec_restart_name(c->restart));
    json_set_int(restart, "max_restarts", c->max_restarts);
    json_set(o, "restart", restart);
    json_t *gdb = json_object();
    json_set_bool(gdb, "enabled", c->gdb);
    json_set_int(gdb, "host_port", c->gdb_host_port);
    json_set_bool(gdb, "wait", c->gdb_wait);
    json_set(o, "gdb", gdb);
}

json_t *instance_config_to_json(const struct instance_config *c)
{
    json_t *o = json_object();
    config_members(c, o);
    json_set_bool(o, "syslog", c->syslog);
    return o;
}

static int copy_string(const json_t *j, const char *key, char *out, size_t max)
{
    const char *s = json_get_string(j, key);
    if (!s || strlen(s) > max)
        return -EINVAL;
    strcpy(out, s);
    return 0;
}

static int ports_from_json(const json_t *arr, struct instance_config *c)
{
    if (!json_is_array(arr) || json_array_size(arr) > MAX_PORTS)
        return -EINVAL;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *p = json_array_get(arr, i);
        struct port_spec *ps = &c->ports[i];
        int64_t host, guest;
        const char *proto = json_get_string(p, "protocol");
        if (copy_string(p, "host_ip", ps->host_ip, IP_STR_MAX - 1) ||
            json_get_int(p, "host_port", &host) || json_get_int(p, "guest_port", &guest) ||
            !proto || host < 1 || host > 65535 || guest < 1 || guest > 65535)
            return -EINVAL;
        if (strcmp(ps->host_ip, "0.0.0.0") == 0)
            ps->host_ip[0] = '\0';
        ps->host_port = (unsigned)host;
        ps->guest_port = (unsigned)guest;
        ps->proto = strcmp(proto, "udp") == 0 ? PORT_UDP : PORT_TCP;
    }
    c->port_count = json_array_size(arr);
    return 0;
}

static int volumes_from_json(const json_t *arr, struct instance_config *c)
{
    if (!arr)
        return 0; /* a config from before volumes */
    if (!json_is_array(arr) || json_array_size(arr) > VOLUME_DISKS_MAX)
        return -EINVAL;
    for (size_t i = 0; i < json_array_size(arr); i++) {
        const json_t *v = json_array_get(arr, i);
        const char *src = json_get_string(v, "source"), *target = json_get_string(v, "target");
        char *spec = xasprintf("%s:%s", src ? src : "", target ? target : "");
        int r = src && target && src[0] == '/'
                    ? spec_parse_volume(spec, c->volumes[i].path, sizeof(c->volumes[i].path),
                                        &c->volumes[i].n, &c->volumes[i].sd, NULL)
                    : -EINVAL;
        free(spec);
        if (r)
            return r;
    }
    c->volume_count = json_array_size(arr);
    return 0;
}

static int config_from_json(const json_t *j, struct instance_config *c)
{
    const json_t *img = json_object_get(j, "image"), *restart = json_object_get(j, "restart"),
                 *gdb = json_object_get(j, "gdb");
    int64_t mem, max, port;
    const char *policy = json_get_string(restart, "policy"), *cmdline;
    memset(c, 0, sizeof(*c));
    if (copy_string(j, "name", c->name, NAME_MAX_LEN) ||
        copy_string(img, "ref", c->image, sizeof(c->image) - 1) ||
        copy_string(img, "sha256", c->image_sha256, 64) ||
        copy_string(img, "elf_sha256", c->elf_sha256, 64) ||
        board_from_json(json_object_get(j, "qemu"), json_get_string(j, "board"), &c->board, NULL,
                        0) ||
        copy_string(j, "net", c->net, NET_SPEC_MAX) || json_get_int(j, "memory_mib", &mem) ||
        mem <= 0 || ports_from_json(json_object_get(j, "ports"), c) ||
        volumes_from_json(json_object_get(j, "volumes"), c) || !policy ||
        json_get_int(restart, "max_restarts", &max) || max < 0 ||
        json_get_int(gdb, "host_port", &port) || port < 0 || port > 65535 ||
        get_time(j, "created", &c->created_ns) || !(cmdline = json_get_string(j, "cmdline")))
        return -EINVAL;
    const char *dtb = json_get_string(img, "dtb_sha256");
    if (dtb && *dtb && !sha256_is_hex(dtb))
        return -EINVAL;
    snprintf(c->dtb_sha256, sizeof(c->dtb_sha256), "%s", dtb ? dtb : "");
    c->debug_image = json_get_bool(img, "debug", false);
    c->memory_mib = (unsigned)mem;
    c->restart = strcmp(policy, "on-failure") == 0 ? RESTART_ON_FAILURE : RESTART_NO;
    c->max_restarts = (unsigned)max;
    c->gdb = json_get_bool(gdb, "enabled", false);
    c->gdb_wait = json_get_bool(gdb, "wait", false);
    c->gdb_host_port = (unsigned)port;
    c->syslog = json_get_bool(j, "syslog", false);
    /* A config from before runtimes was mote's own. */
    const char *runtime = json_get_string(j, "runtime"), *uri = json_get_string(j, "libvirt_uri");
    if ((runtime && strlen(runtime) >= sizeof(c->runtime)) ||
        (uri && strlen(uri) >= sizeof(c->libvirt_uri)))
        return -EINVAL;
    snprintf(c->runtime, sizeof(c->runtime), "%s", runtime ? runtime : "qemu");
    snprintf(c->libvirt_uri, sizeof(c->libvirt_uri), "%s", uri ? uri : "");
    c->cmdline = xstrdup(cmdline);
    return 0;
}

static int load_json(const char *name, const char *file, json_t **out)
{
    char *path = store_path("instances/%s/%s", name, file), *text;
    size_t len;
    int err = file_read(path, &text, &len);
    free(path);
    if (err)
        return err;
    *out = json_parse_text(text, len, NULL, 0);
    free(text);
    return *out ? 0 : -EINVAL;
}

/* Writes j (and drops the reference) as the instance's file. */
static int save_json(const char *name, const char *file, json_t *j)
{
    char *path = store_path("instances/%s/%s", name, file), *text = json_text(j, true);
    char *line = xasprintf("%s\n", text);
    json_decref(j);
    int err = file_write_atomic(path, line, strlen(line));
    free(line);
    free(text);
    free(path);
    return err;
}

int instance_config_load(const char *name, struct instance_config *c, char *err)
{
    json_t *j;
    int r = load_json(name, "config.json", &j);
    if (!r) {
        r = config_from_json(j, c);
        json_decref(j);
    }
    if (r && err)
        snprintf(err, SPEC_ERR_LEN, "the config of instance %s is %s", name,
                 r == -ENOENT ? "missing (is it being created?)" : "unreadable");
    return r;
}

int instance_config_save(const struct instance_config *c)
{
    return save_json(c->name, "config.json", instance_config_to_json(c));
}

void instance_config_free(struct instance_config *c)
{
    free(c->cmdline);
    c->cmdline = NULL;
}

json_t *instance_state_to_json(const struct instance_state *s)
{
    json_t *o = json_object();
    json_set_string(o, "status", instance_status_name(s->status));
    json_set_int(o, "monitor_pid", s->monitor_pid);
    json_set_int(o, "monitor_start", (int64_t)s->monitor_start);
    json_set_int(o, "qemu_pid", s->qemu_pid);
    set_history(o, s);
    json_set_bool(o, "stop_requested", s->stop_requested);
    json_set_int(o, "syslog_port", s->syslog_port);
    json_set_string(o, "error", s->error);
    return o;
}

int instance_state_load(const char *name, struct instance_state *s)
{
    json_t *j;
    int r = load_json(name, "state.json", &j);
    if (r)
        return r;
    memset(s, 0, sizeof(*s));
    const char *status = json_get_string(j, "status"), *error = json_get_string(j, "error");
    int64_t v;
    r = -EINVAL;
    for (size_t i = 0; status && i < sizeof(status_names) / sizeof(status_names[0]); i++)
        if (strcmp(status, status_names[i]) == 0) {
            s->status = (enum instance_status)i;
            r = 0;
        }
    if (!r && (get_time(j, "started", &s->started_ns) || get_time(j, "ready_at", &s->ready_ns) ||
               get_time(j, "finished", &s->finished_ns)))
        r = -EINVAL;
    if (json_get_int(j, "monitor_pid", &v) == 0)
        s->monitor_pid = (pid_t)v;
    if (json_get_int(j, "monitor_start", &v) == 0)
        s->monitor_start = (uint64_t)v;
    if (json_get_int(j, "qemu_pid", &v) == 0)
        s->qemu_pid = (pid_t)v;
    if (json_get_int(j, "exit_code", &v) == 0) {
        s->has_exit_code = true;
        s->exit_code = (int)v;
    }
    if (json_get_int(j, "restarts", &v) == 0)
        s->restarts = (unsigned)v;
    if (json_get_int(j, "syslog_port", &v) == 0)
        s->syslog_port = (unsigned)v;
    s->stop_requested = json_get_bool(j, "stop_requested", false);
    snprintf(s->error, sizeof(s->error), "%s", error ? error : "");
    json_decref(j);
    return r;
}

int instance_state_save(const char *name, const struct instance_state *s)
{
    return save_json(name, "state.json", instance_state_to_json(s));
}

bool instance_is_active(const struct instance_state *s)
{
    return s->status == ST_STARTING || s->status == ST_RUNNING || s->status == ST_RESTARTING;
}

/* A monitor that is gone without recording an end, or a `run` that died before starting one. */
static bool monitor_lost(const struct instance_state *s)
{
    if (s->status == ST_EXITED)
        return false;
    if (s->monitor_pid > 0)
        return !proc_alive(s->monitor_pid, s->monitor_start);
    return s->status != ST_CREATED; /* created: `run` is still setting it up */
}

/* A libvirt instance's state is libvirt's: read it, and record it if it changed. */
static int refresh_libvirt(const char *name, const struct instance_config *c,
                           struct instance_state *s)
{
    struct instance_state before = *s;
    libvirt_refresh(c, s);
    if (memcmp(&before, s, sizeof(before)) != 0) {
        int lock = store_lock();
        instance_state_save(name, s);
        store_unlock(lock);
    }
    return 0;
}

int instance_state_refresh(const char *name, struct instance_state *s)
{
    int r = instance_state_load(name, s);
    struct instance_config c;
    if (!r && s->status != ST_CREATED && s->status != ST_EXITED && s->monitor_pid <= 0 &&
        instance_config_load(name, &c, NULL) == 0) {
        bool libvirt = libvirt_runs(&c);
        if (libvirt)
            r = refresh_libvirt(name, &c, s);
        instance_config_free(&c);
        if (libvirt)
            return r;
    }
    if (r || !monitor_lost(s))
        return r;
    int lock = store_lock();
    r = instance_state_load(name, s); /* again under the lock: it may have ended meanwhile */
    if (!r && monitor_lost(s)) {
        s->status = ST_EXITED;
        s->finished_ns = time_now_ns();
        snprintf(s->error, sizeof(s->error),
                 "mote's monitor of this instance died (pid %d); QEMU was stopped with it",
                 (int)s->monitor_pid);
        instance_state_save(name, s);
    }
    store_unlock(lock);
    return r;
}

struct named {
    char *name;
    int64_t created_ns;
};

static int newest_first(const void *a, const void *b)
{
    const struct named *x = a, *y = b;
    if (x->created_ns != y->created_ns)
        return x->created_ns < y->created_ns ? 1 : -1;
    return strcmp(x->name, y->name);
}

int instance_list(char ***names, size_t *count)
{
    char *root = store_path("instances");
    DIR *d = opendir(root);
    free(root);
    *names = NULL;
    *count = 0;
    if (!d)
        return -errno;
    struct named *list = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (spec_check_name(e->d_name, NULL) != 0)
            continue;
        struct instance_config c;
        list = xrealloc(list, (n + 1) * sizeof(*list));
        list[n].name = xstrdup(e->d_name);
        list[n].created_ns = 0;
        if (instance_config_load(e->d_name, &c, NULL) == 0) {
            list[n].created_ns = c.created_ns;
            instance_config_free(&c);
        }
        n++;
    }
    closedir(d);
    if (n)
        qsort(list, n, sizeof(*list), newest_first);
    *names = xcalloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        (*names)[i] = list[i].name;
    *count = n;
    free(list);
    return 0;
}

json_t *instance_to_json(const char *name, const struct instance_config *c,
                         const struct instance_state *s)
{
    char *dir = instance_dir(name);
    json_t *o = json_object(), *syslog = json_object(), *state = json_object();
    config_members(c, o);
    json_set_bool(syslog, "enabled", c->syslog);
    json_set_int(syslog, "port", s->syslog_port);
    json_set(o, "syslog", syslog);
    json_set_string(state, "status", instance_status_name(s->status));
    json_set_bool(state, "running", instance_is_active(s));
    json_set_bool(state, "ready", s->status == ST_RUNNING);
    json_set_int(state, "pid", instance_is_active(s) ? s->qemu_pid : 0);
    json_set_int(state, "monitor_pid", instance_is_active(s) ? s->monitor_pid : 0);
    set_history(state, s);
    json_set_string(state, "error", s->error);
    json_set(o, "state", state);
    /* What the image's random source was seeded from, as its console said at the last boot. */
    char *console_path = xasprintf("%s/console.log", dir), *console = NULL;
    struct entropy_info entropy;
    entropy_from_console(file_read(console_path, &console, NULL) == 0 ? console : NULL, &entropy);
    free(console);
    free(console_path);
    json_set(o, "entropy", entropy_to_json(&entropy));
    /* The QEMU command line the monitor last ran (qemu.argv: NUL-separated words). */
    char *argv_path = xasprintf("%s/qemu.argv", dir), *words;
    size_t len;
    json_t *qemu = json_array();
    if (file_read(argv_path, &words, &len) == 0) {
        for (size_t i = 0; i < len; i += strlen(words + i) + 1)
            json_array_append_new(qemu, json_str(words + i));
        free(words);
    }
    json_set(o, "qemu_command", qemu);
    free(argv_path);
    json_t *paths = json_object();
    char *p;
    json_set_string(paths, "dir", dir);
    json_set_string(paths, "console_log", p = xasprintf("%s/console.log", dir));
    free(p);
    json_set_string(paths, "syslog_log", p = xasprintf("%s/syslog.log", dir));
    free(p);
    json_set_string(paths, "qmp_socket", p = xasprintf("%s/qmp.sock", dir));
    free(p);
    json_set(o, "paths", paths);
    free(dir);
    return o;
}
