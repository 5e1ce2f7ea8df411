// SPDX-License-Identifier: MIT
/* Unit tests for SHA-256 (tools/mote/sha256.c) against FIPS 180-4's example vectors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "tools/mote/sha256.h"

static void test_known_vectors(void **state)
{
    (void)state;
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex("", 0, hex);
    assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    sha256_hex("abc", 3, hex);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256_hex(two, strlen(two), hex);
    assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a_fed_in_odd_pieces(void **state)
{
    (void)state;
    struct sha256 s;
    uint8_t digest[SHA256_LEN], block[997];
    memset(block, 'a', sizeof(block));
    sha256_init(&s);
    size_t left = 1000000;
    while (left) {
        size_t n = left < sizeof(block) ? left : sizeof(block);
        sha256_update(&s, block, n);
        left -= n;
    }
    sha256_final(&s, digest);
    static const uint8_t want[SHA256_LEN] = {0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92,
                                             0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e, 0x67,
                                             0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e,
                                             0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11, 0x2c, 0xd0};
    assert_memory_equal(digest, want, SHA256_LEN);
}

/* Lengths around the padding boundary (55, 56, 63, 64 bytes) hash the same however they are split.
 */
static void test_padding_boundaries_and_splits(void **state)
{
    (void)state;
    uint8_t data[130];
    for (size_t i = 0; i < sizeof(data); i++)
        data[i] = (uint8_t)(i * 7 + 1);
    for (size_t len = 50; len <= sizeof(data); len++) {
        char whole[SHA256_HEX_LEN + 1], split[SHA256_HEX_LEN + 1];
        uint8_t digest[SHA256_LEN];
        sha256_hex(data, len, whole);
        struct sha256 s;
        sha256_init(&s);
        for (size_t i = 0; i < len; i++)
            sha256_update(&s, data + i, 1);
        sha256_final(&s, digest);
        for (int i = 0; i < SHA256_LEN; i++)
            snprintf(split + 2 * i, 3, "%02x", digest[i]);
        assert_string_equal(whole, split);
    }
}

static void test_file_digest_and_size(void **state)
{
    (void)state;
    char path[] = "/tmp/mote-sha256-XXXXXX", hex[SHA256_HEX_LEN + 1];
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "abc", 3), 3);
    close(fd);
    uint64_t size = 0;
    assert_int_equal(sha256_file(path, hex, &size), 0);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_int_equal(size, 3);
    unlink(path);
    assert_true(sha256_file(path, hex, &size) < 0);
}

static void test_hex_check(void **state)
{
    (void)state;
    char hex[SHA256_HEX_LEN + 1];
    sha256_hex("x", 1, hex);
    assert_true(sha256_is_hex(hex));
    hex[3] = 'A';
    assert_false(sha256_is_hex(hex));
    assert_false(sha256_is_hex(""));
    assert_false(sha256_is_hex("abc"));
    assert_false(
        sha256_is_hex("../../../../../../../../../../../../../../../../etc/passwd0000000"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_known_vectors),
        cmocka_unit_test(test_million_a_fed_in_odd_pieces),
        cmocka_unit_test(test_padding_boundaries_and_splits),
        cmocka_unit_test(test_file_digest_and_size),
        cmocka_unit_test(test_hex_check),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
