// SPDX-License-Identifier: MIT
/*
 * See random.h. The construction, and why:
 * - Inputs go through BLAKE2s (RFC 7693), a cryptographic hash, as Linux's
 *   crng does since 5.17: any input of any length and quality is absorbed
 *   without losing what entropy it has, and an attacker who controls some
 *   inputs (a hostile rng-seed, a virtio-rng that repeats itself) cannot
 *   cancel out the others. A keyed PRF such as SipHash or a ChaCha20 key XORed
 *   with input is not an extractor: it takes fixed-size keys, and XOR lets one
 *   known input undo another.
 * - A reseed sets key = BLAKE2s(old key || pool digest): the new key keeps the
 *   entropy of both, so a reseed from a weak or hostile source never lowers it.
 * - Output is ChaCha20 (RFC 8439) keystream with fast key erasure (Bernstein,
 *   2017; the design of OpenBSD's arc4random): a refill makes RANDOM_BUF_BLOCKS
 *   blocks under the key with a zero nonce, takes the first 32 bytes as the
 *   next key, and hands the rest out, wiping each byte as it goes. Whoever
 *   reads the state later cannot recover earlier outputs.
 */
#include "kernel/random.h"

#include <errno.h>
#include <string.h>

#include "lib/blake2s/blake2s.h"
#include "lib/chacha20/chacha20.h"

#define RANDOM_BUF_BLOCKS  4 /* keystream made per refill: 256 bytes, 224 handed out */
#define RANDOM_POLLERS_MAX 4 /* sources that deliver through an interrupt */

_Static_assert(CHACHA20_KEY_LEN == BLAKE2S_HASH_LEN, "a pool digest is a generator key");

static struct {
    struct blake2s_state pool; /* inputs since the last reseed */
    bool pool_ready;           /* pool initialised */
    bool pending;              /* the pool holds input not yet used by a reseed */
    bool keyed;                /* at least one reseed happened */
    unsigned sources;          /* credited sources that delivered, one bit each */
    uint8_t key[CHACHA20_KEY_LEN];
    uint8_t buf[RANDOM_BUF_BLOCKS * CHACHA20_BLOCK_LEN];
    /*
     * Bytes at buf's end not yet handed out (0: empty). Counted from the end
     * so that empty is zero: rs then starts in .bss, not as 520 bytes of .data
     * in the image.
     */
    size_t buf_left;
    struct {
        enum random_source source;
        random_poll_fn poll;
        void *arg;
    } pollers[RANDOM_POLLERS_MAX];
    unsigned npollers;
} rs;

static const char *const source_names[RANDOM_SOURCES] = {
    [RANDOM_SOURCE_COUNTER] = "counter",
    [RANDOM_SOURCE_RNG_SEED] = "rng-seed",
    [RANDOM_SOURCE_RNDR] = "RNDR",
    [RANDOM_SOURCE_VIRTIO_RNG] = "virtio-rng",
    [RANDOM_SOURCE_BCM2835_RNG] = "bcm2835-rng",
};

/* memset that the compiler may not drop because the memory is dead afterwards. */
static void wipe(void *p, size_t len)
{
    volatile uint8_t *v = p;
    for (size_t i = 0; i < len; i++)
        v[i] = 0;
}

static void pool_start(void)
{
    blake2s_init(&rs.pool);
    rs.pool_ready = true;
}

static void reseed(void)
{
    uint8_t seed[BLAKE2S_HASH_LEN];
    if (!rs.pool_ready)
        pool_start();
    blake2s_final(&rs.pool, seed);
    pool_start();

    struct blake2s_state h;
    blake2s_init(&h);
    blake2s_update(&h, rs.key, sizeof(rs.key));
    blake2s_update(&h, seed, sizeof(seed));
    blake2s_final(&h, rs.key);
    wipe(seed, sizeof(seed));

    /* Output made under the old key is not handed out any more. */
    wipe(rs.buf, sizeof(rs.buf));
    rs.buf_left = 0;
    rs.pending = false;
    rs.keyed = true;
}

static void refill(void)
{
    static const uint8_t nonce[CHACHA20_NONCE_LEN]; /* zero: each key is used for one refill */
    if (!rs.keyed || rs.pending)
        reseed();
    for (uint32_t i = 0; i < RANDOM_BUF_BLOCKS; i++)
        chacha20_block(rs.key, i, nonce, rs.buf + i * CHACHA20_BLOCK_LEN);
    memcpy(rs.key, rs.buf, sizeof(rs.key));
    wipe(rs.buf, sizeof(rs.key));
    rs.buf_left = sizeof(rs.buf) - sizeof(rs.key);
}

void random_add(enum random_source source, const void *data, size_t len)
{
    if ((unsigned)source >= RANDOM_SOURCES)
        source = RANDOM_SOURCE_COUNTER;
    if (!rs.pool_ready)
        pool_start();
    /* Source and length framed in, so inputs cannot be shifted between sources. */
    uint8_t frame[1 + sizeof(uint64_t)];
    uint64_t len64 = len;
    frame[0] = (uint8_t)source;
    memcpy(frame + 1, &len64, sizeof(len64));
    blake2s_update(&rs.pool, frame, sizeof(frame));
    blake2s_update(&rs.pool, data, len);
    rs.pending = true;
    if (source != RANDOM_SOURCE_COUNTER && len > 0) {
        rs.sources |= 1u << source;
        reseed();
    }
}

void random_bytes(void *buf, size_t len)
{
    uint8_t *out = buf;
    while (len > 0) {
        if (rs.buf_left == 0)
            refill();
        uint8_t *next = rs.buf + sizeof(rs.buf) - rs.buf_left;
        size_t n = rs.buf_left < len ? rs.buf_left : len;
        memcpy(out, next, n);
        wipe(next, n);
        rs.buf_left -= n;
        out += n;
        len -= n;
    }
}

uint64_t random_u64(void)
{
    uint64_t v;
    random_bytes(&v, sizeof(v));
    return v;
}

unsigned random_sources(void)
{
    return rs.sources;
}

const char *random_source_name(enum random_source source)
{
    return (unsigned)source < RANDOM_SOURCES ? source_names[source] : "?";
}

int random_poller_add(enum random_source source, random_poll_fn poll, void *arg)
{
    if (rs.npollers == RANDOM_POLLERS_MAX)
        return -ENOSPC;
    rs.pollers[rs.npollers].source = source;
    rs.pollers[rs.npollers].poll = poll;
    rs.pollers[rs.npollers].arg = arg;
    rs.npollers++;
    return 0;
}

bool random_poll(void)
{
    bool all = true;
    for (unsigned i = 0; i < rs.npollers; i++) {
        if (rs.sources & (1u << rs.pollers[i].source))
            continue;
        rs.pollers[i].poll(rs.pollers[i].arg);
        if (!(rs.sources & (1u << rs.pollers[i].source)))
            all = false;
    }
    return all;
}
