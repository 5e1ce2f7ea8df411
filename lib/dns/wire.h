/* SPDX-License-Identifier: MIT */
/*
 * DNS wire format (RFC 1035 §4): protocol constants, big-endian accessors
 * and writers, and name skipping with compression checks (RFC 9267).
 * Internal to lib/dns.
 */
#ifndef LIB_DNS_WIRE_H
#define LIB_DNS_WIRE_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>

#include <dns/dns.h>

/* Header (RFC 1035 §4.1.1): six 16-bit words */
#define DNS_HEADER_LEN  12
#define DNS_OFF_ID      0
#define DNS_OFF_FLAGS   2
#define DNS_OFF_QDCOUNT 4
#define DNS_OFF_ANCOUNT 6
#define DNS_OFF_NSCOUNT 8
#define DNS_OFF_ARCOUNT 10

/* The flags word */
#define DNS_FLAG_QR           0x8000u /* a response */
#define DNS_FLAG_OPCODE_MASK  0x7800u
#define DNS_FLAG_OPCODE_SHIFT 11
#define DNS_FLAG_AA           0x0400u /* authoritative answer */
#define DNS_FLAG_TC           0x0200u /* truncated */
#define DNS_FLAG_RD           0x0100u /* recursion desired */
#define DNS_FLAG_RA           0x0080u /* recursion available */
#define DNS_FLAG_CD           0x0010u /* checking disabled (RFC 4035 §3.2.2) */
#define DNS_FLAG_RCODE_MASK   0x000fu

#define DNS_OPCODE_QUERY 0

/* RCODEs; above 15 they are extended, their upper 8 bits in the OPT (RFC 6891 §6.1.3) */
#define DNS_RCODE_NOERROR   0
#define DNS_RCODE_FORMERR   1
#define DNS_RCODE_SERVFAIL  2
#define DNS_RCODE_NXDOMAIN  3
#define DNS_RCODE_NOTIMP    4
#define DNS_RCODE_REFUSED   5
#define DNS_RCODE_BADVERS   16
#define DNS_RCODE_EXT_SHIFT 4

/* RR types and classes (RFC 1035 §3.2.2-3.2.5, RFC 3596, RFC 6891, RFC 1995, RFC 5936) */
#define DNS_TYPE_A    1
#define DNS_TYPE_NS   2
#define DNS_TYPE_SOA  6
#define DNS_TYPE_AAAA 28
#define DNS_TYPE_OPT  41
#define DNS_TYPE_IXFR 251
#define DNS_TYPE_AXFR 252
#define DNS_TYPE_ANY  255
#define DNS_CLASS_IN  1
#define DNS_CLASS_ANY 255

/* Names (RFC 1035 §3.1, §4.1.4) */
#define DNS_NAME_MAX            255 /* octets, length bytes and the root's zero included */
#define DNS_NAME_ROOT           0u  /* the root: a zero-length label */
#define DNS_LABEL_MAX           63
#define DNS_LABEL_TYPE_MASK     0xc0u
#define DNS_LABEL_NORMAL        0x00u /* 0x40 (extended) and 0x80 are reserved */
#define DNS_LABEL_POINTER       0xc0u
#define DNS_POINTER_OFFSET_MASK 0x3fffu
#define DNS_POINTER_LEN         2
/*
 * Pointers followed in one name. Each must go strictly backwards (below where
 * the current run of labels began), so every chain ends anyway; this bounds
 * the work, as RFC 9267 §2 asks. One pointer per name is all an encoder needs.
 */
#define DNS_NAME_MAX_POINTERS 16
/*
 * Names compare case-insensitively in ASCII only (RFC 4343 §3): a byte OR
 * this bit equals a lower-case letter exactly when it is that letter in
 * either case.
 */
#define DNS_ASCII_CASE_BIT 0x20u

#define DNS_WORD_BYTES sizeof(uint64_t)

/*
 * The n (<= 8) bytes at p as one number, the first byte lowest. Unrolled,
 * the compiler makes it one load, or a constant for a string literal; a
 * whole word on a little-endian machine is loaded as it is, since byte
 * loads from a computed address are not always merged.
 */
static inline uint64_t dns_bytes_word(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint64_t w = 0;
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (n == sizeof(w)) {
        __builtin_memcpy(&w, b, sizeof(w));
        return w;
    }
#endif
#pragma GCC unroll 8
    for (size_t i = 0; i < n; i++)
        w |= (uint64_t)b[i] << (CHAR_BIT * i);
    return w;
}

