/* SPDX-License-Identifier: MIT */
/*
 * Arm semihosting (Arm "Semihosting for AArch32 and AArch64", v3.0), used for
 * two things, when QEMU was started with -semihosting: ending the run with an
 * exit status the host sees, and saying why the boot stopped before there was
 * a console. Without it the HLT traps as an undefined
 * instruction; trap.c recognises that probe and semihost_exit() returns.
 */
#ifndef ARCH_AARCH64_SEMIHOST_H
#define ARCH_AARCH64_SEMIHOST_H

#include <stdint.h>

/* Stops the machine with status code; returns -ENOSYS if semihosting is off. */
int semihost_exit(int code);
/* Writes text to the host's semihosting console (QEMU's stderr); -ENOSYS if it is off. */
int semihost_write(const char *text);

/* For trap.c: true if the trapped instruction at pc is semihost_exit's probe. */
int semihost_is_probe(uint64_t pc);

/* The value the probe's call returns when semihosting is absent. */
#define SEMIHOST_UNAVAILABLE ((uint64_t)-1)

#endif
