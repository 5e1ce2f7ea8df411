// SPDX-License-Identifier: MIT
/* See chacha20.h. Written from RFC 8439 §2.1-§2.3. */
#include "lib/chacha20/chacha20.h"

#define CHACHA20_WORDS         16
#define CHACHA20_DOUBLE_ROUNDS 10 /* 20 rounds: a column round and a diagonal round each */

/* "expand 32-byte k" as four little-endian words (§2.3). */
static const uint32_t sigma[4] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};

static uint32_t rotl32(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void store_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* The quarter round of §2.1 on four words of the state. */
static void quarter_round(uint32_t *x, int a, int b, int c, int d)
{
    x[a] += x[b];
    x[d] = rotl32(x[d] ^ x[a], 16);
    x[c] += x[d];
    x[b] = rotl32(x[b] ^ x[c], 12);
    x[a] += x[b];
    x[d] = rotl32(x[d] ^ x[a], 8);
    x[c] += x[d];
    x[b] = rotl32(x[b] ^ x[c], 7);
}

void chacha20_block(const uint8_t key[CHACHA20_KEY_LEN], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_LEN], uint8_t out[CHACHA20_BLOCK_LEN])
{
    uint32_t in[CHACHA20_WORDS], x[CHACHA20_WORDS];
    for (int i = 0; i < 4; i++)
        in[i] = sigma[i];
    for (int i = 0; i < 8; i++)
        in[4 + i] = load_le32(key + 4 * i);
    in[12] = counter;
    for (int i = 0; i < 3; i++)
        in[13 + i] = load_le32(nonce + 4 * i);

    for (int i = 0; i < CHACHA20_WORDS; i++)
        x[i] = in[i];
    for (int i = 0; i < CHACHA20_DOUBLE_ROUNDS; i++) {
        quarter_round(x, 0, 4, 8, 12);
        quarter_round(x, 1, 5, 9, 13);
        quarter_round(x, 2, 6, 10, 14);
        quarter_round(x, 3, 7, 11, 15);
        quarter_round(x, 0, 5, 10, 15);
        quarter_round(x, 1, 6, 11, 12);
        quarter_round(x, 2, 7, 8, 13);
        quarter_round(x, 3, 4, 9, 14);
    }
    for (int i = 0; i < CHACHA20_WORDS; i++)
        store_le32(out + 4 * i, x[i] + in[i]);

    /* The key sits in these words: leave none of it on the stack. */
    for (int i = 0; i < CHACHA20_WORDS; i++)
        ((volatile uint32_t *)in)[i] = ((volatile uint32_t *)x)[i] = 0;
}
