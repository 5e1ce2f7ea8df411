// SPDX-License-Identifier: MIT
/* See blake2s.h. Written from RFC 7693 §2-§3 (parameters in §2.1, IV in §2.6). */
#include "lib/blake2s/blake2s.h"

#include <string.h>

#define BLAKE2S_ROUNDS 10
/* Parameter block word 0 (§2.5): digest length, no key, fanout 1, depth 1. */
#define BLAKE2S_PARAM0 (0x01010000u | BLAKE2S_HASH_LEN)
#define BLAKE2S_LAST   0xffffffffu /* f0 on the final block (§3.2) */

/* The SHA-256 initial values (§2.6). */
static const uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                               0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

/* Message word schedule (§2.7). */
static const uint8_t sigma[BLAKE2S_ROUNDS][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

static uint32_t rotr32(uint32_t x, int n)
{
    return (x >> n) | (x << (32 - n));
}

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The mixing function G (§3.1), rotations 16, 12, 8, 7. */
static void mix(uint32_t *v, int a, int b, int c, int d, uint32_t x, uint32_t y)
{
    v[a] = v[a] + v[b] + x;
    v[d] = rotr32(v[d] ^ v[a], 16);
    v[c] = v[c] + v[d];
    v[b] = rotr32(v[b] ^ v[c], 12);
    v[a] = v[a] + v[b] + y;
    v[d] = rotr32(v[d] ^ v[a], 8);
    v[c] = v[c] + v[d];
    v[b] = rotr32(v[b] ^ v[c], 7);
}

/* The compression function F (§3.2) on the buffered block. */
static void compress(struct blake2s_state *s, uint32_t last)
{
    uint32_t v[16], m[16];
    for (int i = 0; i < 16; i++)
        m[i] = load_le32(s->buf + 4 * i);
    for (int i = 0; i < 8; i++) {
        v[i] = s->h[i];
        v[8 + i] = iv[i];
    }
    v[12] ^= s->t[0];
    v[13] ^= s->t[1];
    v[14] ^= last;
    for (int r = 0; r < BLAKE2S_ROUNDS; r++) {
        const uint8_t *q = sigma[r];
        mix(v, 0, 4, 8, 12, m[q[0]], m[q[1]]);
        mix(v, 1, 5, 9, 13, m[q[2]], m[q[3]]);
        mix(v, 2, 6, 10, 14, m[q[4]], m[q[5]]);
        mix(v, 3, 7, 11, 15, m[q[6]], m[q[7]]);
        mix(v, 0, 5, 10, 15, m[q[8]], m[q[9]]);
        mix(v, 1, 6, 11, 12, m[q[10]], m[q[11]]);
        mix(v, 2, 7, 8, 13, m[q[12]], m[q[13]]);
        mix(v, 3, 4, 9, 14, m[q[14]], m[q[15]]);
    }
    for (int i = 0; i < 8; i++)
        s->h[i] ^= v[i] ^ v[8 + i];
    /* The message may be entropy: leave none of it on the stack. */
    for (int i = 0; i < 16; i++)
        ((volatile uint32_t *)m)[i] = ((volatile uint32_t *)v)[i] = 0;
}

static void count(struct blake2s_state *s, uint32_t n)
{
    s->t[0] += n;
    if (s->t[0] < n)
        s->t[1]++;
}

void blake2s_init(struct blake2s_state *s)
{
    memset(s, 0, sizeof(*s));
    memcpy(s->h, iv, sizeof(s->h));
    s->h[0] ^= BLAKE2S_PARAM0;
}

void blake2s_update(struct blake2s_state *s, const void *data, size_t len)
{
    const uint8_t *p = data;
    while (len > 0) {
        /* A full buffer is compressed only once more input shows it is not the last block. */
        if (s->buf_len == BLAKE2S_BLOCK_LEN) {
            count(s, BLAKE2S_BLOCK_LEN);
            compress(s, 0);
            s->buf_len = 0;
        }
        size_t n = BLAKE2S_BLOCK_LEN - s->buf_len;
        if (n > len)
            n = len;
        memcpy(s->buf + s->buf_len, p, n);
        s->buf_len += n;
        p += n;
        len -= n;
    }
}

void blake2s_final(struct blake2s_state *s, uint8_t out[BLAKE2S_HASH_LEN])
{
    count(s, (uint32_t)s->buf_len);
    memset(s->buf + s->buf_len, 0, BLAKE2S_BLOCK_LEN - s->buf_len);
    compress(s, BLAKE2S_LAST);
    for (int i = 0; i < 8; i++)
        for (int j = 0; j < 4; j++)
            out[4 * i + j] = (uint8_t)(s->h[i] >> (8 * j));
    volatile uint8_t *wipe = (volatile uint8_t *)s;
    for (size_t i = 0; i < sizeof(*s); i++)
        wipe[i] = 0;
}
