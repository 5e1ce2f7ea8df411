// SPDX-License-Identifier: MIT
/* UDP sockets (include/mote/net.h) over lwIP's raw UDP API. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <mote/net.h>

#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/ip6.h"
#include "lwip/prot/udp.h"
#include "lwip/udp.h"
#include "net/net.h"

#define MAX_SOCKETS     16
#define UDP_PAYLOAD_MAX 65507
#define DATAGRAM_MAX    1500 /* received datagrams in several pbufs are joined up to this */

static struct {
    struct udp_pcb *pcb;
    mote_udp_fn fn;
    void *arg;
} sockets[MAX_SOCKETS + 1]; /* socket ids are 1..MAX_SOCKETS */
static uint8_t joined[DATAGRAM_MAX];

/*
 * The datagram a callback is running for, when it can be answered in place:
 * its frame (Ethernet, IP and UDP headers, then the payload, contiguous in
 * one receive buffer) and the bytes that buffer holds from the payload on.
 */
static struct {
    int sock; /* 0: none */
    uint8_t *frame, *ip, *payload;
    size_t room;
    bool v6;
} in_place;

/* Whether the datagram lwIP is delivering can be answered in place; fills in_place. */
static bool in_place_check(int sock, struct pbuf *p)
{
    size_t frame_room;
    uint8_t *frame = net_rx_frame(&frame_room);
    if (!frame || p->len != p->tot_len)
        return false;
    uint8_t *ip = frame + SIZEOF_ETH_HDR, *payload = p->payload;
    bool v6 = ip_current_is_v6();
    if (!v6) {
        const struct ip_hdr *h = ip4_current_header();
        /* Options would have to be turned around too; a broadcast is not ours to answer from. */
        if ((uint8_t *)h != ip || IPH_HL_BYTES(h) != IP_HLEN ||
            !ip4_addr_cmp(ip4_current_dest_addr(), netif_ip4_addr(ip_current_netif())))
            return false;
        if (payload != ip + IP_HLEN + UDP_HLEN)
            return false;
    } else {
#if LWIP_IPV6
        const struct ip6_hdr *h = ip6_current_header();
        if ((uint8_t *)h != ip || IP6H_NEXTH(h) != IP6_NEXTH_UDP ||
            ip6_addr_ismulticast(ip6_current_dest_addr()) || payload != ip + IP6_HLEN + UDP_HLEN)
            return false;
#else
        return false;
#endif
    }
    if (payload > frame + frame_room)
        return false;
    in_place.sock = sock;
    in_place.frame = frame;
    in_place.ip = ip;
    in_place.payload = payload;
    in_place.room = (size_t)(frame + frame_room - payload);
    in_place.v6 = v6;
    return true;
}

void *mote_udp_reply_buffer(int sock, size_t *room)
{
    if (sock <= 0 || in_place.sock != sock) {
        *room = 0;
        return NULL;
    }
    *room = in_place.room;
    return in_place.payload;
}

/* The UDP checksum of the datagram at udp (header and payload), over src and dst. */
static u16_t udp_checksum(void *udp, u16_t len, const ip_addr_t *src, const ip_addr_t *dst)
{
    /* lwIP's checksum functions walk a pbuf: one on the stack describes the datagram. */
    struct pbuf q = {.payload = udp, .len = len, .tot_len = len, .ref = 1};
    u16_t sum = ip_chksum_pseudo(&q, IP_PROTO_UDP, len, src, dst);
    return sum == 0 ? 0xffff : sum; /* RFC 768: a computed zero is sent as all ones */
}

