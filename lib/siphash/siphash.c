// SPDX-License-Identifier: MIT
/* SipHash-2-4, as specified in the SipHash paper (lib/siphash/siphash.h). */
#include "lib/siphash/siphash.h"

#define COMPRESSION_ROUNDS  2
#define FINALIZATION_ROUNDS 4
#define FINAL_XOR           0xff

/* The initial state constants: "somepseudorandomlygeneratedbytes" in ASCII. */
#define SIP_INIT0 0x736f6d6570736575ull
#define SIP_INIT1 0x646f72616e646f6dull
#define SIP_INIT2 0x6c7967656e657261ull
#define SIP_INIT3 0x7465646279746573ull

static uint64_t rotl(uint64_t x, unsigned b)
{
    return (x << b) | (x >> (64 - b));
}

static uint64_t load_le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < 8; i++)
        v |= (uint64_t)p[i] << (8 * i);
    return v;
}

static void sip_round(uint64_t v[4])
{
    v[0] += v[1];
    v[1] = rotl(v[1], 13) ^ v[0];
    v[0] = rotl(v[0], 32);
    v[2] += v[3];
    v[3] = rotl(v[3], 16) ^ v[2];
    v[0] += v[3];
    v[3] = rotl(v[3], 21) ^ v[0];
    v[2] += v[1];
    v[1] = rotl(v[1], 17) ^ v[2];
    v[2] = rotl(v[2], 32);
}

static void absorb(uint64_t v[4], uint64_t m)
{
    v[3] ^= m;
    for (unsigned r = 0; r < COMPRESSION_ROUNDS; r++)
        sip_round(v);
    v[0] ^= m;
}

uint64_t siphash24(const uint8_t key[SIPHASH_KEY_LEN], const void *data, size_t len)
{
    const uint8_t *in = data;
    uint64_t k0 = load_le64(key), k1 = load_le64(key + 8);
    uint64_t v[4] = {SIP_INIT0 ^ k0, SIP_INIT1 ^ k1, SIP_INIT2 ^ k0, SIP_INIT3 ^ k1};

    size_t whole = len - len % 8;
    for (size_t i = 0; i < whole; i += 8)
        absorb(v, load_le64(in + i));

    /* The last block: the remaining bytes, and the length's low byte on top. */
    uint64_t last = (uint64_t)(len & 0xff) << 56;
    for (size_t i = 0; i < len % 8; i++)
        last |= (uint64_t)in[whole + i] << (8 * i);
    absorb(v, last);

    v[2] ^= FINAL_XOR;
    for (unsigned r = 0; r < FINALIZATION_ROUNDS; r++)
        sip_round(v);
    return v[0] ^ v[1] ^ v[2] ^ v[3];
}