/*
 * Stores the n (<= 8) bytes of w at p, the lowest first: dns_bytes_word's
 * inverse. On a little-endian machine that is w's own first n bytes, one
 * store (byte stores of a variable word, the compiler would assemble in a
 * vector register first); elsewhere a byte at a time.
 */
static inline void dns_put_bytes_word(uint8_t *p, uint64_t w, size_t n)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    __builtin_memcpy(p, &w, n);
    return;
#endif
#pragma GCC unroll 8
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(w >> (CHAR_BIT * i));
}

/*
 * Whether the n bytes at p match lower, a constant name in lower case, under
 * its fold mask fold: DNS_ASCII_CASE_BIT under every letter of lower and 0
 * under every other byte (length bytes, the root, numbers), so the bytes
 * OR-ed with the mask equal lower exactly when they match it, letters in
 * either case (RFC 4343 §3). A word at a time: with n from 9 to 16, two
 * words that overlap, the second ending at the n-th byte.
 */
static inline int dns_fold_equal(const uint8_t *p, const char *lower, const char *fold, size_t n)
{
    if (n > DNS_WORD_BYTES) {
        size_t last = n - DNS_WORD_BYTES;
        return ((dns_bytes_word(p, DNS_WORD_BYTES) | dns_bytes_word(fold, DNS_WORD_BYTES)) ^
                dns_bytes_word(lower, DNS_WORD_BYTES)) == 0 &&
               ((dns_bytes_word(p + last, DNS_WORD_BYTES) |
                 dns_bytes_word(fold + last, DNS_WORD_BYTES)) ^
                dns_bytes_word(lower + last, DNS_WORD_BYTES)) == 0;
    }
    return (dns_bytes_word(p, n) | dns_bytes_word(fold, n)) == dns_bytes_word(lower, n);
}

/* Fixed parts after a name: QTYPE QCLASS (§4.1.2); TYPE CLASS TTL RDLENGTH (§4.1.3) */
#define DNS_QUESTION_FIXED_LEN 4
#define DNS_Q_OFF_TYPE         0
#define DNS_Q_OFF_CLASS        2
#define DNS_RR_FIXED_LEN       10
#define DNS_RR_OFF_TYPE        0
#define DNS_RR_OFF_CLASS       2
#define DNS_RR_OFF_TTL         4
#define DNS_RR_OFF_RDLENGTH    8

/* OPT (RFC 6891 §6.1.2-6.1.3): CLASS is the payload size, TTL packs these */
#define DNS_OPT_TTL_RCODE_SHIFT   24
#define DNS_OPT_TTL_VERSION_SHIFT 16
#define DNS_OPT_VERSION_MASK      0xffu
#define DNS_OPT_TTL_DO            0x8000u /* DNSSEC OK (RFC 3225 §3), copied to the reply */
/* An option in the OPT's RDATA (RFC 6891 §6.1.2): CODE, LENGTH, then LENGTH bytes */
#define DNS_OPTION_HEADER_LEN 4
#define DNS_OPTION_COOKIE     10 /* RFC 7873 §4 */
#define DNS_EDNS_VERSION      0
/* The UDP limit without EDNS, and the floor for a smaller EDNS payload (RFC 1035 §4.2.1) */
#define DNS_UDP_MSG_MIN 512u

static inline uint16_t dns_get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t dns_get32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/*
 * Writers for a reply whose length was checked before the first byte was
 * written: each stores big-endian at p and returns the byte after. Inline
 * byte stores, since a reply takes a dozen of them.
 */
static inline uint8_t *dns_put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
    return p + sizeof(v);
}

static inline uint8_t *dns_put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
    return p + sizeof(v);
}

/* A compression pointer to offset off (< 0x4000) of the reply. */
static inline uint8_t *dns_put_pointer(uint8_t *p, size_t off)
{
    return dns_put16(p, (uint16_t)(DNS_LABEL_POINTER << 8 | (off & DNS_POINTER_OFFSET_MASK)));
}

/*
 * Moves *off in msg (len bytes) past the possibly compressed name there,
 * checking it all. Returns the length of the name it spells (1..DNS_NAME_MAX:
 * its labels and the root's zero byte, pointers followed), or -EBADMSG if it
 * runs past the end, is too long, uses a reserved label type, or has a
 * pointer into the header, one that is not strictly backwards or one pointer
 * too many (*off is then unchanged).
 */
int dns_skip_name(const uint8_t *msg, size_t len, size_t *off);

#endif
