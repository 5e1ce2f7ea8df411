// SPDX-License-Identifier: MIT
/*
 * hello: the smallest useful Mote service. It says what it booted on, ticks a
 * periodic timer (ticks=N times, every interval_ms=M), and echoes console
 * input back line by line. Commands: "exit" stops the machine with status 0,
 * "mem" shows memory use, "oom" allocates 1 MiB blocks until malloc fails,
 * then frees them and checks the heap is usable again, "fpspin MS" holds
 * patterns in the FP/SIMD registers across interrupts for MS ms (fpspin.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>

#include "fpspin.h"

#define DEFAULT_TICKS       5
#define DEFAULT_INTERVAL_MS 1000
#define INPUT_LINE_MAX      128
#define OOM_BLOCK           (1 << 20) /* bytes per allocation of the oom command */
#define FPSPIN_CMD          "fpspin "
#define FPSPIN_MAX_MS       60000

static uint64_t ticks_left;
static int tick_timer;
static char line[INPUT_LINE_MAX];
static size_t line_len;

static void tick(void *arg)
{
    static unsigned n;
    (void)arg;
    mote_log(MOTE_LOG_INFO, "tick %u", ++n);
    if (--ticks_left == 0) {
        mote_timer_cancel(tick_timer);
        mote_log(MOTE_LOG_INFO, "ticks done");
    }
}

struct block {
    struct block *next;
};

static void exhaust_heap(void)
{
    struct block *list = NULL;
    unsigned mib = 0;
    for (struct block *b; (b = malloc(OOM_BLOCK)); mib++) {
        memset(b, 0xa5, OOM_BLOCK); /* touch it all: the memory is really there */
        b->next = list;
        list = b;
    }
    while (list) {
        struct block *next = list->next;
        free(list);
        list = next;
    }
    void *again = malloc(OOM_BLOCK);
    printf("oom: %u MiB allocated before malloc returned NULL; after freeing, malloc %s\n", mib,
           again ? "works again" : "FAILED");
    free(again);
}

static void on_line(void)
{
    line[line_len] = '\0';
    if (strcmp(line, "exit") == 0)
        mote_exit(0);
    if (strcmp(line, "oom") == 0)
        exhaust_heap();
    if (strncmp(line, FPSPIN_CMD, strlen(FPSPIN_CMD)) == 0) {
        char *end;
        unsigned long ms = strtoul(line + strlen(FPSPIN_CMD), &end, 10);
        if (*end || ms == 0 || ms > FPSPIN_MAX_MS)
            printf("fpspin: expected milliseconds, 1 to %d\n", FPSPIN_MAX_MS);
        else
            fpspin(ms);
    }
    if (strcmp(line, "mem") == 0) {
        struct mote_meminfo m;
        mote_meminfo(&m);
        printf("heap %llu KiB used of %llu KiB, image %llu KiB\n",
               (unsigned long long)(m.heap_used_bytes >> 10),
               (unsigned long long)(m.heap_bytes >> 10), (unsigned long long)(m.image_bytes >> 10));
    }
    printf("echo: %s\n", line);
    line_len = 0;
}

static void on_input(const char *data, size_t len, void *arg)
{
    (void)arg;
    for (size_t i = 0; i < len; i++) {
        char c = data[i];
        if (c == '\r' || c == '\n') {
            mote_console_write("\n", 1);
            on_line();
        } else if (line_len < INPUT_LINE_MAX - 1) {
            mote_console_write(&c, 1); /* the terminal shows what is typed */
            line[line_len++] = c;
        }
    }
}

void service_start(const char *args)
{
    struct mote_sysinfo sys;
    uint64_t interval_ms = DEFAULT_INTERVAL_MS;
    mote_sysinfo(&sys);
    printf("Hello from Mote on %s: %s x%u, %llu MiB RAM\n", sys.board, sys.cpu, sys.cpus,
           (unsigned long long)(sys.ram_bytes >> 20));

    int64_t wall = mote_wallclock_ns();
    if (wall >= 0)
        mote_log(MOTE_LOG_INFO, "wall clock: %lld s since the epoch",
                 (long long)(wall / (int64_t)MOTE_NS_PER_S));

    ticks_left = DEFAULT_TICKS;
    if (mote_arg_get_u64(args, "ticks", &ticks_left) == -EINVAL)
        mote_log(MOTE_LOG_WARN, "ticks: expected a number; using %d", DEFAULT_TICKS);
    if (mote_arg_get_u64(args, "interval_ms", &interval_ms) == -EINVAL || interval_ms == 0) {
        mote_log(MOTE_LOG_WARN, "interval_ms: expected a number > 0; using %d",
                 DEFAULT_INTERVAL_MS);
        interval_ms = DEFAULT_INTERVAL_MS;
    }
    if (ticks_left > 0) {
        tick_timer = mote_timer_every(interval_ms * MOTE_NS_PER_MS, tick, NULL);
        if (tick_timer < 0)
            mote_log(MOTE_LOG_ERROR, "cannot start the tick timer: %d", tick_timer);
    }
    mote_console_on_input(on_input, NULL);
    mote_log(MOTE_LOG_INFO, "hello: ready, type a line");
}
