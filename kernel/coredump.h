/* SPDX-License-Identifier: MIT */
/*
 * Core dumps: after a crash report, an ELF core file (ET_CORE, EM_AARCH64)
 * with the registers in an NT_PRSTATUS note (and FP/SIMD in NT_PRFPREG) and
 * the RAM that matters as PT_LOAD segments: data and BSS, the heap in use
 * and both stacks. gdb-multiarch opens it with the image's ELF:
 *   gdb-multiarch build/virt/<service>.elf core
 *
 * Boot argument core=serial: the core goes over the debug port to a
 * host receiver (scripts/mote-core), in chunks the receiver acknowledges:
 *   "\nMOTE-CORE 1 <bytes> <chunk>\n", each chunk answered '+' by the host,
 *   then "MOTE-CORE-END <crc32 of the bytes, hex>\n".
 * A receiver that does not answer the first chunk within seconds means no
 * core: the crash goes on as configured (panic=).
 */
#ifndef KERNEL_COREDUMP_H
#define KERNEL_COREDUMP_H

#include "arch/aarch64/trap.h"

struct debug_args;
/* Acts on core= (kernel/debugargs.h); logs a bad value or a missing debug port. */
void coredump_init(const struct debug_args *d);

/* First thing in the crash path: keeps the FP/SIMD registers before anything uses them. */
void coredump_save_fp(void);

/* Sends the core of the crashed state f, if core= asked for it; logs the outcome on the console. */
void coredump_send(const struct trap_frame *f);

#endif
