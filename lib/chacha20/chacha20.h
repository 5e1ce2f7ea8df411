/* SPDX-License-Identifier: MIT */
/*
 * The ChaCha20 block function (RFC 8439 §2.3): 64 bytes of keystream from a
 * 256-bit key, a 32-bit block counter and a 96-bit nonce. The kernel's random
 * generator (kernel/random.c) is built on it; nothing here keeps state.
 */
#ifndef LIB_CHACHA20_H
#define LIB_CHACHA20_H

#include <stdint.h>

#define CHACHA20_KEY_LEN   32
#define CHACHA20_NONCE_LEN 12
#define CHACHA20_BLOCK_LEN 64

/* Writes the keystream block number counter of (key, nonce) to out (RFC 8439 §2.3.2). */
void chacha20_block(const uint8_t key[CHACHA20_KEY_LEN], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_LEN], uint8_t out[CHACHA20_BLOCK_LEN]);

#endif
