// SPDX-License-Identifier: MIT
/* mote logs: an instance's console (or syslog) lines, or every instance's with --all. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/mote/commands.h"
#include "tools/mote/instance.h"
#include "tools/mote/logfile.h"
#include "tools/mote/monitor.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

#define FOLLOW_POLL_MS 200
#define RESCAN_MS      1000 /* --all -f: how often new instances are looked for */

enum { OPT_FOLLOW = 1, OPT_TAIL, OPT_SINCE, OPT_TIMESTAMPS, OPT_SYSLOG, OPT_ALL };

static const struct opt_def logs_opts[] = {
    {"follow", 'f', false, OPT_FOLLOW},
    {"tail", 'n', true, OPT_TAIL},
    {"since", 0, true, OPT_SINCE},
    {"timestamps", 't', false, OPT_TIMESTAMPS},
    {"syslog", 0, false, OPT_SYSLOG},
    {"all", 'a', false, OPT_ALL},
    OPT_HELP_DEF,
    {NULL, 0, false, 0},
};

struct logs_args {
    bool follow, timestamps, syslog, all;
    long tail; /* -1: all */
    int64_t since_ns;
    int name_width; /* --all: the prefix column */
};

struct line {
    const char *name;
    struct log_record r;
    size_t order; /* keeps lines of one instance in file order when times are equal */
};

struct print_ctx {
    const struct logs_args *la;
    const char *name; /* prefix, or NULL */
};

static void print_record(const struct logs_args *la, const char *prefix, const struct log_record *r)
{
    if (r->ns && r->ns < la->since_ns)
        return;
    if (prefix)
        printf("%-*s | ", la->name_width, prefix);
    if (la->timestamps) {
        char ts[TIME_STR_LEN + 1];
        spec_format_time(r->ns, ts);
        printf("%s ", ts);
    }
    fwrite(r->text, 1, r->len, stdout);
    fputc('\n', stdout);
}

static void print_followed(const struct log_record *r, void *arg)
{
    const struct print_ctx *ctx = arg;
    print_record(ctx->la, ctx->name, r);
}

static char *log_path(const char *name, const struct logs_args *la)
{
    return store_path("instances/%s/%s", name, la->syslog ? SYSLOG_LOG : CONSOLE_LOG);
}

/*
 * Reads the whole file of name into *text and appends its lines (since
 * --since) to *lines. Returns the offset just past the last whole line.
 */
static off_t collect(const char *name, const struct logs_args *la, char **text, struct line **lines,
                     size_t *count)
{
    char *path = log_path(name, la);
    size_t len;
    *text = NULL;
    if (file_read(path, text, &len) != 0) {
        free(path);
        return 0;
    }
    free(path);
    size_t first = *count, start = 0;
    for (size_t i = 0; i < len; i++) {
        if ((*text)[i] != '\n')
            continue;
        struct line l = {.name = name, .order = *count};
        logfile_parse_line(*text + start, i - start, &l.r);
        start = i + 1;
        if (l.r.ns && l.r.ns < la->since_ns)
            continue;
        *lines = xrealloc(*lines, (*count + 1) * sizeof(**lines));
        (*lines)[(*count)++] = l;
    }
    /* --tail applies to each instance */
    if (la->tail >= 0 && *count - first > (size_t)la->tail) {
        size_t drop = *count - first - (size_t)la->tail;
        memmove(*lines + first, *lines + first + drop, (size_t)la->tail * sizeof(**lines));
        *count -= drop;
    }
    return (off_t)start;
}

