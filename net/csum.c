// SPDX-License-Identifier: MIT
/*
 * The Internet checksum (RFC 1071; net/csum.h), eight bytes per step with an
 * end-around carry, and the parse that finds a frame's transport checksum
 * for checksum offload. lwIP's own lwip_standard_chksum goes two bytes per
 * step; LWIP_CHKSUM (net/lwipopts.h) makes lwIP use this one.
 */
#include "net/csum.h"

#include <errno.h>
#include <string.h>

/* Ethernet (IEEE 802.3 §3.2) */
#define ETH_HLEN      14
#define ETH_TYPE_OFF  12
#define ETH_TYPE_IPV4 0x0800
#define ETH_TYPE_IPV6 0x86dd

/* IPv4 header (RFC 791 §3.1), offsets from its start */
/* clang-format off */
#define IP4_HLEN_MIN    20
#define IP4_VER_IHL     0  /* version (4 bits), header length in 32-bit words (4 bits) */
#define IP4_TOTAL_LEN   2
#define IP4_FRAG        6  /* flags (3 bits) and fragment offset (13 bits) */
#define   IP4_FRAG_MF     0x2000
#define   IP4_FRAG_OFFSET 0x1fff
#define IP4_PROTO       9
#define IP4_ADDRS       12 /* source, then destination: 8 bytes */
#define IP4_ADDRS_LEN   8
/* clang-format on */

/* IPv6 header (RFC 8200 §3) */
#define IP6_HLEN      40
#define IP6_PLEN      4
#define IP6_NEXTH     6
#define IP6_ADDRS     8 /* source, then destination: 32 bytes */
#define IP6_ADDRS_LEN 32

#define PROTO_TCP    6
#define PROTO_UDP    17
#define UDP_HLEN     8
#define UDP_CSUM_OFF 6 /* RFC 768 */
#define TCP_HLEN     20
#define TCP_CSUM_OFF 16 /* RFC 9293 §3.1 */

uint16_t net_chksum(const void *data, int len)
{
    return len > 0 ? csum_add(0, data, (size_t)len) : 0;
}

static uint16_t be16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

int csum_locate(const uint8_t *frame, size_t avail, size_t len, struct csum_l4 *l4)
{
    size_t ip_len, hlen, l4_len, addrs, addrs_len;
    uint8_t proto;

    if (avail > len)
        avail = len;
    if (avail < ETH_HLEN)
        return -ENOENT;
    const uint8_t *ip = frame + ETH_HLEN;
    uint16_t type = be16(frame + ETH_TYPE_OFF);
    if (type == ETH_TYPE_IPV4) {
        if (avail < ETH_HLEN + IP4_HLEN_MIN)
            return -ENOENT;
        if (ip[IP4_VER_IHL] >> 4 != 4)
            return -EINVAL;
        hlen = (size_t)(ip[IP4_VER_IHL] & 0x0f) * 4;
        ip_len = be16(ip + IP4_TOTAL_LEN);
        if (hlen < IP4_HLEN_MIN || ip_len < hlen)
            return -EINVAL;
        if (be16(ip + IP4_FRAG) & (IP4_FRAG_MF | IP4_FRAG_OFFSET))
            return -ENOENT; /* a fragment: its checksum covers the whole datagram */
        proto = ip[IP4_PROTO];
        addrs = IP4_ADDRS;
        addrs_len = IP4_ADDRS_LEN;
    } else if (type == ETH_TYPE_IPV6) {
        if (avail < ETH_HLEN + IP6_HLEN)
            return -ENOENT;
        if (ip[0] >> 4 != 6)
            return -EINVAL;
        hlen = IP6_HLEN;
        ip_len = IP6_HLEN + (size_t)be16(ip + IP6_PLEN);
        proto = ip[IP6_NEXTH]; /* an extension header is neither UDP nor TCP: not located */
        addrs = IP6_ADDRS;
        addrs_len = IP6_ADDRS_LEN;
    } else {
        return -ENOENT;
    }

    size_t l4_hlen, csum_off;
    if (proto == PROTO_UDP) {
        l4_hlen = UDP_HLEN;
        csum_off = UDP_CSUM_OFF;
    } else if (proto == PROTO_TCP) {
        l4_hlen = TCP_HLEN;
        csum_off = TCP_CSUM_OFF;
    } else {
        return -ENOENT;
    }
    if (ETH_HLEN + ip_len > len)
        return -EINVAL; /* the datagram claims more than the frame holds */
    l4_len = ip_len - hlen;
    if (l4_len < l4_hlen)
        return -EINVAL;
    if (avail < ETH_HLEN + hlen + csum_off + sizeof(uint16_t))
        return -ENOENT;

    l4->start = (uint16_t)(ETH_HLEN + hlen);
    l4->offset = (uint16_t)csum_off;
    l4->len = (uint16_t)l4_len;
    l4->proto = proto;
    l4->v6 = type == ETH_TYPE_IPV6;
    l4->addrs = (uint16_t)(ETH_HLEN + addrs);
    l4->addrs_len = (uint8_t)addrs_len;
    return 0;
}

uint16_t csum_l4_pseudo(const uint8_t *frame, const struct csum_l4 *l4)
{
    /* Each length a constant: the sum of the addresses unrolls into a few loads. */
    if (l4->v6)
        return csum_pseudo(frame + l4->addrs, IP6_ADDRS_LEN, l4->proto, l4->len);
    return csum_pseudo(frame + l4->addrs, IP4_ADDRS_LEN, l4->proto, l4->len);
}

int csum_complete(uint8_t *frame, size_t len, size_t start, size_t offset)
{
    if (start > len || offset > len - start || len - start - offset < sizeof(uint16_t))
        return -EINVAL;
    uint16_t c = csum_finish(csum_add(0, frame + start, len - start));
    kcopy(frame + start + offset, &c, sizeof(c));
    return 0;
}
