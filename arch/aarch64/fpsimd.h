/* SPDX-License-Identifier: MIT */
/*
 * The FP/SIMD registers of the interrupted code (fpsimd.S). Exception entry
 * saves only general registers; interrupt dispatch (kernel/irq.c), the GDB
 * stub and core dumps save these themselves, first thing, before any C
 * library call may use them.
 */
#ifndef ARCH_AARCH64_FPSIMD_H
#define ARCH_AARCH64_FPSIMD_H

#include <stdbool.h>
#include <stdint.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/sysreg_bits.h"

struct __attribute__((aligned(16))) fpsimd_state {
    uint64_t v[64]; /* v0..v31, each low then high half */
    uint32_t fpsr, fpcr;
};

void fpsimd_save(struct fpsimd_state *fp);
void fpsimd_restore(const struct fpsimd_state *fp);

/*
 * Allows FP/SIMD instructions at EL1 and EL0, or makes them trap (CPACR_EL1.FPEN,
 * an access exception with ESR EC 0x07). The isb makes the change take effect
 * before the next instruction.
 */
static inline void fpsimd_allow(bool allowed)
{
    uint64_t v = sysreg_read(cpacr_el1);
    v = allowed ? v | CPACR_EL1_FPEN_ALL : v & ~(uint64_t)CPACR_EL1_FPEN_ALL;
    sysreg_write(cpacr_el1, v);
    isb();
}

#endif
