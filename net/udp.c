// SPDX-License-Identifier: MIT
/* UDP sockets (include/mote/net.h) over lwIP's raw UDP API. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>
#include <mote/net.h>

#include "kernel/boothook.h"
#include "lwip/ip.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/prot/ethernet.h"
#include "lwip/prot/ip4.h"
#include "lwip/prot/ip6.h"
#include "lwip/prot/udp.h"
#include "lwip/udp.h"
#include "net/csum.h"
#include "net/net.h"
#include "net/netdev.h"

#define MAX_SOCKETS          16
#define UDP_PAYLOAD_MAX      65507
#define DATAGRAM_MAX         1500 /* received datagrams in several pbufs are joined up to this */
#define IP4_ADDRS_OFF        12   /* source and destination in the IPv4 header (RFC 791 §3.1) */
#define IP6_ADDRS_OFF        8    /* the same in the IPv6 header (RFC 8200 §3) */
#define UDP_CSUM_OFF         6    /* the checksum in the UDP header (RFC 768) */
#define IP6_MULTICAST_PREFIX 0xff /* an IPv6 address's first byte (RFC 4291 §2.7) */
#define IN_PLACE_ARG         "udp_in_place"
#define IN_PLACE_ARG_MAX     8

/*
 * The udp_in_place= boot argument, to compare the paths: on (the default),
 * off (mote_udp_reply_buffer offers no buffer, so services answer with
 * mote_udp_send, which still builds an answer to the datagram being
 * delivered over it), never (nothing is built in place: every datagram
 * goes out through lwIP's udp_sendto).
 */
static enum { IN_PLACE_ON, IN_PLACE_OFF, IN_PLACE_NEVER } in_place_mode;

static struct {
    struct udp_pcb *pcb;
    mote_udp_fn fn;
    void *arg;
    uint16_t port;          /* host byte order */
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
    const uint8_t *mac; /* ours: the reply's source */
} in_place;

/* Whether the datagram lwIP is delivering can be answered in place; fills in_place. */
static bool in_place_check(int sock, struct pbuf *p)
{
    if (in_place_mode == IN_PLACE_NEVER)
        return false;
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
    in_place.mac = ip_current_netif()->hwaddr;
    return true;
}

void *mote_udp_reply_buffer(int sock, size_t *room)
{
    if (sock <= 0 || in_place.sock != sock || in_place_mode != IN_PLACE_ON) {
        *room = 0;
        return NULL;
    }
    *room = in_place.room;
    return in_place.payload;
}

/*
 * Fixed-size copies and compares written out (a load or store each): the
 * kernel builds with -ffreestanding, where memcpy is a call.
 */
#define COPY(dst, src, n) __builtin_memcpy(dst, src, n)
#define EQUAL(a, b, n)    (__builtin_memcmp(a, b, n) == 0)
#define IP6_ADDR_LEN      16

/* Swaps the n bytes at a with the n bytes at b (addresses, ports: n <= 16, a constant). */
static inline __attribute__((always_inline)) void swap_bytes(uint8_t *a, uint8_t *b, size_t n)
{
    uint8_t t[IP6_ADDR_LEN];
    COPY(t, a, n);
    COPY(a, b, n);
    COPY(b, t, n);
}

/*
 * Turns the received frame around in place: the reply's headers, len bytes of
 * payload, its UDP checksum complete or (transmit offload) left to the device
 * as *csum says. Swapping the addresses leaves the pseudo-header's sum as it was.
 */
