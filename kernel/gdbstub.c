// SPDX-License-Identifier: MIT
/* The GDB stub's glue: boot argument, transports, entries; see gdbstub.h. */
#include "kernel/gdbstub.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/error.h>
#include <mote/log.h>
#include <mote/system.h>

#include "arch/aarch64/aslr.h"
#include "arch/aarch64/cpu.h"
#include "arch/aarch64/esr.h"
#include "arch/aarch64/gdb_arch.h"
#include "kernel/console.h"
#include "kernel/gdb_transport.h"
#include "kernel/event.h"
#include "lib/gdb/gdb.h"

#define TRANSPORTS_MAX 4
#define INBUF          1024 /* bytes that arrived while the image ran, for the stub */
#define RSP_INTERRUPT  0x03
#define RSP_START      '$'
#define EXIT_KILLED    137 /* "k": as a shell reports a process killed by SIGKILL */
#define STRINGIFY(x)   #x
#define XSTRINGIFY(x)  STRINGIFY(x)

static const struct gdb_transport *transports[TRANSPORTS_MAX];

int gdb_transport_register(const struct gdb_transport *t)
{
    for (unsigned i = 0; i < TRANSPORTS_MAX; i++) {
        if (transports[i] && strcmp(transports[i]->name, t->name) == 0)
            return -EEXIST;
        if (!transports[i]) {
            transports[i] = t;
            return 0;
        }
    }
    return -ENOSPC;
}

static const struct gdb_transport *transport_find(const char *name)
{
    for (unsigned i = 0; i < TRANSPORTS_MAX && transports[i]; i++)
        if (strcmp(transports[i]->name, name) == 0)
            return transports[i];
    return NULL;
}

enum stop_request { REQUEST_NONE, REQUEST_INTERRUPT };

static struct {
    const struct gdb_transport *tp;
    bool wait;
    bool active;   /* the stub has the CPU */
    bool attached; /* gdb resumed us and waits for a stop reply */
    volatile enum stop_request request;
    uint8_t inbuf[INBUF]; /* received while running, not yet read by the protocol */
    size_t in_len, in_pos;
    struct gdb_arch_regs regs;
    struct gdb_session session;
} stub;

/* The target for lib/gdb */

static int t_getc(void *ctx)
{
    (void)ctx;
    for (;;) {
        if (stub.in_pos < stub.in_len)
            return stub.inbuf[stub.in_pos++];
        stub.in_pos = stub.in_len = 0;
        stub.in_len = stub.tp->read(stub.inbuf, sizeof(stub.inbuf));
        if (stub.in_len)
            continue;
        if (!stub.tp->connected())
            return -1;
        /* Sleep until a device interrupts (masked: it only wakes us). The timer is held. */
        if (stub.tp->quiet())
            cpu_wait_for_interrupt();
    }
}

static void t_write(void *ctx, const void *data, size_t len)
{
    (void)ctx;
    stub.tp->write(data, len);
}

static int t_reg_read(void *ctx, unsigned regno, uint8_t *buf)
{
    (void)ctx;
    return gdb_arch_reg_read(&stub.regs, regno, buf);
}

static int t_reg_write(void *ctx, unsigned regno, const uint8_t *buf, size_t len)
{
    (void)ctx;
    return gdb_arch_reg_write(&stub.regs, regno, buf, len);
}

static size_t t_mem_read(void *ctx, uint64_t addr, uint8_t *buf, size_t len)
{
    (void)ctx;
    return gdb_arch_mem_read(addr, buf, len);
}

static int t_mem_write(void *ctx, uint64_t addr, const uint8_t *buf, size_t len)
{
    (void)ctx;
    return gdb_arch_mem_write(addr, buf, len);
}

static int t_breakpoint(void *ctx, enum gdb_bp_type type, uint64_t addr, uint64_t kind, bool insert)
{
    (void)ctx;
    return gdb_arch_breakpoint(type, addr, kind, insert);
}

static const char *t_features(void *ctx, const char *annex)
{
    (void)ctx;
    return gdb_arch_features(annex);
}

static uint64_t t_load_offset(void *ctx)
{
    (void)ctx;
    return aslr_slide();
}

