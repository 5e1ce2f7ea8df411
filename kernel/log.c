// SPDX-License-Identifier: MIT
/* mote_log: timestamped, levelled lines on the console (include/mote/log.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include <mote/log.h>
#include <mote/time.h>

#include "kernel/console.h"
#include "kernel/log.h"

#define LOG_LINE_MAX 512

static enum mote_log_level threshold = MOTE_LOG_INFO;
static void (*sink)(enum mote_log_level level, const char *msg, size_t len);

static void (*file_sink)(const char *line, size_t len);

void log_set_sink(void (*fn)(enum mote_log_level level, const char *msg, size_t len))
{
    sink = fn;
}

void log_set_file_sink(void (*fn)(const char *line, size_t len))
{
    file_sink = fn;
}

static const char *const level_names[] = {
    [MOTE_LOG_ERROR] = "error",
    [MOTE_LOG_WARN] = "warn",
    [MOTE_LOG_INFO] = "info",
    [MOTE_LOG_DEBUG] = "debug",
};

int mote_log_set_level(enum mote_log_level level)
{
    if ((unsigned)level > MOTE_LOG_DEBUG)
        return -EINVAL;
    threshold = level;
    return 0;
}

void mote_log(enum mote_log_level level, const char *fmt, ...)
{
    char line[LOG_LINE_MAX];
    if ((unsigned)level > (unsigned)threshold)
        return;
    uint64_t ns = mote_time_ns();
    int n = snprintf(line, sizeof(line),
                     "[%5llu.%06llu] %s: ", (unsigned long long)(ns / MOTE_NS_PER_S),
                     (unsigned long long)(ns % MOTE_NS_PER_S / MOTE_NS_PER_US), level_names[level]);
    va_list ap;
    va_start(ap, fmt);
    int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
    va_end(ap);
    if (m < 0)
        m = 0;
    size_t len =
        (size_t)n +
        ((size_t)m < sizeof(line) - (size_t)n - 1 ? (size_t)m : sizeof(line) - (size_t)n - 2);
    if (sink)
        sink(level, line + n, len - (size_t)n);
    line[len++] = '\n';
    console_write(line, len);
    if (file_sink)
        file_sink(line, len);
}
