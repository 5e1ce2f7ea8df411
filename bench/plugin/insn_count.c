// SPDX-License-Identifier: MIT
/*
 * insn_count: a QEMU TCG plugin that counts the guest instructions the vCPU
 * executes, and tells the count to whoever connects to a Unix socket.
 *
 *   qemu-system-aarch64 ... -smp 1 -plugin build/bench/libinsn.so,sock=/tmp/x.sock
 *   qemu-system-aarch64 -M raspi3b -accel tcg,thread=single \
 *       -plugin build/bench/libinsn.so,sock=/tmp/x.sock,single_thread=on
 *   socat - UNIX-CONNECT:/tmp/x.sock      ->  "insns 123456789\n"
 *
 * Counting: at translation time every instruction of a block gets an inline
 * "add 1 to the counter" placed before it (QEMU_PLUGIN_INLINE_ADD_U64), so
 * the count is exact: an instruction is counted each time it starts, also
 * when a block is left early (an exception, an I/O access that ends the
 * block); one that faults and is retried counts twice, as it ran twice. A
 * per-block add of the block's length would be cheaper but wrong whenever a
 * block does not run to its end. Only TCG runs plugins (not KVM).
 *
 * Reading: a thread accepts connections on the socket and writes the
 * counter's current value on each, then closes it. The counter has one
 * writer, the one vCPU thread (the plugin refuses -smp above 1, because
 * inline adds from two vCPU threads to one word would race), and an aligned
 * 64-bit load sees either the old or the new value, so no lock is needed.
 * A board whose vCPU count is fixed above 1 (raspi3b's four) is counted with
 * every vCPU in one thread, round-robin (-accel tcg,thread=single): still one
 * writer at a time. QEMU does not tell a plugin its threading, so the caller
 * says so with single_thread=on; the count is then all vCPUs' together.
 * The benchmark reads it twice, before and after its queries, with the guest
 * idle both times (bench/dns_cpu.py), and takes the difference.
 *
 * The API is QEMU's qemu-plugin.h (version 1, QEMU 7.2), taken from Debian's
 * qemu source package by scripts/setup.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <qemu/qemu-plugin.h>

#include "plugin_socket.h"

QEMU_PLUGIN_EXPORT int qemu_plugin_version = QEMU_PLUGIN_VERSION;

#define SOCK_ARG   "sock="
#define SINGLE_ARG "single_thread=on"

static uint64_t insn_count;

static void on_tb_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    (void)id;
    size_t n = qemu_plugin_tb_n_insns(tb);
    for (size_t i = 0; i < n; i++) {
        struct qemu_plugin_insn *insn = qemu_plugin_tb_get_insn(tb, i);
        qemu_plugin_register_vcpu_insn_exec_inline(insn, QEMU_PLUGIN_INLINE_ADD_U64, &insn_count,
                                                   1);
    }
}

/* Answers a connection with the current count. */
static void serve_count(int fd)
{
    char line[40];
    int len = snprintf(line, sizeof(line), "insns %" PRIu64 "\n",
                       __atomic_load_n(&insn_count, __ATOMIC_RELAXED));
    /* A reader that went away is its own problem; the count goes on. */
    if (write(fd, line, (size_t)len) != len)
        fprintf(stderr, "insn_count: short write to a reader\n");
    close(fd);
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
    const char *path = NULL;
    int single_thread = 0;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], SOCK_ARG, strlen(SOCK_ARG)) == 0 && argv[i][strlen(SOCK_ARG)])
            path = argv[i] + strlen(SOCK_ARG);
        else if (strcmp(argv[i], SINGLE_ARG) == 0)
            single_thread = 1;
        else {
            fprintf(stderr,
                    "insn_count: unknown argument '%s'; expected sock=PATH[,single_thread=on]\n",
                    argv[i]);
            return -1;
        }
    }
    if (!path) {
        fprintf(stderr, "insn_count: expected sock=PATH (the Unix socket to report on)\n");
        return -1;
    }
    if (info->system_emulation && info->system.max_vcpus != 1 && !single_thread) {
        fprintf(stderr,
                "insn_count: counts one vCPU thread only; run QEMU with -smp 1 (got %d), or "
                "with -accel tcg,thread=single and single_thread=on\n",
                info->system.max_vcpus);
        return -1;
    }

    if (plugin_socket_start(id, "insn_count", path, serve_count) != 0)
        return -1;
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_tb_translate);
    return 0;
}