static size_t in_place_turn(const struct udp_pcb *pcb, size_t len, struct netdev_csum *csum)
{
    struct eth_hdr *eth = (struct eth_hdr *)in_place.frame;
    struct udp_hdr *udp = (struct udp_hdr *)(in_place.payload - UDP_HLEN);
    u16_t udp_len = (u16_t)(UDP_HLEN + len), pseudo, sum;
    size_t ip_hlen;

    COPY(&eth->dest, &eth->src, ETH_HWADDR_LEN);
    COPY(&eth->src, in_place.mac, ETH_HWADDR_LEN);
    swap_bytes((uint8_t *)&udp->src, (uint8_t *)&udp->dest, sizeof(udp->src));
    udp->len = lwip_htons(udp_len);
    if (!in_place.v6) {
        struct ip_hdr *h = (struct ip_hdr *)in_place.ip;
        /* The destination is our own address: in_place_check made sure. */
        swap_bytes((uint8_t *)&h->src, (uint8_t *)&h->dest, sizeof(h->src));
        IPH_TOS_SET(h, pcb->tos);
        IPH_LEN_SET(h, lwip_htons((u16_t)(IP_HLEN + udp_len)));
        /* An atomic datagram (DF, not fragmented) needs no unique ID (RFC 6864 §4.1). */
        IPH_ID_SET(h, 0);
        IPH_OFFSET_SET(h, lwip_htons(IP_DF));
        IPH_TTL_SET(h, pcb->ttl);
        IPH_CHKSUM_SET(h, 0);
        sum = (u16_t)~csum_ip4_header(h); /* lwIP's GEN_IP is never offloaded */
        IPH_CHKSUM_SET(h, sum);
        pseudo =
            csum_pseudo(in_place.ip + IP4_ADDRS_OFF, 2 * sizeof(h->src), IP_PROTO_UDP, udp_len);
        ip_hlen = IP_HLEN;
    } else {
#if LWIP_IPV6
        struct ip6_hdr *h = (struct ip6_hdr *)in_place.ip;
        swap_bytes((uint8_t *)&h->src, (uint8_t *)&h->dest, sizeof(h->src));
        IP6H_VTCFL_SET(h, 6, pcb->tos, 0);
        IP6H_PLEN_SET(h, udp_len);
        IP6H_HOPLIM_SET(h, pcb->ttl);
        pseudo =
            csum_pseudo(in_place.ip + IP6_ADDRS_OFF, 2 * sizeof(h->src), IP_PROTO_UDP, udp_len);
        ip_hlen = IP6_HLEN;
#else
        return 0;
#endif
    }
    if (net_tx_csum_offload()) {
        udp->chksum = pseudo;
        csum->state = NETDEV_CSUM_PARTIAL;
        csum->start = (uint16_t)(SIZEOF_ETH_HDR + ip_hlen);
        csum->offset = UDP_CSUM_OFF;
    } else {
        udp->chksum = 0;
        udp->chksum = csum_finish(csum_add(pseudo, udp, udp_len));
        csum->state = 0;
    }
    return SIZEOF_ETH_HDR + ip_hlen + udp_len;
}

/* Sends the datagram in in_place, turned around with len bytes of payload. */
static int in_place_send(int sock, size_t len)
{
    struct netdev_csum csum;
    size_t frame_len = in_place_turn(sockets[sock].pcb, len, &csum);
    in_place.sock = 0; /* once: the request is gone */
    int err = net_transmit_frame(in_place.frame, frame_len, csum.state ? &csum : NULL);
    if (err == 0) {
        UDP_STATS_INC(udp.xmit);
        if (in_place.v6)
            IP6_STATS_INC(ip6.xmit);
        else
            IP_STATS_INC(ip.xmit);
    }
    return err;
}

int mote_udp_reply(int sock, size_t len)
{
    if (sock <= 0 || sock > MAX_SOCKETS || !sockets[sock].pcb)
        return -EBADF;
    if (in_place.sock != sock || len > in_place.room || in_place_mode != IN_PLACE_ON)
        return -EINVAL;
    return in_place_send(sock, len);
}

/*
 * Whether to is the sender of the datagram being delivered in place: then
 * mote_udp_send's answer can be built over it (no pbuf, no route, no ARP).
 */
static bool in_place_answers(int sock, const struct mote_endpoint *to, size_t len)
{
    if (in_place.sock != sock || len > in_place.room)
        return false;
    const struct udp_hdr *udp = (const struct udp_hdr *)(in_place.payload - UDP_HLEN);
    if (lwip_ntohs(udp->src) != to->port)
        return false;
    if (!in_place.v6)
        return to->family == MOTE_AF_INET &&
               EQUAL(&((const struct ip_hdr *)in_place.ip)->src, to->addr, sizeof(ip4_addr_p_t));
#if LWIP_IPV6
    return to->family == MOTE_AF_INET6 &&
           EQUAL(&((const struct ip6_hdr *)in_place.ip)->src, to->addr, IP6_ADDR_LEN);
#else
    return false;
#endif
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
    /* lwIP's timeouts: net/net.c's receive() looks at them once the input is done. */
}

/* The socket bound to port (host byte order), or 0; the last one found is looked at first. */
static int socket_of_port(uint16_t port)
{
    static int last = 1;
    if (sockets[last].pcb && sockets[last].port == port)
        return last;
    for (int sock = 1; sock <= MAX_SOCKETS; sock++)
        if (sockets[sock].pcb && sockets[sock].port == port)
            return last = sock;
    return 0;
}

/*
 * lwIP's ip4_addr_isbroadcast for a source address, inline: the limited
 * broadcast, the unspecified address, or the directed broadcast of nif's
 * subnet (RFC 919, RFC 922); never a valid source (lwIP's ip4_input drops it).
 */
