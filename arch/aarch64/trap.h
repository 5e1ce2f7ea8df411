/* SPDX-License-Identifier: MIT */
/* Exception entry from vectors.S: the saved registers and the C handler. */
#ifndef ARCH_AARCH64_TRAP_H
#define ARCH_AARCH64_TRAP_H

#include <stdint.h>

/* Layout shared with vectors.S (FRAME_* offsets). */
struct trap_frame {
    uint64_t x[31]; /* x0..x30 */
    uint64_t sp;    /* SP of the interrupted code */
    uint64_t elr;
    uint64_t spsr;
    uint64_t esr;
    uint64_t far;
};

enum trap_kind { TRAP_SYNC, TRAP_IRQ, TRAP_FIQ, TRAP_SERROR };

/* Installs the vector table. */
void trap_init(void);

/* Called by vectors.S for every exception; returns to the interrupted code. */
void trap_handle(struct trap_frame *frame, enum trap_kind kind);

/* The brk immediate mote_panic() uses to enter the crash path with a full frame. */
#define TRAP_BRK_PANIC 0x900

#endif
