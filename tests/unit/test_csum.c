// SPDX-License-Identifier: MIT
/*
 * Unit tests for the Internet checksum and the parse behind checksum offload
 * (net/csum.c), against a bytewise RFC 1071 sum written here and frames
 * whose checksums were computed by hand.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <errno.h>

#include "net/csum.h"

/* RFC 1071 the slow way: big-endian 16-bit words, folded; returned in memory order. */
static uint16_t reference_sum(const uint8_t *p, size_t len)
{
    uint32_t s = 0;
    for (size_t i = 0; i < len; i += 2)
        s += (uint32_t)(p[i] << 8 | (i + 1 < len ? p[i + 1] : 0));
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    uint8_t be[2] = {(uint8_t)(s >> 8), (uint8_t)s};
    uint16_t mem;
    memcpy(&mem, be, sizeof(mem));
    return mem;
}

/* Equal as ones'-complement numbers: 0x0000 and 0xffff are both zero. */
static int same_sum(uint16_t a, uint16_t b)
{
    return a == b || ((a == 0 || a == 0xffff) && (b == 0 || b == 0xffff));
}

static void test_sum_matches_rfc1071_at_every_length_and_alignment(void **state)
{
    (void)state;
    uint8_t buf[300];
    uint32_t x = 12345;
    for (size_t i = 0; i < sizeof(buf); i++) {
        x = x * 1103515245u + 12345u;
        buf[i] = (uint8_t)(x >> 16);
    }
    for (size_t off = 0; off < 8; off++)
        for (size_t len = 0; len + off <= sizeof(buf); len++)
            assert_true(same_sum(csum_add(0, buf + off, len), reference_sum(buf + off, len)));
}

static void test_sum_carries_around_with_all_ones(void **state)
{
    (void)state;
    uint8_t ones[64];
    memset(ones, 0xff, sizeof(ones));
    for (size_t len = 0; len <= sizeof(ones); len++)
        assert_true(same_sum(csum_add(0, ones, len), reference_sum(ones, len)));
    /* A running sum continues where it stopped, at even lengths. */
    assert_true(same_sum(csum_add(csum_add(0, ones, 10), ones, 54), reference_sum(ones, 64)));
}

