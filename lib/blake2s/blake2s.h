/* SPDX-License-Identifier: MIT */
/*
 * BLAKE2s-256 (RFC 7693), unkeyed and incremental: the kernel's random source
 * (kernel/random.c) hashes every entropy input into one state and extracts its
 * generator's keys from it.
 */
#ifndef LIB_BLAKE2S_H
#define LIB_BLAKE2S_H

#include <stddef.h>
#include <stdint.h>

#define BLAKE2S_BLOCK_LEN 64
#define BLAKE2S_HASH_LEN  32

struct blake2s_state {
    uint32_t h[8];                  /* chained state */
    uint32_t t[2];                  /* bytes hashed so far, 64-bit counter */
    uint8_t buf[BLAKE2S_BLOCK_LEN]; /* input not yet compressed (the last block waits for final) */
    size_t buf_len;
};

/* Starts an unkeyed BLAKE2s with a 32-byte digest. */
void blake2s_init(struct blake2s_state *s);

/* Hashes len more bytes of data. */
void blake2s_update(struct blake2s_state *s, const void *data, size_t len);

/* Writes the 32-byte digest to out and wipes the state (init again to reuse it). */
void blake2s_final(struct blake2s_state *s, uint8_t out[BLAKE2S_HASH_LEN]);

#endif
