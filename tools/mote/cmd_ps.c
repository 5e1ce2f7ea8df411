// SPDX-License-Identifier: MIT
/* mote ps: instances, with their state made true first (a dead monitor means exited). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/commands.h"
#include "tools/mote/instance.h"
#include "tools/mote/table.h"
#include "tools/mote/template.h"
#include "tools/mote/util.h"

enum { OPT_ALL = 1, OPT_QUIET, OPT_JSON, OPT_FORMAT };

static const struct opt_def ps_opts[] = {
    {"all", 'a', false, OPT_ALL},
    {"quiet", 'q', false, OPT_QUIET},
    {"json", 0, false, OPT_JSON},
    {"format", 0, true, OPT_FORMAT},
    OPT_HELP_DEF,
    {NULL, 0, false, 0},
};

/* "Up 5 seconds", "Up 2 minutes (starting)", "Exited (0) 3 seconds ago", "Restarting (70) ..." */
static void status_text(const struct instance_state *s, int64_t now, char *buf, size_t len)
{
    char ago[64];
    switch (s->status) {
    case ST_CREATED: snprintf(buf, len, "Created"); return;
    case ST_STARTING:
    case ST_RUNNING:
        spec_human_duration(now - s->started_ns, ago, sizeof(ago));
        snprintf(buf, len, "Up %s%s%s", ago, s->status == ST_STARTING ? " (starting)" : "",
                 s->stop_requested ? " (stopping)" : "");
        return;
    case ST_RESTARTING:
        spec_human_duration(now - s->finished_ns, ago, sizeof(ago));
        snprintf(buf, len, "Restarting (%d) %s ago", s->exit_code, ago);
        return;
    case ST_EXITED:
        spec_human_duration(now - s->finished_ns, ago, sizeof(ago));
        if (s->has_exit_code)
            snprintf(buf, len, "Exited (%d) %s ago", s->exit_code, ago);
        else
            snprintf(buf, len, "Exited (unknown) %s ago", ago);
        return;
    }
}

static char *ports_text(const struct instance_config *c)
{
    struct strbuf sb = STRBUF_INIT;
    for (size_t i = 0; i < c->port_count; i++) {
        char p[64];
        spec_format_port(&c->ports[i], p, sizeof(p));
        sb_addf(&sb, "%s%s", i ? ", " : "", p);
    }
    if (c->gdb)
        sb_addf(&sb, "%s127.0.0.1:%u->%u/tcp (gdb)", sb.len ? ", " : "", c->gdb_host_port,
                GUEST_GDB_PORT);
    return sb.s ? sb.s : xstrdup("");
}

int cmd_ps(int argc, char **argv)
{
    struct opts o;
    bool all = false, quiet = false, json = false;
    const char *format = NULL;
    char err[SPEC_ERR_LEN];
    const char *val;
    int id;
    opts_init(&o, "ps", ps_opts, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        switch (id) {
        case OPT_ALL: all = true; break;
        case OPT_QUIET: quiet = true; break;
        case OPT_JSON: json = true; break;
        case OPT_FORMAT:
            /* docker's --format json; anything else is a template applied to each instance */
            if (strcmp(val, "json") == 0 || strcmp(val, "{{json .}}") == 0)
                json = true;
            else
                format = val;
            break;
        case 'h': help_exit("ps");
        }
    }
    if (o.npos)
        usage_error("ps", "unexpected argument '%s'", o.pos[0]);
    char **names;
    size_t n;
    if (instance_list(&names, &n) != 0)
        die(MOTE_EXIT_ERROR, "cannot read the instances folder of %s", "MOTE_HOME");
    static const char *const heading[] = {"NAME", "IMAGE", "STATUS", "PORTS", "PID"};
    struct table t;
    json_t *out = json_array();
    table_init(&t, 5, heading);
    int64_t now = time_now_ns();
    for (size_t i = 0; i < n; i++) {
        struct instance_config c;
        struct instance_state s;
        if (instance_config_load(names[i], &c, NULL) != 0) {
            free(names[i]);
            continue; /* being created right now */
        }
        if (instance_state_refresh(names[i], &s) == 0 && (all || instance_is_active(&s))) {
            char status[96], pid[16];
            char *ports = ports_text(&c);
            status_text(&s, now, status, sizeof(status));
            snprintf(pid, sizeof(pid), "%d", (int)s.qemu_pid);
            const char *row[] = {
                c.name, c.image, status, ports,
                instance_is_active(&s) && s.status != ST_RESTARTING && s.qemu_pid > 0 ? pid : "-"};
            if (quiet) {
                printf("%s\n", c.name);
            } else if (format) {
                json_t *j = instance_to_json(c.name, &c, &s);
                struct strbuf line = STRBUF_INIT;
                if (template_render(format, j, &line, err) != 0)
                    usage_error("ps", "%s", err);
                printf("%s\n", sb_str(&line));
                sb_free(&line);
                json_decref(j);
            } else if (json)
                json_array_append_new(out, instance_to_json(c.name, &c, &s));
            else
                table_add(&t, row);
            free(ports);
        }
        instance_config_free(&c);
        free(names[i]);
    }
    free(names);
    if (json && !quiet)
        print_json(out);
    else if (!quiet && !format)
        table_print(&t, stdout);
    table_free(&t);
    json_decref(out);
    opts_free(&o);
    return MOTE_EXIT_OK;
}
