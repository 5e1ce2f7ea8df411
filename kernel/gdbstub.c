// SPDX-License-Identifier: MIT
/* The GDB stub's glue: boot argument, transports, entries; see gdbstub.h. */
#include "kernel/gdbstub.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>
#include <mote/system.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/esr.h"
#include "arch/aarch64/gdb_arch.h"
#include "kernel/console.h"
#include "kernel/debugport.h"
#include "kernel/event.h"
#include "lib/gdb/gdb.h"
#include "net/gdb_tcp.h"

#define ARG_MAX       32
#define INBUF         1024 /* bytes that arrived while the image ran, for the stub */
#define RSP_INTERRUPT 0x03
#define RSP_START     '$'
#define EXIT_KILLED   137 /* "k": as a shell reports a process killed by SIGKILL */
#define STRINGIFY(x)  #x
#define XSTRINGIFY(x) STRINGIFY(x)

/* A byte pipe to gdb, polled while the image is stopped. */
struct transport {
    const char *name;
    size_t (*read)(uint8_t *buf, size_t len); /* what arrived, without waiting */
    int (*write)(const void *data, size_t len);
    bool (*connected)(void); /* a debugger is on the other end (serial: always) */
    bool (*quiet)(void);     /* before a wfi: acknowledges the device; false: do not sleep */
    void (*resume)(void);    /* the image runs again (or NULL) */
};

static bool serial_connected(void)
{
    return true;
}

/* The serial transport is the debug port; its name says which device that is. */
static char serial_name[ARG_MAX] = "serial";

static size_t serial_read(uint8_t *buf, size_t len)
{
    return debugport_get()->read(buf, len);
}

static int serial_write(const void *data, size_t len)
{
    return debugport_get()->write(data, len);
}

static bool serial_quiet(void)
{
    return debugport_get()->quiet();
}

static const struct transport serial = {
    .name = serial_name,
    .read = serial_read,
    .write = serial_write,
    .connected = serial_connected,
    .quiet = serial_quiet,
};

static const struct transport tcp = {
    .name = "TCP",
    .read = gdb_tcp_read,
    .write = gdb_tcp_write,
    .connected = gdb_tcp_connected,
    .quiet = gdb_tcp_quiet,
    .resume = gdb_tcp_resume,
};

enum stop_request { REQUEST_NONE, REQUEST_INTERRUPT };

static struct {
    const struct transport *tp;
    uint16_t tcp_port;
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
    if (stub.tp->resume)
        stub.tp->resume();
    sysreg_write(cntv_ctl_el0, timer_ctl);
    stub.active = false;
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
        console_printf("gdb: stopped; waiting for the debugger on %s\n", stub.tp->name);
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
        console_printf("gdb: crashed; waiting for the debugger on %s\n", stub.tp->name);
    enum gdb_action action = stop_here(frame, &stop);
    return action == GDB_CONTINUE || action == GDB_STEP;
}

/*
 * Interrupt context, serial: bytes arrived while the image runs. Ctrl-C
 * asks for a stop; a '$' from a debugger that is not attached yet (a new
 * gdb) too, and its bytes stay for the protocol. Anything else is noise.
 */
static void serial_received(void)
{
    if (stub.active)
        return;
    uint8_t buf[64];
    size_t n;
    while ((n = serial_read(buf, sizeof(buf))) > 0) {
        for (size_t i = 0; i < n; i++) {
            if (buf[i] == RSP_INTERRUPT) {
                stub.request = REQUEST_INTERRUPT;
            } else if (buf[i] == RSP_START || stub.in_len) {
                if (!stub.attached)
                    stub.request = REQUEST_INTERRUPT;
                if (stub.in_len < sizeof(stub.inbuf))
                    stub.inbuf[stub.in_len++] = buf[i];
            }
        }
    }
}

/*
 * TCP: a debugger connected or sent Ctrl-C. That is seen deep inside lwIP's
 * input path; the stop happens at the loop's next turn instead, from an
 * event of its own, so the stub never polls lwIP from inside its TCP input.
 */
