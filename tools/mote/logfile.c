// SPDX-License-Identifier: MIT
/* Log files, see logfile.h. */
#include "tools/mote/logfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/mote/spec.h"
#include "tools/mote/util.h"

void logfile_parse_line(const char *line, size_t len, struct log_record *r)
{
    char ts[TIME_STR_LEN + 1];
    const char *sp = memchr(line, ' ', len);
    r->ns = 0;
    r->text = line;
    r->len = len;
    if (!sp || (size_t)(sp - line) > TIME_STR_LEN)
        return;
    memcpy(ts, line, (size_t)(sp - line));
    ts[sp - line] = '\0';
    if (spec_parse_time(ts, &r->ns) != 0) {
        r->ns = 0;
        return;
    }
    r->text = sp + 1;
    r->len = len - (size_t)(sp + 1 - line);
}

void log_tailer_init(struct log_tailer *t, const char *path, off_t off)
{
    t->path = xstrdup(path);
    t->off = off;
    t->partial = (struct strbuf)STRBUF_INIT;
}

int log_tailer_poll(struct log_tailer *t, logfile_line_fn fn, void *arg)
{
    int fd = open(t->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    int lines = 0;
    char buf[65536];
    for (;;) {
        ssize_t n = pread(fd, buf, sizeof(buf), t->off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        t->off += n;
        sb_add(&t->partial, buf, (size_t)n);
        /* hand over every whole line; keep the unfinished end for the next call */
        size_t start = 0;
        for (size_t i = 0; i < t->partial.len; i++) {
            if (t->partial.s[i] != '\n')
                continue;
            struct log_record r;
            logfile_parse_line(t->partial.s + start, i - start, &r);
            fn(&r, arg);
            lines++;
            start = i + 1;
        }
        size_t rest = t->partial.len - start;
        memmove(t->partial.s, t->partial.s + start, rest);
        t->partial.len = rest;
        t->partial.s[rest] = '\0';
    }
    close(fd);
    return lines;
}

void log_tailer_free(struct log_tailer *t)
{
    free(t->path);
    sb_free(&t->partial);
}
