/* SPDX-License-Identifier: MIT */
/*
 * The GDB stub inside the image (debug images only: make DEBUG=1). The
 * protocol is lib/gdb, the CPU side arch/aarch64/gdb_arch.c, the byte pipes
 * to gdb the registered transports (gdb_transport.h); this is the glue: the
 * boot argument and the ways in:
 *   - a breakpoint, watchpoint or finished step (trap.c, gdbstub_trap),
 *   - Ctrl-C or a new debugger while the image runs (bytes received in an
 *     interrupt: gdbstub_irq_exit, or gdbstub_loop_irq_exit for one the loop
 *     took after its wfi; a TCP connection: a BRK from the loop),
 *   - a crash, after its report (gdbstub_crash: post-mortem),
 *   - gdb=...,wait, before service_start (gdbstub_wait).
 * While the stub has the CPU, the event loop is stopped, interrupts are
 * masked and the transport is polled.
 *
 * Boot argument (kernel/debugargs.h): gdb=serial | gdb=tcp:[ADDR:]PORT, either with ",wait".
 *
 * Release images have no stub: there every function below is an inline
 * no-op (gdbstub_init only says that gdb= cannot be served), so callers need
 * no #ifdef.
 */
#ifndef KERNEL_GDBSTUB_H
#define KERNEL_GDBSTUB_H

#include <stdbool.h>

#include <mote/log.h>

#include "arch/aarch64/trap.h"
#include "kernel/debugargs.h"

#ifdef MOTE_DEBUG

/* True: this image has the stub. */
static inline bool gdbstub_built(void)
{
    return true;
}

/*
 * Acts on gdb= (d): sets up the debug hardware and opens the transport it
 * names; logs what it does or what is wrong. Call after the transports are
 * registered (devices probed, boot hooks attached) and before the W^X check
 * (it maps the code's writable alias).
 */
void gdbstub_init(const struct debug_args *d);

/* With ",wait": stops until gdb attaches and says continue. */
void gdbstub_wait(void);

/* trap.c, for a synchronous exception: true if it was the stub's and is handled. */
bool gdbstub_trap(struct trap_frame *frame);

/* trap.c, after an interrupt was dispatched: stops here if the debugger asked. */
void gdbstub_irq_exit(struct trap_frame *frame);

/*
 * The event loop (kernel/irq_loop.h), after it dispatched the interrupt that
 * woke it (no exception, so no frame): stops at a BRK here if the debugger asked.
 */
void gdbstub_loop_irq_exit(void);

/* True while a debugger is attached (a core dump must not go down its line). */
bool gdbstub_attached(void);

/*
 * trap.c, after a crash report: hands the crashed state to the debugger.
 * Returns true if gdb resumed it (the exception returns), false if there is
 * no stub or gdb detached or killed it (the crash ends as configured).
 */
bool gdbstub_crash(struct trap_frame *frame);

#else /* release: no stub */

static inline bool gdbstub_built(void)
{
    return false;
}

static inline void gdbstub_init(const struct debug_args *d)
{
    if (d->gdb != DEBUG_ARG_ABSENT)
        mote_log(MOTE_LOG_WARN, "gdb: this image has no GDB stub (build it with make DEBUG=1)");
}

static inline void gdbstub_wait(void)
{
}

static inline bool gdbstub_trap(struct trap_frame *frame)
{
    (void)frame;
    return false;
}

static inline void gdbstub_irq_exit(struct trap_frame *frame)
{
    (void)frame;
}

static inline void gdbstub_loop_irq_exit(void)
{
}

static inline bool gdbstub_attached(void)
{
    return false;
}

static inline bool gdbstub_crash(struct trap_frame *frame)
{
    (void)frame;
    return false;
}

#endif

#endif