static bool ip4_src_broadcast(u32_t src, const struct netif *nif)
{
    u32_t mask = ip4_addr_get_u32(netif_ip4_netmask(nif));
    u32_t ours = ip4_addr_get_u32(netif_ip4_addr(nif));
    if (src == IPADDR_BROADCAST || src == IPADDR_ANY)
        return true;
    return (nif->flags & NETIF_FLAG_BROADCAST) && src != ours && (src & mask) == (ours & mask) &&
           (src & ~mask) == (IPADDR_BROADCAST & ~mask);
}

/* Whether addr (network byte order, in a frame) is one of nif's valid IPv6 addresses. */
static bool ip6_ours(const struct netif *nif, const uint8_t *addr)
{
#if LWIP_IPV6
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
        if (ip6_addr_isvalid(netif_ip6_addr_state(nif, i)) &&
            EQUAL(netif_ip6_addr(nif, i)->addr, addr, IP6_ADDR_LEN))
            return true;
#else
    (void)nif;
    (void)addr;
#endif
    return false;
}

/*
 * Whether the device's word (csum) covers this UDP datagram's checksum, at
 * udp_off in the frame: checked by the device, or partial exactly there.
 */
static inline bool udp_vouched(const struct netdev_csum *csum, size_t udp_off)
{
    return csum->state == NETDEV_CSUM_VALID ||
           (csum->start == udp_off && csum->offset == UDP_CSUM_OFF);
}

