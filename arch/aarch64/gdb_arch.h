/* SPDX-License-Identifier: MIT */
/*
 * The AArch64 half of the GDB stub (kernel/gdbstub.c): registers in GDB's
 * numbering, the target description, memory access that never faults,
 * software breakpoints (BRK), hardware breakpoints and watchpoints on the
 * debug registers, and single-step with MDSCR_EL1.SS. Arm ARM (DDI 0487)
 * chapters D2 (AArch64 self-hosted debug) and D13 (the registers).
 */
#ifndef ARCH_AARCH64_GDB_ARCH_H
#define ARCH_AARCH64_GDB_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/aarch64/fpsimd.h"
#include "arch/aarch64/trap.h"
#include "lib/gdb/gdb.h"

/* GDB's AArch64 register numbers (gdb/arch/aarch64.h) */
#define GDB_AARCH64_X0    0
#define GDB_AARCH64_SP    31
#define GDB_AARCH64_PC    32
#define GDB_AARCH64_CPSR  33
#define GDB_AARCH64_V0    34
#define GDB_AARCH64_FPSR  66
#define GDB_AARCH64_FPCR  67
#define GDB_AARCH64_NREGS 68

/* BRK immediates: gdb's own breakpoint instruction, and the stub's requests to stop. */
#define GDB_BRK_BREAKPOINT 0x000 /* brk #0, as gdb writes it */
#define GDB_BRK_INTERRUPT  0x901 /* the debugger asked for a stop (Ctrl-C, a new connection) */
#define GDB_BRK_ATTACH     0x902 /* gdb=...,wait: stop before the service starts */
#define GDB_BRK_INSN(imm)  (0xd4200000u | ((uint32_t)(imm) << 5)) /* A64 BRK #imm (C6.2.38) */

/*
 * Sets up self-hosted debug (OS lock off, MDSCR_EL1.MDE and KDE, PSTATE.D
 * clear in the calling context) and the writable alias of the code that
 * software breakpoints are written through. Call once, in thread context,
 * before the W^X check. Returns 0 or a negative errno from the mapping.
 */
int gdb_arch_init(void);

/* The saved state of the stopped code. */
struct gdb_arch_regs {
    struct trap_frame *frame;
    struct fpsimd_state fp;
};

int gdb_arch_reg_read(const struct gdb_arch_regs *r, unsigned regno, uint8_t *buf);
int gdb_arch_reg_write(struct gdb_arch_regs *r, unsigned regno, const uint8_t *buf, size_t len);

/* The target description: "target.xml", or NULL for any other annex. */
const char *gdb_arch_features(const char *annex);

/*
 * Copies up to len bytes from addr, checking each page with the MMU (AT
 * S1E1R) first: stops at the first page that is unmapped or device memory.
 * Returns the bytes copied.
 */
size_t gdb_arch_mem_read(uint64_t addr, uint8_t *buf, size_t len);

/*
 * Writes len bytes at addr: normal memory that is writable, or the image's
 * code (through its alias, then made visible to instruction fetch).
 * Returns 0 or -EFAULT (then nothing was written).
 */
int gdb_arch_mem_write(uint64_t addr, const uint8_t *buf, size_t len);

/* Z/z packets: see struct gdb_target's breakpoint for the returns. */
int gdb_arch_breakpoint(enum gdb_bp_type type, uint64_t addr, uint64_t kind, bool insert);

/* Removes every breakpoint and watchpoint (the debugger went away). */
void gdb_arch_clear_all(void);

/*
 * Before the stopped code resumes: steps over the stub's own BRKs (a
 * requested stop, not a breakpoint), and gives code on SP_EL0 the stack
 * pointer gdb may have changed (the exception return restores no SP_EL0).
 */
void gdb_arch_resume(struct trap_frame *frame);

/* Arms a single step of the stopped code (IRQs held off for that instruction). */
void gdb_arch_step(struct trap_frame *frame);

/* After any stop: disarms a step armed by gdb_arch_step. */
void gdb_arch_step_done(struct trap_frame *frame);

/* Why the code stopped, from ESR_EL1 and FAR_EL1 of frame. */
void gdb_arch_stop_reason(const struct trap_frame *frame, struct gdb_stop *stop);

/* True for the debug exceptions the stub owns (breakpoints, steps, watchpoints, its BRKs). */
bool gdb_arch_is_debug_trap(const struct trap_frame *frame);

/* Number of hardware breakpoints and watchpoints (ID_AA64DFR0_EL1). */
unsigned gdb_arch_hw_breakpoints(void);
unsigned gdb_arch_hw_watchpoints(void);

#endif
