// SPDX-License-Identifier: MIT
/* Instance config and state files, see instance.h. */
#include "tools/mote/entropy.h"
#include "tools/mote/instance.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void member_time(struct json_writer *w, const char *key, int64_t ns)
{
    char buf[TIME_STR_LEN + 1];
    json_key(w, key);
    if (!ns) {
        json_null(w);
        return;
    }
    spec_format_time(ns, buf);
    json_string(w, buf);
}

/* When the instance started, became ready and finished, its exit code and restarts. */
static void member_history(struct json_writer *w, const struct instance_state *s)
{
    member_time(w, "started", s->started_ns);
    member_time(w, "ready_at", s->ready_ns);
    member_time(w, "finished", s->finished_ns);
    json_key(w, "exit_code");
    if (s->has_exit_code)
        json_int(w, s->exit_code);
    else
        json_null(w);
    json_member_int(w, "restarts", s->restarts);
}

static int get_time(const struct json *j, const char *key, int64_t *ns)
{
    const struct json *v = json_get(j, key);
    *ns = 0;
    if (!v || v->type == JSON_NULL)
        return 0;
    return v->type == JSON_STRING ? spec_parse_time(v->string, ns) : -EINVAL;
}

static void ports_to_json(const struct instance_config *c, struct json_writer *w)
{
    json_key(w, "ports");
    json_begin_array(w);
    for (size_t i = 0; i < c->port_count; i++) {
        const struct port_spec *p = &c->ports[i];
        json_begin_object(w);
        json_member_string(w, "host_ip", p->host_ip[0] ? p->host_ip : "0.0.0.0");
        json_member_int(w, "host_port", p->host_port);
        json_member_int(w, "guest_port", p->guest_port);
        json_member_string(w, "protocol", spec_proto_name(p->proto));
        json_end_object(w);
    }
    json_end_array(w);
}

/* The config's members, shared by config.json and inspect. */
static void config_members(const struct instance_config *c, struct json_writer *w)
{
    json_member_string(w, "name", c->name);
    member_time(w, "created", c->created_ns);
    json_key(w, "image");
    json_begin_object(w);
    json_member_string(w, "ref", c->image);
    json_member_string(w, "sha256", c->image_sha256);
    json_member_string(w, "elf_sha256", c->elf_sha256);
    json_member_string(w, "dtb_sha256", c->dtb_sha256);
    json_member_bool(w, "debug", c->debug_image);
    json_end_object(w);
    json_member_string(w, "board", c->board.name);
    json_key(w, "qemu");
    board_to_json(&c->board, w);
    json_member_int(w, "memory_mib", c->memory_mib);
    json_member_string(w, "net", c->net);
    ports_to_json(c, w);
    json_member_string(w, "cmdline", c->cmdline);
    json_key(w, "restart");
    json_begin_object(w);
    json_member_string(w, "policy", spec_restart_name(c->restart));
    json_member_int(w, "max_restarts", c->max_restarts);
    json_end_object(w);
    json_key(w, "gdb");
    json_begin_object(w);
    json_member_bool(w, "enabled", c->gdb);
    json_member_int(w, "host_port", c->gdb_host_port);
    json_member_bool(w, "wait", c->gdb_wait);
    json_end_object(w);
}

void instance_config_to_json(const struct instance_config *c, struct json_writer *w)
{
    json_begin_object(w);
    config_members(c, w);
    json_member_bool(w, "syslog", c->syslog);
    json_end_object(w);
}

static int copy_string(const struct json *j, const char *key, char *out, size_t max)
{
    const char *s = json_get_string(j, key);
    if (!s || strlen(s) > max)
        return -EINVAL;
    strcpy(out, s);
    return 0;
}

