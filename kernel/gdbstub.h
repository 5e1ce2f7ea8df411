/* SPDX-License-Identifier: MIT */
/*
 * The GDB stub inside the image (debug images only: make DEBUG=1). The
 * protocol is lib/gdb, the CPU side arch/aarch64/gdb_arch.c; this is the
 * glue: the boot argument, the transport, and the ways in:
 *   - a breakpoint, watchpoint or finished step (trap.c, gdbstub_trap),
 *   - Ctrl-C or a new debugger while the image runs (the serial receive
 *     interrupt: gdbstub_irq_exit; a TCP connection: a BRK from the loop),
 *   - a crash, after its report (gdbstub_crash: post-mortem),
 *   - gdb=...,wait, before service_start (gdbstub_wait).
 * While the stub has the CPU, the event loop is stopped, interrupts are
 * masked and the transport is polled.
 *
 * Boot argument: gdb=serial | gdb=tcp:PORT, either with ",wait".
 */
#ifndef KERNEL_GDBSTUB_H
#define KERNEL_GDBSTUB_H

#include <stdbool.h>

#include "arch/aarch64/trap.h"

/*
 * Reads gdb= from args and sets up the debug hardware and the transport;
 * logs what it does or what is wrong with the argument. Call after the
 * devices are probed and before the W^X check (it maps the code's
 * writable alias).
 */
void gdbstub_init(const char *args);

/* With ",wait": stops until gdb attaches and says continue. */
void gdbstub_wait(void);

/* trap.c, for a synchronous exception: true if it was the stub's and is handled. */
bool gdbstub_trap(struct trap_frame *frame);

/* trap.c, after an interrupt was dispatched: stops here if the debugger asked. */
void gdbstub_irq_exit(struct trap_frame *frame);

/* True while a debugger is attached (a core dump must not go down its line). */
bool gdbstub_attached(void);

/*
 * trap.c, after a crash report: hands the crashed state to the debugger.
 * Returns true if gdb resumed it (the exception returns), false if there is
 * no stub or gdb detached or killed it (the crash ends as configured).
 */
bool gdbstub_crash(struct trap_frame *frame);

#endif
