/* SPDX-License-Identifier: MIT */
/*
 * The kernel's one random source, for the stack guard, TCP's initial sequence
 * numbers, lwIP, protocol IDs and services (mote_random_bytes).
 *
 * Entropy inputs are hashed into a BLAKE2s pool; a reseed extracts a new
 * ChaCha20 key from the pool and the old key. Output is ChaCha20 keystream
 * with fast key erasure: each refill makes a few blocks, the first 32 bytes
 * of which become the next key, and bytes are wiped as they are handed out,
 * so the state never holds what was already returned.
 */
#ifndef KERNEL_RANDOM_H
#define KERNEL_RANDOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where an input came from. All but the counter are credited as entropy. */
enum random_source {
    RANDOM_SOURCE_COUNTER,     /* the boot-time counter: weak, never credited */
    RANDOM_SOURCE_RNG_SEED,    /* the device tree's /chosen/rng-seed */
    RANDOM_SOURCE_RNDR,        /* the CPU's RNDR register */
    RANDOM_SOURCE_VIRTIO_RNG,  /* virtio-rng (drivers/virtio/rng.c) */
    RANDOM_SOURCE_BCM2835_RNG, /* the Pi's RNG (drivers/rng/bcm2835_rng.c) */
    RANDOM_SOURCES
};

/*
 * Hashes len bytes from source into the pool. A credited source's input
 * reseeds the generator at once, so what a device delivers is used from the
 * next output on; the counter's waits in the pool for the next reseed.
 */
void random_add(enum random_source source, const void *data, size_t len);

/*
 * Fills buf with len random bytes. Never fails; before any credited source
 * delivered, the output is only as unpredictable as the weak inputs.
 */
void random_bytes(void *buf, size_t len);

uint64_t random_u64(void);

/* A bit (1u << source) for each credited source that has delivered. */
unsigned random_sources(void);

/* "rng-seed", "RNDR", "virtio-rng", ...; "?" for an unknown source. */
const char *random_source_name(enum random_source source);

typedef void (*random_poll_fn)(void *arg);

/*
 * For a source that delivers later through its interrupt (virtio-rng): how to
 * collect its answer with interrupts off, so the boot can wait for it before
 * drawing the stack guard. Returns 0, or -ENOSPC when the table is full.
 */
int random_poller_add(enum random_source source, random_poll_fn poll, void *arg);

/* Runs every poller once. Returns true when every polled source has delivered. */
bool random_poll(void);

#endif
