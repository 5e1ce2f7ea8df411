// SPDX-License-Identifier: MIT
/* PSCI SYSTEM_OFF and SYSTEM_RESET, see psci.h. Function IDs: DEN 0022 §5.1. */
#include "arch/aarch64/psci.h"

#include <stdint.h>

#define PSCI_FN_SYSTEM_OFF   0x84000008
#define PSCI_FN_SYSTEM_RESET 0x84000009

static enum psci_conduit psci_conduit;

void psci_init(enum psci_conduit conduit)
{
    psci_conduit = conduit;
}

static void psci_call(uint64_t fn)
{
    register uint64_t x0 __asm__("x0") = fn;
    if (psci_conduit == PSCI_HVC)
        __asm__ volatile("hvc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
    else if (psci_conduit == PSCI_SMC)
        __asm__ volatile("smc #0" : "+r"(x0)::"x1", "x2", "x3", "memory");
}

void psci_system_off(void)
{
    psci_call(PSCI_FN_SYSTEM_OFF);
}

void psci_system_reset(void)
{
    psci_call(PSCI_FN_SYSTEM_RESET);
}
