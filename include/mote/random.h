/* SPDX-License-Identifier: MIT */
/*
 * Random numbers for services, from the kernel's one random source: seeded at
 * boot from what the board offers (the device tree's rng-seed, virtio-rng or
 * the BCM2835 RNG, the counter), the same source the stack guard, TCP's
 * initial sequence numbers and lwIP draw from.
 */
#ifndef MOTE_RANDOM_H
#define MOTE_RANDOM_H

#include <stddef.h>

/*
 * Fills buf with len random bytes. Always succeeds. The generator
 * (xoshiro256**) is well distributed but not cryptographically strong: use it
 * for protocol IDs, ports, jitter and sampling, not for keys.
 */
void mote_random_bytes(void *buf, size_t len);

#endif