bool net_udp_input_frame(struct netif *nif, uint8_t *frame, size_t len, size_t room,
                         const struct netdev_csum *csum)
{
    const struct eth_hdr *eth = (const struct eth_hdr *)frame;
    uint8_t *ip = frame + SIZEOF_ETH_HDR, *udp;
    const struct udp_hdr *uh;
    struct mote_endpoint from = {0};
    size_t udp_len, addrs_off, addrs_len;
    bool v6;

    /* The frame parsed once, here: anything not plainly a UDP datagram is lwIP's. */
    if (len < SIZEOF_ETH_HDR + IP_HLEN + UDP_HLEN || !netif_is_up(nif))
        return false;
    if (eth->type == PP_HTONS(ETHTYPE_IP)) {
        const struct ip_hdr *h = (const struct ip_hdr *)ip;
        ip4_addr_t src, dst;
        /* Version 4, no options (a reply in place has none), not a fragment, UDP. */
        if (IPH_V(h) != 4 || IPH_HL_BYTES(h) != IP_HLEN || IPH_PROTO(h) != IP_PROTO_UDP ||
            (IPH_OFFSET(h) & PP_HTONS(IP_MF | IP_OFFMASK)) != 0)
            return false;
        size_t ip_len = lwip_ntohs(IPH_LEN(h));
        if (ip_len < IP_HLEN + UDP_HLEN || SIZEOF_ETH_HDR + ip_len > len)
            return false; /* lwIP counts and drops it */
        ip4_addr_copy(src, h->src);
        ip4_addr_copy(dst, h->dest);
        /* To our own unicast address from a unicast one (the checks of lwIP's ip4_input),
           a header whose checksum holds. */
        if (ip4_addr_isany_val(*netif_ip4_addr(nif)) || !ip4_addr_cmp(&dst, netif_ip4_addr(nif)) ||
            ip4_addr_ismulticast(&src) || ip4_src_broadcast(ip4_addr_get_u32(&src), nif) ||
            csum_ip4_header(ip) != 0xffff)
            return false;
        udp = ip + IP_HLEN;
        udp_len = ip_len - IP_HLEN;
        addrs_off = IP4_ADDRS_OFF;
        addrs_len = 2 * sizeof(h->src);
        v6 = false;
        COPY(from.addr, &h->src, sizeof(h->src));
    } else if (eth->type == PP_HTONS(ETHTYPE_IPV6)) {
#if LWIP_IPV6
        const struct ip6_hdr *h = (const struct ip6_hdr *)ip;
        /* Version 6, no extension headers: UDP next. */
        if (len < SIZEOF_ETH_HDR + IP6_HLEN + UDP_HLEN || IP6H_V(h) != 6 ||
            IP6H_NEXTH(h) != IP6_NEXTH_UDP)
            return false;
        udp_len = IP6H_PLEN(h);
        udp = ip + IP6_HLEN;
        uh = (const struct udp_hdr *)udp;
        /* Within the frame, to one of our unicast addresses, from a unicast one (lwIP's
           ip6_input); IPv6 has no datagram without a checksum (RFC 8200 §8.1). */
        if (udp_len < UDP_HLEN || SIZEOF_ETH_HDR + IP6_HLEN + udp_len > len ||
            !ip6_ours(nif, ip + IP6_ADDRS_OFF + IP6_ADDR_LEN) ||
            ip[IP6_ADDRS_OFF] == IP6_MULTICAST_PREFIX || uh->chksum == 0)
            return false;
        addrs_off = IP6_ADDRS_OFF;
        addrs_len = 2 * IP6_ADDR_LEN;
        v6 = true;
        COPY(from.addr, ip + IP6_ADDRS_OFF, IP6_ADDR_LEN);
#else
        return false;
#endif
    } else {
        return false;
    }
    uh = (const struct udp_hdr *)udp;
    if (lwip_ntohs(uh->len) != udp_len)
        return false;
    int sock = socket_of_port(lwip_ntohs(uh->dest));
    if (!sock)
        return false;
    if (csum) {
        /* A partial checksum elsewhere is completed and checked on lwIP's way. */
        if (!udp_vouched(csum, (size_t)(udp - frame)))
            return false;
    } else if (uh->chksum != 0 &&
               csum_add(csum_pseudo(ip + addrs_off, addrs_len, IP_PROTO_UDP, (uint16_t)udp_len),
                        udp, udp_len) != 0xffff) {
        return false; /* lwIP counts and drops it */
    }

    /* Counted as lwIP counts what it delivers. */
    if (v6)
        IP6_STATS_INC(ip6.recv);
    else
        IP_STATS_INC(ip.recv);
    UDP_STATS_INC(udp.recv);
    from.family = v6 ? MOTE_AF_INET6 : MOTE_AF_INET;
    from.port = lwip_ntohs(uh->src);
    uint8_t *payload = udp + UDP_HLEN;
    size_t payload_len = udp_len - UDP_HLEN;
    if (in_place_mode != IN_PLACE_NEVER && room >= (size_t)(payload - frame) + payload_len) {
        in_place.sock = sock;
        in_place.frame = frame;
        in_place.ip = ip;
        in_place.payload = payload;
        in_place.room = room - (size_t)(payload - frame);
        in_place.v6 = v6;
        in_place.mac = nif->hwaddr;
    }
    sockets[sock].fn(sock, payload, payload_len, &from, sockets[sock].arg);
    in_place.sock = 0;
    return true;
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
    sockets[sock].port = port;
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
    if (in_place_answers(sock, to, len)) {
        memmove(in_place.payload, data, len); /* data may be the request itself */
        if (in_place_send(sock, len) == 0)
            return 0;
        data = in_place.payload; /* no transmit buffer free: the ordinary way, queued */
    }
    struct pbuf *p = pbuf_alloc(PBUF_TRANSPORT, (u16_t)len, PBUF_RAM);
    if (!p)
        return -ENOMEM;
    pbuf_take(p, data, (u16_t)len);
    /*
     * A datagram lwIP will fragment: the device cannot complete a checksum
     * that spans fragments, so lwIP computes it (transmit offload otherwise
     * leaves UDP's to the device).
     */
    struct netif *nif = netif_default;
    u16_t flags = nif ? nif->chksum_flags : 0;
    u16_t mtu = nif ? nif->mtu : 0;
#if LWIP_IPV6
    if (nif && netif_mtu6(nif) < mtu)
        mtu = netif_mtu6(nif); /* a router advertisement may have lowered it */
#endif
    bool fragmented = nif && len + UDP_HLEN + IP6_HLEN > mtu;
    if (fragmented)
        NETIF_SET_CHECKSUM_CTRL(nif, flags | NETIF_CHECKSUM_GEN_UDP);
    err_t err = udp_sendto(sockets[sock].pcb, p, &addr, to->port);
    if (fragmented)
        NETIF_SET_CHECKSUM_CTRL(nif, flags);
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

/* The boot hook: udp_in_place= (in_place_mode). */
static void attach(const char *bootargs)
{
    static const char *const modes[] = {
        [IN_PLACE_ON] = "on", [IN_PLACE_OFF] = "off", [IN_PLACE_NEVER] = "never"};
    char val[IN_PLACE_ARG_MAX];
    int n = mote_arg_get(bootargs, IN_PLACE_ARG, val, sizeof(val));
    if (n == -ENOENT)
        return;
    if (n < 0)
        strcpy(val, "...");
    for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
        if (strcmp(val, modes[i]) == 0) {
            in_place_mode = i;
            if (i != IN_PLACE_ON)
                mote_log(MOTE_LOG_INFO, "udp: in-place replies %s", modes[i]);
            return;
        }
    mote_log(MOTE_LOG_WARN, "udp: %s=%s: expected on, off or never; on", IN_PLACE_ARG, val);
}

BOOT_HOOK(udp_hook) = {
    .name = "udp",
    .args = {IN_PLACE_ARG},
    .attach = attach,
};