static const struct gdb_target target = {
    .getc = t_getc,
    .write = t_write,
    .nregs = GDB_AARCH64_NREGS,
    .reg_read = t_reg_read,
    .reg_write = t_reg_write,
    .mem_read = t_mem_read,
    .mem_write = t_mem_write,
    .breakpoint = t_breakpoint,
    .features = t_features,
    .load_offset = t_load_offset,
};

/* The stop itself */

#define CNTV_CTL_IMASK (1ul << 1) /* the virtual timer's output masked (D13.8.17) */

/* Serves gdb until it resumes the code. Returns the action that ended the stop. */
static enum gdb_action stop_here(struct trap_frame *frame, const struct gdb_stop *stop)
{
    /* First of all: the FP/SIMD registers are the stopped code's (libc may use them). */
    fpsimd_save(&stub.regs.fp);
    stub.regs.frame = frame;
    stub.active = true;
    uint64_t timer_ctl = sysreg_read(cntv_ctl_el0);
    sysreg_write(cntv_ctl_el0, timer_ctl | CNTV_CTL_IMASK); /* a due timer would keep waking us */
    gdb_arch_step_done(frame);

    /* A crash or a wait with no debugger on the line yet: wait for one. */
    while (!stub.tp->connected()) {
        uint8_t none;
        if (stub.tp->read(&none, 0) == 0 && stub.tp->quiet())
            cpu_wait_for_interrupt();
    }
    enum gdb_action action = gdb_serve(&stub.session, stop, stub.attached);
    /* Told to go on by a debugger that has gone meanwhile: nobody would see the next stop. */
    if ((action == GDB_CONTINUE || action == GDB_STEP) && !stub.tp->connected())
        action = GDB_DISCONNECTED;
    switch (action) {
    case GDB_CONTINUE:
    case GDB_STEP:
        stub.attached = true;
        if (stub.session.has_resume_addr)
            frame->elr = stub.session.resume_addr;
        gdb_arch_resume(frame);
        if (action == GDB_STEP)
            gdb_arch_step(frame);
        break;
    case GDB_DETACH:
    case GDB_DISCONNECTED:
        stub.attached = false;
        gdb_arch_clear_all();
        gdb_arch_resume(frame);
        gdb_session_init(&stub.session, &target); /* the next debugger starts afresh */
        break;
    case GDB_KILL: console_printf("\ngdb: killed by the debugger\n"); mote_exit(EXIT_KILLED);
    }
    sysreg_write(cntv_ctl_el0, timer_ctl);
    stub.active = false;
    /* After active: the transport may ask for the next stop (a debugger heard mid-stop). */
    if (stub.tp->resume)
        stub.tp->resume();
    fpsimd_restore(&stub.regs.fp);
    return action;
}

bool gdbstub_trap(struct trap_frame *frame)
{
    if (!stub.tp || stub.active || !gdb_arch_is_debug_trap(frame))
        return false;
    struct gdb_stop stop;
    gdb_arch_stop_reason(frame, &stop);
    if (!stub.attached && ESR_EC(frame->esr) == ESR_EC_BRK64)
        console_printf("gdb: stopped; waiting for the debugger on %s\n", stub.tp->label);
    stop_here(frame, &stop);
    return true;
}

void gdbstub_irq_exit(struct trap_frame *frame)
{
    if (!stub.tp || stub.active || stub.request == REQUEST_NONE)
        return;
    stub.request = REQUEST_NONE;
    struct gdb_stop stop = {.signal = GDB_SIGINT};
    stop_here(frame, &stop);
}

void gdbstub_loop_irq_exit(void)
{
    if (!stub.tp || stub.active || stub.request == REQUEST_NONE)
        return;
    stub.request = REQUEST_NONE;
    /* The registers to show are the loop's own: a BRK saves them as any exception does. */
    __asm__ volatile("brk #" XSTRINGIFY(GDB_BRK_INTERRUPT));
}

bool gdbstub_attached(void)
{
    return stub.tp && stub.attached;
}

bool gdbstub_crash(struct trap_frame *frame)
{
    if (!stub.tp || stub.active)
        return false; /* no stub, or the stub itself faulted */
    struct gdb_stop stop;
    gdb_arch_stop_reason(frame, &stop);
    if (!stub.attached)
        console_printf("gdb: crashed; waiting for the debugger on %s\n", stub.tp->label);
    enum gdb_action action = stop_here(frame, &stop);
    return action == GDB_CONTINUE || action == GDB_STEP;
}

