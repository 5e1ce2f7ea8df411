// SPDX-License-Identifier: MIT
/* See random.h. xoshiro256** (Blackman and Vigna, 2018), seeded through splitmix64. */
#include "kernel/random.h"

static uint64_t state[4] = {1, 2, 3, 4};

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
    return (x << k) | (x >> (64 - k));
}

void random_mix(const void *data, size_t len)
{
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++) {
        uint64_t seed = state[i % 4] ^ ((uint64_t)p[i] << (8 * (i % 8)));
        state[i % 4] = splitmix64(&seed);
    }
}

uint64_t random_u64(void)
{
    uint64_t result = rotl(state[1] * 5, 7) * 9;
    uint64_t t = state[1] << 17;
    state[2] ^= state[0];
    state[3] ^= state[1];
    state[1] ^= state[2];
    state[0] ^= state[3];
    state[2] ^= t;
    state[3] = rotl(state[3], 45);
    return result;
}
