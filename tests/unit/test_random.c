// SPDX-License-Identifier: MIT
/*
 * Unit tests for the random source: ChaCha20 against RFC 8439's published
 * block vectors, BLAKE2s against RFC 7693's (and Python's hashlib, for inputs
 * across block edges), and kernel/random.c's construction, seen from inside
 * (the test includes it to read its state).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "kernel/random.c"

static void unhex(const char *hex, uint8_t *out, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned v;
        assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
        out[i] = (uint8_t)v;
    }
}

static void assert_block(const uint8_t key[CHACHA20_KEY_LEN], uint32_t counter,
                         const uint8_t nonce[CHACHA20_NONCE_LEN], const char *hex)
{
    uint8_t want[CHACHA20_BLOCK_LEN], got[CHACHA20_BLOCK_LEN];
    unhex(hex, want, sizeof(want));
    chacha20_block(key, counter, nonce, got);
    assert_memory_equal(got, want, sizeof(want));
}

static void test_chacha20_block_matches_rfc8439_section_2_3_2(void **state)
{
    (void)state;
    uint8_t key[CHACHA20_KEY_LEN];
    for (unsigned i = 0; i < sizeof(key); i++)
        key[i] = (uint8_t)i;
    const uint8_t nonce[CHACHA20_NONCE_LEN] = {0, 0, 0, 0x09, 0, 0, 0, 0x4a, 0, 0, 0, 0};
    assert_block(key, 1, nonce,
                 "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
                 "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
}

static void test_chacha20_block_matches_rfc8439_appendix_a1(void **state)
{
    (void)state;
    static const uint8_t zero_key[CHACHA20_KEY_LEN], zero_nonce[CHACHA20_NONCE_LEN];
    /* Test vectors #1 and #2: the all-zero key and nonce, blocks 0 and 1. */
    assert_block(zero_key, 0, zero_nonce,
                 "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
                 "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
    assert_block(zero_key, 1, zero_nonce,
                 "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
                 "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f");
}

static void hash_in_pieces(const uint8_t *data, size_t len, size_t piece,
                           uint8_t out[BLAKE2S_HASH_LEN])
{
    struct blake2s_state s;
    blake2s_init(&s);
    for (size_t off = 0; off < len; off += piece)
        blake2s_update(&s, data + off, len - off < piece ? len - off : piece);
    blake2s_final(&s, out);
}

static void test_blake2s_matches_rfc7693_appendix_b(void **state)
{
    (void)state;
    uint8_t want[BLAKE2S_HASH_LEN], got[BLAKE2S_HASH_LEN];
    unhex("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982", want, sizeof(want));
    hash_in_pieces((const uint8_t *)"abc", 3, 3, got);
    assert_memory_equal(got, want, sizeof(want));
}

static void test_blake2s_matches_reference_across_block_edges_in_any_pieces(void **state)
{
    (void)state;
    /* From Python's hashlib.blake2s: the empty input, one whole block, 255 bytes 00 01 .. fe. */
    static const struct {
        size_t len;
        const char *hex;
    } cases[] = {
        {0, "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9"},
        {64, "56f34e8b96557e90c1f24b52d0c89d51086acf1b00f634cf1dde9233b8eaaa3e"},
        {255, "f03f5789d3336b80d002d59fdf918bdb775b00956ed5528e86aa994acb38fe2d"},
    };
    uint8_t data[255];
    for (unsigned i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)i;
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        uint8_t want[BLAKE2S_HASH_LEN], got[BLAKE2S_HASH_LEN];
        unhex(cases[c].hex, want, sizeof(want));
        static const size_t pieces[] = {1, 7, 63, 64, 65, 255};
        for (size_t p = 0; p < sizeof(pieces) / sizeof(pieces[0]); p++) {
            hash_in_pieces(data, cases[c].len, pieces[p], got);
            assert_memory_equal(got, want, sizeof(want));
        }
    }
}

static int reset(void **state)
{
    (void)state;
    memset(&rs, 0, sizeof(rs)); /* the boot's state: rs is all zero (in .bss) */
    return 0;
}

static bool all_zero(const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (p[i])
            return false;
    return true;
}

/* What kernel/random.c promises, recomputed from the primitives. */
static void test_random_output_is_chacha20_under_the_extracted_key(void **state)
{
    (void)state;
    static const uint8_t seed[] = "an rng-seed of 32 bytes or so...";
    random_add(RANDOM_SOURCE_RNG_SEED, seed, sizeof(seed));

    /* pool = BLAKE2s(source || le64 len || seed); key = BLAKE2s(zero key || pool) */
    uint8_t frame[9] = {RANDOM_SOURCE_RNG_SEED, sizeof(seed)}, digest[32], key[64] = {0};
    struct blake2s_state s;
    blake2s_init(&s);
    blake2s_update(&s, frame, sizeof(frame));
    blake2s_update(&s, seed, sizeof(seed));
    blake2s_final(&s, digest);
    memcpy(key + 32, digest, 32);
    blake2s_init(&s);
    blake2s_update(&s, key, sizeof(key));
    blake2s_final(&s, key);

    static const uint8_t nonce[CHACHA20_NONCE_LEN];
    uint8_t block[CHACHA20_BLOCK_LEN], got[CHACHA20_BLOCK_LEN - CHACHA20_KEY_LEN];
    chacha20_block(key, 0, nonce, block);
    random_bytes(got, sizeof(got));
    /* The first 32 bytes became the next key; the caller got the rest. */
    assert_memory_equal(got, block + CHACHA20_KEY_LEN, sizeof(got));
    assert_memory_equal(rs.key, block, CHACHA20_KEY_LEN);
    assert_int_equal(random_sources(), 1u << RANDOM_SOURCE_RNG_SEED);
}

