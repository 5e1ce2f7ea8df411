/* SPDX-License-Identifier: MIT */
/*
 * PSCI (Arm DEN 0022): power the machine off or reset it through the firmware,
 * or the hypervisor on QEMU virt. The conduit (hvc or smc) comes from the
 * board's device tree.
 */
#ifndef ARCH_AARCH64_PSCI_H
#define ARCH_AARCH64_PSCI_H

enum psci_conduit { PSCI_NONE, PSCI_HVC, PSCI_SMC };

void psci_init(enum psci_conduit conduit);

/* These return only when there is no PSCI or the call failed. */
void psci_system_off(void);
void psci_system_reset(void);

#endif
