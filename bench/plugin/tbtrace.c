// SPDX-License-Identifier: MIT
/*
 * tbtrace: a QEMU TCG plugin that notes every translation block QEMU makes,
 * in order, with the host's clock: where a boot's wall time goes under TCG,
 * which translates each block the first time it runs (bench/boot.py).
 *
 *   qemu-system-aarch64 -M virt -smp 1 ... -plugin build/bench/libtbtrace.so,sock=/tmp/t.sock
 *   echo dump | socat - UNIX-CONNECT:/tmp/t.sock
 *
 * dump prints "start <ns>" (the plugin's install, CLOCK_MONOTONIC, the clock
 * Python's time.monotonic() reads), one line "tb <ns> <vaddr> <insns>" per
 * translation since then, in the order QEMU made them (the time is when the
 * translation began; the guest runs the block right after), "lost <n>" when
 * more were made than the buffer holds, and "end". The guest's own addresses
 * are printed as they are: an image that moves itself (ASLR) shows two
 * ranges, and the reader subtracts the slide.
 *
 * No instruction is instrumented (only the translation callback is
 * registered), so the blocks QEMU makes are the ones it makes without the
 * plugin; each costs a clock read more. One writer, the vCPU thread (-smp 1
 * is required); the socket thread reads entries below the count it loads with
 * acquire ordering, which the writer stores with release after filling them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <qemu/qemu-plugin.h>

#include "plugin_socket.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define ARG_SOCK    "sock="
#define CMD_MAX     16
#define MAX_ENTRIES (1u << 20) /* a boot makes a few thousand; 24 MiB at most */
#define NS_PER_S    1000000000ull

struct entry {
    uint64_t ns, vaddr;
    uint64_t insns;
};

static struct entry *entries;
static uint64_t nentries; /* entries[0, nentries) are filled */
static uint64_t lost;
static uint64_t start_ns;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * NS_PER_S + (uint64_t)ts.tv_nsec;
}

static void on_tb_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    uint64_t n = __atomic_load_n(&nentries, __ATOMIC_RELAXED);
    if (n >= MAX_ENTRIES) {
        __atomic_store_n(&lost, lost + 1, __ATOMIC_RELAXED);
        return;
    }
    entries[n] = (struct entry){now_ns(), qemu_plugin_tb_vaddr(tb), qemu_plugin_tb_n_insns(tb)};
    __atomic_store_n(&nentries, n + 1, __ATOMIC_RELEASE);
}

static void serve(int fd)
{
    char cmd[CMD_MAX];
    plugin_socket_read_line(fd, cmd, sizeof(cmd));
    FILE *out = fdopen(fd, "w");
    if (!out) {
        fprintf(stderr, "tbtrace: cannot answer a reader\n");
        return;
    }
    if (strcmp(cmd, "dump") == 0) {
        uint64_t n = __atomic_load_n(&nentries, __ATOMIC_ACQUIRE);
        fprintf(out, "start %" PRIu64 "\n", start_ns);
        for (uint64_t i = 0; i < n; i++)
            fprintf(out, "tb %" PRIu64 " 0x%" PRIx64 " %" PRIu64 "\n", entries[i].ns,
                    entries[i].vaddr, entries[i].insns);
        uint64_t dropped = __atomic_load_n(&lost, __ATOMIC_RELAXED);
        if (dropped)
            fprintf(out, "lost %" PRIu64 "\n", dropped);
        fputs("end\n", out);
    } else {
        fprintf(out, "error: unknown command '%s'; expected dump\n", cmd);
    }
    fclose(out);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
    const char *path = NULL;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], ARG_SOCK, strlen(ARG_SOCK)) == 0 && argv[i][strlen(ARG_SOCK)]) {
            path = argv[i] + strlen(ARG_SOCK);
        } else {
            fprintf(stderr, "tbtrace: unknown argument '%s'; expected sock=PATH\n", argv[i]);
            return -1;
        }
    }
    if (!path) {
        fprintf(stderr, "tbtrace: expected sock=PATH (the Unix socket to dump on)\n");
        return -1;
    }
    if (info->system_emulation && info->system.max_vcpus != 1) {
        fprintf(stderr, "tbtrace: one vCPU only; run QEMU with -smp 1 (got %d)\n",
                info->system.max_vcpus);
        return -1;
    }
    entries = calloc(MAX_ENTRIES, sizeof(*entries));
    if (!entries) {
        fprintf(stderr, "tbtrace: no memory for %u entries\n", MAX_ENTRIES);
        return -1;
    }
    start_ns = now_ns();
    if (plugin_socket_start(id, "tbtrace", path, serve) != 0)
        return -1;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_translate);
    return 0;
}
