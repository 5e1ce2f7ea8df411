/* SPDX-License-Identifier: MIT */
/*
 * Random numbers for services, from the kernel's one random source: seeded at
 * boot from what the board offers (the device tree's rng-seed, virtio-rng,
 * RNDR, the BCM2835 RNG, the counter), the same source the stack guard, TCP's
 * initial sequence numbers and lwIP draw from.
 */
#ifndef MOTE_RANDOM_H
#define MOTE_RANDOM_H

#include <stddef.h>

/*
 * Fills buf with len random bytes. Always succeeds. The generator is
 * cryptographic (ChaCha20 over a BLAKE2s entropy pool, kernel/random.c), fit
 * for keys and nonces, once seeded: an image that booted with no entropy
 * source logs a warning, and then its output is predictable.
 */
void mote_random_bytes(void *buf, size_t len);

#endif