static int ports_from_json(const struct json *arr, struct instance_config *c)
{
    if (!arr || arr->type != JSON_ARRAY || arr->count > MAX_PORTS)
        return -EINVAL;
    for (size_t i = 0; i < arr->count; i++) {
        const struct json *p = arr->items[i];
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
    c->port_count = arr->count;
    return 0;
}

static int config_from_json(const struct json *j, struct instance_config *c)
{
    const struct json *img = json_get(j, "image"), *restart = json_get(j, "restart"),
                      *gdb = json_get(j, "gdb");
    int64_t mem, max, port;
    const char *policy = json_get_string(restart, "policy"), *cmdline;
    memset(c, 0, sizeof(*c));
    if (copy_string(j, "name", c->name, NAME_MAX_LEN) ||
        copy_string(img, "ref", c->image, sizeof(c->image) - 1) ||
        copy_string(img, "sha256", c->image_sha256, 64) ||
        copy_string(img, "elf_sha256", c->elf_sha256, 64) ||
        board_from_json(json_get(j, "qemu"), json_get_string(j, "board"), &c->board, NULL, 0) ||
        copy_string(j, "net", c->net, NET_SPEC_MAX) || json_get_int(j, "memory_mib", &mem) ||
        mem <= 0 || ports_from_json(json_get(j, "ports"), c) || !policy ||
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
    c->cmdline = xstrdup(cmdline);
    return 0;
}

static int load_json(const char *name, const char *file, struct json **out)
{
    char *path = store_path("instances/%s/%s", name, file), *text;
    size_t len;
    int err = file_read(path, &text, &len);
    free(path);
    if (err)
        return err;
    *out = json_parse(text, len, NULL, 0);
    free(text);
    return *out ? 0 : -EINVAL;
}

static int save_json(const char *name, const char *file, struct strbuf *sb)
{
    char *path = store_path("instances/%s/%s", name, file);
    sb_addc(sb, '\n');
    int err = file_write_atomic(path, sb->s, sb->len);
    free(path);
    sb_free(sb);
    return err;
}

int instance_config_load(const char *name, struct instance_config *c, char *err)
{
    struct json *j;
    int r = load_json(name, "config.json", &j);
    if (!r) {
        r = config_from_json(j, c);
        json_free(j);
    }
    if (r && err)
        snprintf(err, SPEC_ERR_LEN, "the config of instance %s is %s", name,
                 r == -ENOENT ? "missing (is it being created?)" : "unreadable");
    return r;
}

int instance_config_save(const struct instance_config *c)
{
    struct strbuf sb = STRBUF_INIT;
    struct json_writer w;
    json_writer_init(&w, &sb, true);
    instance_config_to_json(c, &w);
    return save_json(c->name, "config.json", &sb);
}

void instance_config_free(struct instance_config *c)
{
    free(c->cmdline);
    c->cmdline = NULL;
}

void instance_state_to_json(const struct instance_state *s, struct json_writer *w)
{
    json_begin_object(w);
    json_member_string(w, "status", instance_status_name(s->status));
    json_member_int(w, "monitor_pid", s->monitor_pid);
    json_member_int(w, "monitor_start", (int64_t)s->monitor_start);
    json_member_int(w, "qemu_pid", s->qemu_pid);
    member_history(w, s);
    json_member_bool(w, "stop_requested", s->stop_requested);
    json_member_int(w, "syslog_port", s->syslog_port);
    json_member_string(w, "error", s->error);
    json_end_object(w);
}

int instance_state_load(const char *name, struct instance_state *s)
{
    struct json *j;
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
    json_free(j);
    return r;
}

int instance_state_save(const char *name, const struct instance_state *s)
{
    struct strbuf sb = STRBUF_INIT;
    struct json_writer w;
    json_writer_init(&w, &sb, true);
    instance_state_to_json(s, &w);
    return save_json(name, "state.json", &sb);
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

int instance_state_refresh(const char *name, struct instance_state *s)
{
    int r = instance_state_load(name, s);
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

void instance_to_json(const char *name, const struct instance_config *c,
                      const struct instance_state *s, struct json_writer *w)
{
    char *dir = instance_dir(name);
    json_begin_object(w);
    config_members(c, w);
    json_key(w, "syslog");
    json_begin_object(w);
    json_member_bool(w, "enabled", c->syslog);
    json_member_int(w, "port", s->syslog_port);
    json_end_object(w);
    json_key(w, "state");
    json_begin_object(w);
    json_member_string(w, "status", instance_status_name(s->status));
    json_member_bool(w, "running", instance_is_active(s));
    json_member_bool(w, "ready", s->status == ST_RUNNING);
    json_member_int(w, "pid", instance_is_active(s) ? s->qemu_pid : 0);
    json_member_int(w, "monitor_pid", instance_is_active(s) ? s->monitor_pid : 0);
    member_history(w, s);
    json_member_string(w, "error", s->error);
    json_end_object(w);
    /* What the image's random source was seeded from, as its console said at the last boot. */
    char *console_path = xasprintf("%s/console.log", dir), *console = NULL;
    struct entropy_info entropy;
    entropy_from_console(file_read(console_path, &console, NULL) == 0 ? console : NULL, &entropy);
    free(console);
    free(console_path);
    json_key(w, "entropy");
    entropy_to_json(&entropy, w);
    /* The QEMU command line the monitor last ran (qemu.argv: NUL-separated words). */
    char *argv_path = xasprintf("%s/qemu.argv", dir), *words;
    size_t len;
    json_key(w, "qemu_command");
    json_begin_array(w);
    if (file_read(argv_path, &words, &len) == 0) {
        for (size_t i = 0; i < len; i += strlen(words + i) + 1)
            json_string(w, words + i);
        free(words);
    }
    json_end_array(w);
    free(argv_path);
    json_key(w, "paths");
    json_begin_object(w);
    char *p;
    json_member_string(w, "dir", dir);
    json_member_string(w, "console_log", p = xasprintf("%s/console.log", dir));
    free(p);
    json_member_string(w, "syslog_log", p = xasprintf("%s/syslog.log", dir));
    free(p);
    json_member_string(w, "qmp_socket", p = xasprintf("%s/qmp.sock", dir));
    free(p);
    json_end_object(w);
    json_end_object(w);
    free(dir);
}
