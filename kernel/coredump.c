// SPDX-License-Identifier: MIT
/*
 * ELF core files of a crashed image, see coredump.h. The file's layout is
 * lib/elfcore/elfcore.c; this part collects the crashed state and the memory
 * ranges and streams them over the debug port (kernel/debugport.h).
 */
#include "kernel/coredump.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>
#include <mote/time.h>

#include "arch/aarch64/esr.h"
#include "arch/aarch64/fpsimd.h"
#include "kernel/console.h"
#include "kernel/debugargs.h"
#include "kernel/debugport.h"
#include "kernel/heap.h"
#include "kernel/image.h"
#include "lib/crc32/crc32.h"
#include "lib/elfcore/elfcore.h"

#define CORE_CHUNK  4096
#define CORE_ACK    '+'
#define CORE_ACK_NS (5 * MOTE_NS_PER_S) /* a receiver answers each chunk within this */
/* Linux signal numbers for the stop reason gdb prints ("Program terminated with signal") */
#define SIG_ILL  4
#define SIG_TRAP 5
#define SIG_BUS  7
#define SIG_SEGV 11

static struct {
    const struct debugport *port; /* core=serial: where the core goes */
    struct fpsimd_state fp;
    bool fp_saved;
    struct elfcore_header h; /* static: the exception stack is small */
    struct elfcore_cpu cpu;
    uint32_t crc;
    uint64_t sent;
} core;

void coredump_init(const struct debug_args *d)
{
    if (d->core == DEBUG_ARG_ABSENT)
        return;
    if (d->core == DEBUG_ARG_BAD) {
        mote_log(MOTE_LOG_ERROR, "core: core=%s not understood; expected core=serial", d->core_raw);
        return;
    }
    if (!debugport_get()) {
        mote_log(MOTE_LOG_ERROR,
                 "core: core=serial needs the board's debug port, which is not there "
                 "(docs/debugging.md says how each board offers it)");
        return;
    }
    core.port = debugport_get();
    mote_log(MOTE_LOG_INFO, "core: a crash sends a core file over the %s", core.port->name);
}

void coredump_save_fp(void)
{
    if (core.port && !core.fp_saved) {
        fpsimd_save(&core.fp);
        core.fp_saved = true;
    }
}

/* Waits for the receiver's '+'; false when it does not come in time. */
static bool wait_ack(void)
{
    uint64_t deadline = mote_time_ns() + CORE_ACK_NS;
    while (mote_time_ns() < deadline) {
        uint8_t c;
        if (core.port->read(&c, 1) == 1 && c == CORE_ACK)
            return true;
    }
    return false;
}

/* Sends the stream's bytes in chunks, each acknowledged; false when the receiver went quiet. */
static uint8_t chunk[CORE_CHUNK];
static size_t chunk_len;

static bool flush_chunk(void)
{
    if (chunk_len == 0)
        return true;
    /* Over what is sent: the dump's own state (this buffer, the CRC) is in the BSS it sends. */
    core.crc = crc32_update(core.crc, chunk, chunk_len);
    bool ok = core.port->write(chunk, chunk_len) == 0 && wait_ack();
    chunk_len = 0;
    return ok;
}

static bool emit(const void *data, size_t len)
{
    const uint8_t *p = data;
    core.sent += len;
    while (len) {
        size_t n = CORE_CHUNK - chunk_len < len ? CORE_CHUNK - chunk_len : len;
        memcpy(chunk + chunk_len, p, n);
        chunk_len += n;
        p += n;
        len -= n;
        if (chunk_len == CORE_CHUNK && !flush_chunk())
            return false;
    }
    return true;
}

static bool emit_zeros(uint64_t n)
{
    static const uint8_t zeros[64];
    while (n) {
        size_t k = n < sizeof(zeros) ? (size_t)n : sizeof(zeros);
        if (!emit(zeros, k))
            return false;
        n -= k;
    }
    return true;
}

static int signal_of(uint64_t esr)
{
    switch (ESR_EC(esr)) {
    case ESR_EC_UNKNOWN: /* an undefined instruction */
    case ESR_EC_ILLEGAL_STATE: return SIG_ILL;
    case ESR_EC_PC_ALIGN:
    case ESR_EC_SP_ALIGN: return SIG_BUS;
    case ESR_EC_BRK64: return SIG_TRAP; /* mote_panic */
    default: return SIG_SEGV;           /* aborts, and anything else fatal */
    }
}

void coredump_send(const struct trap_frame *f)
{
    if (!core.port)
        return;
    const struct elfcore_segment seg[] = {
        {(uint64_t)__rodata_end, (uint64_t)(__data_end - __rodata_end)},
        {(uint64_t)__stack_bottom, (uint64_t)(__stack_top - __stack_bottom)},
        {(uint64_t)__exc_stack_bottom, (uint64_t)(__exc_stack_top - __exc_stack_bottom)},
        {heap_base(), heap_reserved()},
    };
    unsigned nseg = sizeof(seg) / sizeof(seg[0]);
    memcpy(core.cpu.x, f->x, sizeof(f->x));
    core.cpu.sp = f->sp;
    core.cpu.pc = f->elr;
    core.cpu.pstate = f->spsr;
    memcpy(core.cpu.v, core.fp.v, sizeof(core.fp.v));
    core.cpu.fpsr = core.fp.fpsr;
    core.cpu.fpcr = core.fp.fpcr;
    core.cpu.signal = signal_of(f->esr);
    uint64_t total = elfcore_build(&core.h, &core.cpu, seg, nseg);

    char line[80];
    int n = snprintf(line, sizeof(line), "\nMOTE-CORE 1 %llu %u\n", (unsigned long long)total,
                     CORE_CHUNK);
    console_printf("core: sending %llu bytes over the %s\n", (unsigned long long)total,
                   core.port->name);
    core.crc = 0;
    core.sent = 0;
    chunk_len = 0;
    uint8_t drain[64];
    while (core.port->read(drain, sizeof(drain)))
        ; /* stale input is not an acknowledgement */
    bool ok = core.port->write(line, (size_t)n) == 0 && emit(&core.h, sizeof(core.h));
    for (unsigned i = 0; ok && i < nseg; i++) {
        const Elf64_Phdr *p = &core.h.phdr[1 + i];
        ok = emit_zeros(p->p_offset - core.sent) && emit((const void *)p->p_vaddr, p->p_filesz);
    }
    ok = ok && flush_chunk();
    if (!ok) {
        console_printf("core: the receiver did not acknowledge; no core written "
                       "(run scripts/mote-core on the %s's socket)\n",
                       core.port->name);
        return;
    }
    n = snprintf(line, sizeof(line), "MOTE-CORE-END %08lx\n", (unsigned long)core.crc);
    core.port->write(line, (size_t)n);
    console_printf("core: sent, %llu bytes\n", (unsigned long long)total);
}