static void test_random_wipes_what_it_hands_out_and_the_old_key(void **state)
{
    (void)state;
    random_add(RANDOM_SOURCE_VIRTIO_RNG, "0123456789abcdef0123456789abcdef", 32);
    uint8_t key_before[CHACHA20_KEY_LEN], out[100];
    random_bytes(out, 1); /* a refill: the key moves on */
    memcpy(key_before, rs.key, sizeof(key_before));
    random_bytes(out, sizeof(out));
    /* Everything up to the read position is zero: the key's bytes and every byte handed out. */
    assert_true(all_zero(rs.buf, sizeof(rs.buf) - rs.buf_left));
    assert_int_equal(sizeof(rs.buf) - rs.buf_left, CHACHA20_KEY_LEN + 1 + sizeof(out));
    assert_memory_equal(rs.key, key_before, sizeof(key_before));
    /* A request larger than the buffer spans refills, and each moves the key. */
    uint8_t big[1000];
    random_bytes(big, sizeof(big));
    assert_memory_not_equal(rs.key, key_before, sizeof(key_before));
    assert_false(all_zero(big + sizeof(big) - 64, 64));
}

static void test_random_reseed_from_a_credited_source_changes_the_output_at_once(void **state)
{
    (void)state;
    random_add(RANDOM_SOURCE_RNG_SEED, "seed", 4);
    uint8_t a[16], b[16];
    random_bytes(a, sizeof(a));
    /* One credited input: the buffered output is dropped and the next bytes differ. */
    random_add(RANDOM_SOURCE_RNDR, "x", 1);
    assert_int_equal(rs.buf_left, 0);
    random_bytes(b, sizeof(b));
    assert_memory_not_equal(a, b, sizeof(a));
    assert_int_equal(random_sources(), (1u << RANDOM_SOURCE_RNG_SEED) | (1u << RANDOM_SOURCE_RNDR));
}

static void test_random_counter_is_mixed_but_never_credited(void **state)
{
    (void)state;
    uint64_t counter = 12345;
    random_add(RANDOM_SOURCE_COUNTER, &counter, sizeof(counter));
    assert_int_equal(random_sources(), 0);
    uint64_t first = random_u64();
    /* A different counter alone gives a different first output. */
    reset(NULL);
    counter++;
    random_add(RANDOM_SOURCE_COUNTER, &counter, sizeof(counter));
    assert_true(random_u64() != first);
    assert_int_equal(random_sources(), 0);
}

static int polls;
static void poll_delivers_on_third_call(void *arg)
{
    (void)arg;
    if (++polls == 3)
        random_add(RANDOM_SOURCE_VIRTIO_RNG, "device bytes", 12);
}

static void test_random_poll_reports_when_every_polled_source_delivered(void **state)
{
    (void)state;
    polls = 0;
    assert_true(random_poll()); /* nothing to wait for */
    assert_int_equal(random_poller_add(RANDOM_SOURCE_VIRTIO_RNG, poll_delivers_on_third_call, NULL),
                     0);
    assert_false(random_poll());
    assert_false(random_poll());
    assert_true(random_poll());
    assert_true(random_poll()); /* a source that delivered is not polled again */
    assert_int_equal(polls, 3);
    for (unsigned i = 1; i < RANDOM_POLLERS_MAX; i++)
        assert_int_equal(random_poller_add(RANDOM_SOURCE_RNDR, poll_delivers_on_third_call, NULL),
                         0);
    assert_int_equal(random_poller_add(RANDOM_SOURCE_RNDR, poll_delivers_on_third_call, NULL),
                     -ENOSPC);
}

static void test_random_names_its_sources(void **state)
{
    (void)state;
    assert_string_equal(random_source_name(RANDOM_SOURCE_VIRTIO_RNG), "virtio-rng");
    assert_string_equal(random_source_name(RANDOM_SOURCES), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chacha20_block_matches_rfc8439_section_2_3_2),
        cmocka_unit_test(test_chacha20_block_matches_rfc8439_appendix_a1),
        cmocka_unit_test(test_blake2s_matches_rfc7693_appendix_b),
        cmocka_unit_test(test_blake2s_matches_reference_across_block_edges_in_any_pieces),
        cmocka_unit_test_setup(test_random_output_is_chacha20_under_the_extracted_key, reset),
        cmocka_unit_test_setup(test_random_wipes_what_it_hands_out_and_the_old_key, reset),
        cmocka_unit_test_setup(test_random_reseed_from_a_credited_source_changes_the_output_at_once,
                               reset),
        cmocka_unit_test_setup(test_random_counter_is_mixed_but_never_credited, reset),
        cmocka_unit_test_setup(test_random_poll_reports_when_every_polled_source_delivered, reset),
        cmocka_unit_test(test_random_names_its_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
