/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_RNG_BCM2835_RNG_H
#define DRIVERS_RNG_BCM2835_RNG_H

#include <stddef.h>
#include <stdint.h>

#define BCM2835_RNG_SAMPLE_WORDS 8 /* words of the start-up health check */

/*
 * Starts the generator at base and runs a start-up health check on
 * BCM2835_RNG_SAMPLE_WORDS words (not all equal, both bit values present),
 * which it copies to sample (may be NULL) for the log; those words are never
 * used as entropy. Returns 0, -ETIMEDOUT if no word comes, -EIO if the check fails.
 */
int bcm2835_rng_init(uintptr_t base, uint32_t sample[BCM2835_RNG_SAMPLE_WORDS]);

/* Fills buf with len bytes from the generator. Returns 0 or -ETIMEDOUT. */
int bcm2835_rng_read(void *buf, size_t len);

#endif
