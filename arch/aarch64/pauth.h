/* SPDX-License-Identifier: MIT */
/*
 * Branch protection: pointer authentication of return addresses (PAC,
 * FEAT_PAuth) and branch target identification (BTI, FEAT_BTI), Arm ARM
 * D5.1.5 and D8.4. Every function is built with -mbranch-protection=standard:
 * it signs its return address (paciasp) and checks it before returning
 * (autiasp), and starts with a landing pad (bti c, or paciasp). On a CPU
 * without the features (Cortex-A53) those are hint instructions and do
 * nothing; on one with them (QEMU -cpu max) pauth_enable() turns them on.
 */
#ifndef ARCH_AARCH64_PAUTH_H
#define ARCH_AARCH64_PAUTH_H

#include <stdbool.h>
#include <stdint.h>

/* The CPU authenticates instruction addresses (ID_AA64ISAR1_EL1 APA/API, ISAR2 APA3). */
bool cpu_has_pauth(void);

/* The CPU enforces landing pads in guarded pages (ID_AA64PFR1_EL1.BT). */
bool cpu_has_bti(void);

/*
 * When the CPU has PAC: loads the instruction keys A and B from the random
 * generator (seeded: call after random_seed) and turns on their use
 * (SCTLR_EL1.EnIA, EnIB). Logs what branch protection the CPU gives. Call
 * only from a function that never returns, with no signed return address on
 * the stack: the kernel's entry, kernel_main (a return address signed before
 * would then fail its check). BTI needs no switch here: mmu.c marks the
 * code's pages guarded (GP) on a CPU that has it.
 */
void pauth_setup(void);

/*
 * The address a return address (or a frame record's saved LR) stands for,
 * without its PAC: the bits above the 48-bit virtual address cleared (Mote
 * lives in the lower half, TTBR0). Costs nothing on a CPU without PAC.
 */
static inline uint64_t pauth_strip(uint64_t addr)
{
    return addr & ((1ull << 48) - 1);
}

/*
 * How the crash report explains an address a failed authentication left: on
 * a CPU without FEAT_FPAC, autiasp does not fault but corrupts the address
 * (sets an error code in the PAC field), and the ret that follows faults
 * there. True when addr looks like that (non-canonical: bits above the
 * 48-bit address neither all clear nor all set).
 */
static inline bool pauth_is_poisoned(uint64_t addr)
{
    uint64_t top = addr >> 48;
    return top != 0 && top != 0xffff;
}

#endif