/* Turns the received frame around in place: the reply's headers, len bytes of payload. */
static size_t in_place_turn(const struct udp_pcb *pcb, size_t len)
{
    struct eth_hdr *eth = (struct eth_hdr *)in_place.frame;
    struct udp_hdr *udp = (struct udp_hdr *)(in_place.payload - UDP_HLEN);
    u16_t udp_len = (u16_t)(UDP_HLEN + len);
    ip_addr_t src, dst;

    SMEMCPY(&eth->dest, &eth->src, ETH_HWADDR_LEN);
    SMEMCPY(&eth->src, ip_current_netif()->hwaddr, ETH_HWADDR_LEN);
    u16_t port = udp->src;
    udp->src = udp->dest;
    udp->dest = port;
    udp->len = lwip_htons(udp_len);
    udp->chksum = 0;
    if (!in_place.v6) {
        struct ip_hdr *h = (struct ip_hdr *)in_place.ip;
        ip_addr_copy_from_ip4(dst, h->src);
        ip_addr_copy_from_ip4(src, h->dest); /* our own address: in_place_check made sure */
        ip4_addr_copy(h->dest, *ip_2_ip4(&dst));
        ip4_addr_copy(h->src, *ip_2_ip4(&src));
        IPH_TOS_SET(h, pcb->tos);
        IPH_LEN_SET(h, lwip_htons((u16_t)(IP_HLEN + udp_len)));
        /* An atomic datagram (DF, not fragmented) needs no unique ID (RFC 6864 §4.1). */
        IPH_ID_SET(h, 0);
        IPH_OFFSET_SET(h, lwip_htons(IP_DF));
        IPH_TTL_SET(h, pcb->ttl);
        IPH_CHKSUM_SET(h, 0);
        IPH_CHKSUM_SET(h, inet_chksum(h, IP_HLEN));
        udp->chksum = udp_checksum(udp, udp_len, &src, &dst);
        return SIZEOF_ETH_HDR + IP_HLEN + udp_len;
    }
#if LWIP_IPV6
    struct ip6_hdr *h = (struct ip6_hdr *)in_place.ip;
    ip_addr_copy_from_ip6_packed(dst, h->src);
    ip_addr_copy_from_ip6_packed(src, h->dest);
    ip6_addr_copy_to_packed(h->dest, *ip_2_ip6(&dst));
    ip6_addr_copy_to_packed(h->src, *ip_2_ip6(&src));
    IP6H_VTCFL_SET(h, 6, pcb->tos, 0);
    IP6H_PLEN_SET(h, udp_len);
    IP6H_HOPLIM_SET(h, pcb->ttl);
    udp->chksum = udp_checksum(udp, udp_len, &src, &dst);
    return SIZEOF_ETH_HDR + IP6_HLEN + udp_len;
#else
    return 0;
#endif
}

int mote_udp_reply(int sock, size_t len)
{
    if (sock <= 0 || sock > MAX_SOCKETS || !sockets[sock].pcb)
        return -EBADF;
    if (in_place.sock != sock || len > in_place.room)
        return -EINVAL;
    size_t frame_len = in_place_turn(sockets[sock].pcb, len);
    in_place.sock = 0; /* once: the request is gone */
    int err = net_transmit_frame(in_place.frame, frame_len);
    if (err == 0) {
        UDP_STATS_INC(udp.xmit);
        if (in_place.v6)
            IP6_STATS_INC(ip6.xmit);
        else
            IP_STATS_INC(ip.xmit);
    }
    return err;
}

static void udp_received(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                         u16_t port)
{
    int sock = (int)(intptr_t)arg;
    struct mote_endpoint from;
    (void)pcb;
    net_endpoint_from(&from, addr, port);
    if (p->len == p->tot_len) {
        in_place_check(sock, p);
        sockets[sock].fn(sock, p->payload, p->len, &from, sockets[sock].arg);
        in_place.sock = 0;
    } else if (p->tot_len <= sizeof(joined)) {
        u16_t len = pbuf_copy_partial(p, joined, p->tot_len, 0);
        sockets[sock].fn(sock, joined, len, &from, sockets[sock].arg);
    }
    pbuf_free(p);
    net_timeouts_changed();
}

int mote_udp_bind(uint16_t port, mote_udp_fn fn, void *arg)
{
    if (!fn || port == 0)
        return -EINVAL;
    int err = net_up();
    if (err)
        return err;
    int sock = 1;
    while (sock <= MAX_SOCKETS && sockets[sock].pcb)
        sock++;
    if (sock > MAX_SOCKETS)
        return -ENOMEM;
    struct udp_pcb *pcb = udp_new_ip_type(IPADDR_TYPE_ANY);
    if (!pcb)
        return -ENOMEM;
    if (udp_bind(pcb, IP_ANY_TYPE, port) != ERR_OK) {
        udp_remove(pcb);
        return -EADDRINUSE;
    }
    sockets[sock].pcb = pcb;
    sockets[sock].fn = fn;
    sockets[sock].arg = arg;
    udp_recv(pcb, udp_received, (void *)(intptr_t)sock);
    return sock;
}

int mote_udp_send(int sock, const void *data, size_t len, const struct mote_endpoint *to)
{
    ip_addr_t addr;
    if (sock <= 0 || sock > MAX_SOCKETS || !sockets[sock].pcb)
        return -EBADF;
    if (!to || net_endpoint_to(to, &addr) != 0)
        return -EINVAL;
    if (len > UDP_PAYLOAD_MAX)
        return -EMSGSIZE;
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    if (!p)
        return -ENOMEM;
    pbuf_take(p, data, (u16_t)len);
    err_t err = udp_sendto(sockets[sock].pcb, p, &addr, to->port);
    pbuf_free(p);
    net_timeouts_changed();
    return net_errno(err);
}

int mote_udp_close(int sock)
{
    if (sock <= 0 || sock > MAX_SOCKETS || !sockets[sock].pcb)
        return -EBADF;
    udp_remove(sockets[sock].pcb);
    memset(&sockets[sock], 0, sizeof(sockets[sock]));
    return 0;
}