static void test_rfc1071_example(void **state)
{
    (void)state;
    /* RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to ddf2 (after the end-around carry). */
    const uint8_t data[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    uint16_t s = csum_add(0, data, sizeof(data));
    const uint8_t *b = (const uint8_t *)&s;
    assert_int_equal(b[0], 0xdd);
    assert_int_equal(b[1], 0xf2);
}

/* A datagram from 192.168.77.1:40000 to 192.168.77.2:53, its UDP checksum not filled in yet. */
static const uint8_t udp4_frame[] = {
    0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x02, 0x00, 0x00, 0x00, 0xaa, 0x01, 0x08, 0x00, /* eth */
    0x45, 0x00, 0x00, 0x1e, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0xf5, 0x18,             /* ip */
    0xc0, 0xa8, 0x4d, 0x01, 0xc0, 0xa8, 0x4d, 0x02,                                     /* addrs */
    0x9c, 0x40, 0x00, 0x35, 0x00, 0x0a, 0x00, 0x00,                                     /* udp */
    0x61, 0x62,                                                                         /* "ab" */
};

static void fill_udp_csum(uint8_t *frame, size_t len)
{
    struct csum_l4 l4;
    assert_int_equal(csum_locate(frame, len, len, &l4), 0);
    uint16_t pseudo = csum_l4_pseudo(frame, &l4);
    memcpy(frame + l4.start + l4.offset, &pseudo, sizeof(pseudo));
    assert_int_equal(csum_complete(frame, len, l4.start, l4.offset), 0);
}

static void test_locate_finds_udp_over_ipv4_and_its_pseudo_header(void **state)
{
    (void)state;
    uint8_t f[sizeof(udp4_frame)];
    memcpy(f, udp4_frame, sizeof(f));
    struct csum_l4 l4;
    assert_int_equal(csum_locate(f, sizeof(f), sizeof(f), &l4), 0);
    assert_int_equal(l4.start, 34);
    assert_int_equal(l4.offset, 6);
    assert_int_equal(l4.len, 10);
    assert_int_equal(l4.proto, 17);
    assert_false(l4.v6);
    /* The pseudo-header by hand: addresses, zero, 17, length 10. */
    const uint8_t pseudo[] = {0xc0, 0xa8, 0x4d, 0x01, 0xc0, 0xa8, 0x4d, 0x02, 0, 17, 0, 10};
    assert_true(same_sum(csum_l4_pseudo(f, &l4), reference_sum(pseudo, sizeof(pseudo))));
    /* Completing from the pseudo-header gives a checksum the whole datagram verifies with. */
    fill_udp_csum(f, sizeof(f));
    uint8_t all[sizeof(pseudo) + 10];
    memcpy(all, pseudo, sizeof(pseudo));
    memcpy(all + sizeof(pseudo), f + 34, 10);
    assert_true(same_sum(reference_sum(all, sizeof(all)), 0xffff));
}

static void test_locate_takes_ip_options_and_tcp_and_ethernet_padding(void **state)
{
    (void)state;
    uint8_t f[14 + 24 + 20 + 16] = {0};
    memcpy(f, udp4_frame, 14);
    f[14] = 0x46; /* IPv4, 24-byte header */
    f[16] = 0;
    f[17] = 24 + 20; /* total: header and a bare TCP header; 16 bytes of padding follow */
    f[23] = 6;
    struct csum_l4 l4;
    assert_int_equal(csum_locate(f, sizeof(f), sizeof(f), &l4), 0);
    assert_int_equal(l4.start, 14 + 24);
    assert_int_equal(l4.offset, 16);
    assert_int_equal(l4.len, 20);
    assert_int_equal(l4.proto, 6);
}

static void test_locate_finds_udp_over_ipv6(void **state)
{
    (void)state;
    uint8_t f[14 + 40 + 8 + 3] = {0};
    f[12] = 0x86;
    f[13] = 0xdd;
    f[14] = 0x60;
    f[19] = 8 + 3; /* payload length */
    f[20] = 17;    /* next header: UDP */
    f[21] = 64;
    for (int i = 0; i < 32; i++)
        f[22 + i] = (uint8_t)(0xfe + i * 7);
    f[54 + 5] = 8 + 3;
    struct csum_l4 l4;
    assert_int_equal(csum_locate(f, sizeof(f), sizeof(f), &l4), 0);
    assert_int_equal(l4.start, 54);
    assert_int_equal(l4.len, 11);
    assert_true(l4.v6);
    uint8_t pseudo[32 + 8] = {0};
    memcpy(pseudo, f + 22, 32);
    pseudo[35] = 11;
    pseudo[39] = 17;
    assert_true(same_sum(csum_l4_pseudo(f, &l4), reference_sum(pseudo, sizeof(pseudo))));
}

static void test_locate_refuses_fragments_other_protocols_and_bad_lengths(void **state)
{
    (void)state;
    uint8_t f[sizeof(udp4_frame)];
    struct csum_l4 l4;

    memcpy(f, udp4_frame, sizeof(f));
    f[20] = 0x20; /* more fragments */
    assert_int_equal(csum_locate(f, sizeof(f), sizeof(f), &l4), -ENOENT);
    memcpy(f, udp4_frame, sizeof(f));
    f[21] = 0x01; /* a later fragment */
    assert_int_equal(csum_locate(f, sizeof(f), sizeof(f), &l4), -ENOENT);
    memcpy(f, udp4_frame, sizeof(f));
    f[23] = 1; /* ICMP */
    assert_int_equal(csum_locate(f, sizeof(f), sizeof(f), &l4), -ENOENT);
    memcpy(f, udp4_frame, sizeof(f));
    f[12] = 0x08;
    f[13] = 0x06; /* ARP */
    assert_int_equal(csum_locate(f, sizeof(f), sizeof(f), &l4), -ENOENT);
    memcpy(f, udp4_frame, sizeof(f));
    f[17] = 0x40; /* total length past the frame */
    assert_int_equal(csum_locate(f, sizeof(f), sizeof(f), &l4), -EINVAL);
    memcpy(f, udp4_frame, sizeof(f));
    f[17] = 24; /* room for 4 bytes of UDP: less than its header */
    assert_int_equal(csum_locate(f, sizeof(f), sizeof(f), &l4), -EINVAL);
    memcpy(f, udp4_frame, sizeof(f));
    f[14] = 0x44; /* header length 16 */
    assert_int_equal(csum_locate(f, sizeof(f), sizeof(f), &l4), -EINVAL);
    memcpy(f, udp4_frame, sizeof(f));
    f[14] = 0x65; /* version 6 in an IPv4 frame */
    assert_int_equal(csum_locate(f, sizeof(f), sizeof(f), &l4), -EINVAL);
    memcpy(f, udp4_frame, sizeof(f));
    /* The headers not all in the first piece: not located there. */
    assert_int_equal(csum_locate(f, 30, sizeof(f), &l4), -ENOENT);
    assert_int_equal(csum_locate(f, 10, sizeof(f), &l4), -ENOENT);
}

static void test_complete_refuses_a_field_outside_the_frame(void **state)
{
    (void)state;
    uint8_t f[sizeof(udp4_frame)];
    memcpy(f, udp4_frame, sizeof(f));
    assert_int_equal(csum_complete(f, sizeof(f), sizeof(f) - 1, 0), -EINVAL);
    assert_int_equal(csum_complete(f, sizeof(f), sizeof(f) + 1, 0), -EINVAL);
    assert_int_equal(csum_complete(f, sizeof(f), 34, 65535), -EINVAL);
    assert_memory_equal(f, udp4_frame, sizeof(f)); /* untouched */
    assert_int_equal(csum_complete(f, sizeof(f), sizeof(f) - 2, 0), 0);
}

static void test_ip4_header_sum_matches_rfc1071_with_carries(void **state)
{
    (void)state;
    uint8_t buf[20 + 8];
    uint32_t x = 777;
    for (int round = 0; round < 2000; round++) {
        for (size_t i = 0; i < sizeof(buf); i++) {
            x = x * 1103515245u + 12345u;
            /* Every other round all ones but a few bytes: the carries' worst case. */
            buf[i] =
                round & 1 ? (uint8_t)(0xff ^ ((x >> 16) & (x >> 24) & 0x3)) : (uint8_t)(x >> 16);
        }
        for (size_t off = 0; off < 8; off += 2)
            assert_true(same_sum(csum_ip4_header(buf + off), reference_sum(buf + off, 20)));
    }
}

static void test_finish_sends_zero_as_all_ones(void **state)
{
    (void)state;
    assert_int_equal(csum_finish(0xffff), 0xffff);
    assert_int_equal(csum_finish(0x1234), (uint16_t)~0x1234);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sum_matches_rfc1071_at_every_length_and_alignment),
        cmocka_unit_test(test_sum_carries_around_with_all_ones),
        cmocka_unit_test(test_rfc1071_example),
        cmocka_unit_test(test_locate_finds_udp_over_ipv4_and_its_pseudo_header),
        cmocka_unit_test(test_locate_takes_ip_options_and_tcp_and_ethernet_padding),
        cmocka_unit_test(test_locate_finds_udp_over_ipv6),
        cmocka_unit_test(test_locate_refuses_fragments_other_protocols_and_bad_lengths),
        cmocka_unit_test(test_complete_refuses_a_field_outside_the_frame),
        cmocka_unit_test(test_ip4_header_sum_matches_rfc1071_with_carries),
        cmocka_unit_test(test_finish_sends_zero_as_all_ones),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
