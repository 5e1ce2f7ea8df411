/* SPDX-License-Identifier: MIT */
/*
 * The FP/SIMD registers of the interrupted code (fpsimd.S). Exception entry
 * saves only general registers; interrupt dispatch (kernel/irq.c), the GDB
 * stub and core dumps save these themselves, first thing, before any C
 * library call may use them.
 */
#ifndef ARCH_AARCH64_FPSIMD_H
#define ARCH_AARCH64_FPSIMD_H

#include <stdint.h>

struct __attribute__((aligned(16))) fpsimd_state {
    uint64_t v[64]; /* v0..v31, each low then high half */
    uint32_t fpsr, fpcr;
};

void fpsimd_save(struct fpsimd_state *fp);
void fpsimd_restore(const struct fpsimd_state *fp);

#endif
