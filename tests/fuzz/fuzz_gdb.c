// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the GDB remote serial protocol core (lib/gdb/rsp.c) on any
 * byte stream from the debugger's side, against a fake target with 64 bytes
 * of memory and an AArch64-sized register file. The first byte picks ack or
 * no-ack mode; the stub must answer everything and never read or write
 * outside its buffers (ASan) or trust a length.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "lib/gdb/gdb.h"

#define MEM_BASE 0x40000000u
#define MEM_SIZE 64u
#define NREGS    68

static const uint8_t *in;
static size_t in_len, in_pos;
static uint8_t mem[MEM_SIZE];
static uint8_t regs[NREGS][16];

static int reg_size(unsigned regno)
{
    return regno < 33 ? 8 : regno == 33 || regno >= 66 ? 4 : 16;
}

static int f_getc(void *ctx)
{
    (void)ctx;
    return in_pos < in_len ? in[in_pos++] : -1;
}

static void f_write(void *ctx, const void *data, size_t len)
{
    (void)ctx;
    volatile uint8_t sink = 0;
    for (size_t i = 0; i < len; i++) /* touch every byte: ASan checks the reply's bounds */
        sink ^= ((const uint8_t *)data)[i];
    (void)sink;
}

static int f_reg_read(void *ctx, unsigned regno, uint8_t *buf)
{
    (void)ctx;
    if (regno >= NREGS)
        return -EINVAL;
    memcpy(buf, regs[regno], (size_t)reg_size(regno));
    return reg_size(regno);
}

static int f_reg_write(void *ctx, unsigned regno, const uint8_t *buf, size_t len)
{
    (void)ctx;
    if (regno >= NREGS || len != (size_t)reg_size(regno))
        return -EINVAL;
    memcpy(regs[regno], buf, len);
    return 0;
}

static size_t f_mem_read(void *ctx, uint64_t addr, uint8_t *buf, size_t len)
{
    (void)ctx;
    size_t n = 0;
    while (n < len && addr + n >= MEM_BASE && addr + n < MEM_BASE + MEM_SIZE) {
        buf[n] = mem[addr + n - MEM_BASE];
        n++;
    }
    return n;
}

static int f_mem_write(void *ctx, uint64_t addr, const uint8_t *buf, size_t len)
{
    (void)ctx;
    if (addr < MEM_BASE || len > MEM_SIZE || addr - MEM_BASE > MEM_SIZE - len)
        return -EFAULT;
    memcpy(mem + (addr - MEM_BASE), buf, len);
    return 0;
}

static int f_breakpoint(void *ctx, enum gdb_bp_type type, uint64_t addr, uint64_t kind, bool insert)
{
    (void)ctx;
    (void)insert;
    if (type == GDB_BP_HARDWARE)
        return -ENOSPC;
    return addr & kind & 1 ? -EINVAL : 0;
}

static const char *f_features(void *ctx, const char *annex)
{
    (void)ctx;
    return strcmp(annex, "target.xml") == 0 ? "<target><architecture>aarch64</architecture>"
                                              "</target>"
                                            : NULL;
}

static const struct gdb_target target = {
    .getc = f_getc,
    .write = f_write,
    .nregs = NREGS,
    .reg_read = f_reg_read,
    .reg_write = f_reg_write,
    .mem_read = f_mem_read,
    .mem_write = f_mem_write,
    .breakpoint = f_breakpoint,
    .features = f_features,
};

static struct gdb_session session;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    in = data + 1;
    in_len = size - 1;
    in_pos = 0;
    gdb_session_init(&session, &target);
    session.no_ack = data[0] & 1;
    struct gdb_stop stop = {.signal = GDB_SIGTRAP,
                            .watch = data[0] & 2,
                            .watch_type = (enum gdb_bp_type)(data[0] >> 4),
                            .watch_addr = MEM_BASE};
    /* Every return either consumed input or ended it: bounded by the input's length. */
    while (gdb_serve(&session, &stop, data[0] & 4) != GDB_DISCONNECTED)
        ;
    return 0;
}