static int by_time(const void *a, const void *b)
{
    const struct line *x = a, *y = b;
    if (x->r.ns != y->r.ns)
        return x->r.ns < y->r.ns ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

static volatile sig_atomic_t stop;

static void on_stop(int sig)
{
    (void)sig;
    stop = 1;
}

static int logs_one(const char *name, const struct logs_args *la)
{
    struct instance_state s;
    if (instance_state_refresh(name, &s) != 0)
        die(MOTE_EXIT_ERROR, "no instance %s; `mote ps -a` lists them", name);
    char *text;
    struct line *lines = NULL;
    size_t n = 0;
    off_t end = collect(name, la, &text, &lines, &n);
    for (size_t i = 0; i < n; i++)
        print_record(la, NULL, &lines[i].r);
    free(lines);
    free(text);
    fflush(stdout);
    if (!la->follow)
        return MOTE_EXIT_OK;
    char *path = log_path(name, la);
    struct log_tailer t;
    struct print_ctx ctx = {la, NULL};
    log_tailer_init(&t, path, end);
    free(path);
    while (!stop) {
        bool over = instance_state_refresh(name, &s) != 0 || s.status == ST_EXITED;
        log_tailer_poll(&t, print_followed, &ctx); /* after the check: no last line is missed */
        fflush(stdout);
        if (over)
            break;
        sleep_ms(FOLLOW_POLL_MS);
    }
    log_tailer_free(&t);
    return MOTE_EXIT_OK;
}

struct followed {
    char *name;
    struct log_tailer t;
    bool seen; /* still listed at the last scan */
};

static int logs_all(struct logs_args *la)
{
    char **names, **texts;
    size_t n, count = 0, nfol = 0;
    struct line *lines = NULL;
    struct followed *fol = NULL;
    if (instance_list(&names, &n) != 0)
        die(MOTE_EXIT_ERROR, "cannot read the instances folder");
    texts = xcalloc(n, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        if ((int)strlen(names[i]) > la->name_width)
            la->name_width = (int)strlen(names[i]);
    for (size_t i = 0; i < n; i++) {
        off_t end = collect(names[i], la, &texts[i], &lines, &count);
        fol = xrealloc(fol, (nfol + 1) * sizeof(*fol));
        fol[nfol].name = names[i];
        char *path = log_path(names[i], la);
        log_tailer_init(&fol[nfol].t, path, end);
        free(path);
        nfol++;
    }
    free(names);
    if (count)
        qsort(lines, count, sizeof(*lines), by_time);
    for (size_t i = 0; i < count; i++)
        print_record(la, lines[i].name, &lines[i].r);
    free(lines);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    free(texts);
    fflush(stdout);
    for (int64_t waited = 0; la->follow && !stop; waited += FOLLOW_POLL_MS) {
        if (waited % RESCAN_MS == 0 && instance_list(&names, &n) == 0) {
            for (size_t f = 0; f < nfol; f++)
                fol[f].seen = false;
            for (size_t i = 0; i < n; i++) {
                size_t f = 0;
                while (f < nfol && strcmp(fol[f].name, names[i]) != 0)
                    f++;
                if (f == nfol) { /* started after us: all its lines are new */
                    fol = xrealloc(fol, (nfol + 1) * sizeof(*fol));
                    fol[nfol].name = xstrdup(names[i]);
                    char *path = log_path(names[i], la);
                    log_tailer_init(&fol[nfol].t, path, 0);
                    free(path);
                    if ((int)strlen(names[i]) > la->name_width)
                        la->name_width = (int)strlen(names[i]);
                    nfol++;
                }
                fol[f].seen = true;
                free(names[i]);
            }
            free(names);
            for (size_t f = 0; f < nfol;) { /* removed instances */
                if (fol[f].seen) {
                    f++;
                    continue;
                }
                free(fol[f].name);
                log_tailer_free(&fol[f].t);
                fol[f] = fol[--nfol];
            }
        }
        for (size_t f = 0; f < nfol; f++) {
            struct print_ctx ctx = {la, fol[f].name};
            log_tailer_poll(&fol[f].t, print_followed, &ctx);
        }
        fflush(stdout);
        sleep_ms(FOLLOW_POLL_MS);
    }
    for (size_t f = 0; f < nfol; f++) {
        free(fol[f].name);
        log_tailer_free(&fol[f].t);
    }
    free(fol);
    return MOTE_EXIT_OK;
}

int cmd_logs(int argc, char **argv)
{
    struct opts o;
    struct logs_args la = {.tail = -1};
    char err[SPEC_ERR_LEN];
    const char *val;
    int id;
    opts_init(&o, "logs", logs_opts, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        switch (id) {
        case OPT_FOLLOW: la.follow = true; break;
        case OPT_TIMESTAMPS: la.timestamps = true; break;
        case OPT_SYSLOG: la.syslog = true; break;
        case OPT_ALL: la.all = true; break;
        case OPT_TAIL: {
            char *end;
            errno = 0;
            long v = strtol(val, &end, 10);
            if (strcmp(val, "all") == 0)
                v = -1;
            else if (*end || end == val || v < 0 || errno)
                usage_error("logs", "bad --tail '%s': expected a number of lines or all", val);
            la.tail = v;
            break;
        }
        case OPT_SINCE:
            if (spec_parse_since(val, time_now_ns(), &la.since_ns, err) != 0)
                usage_error("logs", "%s", err);
            break;
        case 'h': help_exit("logs");
        }
    }
    if (la.all && o.npos)
        usage_error("logs", "--all shows every instance: give no NAME with it");
    if (!la.all && o.npos != 1)
        usage_error("logs", "expected one instance NAME, or --all");
    if (!la.all && spec_check_name(o.pos[0], err) != 0)
        usage_error("logs", "%s", err);
    struct sigaction sa = {.sa_handler = on_stop};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int status = la.all ? logs_all(&la) : logs_one(o.pos[0], &la);
    opts_free(&o);
    return status;
}
