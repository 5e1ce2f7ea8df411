/* SPDX-License-Identifier: MIT */
/*
 * The Internet checksum (RFC 1071) and where it sits in a frame, for the
 * software checksums (lwIP's, through LWIP_CHKSUM) and for checksum offload
 * (net/net.c, drivers/virtio/net.c). Pure functions of their arguments: no
 * lwIP, no device; frames are read with unaligned loads and never trusted.
 */
#ifndef NET_CSUM_H
#define NET_CSUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/kstring.h"

/*
 * The ones'-complement sum of len bytes at data, as 16-bit words in memory
 * order, added to sum (a value csum_add returned, or 0) and folded to 16 bits:
 * stored as it is, it reads as the sum in network byte order. Not inverted.
 * data starts at even offsets of the frame when chained (sums of odd-length
 * pieces must be byte-swapped by the caller, as lwIP does).
 */
static inline uint16_t csum_add(uint16_t sum, const void *data, size_t len);

/*
 * The pseudo-header's sum for UDP or TCP (RFC 768, RFC 9293 §3.1, RFC 8200
 * §8.1): addrs holds the source and destination addresses as they sit in the
 * IP header (8 bytes for IPv4, 32 for IPv6), len the transport length.
 */
static inline uint16_t csum_pseudo(const void *addrs, size_t addrs_len, uint8_t proto,
                                   uint16_t len);

/*
 * The sum (csum_add) of a 20-byte IPv4 header (no options) at hdr: 0xffff when
 * its checksum holds. Always inline: three loads on the receive fast path.
 */
static inline uint16_t csum_ip4_header(const void *hdr);

/* The checksum to store for a transport header and payload whose sum is sum: 0 sent as 0xffff. */
static inline uint16_t csum_finish(uint16_t sum);

/*
 * lwIP's LWIP_CHKSUM (net/lwipopts.h): csum_add(0, data, len), with lwIP's
 * types.
 */
uint16_t net_chksum(const void *data, int len);

/* Where a frame's UDP or TCP checksum lies (csum_locate). */
struct csum_l4 {
    uint16_t start;  /* the transport header's offset in the frame */
    uint16_t offset; /* the checksum field's offset from start */
    uint16_t len;    /* transport header and payload, from start to the IP datagram's end */
    uint8_t proto;   /* IP_PROTO_UDP (17) or IP_PROTO_TCP (6) */
    bool v6;
    uint16_t addrs;    /* the source and destination addresses' offset in the frame... */
    uint8_t addrs_len; /* ...and length: 8 (IPv4) or 32 (IPv6) */
};

/*
 * Finds the UDP or TCP checksum of an Ethernet frame of len bytes whose first
 * avail bytes are at frame: an IPv4 datagram that is not a fragment (any
 * header length), or an IPv6 one whose next header is UDP or TCP (no
 * extension headers), within the frame (Ethernet padding may follow: the
 * caller compares start + len with the frame's length where it matters) and
 * long enough for its transport header. Fills *l4 and returns 0; -ENOENT for
 * any other frame (ARP, ICMP, fragments, extension headers) or when its
 * headers up to the checksum field are not all within avail; -EINVAL for one
 * whose version or lengths do not add up.
 */
int csum_locate(const uint8_t *frame, size_t avail, size_t len, struct csum_l4 *l4);

/* The pseudo-header's sum (csum_pseudo) of a datagram csum_locate found in frame. */
uint16_t csum_l4_pseudo(const uint8_t *frame, const struct csum_l4 *l4);

/*
 * Completes a partial checksum (virtio's NEEDS_CSUM): the sum of the frame's
 * bytes from start to its end, inverted, stored at start + offset (a checksum
 * field that holds the pseudo-header's sum). Returns 0, or -EINVAL when the
 * field does not lie inside the frame (nothing is written).
 */
int csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset);

/*
 * Inline, so that the short sums of the hot path (a 20-byte header, the
 * pseudo-header's addresses) unroll for their constant lengths. Loads are
 * kcopy (kernel/kstring.h): unaligned, and no call.
 */
static inline uint16_t csum_fold64(uint64_t acc)
{
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffffffu) + (acc >> 32);
    acc = (acc & 0xffffu) + (acc >> 16);
    acc = (acc & 0xffffu) + (acc >> 16);
    return (uint16_t)acc;
}

static inline uint16_t csum_add(uint16_t sum, const void *data, size_t len)
{
    const uint8_t *p = data;
    uint64_t acc = sum, w;

    /*
     * A ones'-complement sum of 64-bit words folds to the sum of their 16-bit
     * words (RFC 1071 §2(B)): the carry out of each addition goes back in.
     */
    for (; len >= sizeof(w); p += sizeof(w), len -= sizeof(w)) {
        kcopy(&w, p, sizeof(w)); /* unaligned: headers sit at Ethernet's 14-byte offset */
        acc += w;
        acc += acc < w;
    }
    acc = (acc & 0xffffffffu) + (acc >> 32); /* 33 bits: room for what follows */
    if (len >= sizeof(uint32_t)) {
        uint32_t v;
        kcopy(&v, p, sizeof(v));
        acc += v;
        p += sizeof(v);
        len -= sizeof(v);
    }
    if (len >= sizeof(uint16_t)) {
        uint16_t v;
        kcopy(&v, p, sizeof(v));
        acc += v;
        p += sizeof(v);
        len -= sizeof(v);
    }
    if (len) {
        /* The odd byte is the first of a 16-bit word padded with zero (RFC 1071 §4.1). */
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        acc += *p;
#else
        acc += (uint64_t)*p << 8;
#endif
    }
    return csum_fold64(acc);
}

static inline __attribute__((always_inline)) uint16_t csum_ip4_header(const void *hdr)
{
    uint64_t a, b, acc;
    uint32_t c;
    kcopy(&a, hdr, sizeof(a)); /* unaligned: at Ethernet's 14-byte offset */
    kcopy(&b, (const uint8_t *)hdr + sizeof(a), sizeof(b));
    kcopy(&c, (const uint8_t *)hdr + 2 * sizeof(a), sizeof(c));
    acc = a + b;
    acc += acc < b; /* the end-around carry (RFC 1071 §2(B)) */
    acc = (acc & 0xffffffffu) + (acc >> 32) + c;
    return csum_fold64(acc);
}

static inline uint16_t csum_finish(uint16_t sum)
{
    uint16_t c = (uint16_t)~sum;
    return c == 0 ? 0xffff : c; /* RFC 768: a computed zero is sent as all ones */
}

/* The 16-bit word of the bytes first and second, as csum_add reads it from memory. */
static inline uint32_t csum_bytes(uint8_t first, uint8_t second)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return (uint32_t)first | (uint32_t)second << 8;
#else
    return (uint32_t)first << 8 | second;
#endif
}

static inline uint16_t csum_pseudo(const void *addrs, size_t addrs_len, uint8_t proto, uint16_t len)
{
    /* Zero, protocol, length: the same 16-bit words for IPv4's and IPv6's pseudo-header
       (as values, not an array: no stack-protector canary in the callers). */
    uint64_t rest = csum_bytes(0, proto) + csum_bytes((uint8_t)(len >> 8), (uint8_t)len);
    return csum_fold64(csum_add(0, addrs, addrs_len) + rest);
}

#endif