static int stop_event = -1;

static void stop_now(void *arg)
{
    (void)arg;
    __asm__ volatile("brk #" XSTRINGIFY(GDB_BRK_INTERRUPT));
}

static void tcp_event(void)
{
    if (!stub.active && stop_event >= 0)
        event_raise(stop_event);
}

/*
 * Loop context, TCP: the debugger's connection ended while the image ran
 * (gdb killed without detaching): its breakpoints must not stop the image
 * for a debugger that is not coming back.
 */
static void tcp_gone(void)
{
    if (stub.active)
        return;
    gdb_arch_clear_all();
    stub.attached = false;
    gdb_session_init(&stub.session, &target);
}

/* gdb=serial[,wait] or gdb=tcp:PORT[,wait]; returns 0 or -EINVAL. */
static int parse(const char *val)
{
    char buf[ARG_MAX];
    strncpy(buf, val, sizeof(buf) - 1);
    buf[sizeof(buf) - 1] = '\0';
    char *comma = strchr(buf, ',');
    if (comma) {
        if (strcmp(comma + 1, "wait") != 0)
            return -EINVAL;
        stub.wait = true;
        *comma = '\0';
    }
    if (strcmp(buf, "serial") == 0) {
        stub.tp = &serial;
        return 0;
    }
    if (strncmp(buf, "tcp:", 4) == 0 && buf[4]) {
        char *end;
        unsigned long port = strtoul(buf + 4, &end, 10);
        if (*end || port == 0 || port > UINT16_MAX || buf[4] < '0' || buf[4] > '9')
            return -EINVAL;
        stub.tp = &tcp;
        stub.tcp_port = (uint16_t)port;
        return 0;
    }
    return -EINVAL;
}

void gdbstub_init(const char *args)
{
    char val[ARG_MAX];
    int len = mote_arg_get(args, "gdb", val, sizeof(val));
    if (len == -ENOENT)
        return;
    if (len < 0 || parse(val) != 0) {
        stub.tp = NULL;
        stub.wait = false;
        mote_log(MOTE_LOG_ERROR,
                 "gdb: gdb=%s not understood; expected gdb=serial or gdb=tcp:PORT, "
                 "optionally followed by ,wait",
                 len < 0 ? "(too long)" : val);
        return;
    }
    if (stub.tp == &serial && !debugport_get()) {
        mote_log(MOTE_LOG_ERROR, "gdb: gdb=serial needs the board's debug port, which is not there "
                                 "(docs/debugging.md says how each board offers it)");
        stub.tp = NULL;
        return;
    }
    int err = gdb_arch_init();
    if (err) {
        mote_log(MOTE_LOG_ERROR, "gdb: cannot map the code for breakpoints: error %d", err);
        stub.tp = NULL;
        return;
    }
    gdb_session_init(&stub.session, &target);
    if (stub.tp == &serial) {
        snprintf(serial_name, sizeof(serial_name), "serial (%s)", debugport_get()->name);
        debugport_get()->on_receive(serial_received);
    }
    if (stub.tp == &tcp) {
        stop_event = event_source_add(stop_now, NULL);
        err = stop_event < 0 ? stop_event : gdb_tcp_listen(stub.tcp_port, tcp_event, tcp_gone);
        if (err) {
            mote_log(MOTE_LOG_ERROR, "gdb: cannot listen on TCP port %u: error %d%s",
                     (unsigned)stub.tcp_port, err,
                     err == -ENOSYS ? " (the network device cannot be polled)" : "");
            stub.tp = NULL;
            return;
        }
    }
    mote_log(MOTE_LOG_INFO, "gdb: stub on %s, %u hardware breakpoints, %u watchpoints%s",
             stub.tp->name, gdb_arch_hw_breakpoints(), gdb_arch_hw_watchpoints(),
             stub.wait ? ", waiting for gdb before the service starts" : "");
}

void gdbstub_wait(void)
{
    if (!stub.tp || !stub.wait)
        return;
    __asm__ volatile("brk #" XSTRINGIFY(GDB_BRK_ATTACH));
}