/*
 * Interrupt context: bytes arrived while the image runs. Ctrl-C asks for a
 * stop; a '$' from a debugger that is not attached yet (a new gdb) too, and
 * its bytes stay for the protocol. Anything else is noise.
 */
static void received(const uint8_t *data, size_t len)
{
    if (stub.active)
        return;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == RSP_INTERRUPT) {
            stub.request = REQUEST_INTERRUPT;
        } else if (data[i] == RSP_START || stub.in_len) {
            if (!stub.attached)
                stub.request = REQUEST_INTERRUPT;
            if (stub.in_len < sizeof(stub.inbuf))
                stub.inbuf[stub.in_len++] = data[i];
        }
    }
}

/*
 * Loop context: a debugger connected or sent Ctrl-C. That may be seen deep
 * inside the network stack's input path; the stop happens at the loop's next
 * turn instead, from an event of its own, so the stub never polls the
 * transport from inside its own input.
 */
static int stop_event = -1;

static void stop_now(void *arg)
{
    (void)arg;
    __asm__ volatile("brk #" XSTRINGIFY(GDB_BRK_INTERRUPT));
}

static void stop_soon(void)
{
    if (!stub.active && stop_event >= 0)
        event_raise(stop_event);
}

/*
 * Loop context: the debugger's connection ended while the image ran
 * (gdb killed without detaching): its breakpoints must not stop the image
 * for a debugger that is not coming back.
 */
static void gone(void)
{
    if (stub.active)
        return;
    gdb_arch_clear_all();
    stub.attached = false;
    gdb_session_init(&stub.session, &target);
}

static const struct gdb_transport_events events = {
    .received = received,
    .stop = stop_soon,
    .gone = gone,
};

static void log_not_understood(const struct debug_args *d)
{
    mote_log(MOTE_LOG_ERROR,
             "gdb: gdb=%s not understood; expected gdb=serial or gdb=tcp:[ADDR:]PORT, "
             "optionally followed by ,wait",
             d->gdb_raw);
}

/* Says why gdb=NAME cannot be served: no transport of that name in this image. */
static void log_missing(const struct debug_args *d)
{
    if (strcmp(d->gdb_transport, "serial") == 0)
        mote_log(MOTE_LOG_ERROR, "gdb: gdb=serial needs the board's debug port, which is not there "
                                 "(docs/debugging.md says how each board offers it)");
    else if (strcmp(d->gdb_transport, "tcp") == 0)
        mote_log(MOTE_LOG_ERROR, "gdb: gdb=tcp needs the network, and this service does not "
                                 "use it; use gdb=serial");
    else
        log_not_understood(d);
}

void gdbstub_init(const struct debug_args *d)
{
    if (d->gdb == DEBUG_ARG_ABSENT)
        return;
    if (d->gdb == DEBUG_ARG_BAD) {
        log_not_understood(d);
        return;
    }
    const struct gdb_transport *tp = transport_find(d->gdb_transport);
    if (!tp) {
        log_missing(d);
        return;
    }
    int err = gdb_arch_init();
    if (err) {
        mote_log(MOTE_LOG_ERROR, "gdb: cannot map the code for breakpoints: %s",
                 mote_strerror(err));
        return;
    }
    gdb_session_init(&stub.session, &target);
    stop_event = event_source_add(stop_now, NULL);
    err = stop_event < 0 ? stop_event : tp->open(d->gdb_has_param ? d->gdb_param : NULL, &events);
    if (err == -EINVAL) {
        log_not_understood(d);
        return;
    }
    if (err) {
        mote_log(MOTE_LOG_ERROR, "gdb: cannot start the %s transport: %s", tp->label,
                 mote_strerror(err));
        return;
    }
    stub.wait = d->gdb_wait;
    stub.tp = tp;
    mote_log(MOTE_LOG_INFO, "gdb: stub on %s, %u hardware breakpoints, %u watchpoints%s", tp->label,
             gdb_arch_hw_breakpoints(), gdb_arch_hw_watchpoints(),
             stub.wait ? ", waiting for gdb before the service starts" : "");
}

void gdbstub_wait(void)
{
    if (!stub.tp || !stub.wait)
        return;
    __asm__ volatile("brk #" XSTRINGIFY(GDB_BRK_ATTACH));
}
