/* SPDX-License-Identifier: MIT */
/*
 * The kernel's random source: seeded at boot from what the board offers (the
 * device tree's /chosen/rng-seed, the counter). xoshiro256**: fast and well
 * distributed, not cryptographic on its own.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <stddef.h>
#include <stdint.h>

/* Mixes len bytes into the state. */
void random_mix(const void *data, size_t len);

uint64_t random_u64(void);

#endif
