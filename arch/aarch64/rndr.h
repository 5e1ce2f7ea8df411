/* SPDX-License-Identifier: MIT */
/*
 * FEAT_RNG (Arm ARM DDI 0487 D23.2.x, RNDR): a random number register some
 * CPUs have (QEMU's -cpu max; not the Cortex-A53 of virt's default or the Pi 3).
 */
#ifndef ARCH_AARCH64_RNDR_H
#define ARCH_AARCH64_RNDR_H

#include <stddef.h>

/*
 * Fills buf with len bytes read from RNDR. Returns 0, -ENODEV when the CPU has
 * no RNDR (ID_AA64ISAR0_EL1.RNDR is 0), or -EIO when it keeps reporting that
 * it has no entropy to give.
 */
int rndr_read(void *buf, size_t len);

#endif
