// SPDX-License-Identifier: MIT
/*
 * UDP sockets (include/mote/net.h) over lwIP's raw UDP API, and the receive
 * fast path beside lwIP: a plain UDP datagram for one of these sockets goes
 * from the driver's buffer to the service's callback, parsed once here, and
 * its answer (mote_udp_reply, or mote_udp_send to its sender) goes back to
 * the driver with the request's own headers turned around, without lwIP, a
 * pbuf, a route or an ARP lookup (docs/networking.md, "The hot path").
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>
#include <mote/net.h>

#include "kernel/boothook.h"
#include "kernel/kstring.h"
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
#define IP4_VHL              0x45 /* version 4, a 5-word header: no options (RFC 791 §3.1) */
#define IP4_ADDRS_OFF        12   /* source and destination in the IPv4 header (RFC 791 §3.1) */
#define IP6_ADDRS_OFF        8    /* the same in the IPv6 header (RFC 8200 §3) */
#define IP6_ADDR_LEN         16
#define IP6_VERSION_SHIFT    28 /* version, traffic class, flow label in one word (RFC 8200 §3) */
#define IP6_TCLASS_SHIFT     20
#define UDP_CSUM_OFF         6    /* the checksum in the UDP header (RFC 768) */
#define IP6_MULTICAST_PREFIX 0xff /* an IPv6 address's first byte (RFC 4291 §2.7) */
#define IN_PLACE_ARG         "udp_in_place"
#define IN_PLACE_ARG_MAX     8

/*
 * The turn-around builds header words in registers as they lie in memory
 * (first byte lowest) and stores them whole; its sums are the Internet
 * checksum's 16-bit words in memory order, as net/csum.h's are.
 */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "Mote runs little-endian");

/*
 * The udp_in_place= boot argument, to compare the paths: on (the default),
 * off (mote_udp_reply_buffer offers no buffer, so services answer with
 * mote_udp_send, which still builds an answer to the datagram being
 * delivered over it), never (nothing is built in place: every datagram
 * goes out through lwIP's udp_sendto).
 */
static enum { IN_PLACE_ON, IN_PLACE_OFF, IN_PLACE_NEVER } in_place_mode;

/*
 * A socket, and the constant words of the IP headers of its replies in place
 * (pcb's TOS and TTL; udp_template), as they lie in memory.
 */
static struct {
    struct udp_pcb *pcb;
    mote_udp_fn fn;
    void *arg;
    uint16_t port;          /* host byte order */
    uint64_t ip4_head;      /* IPv4: version, header length, TOS, DF (its length and ID zero) */
    uint32_t ip4_ttl;       /* IPv4: TTL and protocol (its checksum zero) */
    uint64_t ip4_sum;       /* the two above, summed (sum_word) */
    uint64_t ip6_head;      /* IPv6: version, traffic class, next header, hop limit */
} sockets[MAX_SOCKETS + 1]; /* socket ids are 1..MAX_SOCKETS */
static uint8_t joined[DATAGRAM_MAX];

/*
 * The fast path's state, in one place (one base address for the code that
 * reads it): the device under it (net_udp_attach), and the datagram a
 * callback is running for when it can be answered in place, with its frame
 * (Ethernet, IP and UDP headers, then the payload, contiguous in one receive
 * buffer) and the bytes a reply's payload may take there. Static, as the
 * frame's segments for transmit and the sender handed to the callback are:
 * the fast path keeps no array on its stack (no stack-protector canary), and
 * deliveries never nest.
 */
static struct {
    struct netif *nif;
    size_t dev_room;   /* bytes of a lent receive buffer a reply may fill from the frame's start */
    size_t frame_room; /* the same, 0 with udp_in_place=never */
    uint64_t mac_shifted; /* our MAC in bytes 2..7 of a word: the reply's header bytes 4..11 */
    bool reply;           /* mote_udp_reply may answer (udp_in_place=on) */
    bool offload;         /* the device completes UDP checksums (net_tx_csum_offload) */
    struct netdev_csum partial[2]; /* what it is told to complete: over IPv4, over IPv6 */
    uint16_t last_port_n;          /* the port last looked up, network order (0: none)... */
    int last_sock;                 /* ...and its socket */
    int sock;                      /* mote_udp_send may answer the datagram in place; 0: none */
    int reply_sock;                /* mote_udp_reply_buffer and mote_udp_reply may too */
    uint8_t *frame, *payload;
    size_t room;
    bool v6;
    struct mote_endpoint from; /* the sender, as the fast path's callback gets it */
    int replying;              /* mote_udp_reply's socket and length, for reply_queued */
    size_t reply_len;
    const void *seg[2]; /* the reply as transmit takes it: headers, payload */
    size_t seg_len[2];
} in_place;

/* What udp_in_place= allows, with the device's room (in_place_mode, net_udp_attach). */
static void in_place_allow(void)
{
    in_place.frame_room = in_place_mode == IN_PLACE_NEVER ? 0 : in_place.dev_room;
    in_place.reply = in_place_mode == IN_PLACE_ON;
}

void net_udp_attach(struct netif *nif, const struct netdev *dev)
{
    size_t frame_max = SIZEOF_ETH_HDR + (size_t)dev->mtu; /* a reply in place is never fragmented */
    in_place.nif = nif;
    in_place.dev_room = dev->rx_frame_room < frame_max ? dev->rx_frame_room : frame_max;
    uint64_t mac = 0;
    kcopy(&mac, dev->mac, ETH_HWADDR_LEN);
    in_place.mac_shifted = mac << 16;
    in_place.offload = net_tx_csum_offload();
    for (int v6 = 0; v6 <= 1; v6++) /* the UDP checksum, after the IPv4 or IPv6 header */
        in_place.partial[v6] = (struct netdev_csum){
            .state = NETDEV_CSUM_PARTIAL,
            .start = SIZEOF_ETH_HDR + (v6 ? IP6_HLEN : IP_HLEN),
            .offset = UDP_CSUM_OFF,
        };
    in_place_allow();
}

/* Notes that the datagram at payload, in frame, may be answered in place by sock. */
static inline void in_place_offer(int sock, uint8_t *frame, uint8_t *payload, bool v6)
{
    in_place.sock = sock;
    in_place.reply_sock = in_place.reply ? sock : 0;
    in_place.frame = frame;
    in_place.payload = payload;
    size_t room = in_place.frame_room;
#if LWIP_IPV6
    /* A router may have lowered the link's IPv6 MTU since attach (RFC 4861 §6.3.4). A
       branch, so that IPv4 does not pay for the load (a select would). */
    if (__builtin_expect(v6, 0)) {
        size_t mtu6_room = SIZEOF_ETH_HDR + netif_mtu6(in_place.nif);
        if (mtu6_room < room)
            room = mtu6_room;
    }
#endif
    in_place.room = room - (size_t)(payload - frame);
    in_place.v6 = v6;
}

/* The delivery is over: nothing may be answered in place any more. */
static inline void in_place_end(void)
{
    in_place.sock = 0;
    in_place.reply_sock = 0;
}

/*
 * Whether the datagram lwIP is delivering (the frames the fast path left to
 * it) can be answered in place; offers it if so.
 */
static bool in_place_check(int sock, struct pbuf *p)
{
    size_t frame_room;
    uint8_t *frame = net_rx_frame(&frame_room);
    if (!frame || p->len != p->tot_len || frame_room < in_place.frame_room)
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
    if (payload + p->len > frame + in_place.frame_room)
        return false; /* (and with udp_in_place=never, always) */
    in_place_offer(sock, frame, payload, v6);
    return true;
}

struct mote_udp_room mote_udp_reply_buffer(int sock)
{
    /* The zeroes only on the way out that needs them: a callback asks for its own datagram. */
    if (__builtin_expect(sock == 0 || sock != in_place.reply_sock, 0))
        return (struct mote_udp_room){.buf = NULL, .room = 0};
    return (struct mote_udp_room){.buf = in_place.payload, .room = in_place.room};
}

/* A 64-bit word's two halves summed into 33 bits (csum_fold64 ends a ones'-complement sum). */
static inline uint64_t sum_word(uint64_t w)
{
    return (w & 0xffffffffu) + (w >> 32);
}

/*
 * The constant words of a socket's replies in place (pcb's TOS and TTL, which
 * only lwIP's raw API could change, and a socket's pcb is not handed out).
 */
static void udp_template(int sock)
{
    const struct udp_pcb *pcb = sockets[sock].pcb;
    uint64_t head = IP4_VHL | (uint64_t)pcb->tos << 8 | (uint64_t)PP_HTONS(IP_DF) << 48;
    uint32_t ttl = pcb->ttl | IP_PROTO_UDP << 8;
    sockets[sock].ip4_head = head;
    sockets[sock].ip4_ttl = ttl;
    sockets[sock].ip4_sum = sum_word(head) + ttl;
    uint32_t vtcfl = lwip_htonl(6u << IP6_VERSION_SHIFT | (uint32_t)pcb->tos << IP6_TCLASS_SHIFT);
    sockets[sock].ip6_head =
        vtcfl | (uint64_t)IP6_NEXTH_UDP << 48 | (uint64_t)pcb->ttl << 56; /* flow label 0 */
}

/*
 * The request's IPv4 header turned into the reply's: addresses swapped (which
 * leaves their sum, and the pseudo-header's, as it was), the socket's
 * template with the reply's length (no ID: an atomic datagram, DF and not
 * fragmented, RFC 6864 §4.1), and its checksum from these words alone: no
 * header is read back. Returns the sum of the addresses for the pseudo-header.
 */
static inline uint64_t turn_ip4(uint8_t *ip, int sock, uint32_t udp_len)
{
    uint64_t addrs;
    uint32_t len = lwip_htons((uint16_t)(IP_HLEN + udp_len));
    kcopy(&addrs, ip + IP4_ADDRS_OFF, sizeof(addrs));
    addrs = addrs >> 32 | addrs << 32;
    kcopy(ip + IP4_ADDRS_OFF, &addrs, sizeof(addrs));
    uint64_t addr_sum = sum_word(addrs);
    /* The length lies in the second 16-bit word: its value counts once in the sum. */
    uint64_t head = sockets[sock].ip4_head | (uint64_t)len << 16;
    uint16_t hc = (uint16_t)~csum_fold64(addr_sum + sockets[sock].ip4_sum + len);
    uint32_t tail = sockets[sock].ip4_ttl | (uint32_t)hc << 16;
    kcopy(ip, &head, sizeof(head));
    kcopy(ip + sizeof(head), &tail, sizeof(tail));
    return addr_sum;
}

/* The same for IPv6: addresses swapped, the socket's template with the reply's length. */
static inline uint64_t turn_ip6(uint8_t *ip, int sock, uint32_t udp_len)
{
    uint8_t *src = ip + IP6_ADDRS_OFF, *dst = src + IP6_ADDR_LEN;
    uint64_t s0, s1, d0, d1; /* in registers: no array on the stack */
    kcopy(&s0, src, sizeof(s0));
    kcopy(&s1, src + sizeof(s0), sizeof(s1));
    kcopy(&d0, dst, sizeof(d0));
    kcopy(&d1, dst + sizeof(d0), sizeof(d1));
    kcopy(src, &d0, sizeof(d0));
    kcopy(src + sizeof(d0), &d1, sizeof(d1));
    kcopy(dst, &s0, sizeof(s0));
    kcopy(dst + sizeof(s0), &s1, sizeof(s1));
    uint64_t head = sockets[sock].ip6_head | (uint64_t)lwip_htons((uint16_t)udp_len) << 32;
    kcopy(ip, &head, sizeof(head));
    return sum_word(s0) + sum_word(s1) + sum_word(d0) + sum_word(d1);
}

/*
 * The datagram being answered, read out of in_place once, before the
 * turn-around: its stores go through byte pointers into the frame, which
 * the compiler must assume may write in_place too, so a field read after
 * one would be read again.
 */
struct in_place_req {
    uint8_t *frame, *payload;
    int sock;
    bool v6;
};

static inline __attribute__((always_inline)) struct in_place_req in_place_req(void)
{
    return (struct in_place_req){.frame = in_place.frame,
                                 .payload = in_place.payload,
                                 .sock = in_place.sock,
                                 .v6 = in_place.v6};
}

/*
 * Turns the datagram r around into the reply to its sender: its headers for
 * len bytes of payload at data, the UDP checksum complete or (transmit
 * offload) left to the device as *csum says. Returns the headers' length.
 */
static inline __attribute__((always_inline)) size_t
in_place_turn(struct in_place_req r, const void *data, size_t len, const struct netdev_csum **csum)
{
    uint8_t *frame = r.frame, *ip = frame + SIZEOF_ETH_HDR;
    uint8_t *udp = r.payload - UDP_HLEN;
    uint32_t udp_len = (uint32_t)(UDP_HLEN + len); /* within the MTU: 16 bits */
    uint32_t udp_len_n = lwip_htons((uint16_t)udp_len);
    uint64_t pseudo, uh;
    uint32_t ports;
    bool offload = in_place.offload;
    const struct netdev_csum *partial; /* a constant address in each branch, no index */
    uint64_t mac_shifted = in_place.mac_shifted;

    /* To its sender, from us: two stores, the second the sender's last two bytes and ours. */
    uint32_t to_lo;
    uint16_t to_hi;
    kcopy(&to_lo, frame + ETH_HWADDR_LEN, sizeof(to_lo));
    kcopy(&to_hi, frame + ETH_HWADDR_LEN + sizeof(to_lo), sizeof(to_hi));
    uint64_t to_hi_from = to_hi | mac_shifted;
    kcopy(frame, &to_lo, sizeof(to_lo));
    kcopy(frame + sizeof(to_lo), &to_hi_from, sizeof(to_hi_from));
    if (r.v6) {
        pseudo = turn_ip6(ip, r.sock, udp_len);
        partial = &in_place.partial[1];
    } else {
        pseudo = turn_ip4(ip, r.sock, udp_len);
        partial = &in_place.partial[0];
    }
    pseudo += (IP_PROTO_UDP << 8) + udp_len_n;
    kcopy(&ports, udp, sizeof(ports));
    uh = (ports >> 16 | ports << 16) | (uint64_t)udp_len_n << 32;
    if (offload) {
        uh |= (uint64_t)csum_fold64(pseudo) << 48;
        *csum = partial;
    } else {
        uint16_t sum = csum_add(csum_fold64(pseudo + sum_word(uh)), data, len);
        uh |= (uint64_t)csum_finish(sum) << 48;
        *csum = NULL;
    }
    kcopy(udp, &uh, sizeof(uh));
    return (size_t)(r.payload - frame);
}

/*
 * Counts what transmit made of a reply in place (err) as lwIP counts what it
 * sends. in_place.v6 is read again rather than kept: nothing lives across
 * the transmit call.
 */
static inline void in_place_count(int err)
{
    if (err) {
        if (err != -EAGAIN) /* -EAGAIN: the caller sends it the ordinary way, counted there */
            LINK_STATS_INC(link.drop);
        return;
    }
    LINK_STATS_INC(link.xmit);
    UDP_STATS_INC(udp.xmit);
    if (in_place.v6)
        IP6_STATS_INC(ip6.xmit);
    else
        IP_STATS_INC(ip.xmit);
}

/*
 * Sends the datagram r back to its sender with len bytes of payload from
 * data (r's own buffer, or another: then the device gathers headers and
 * payload), now, once. Inline in its two callers: one call less per reply.
 */
static inline __attribute__((always_inline)) int in_place_send(struct in_place_req r,
                                                               const void *data, size_t len)
{
    const struct netdev_csum *csum;
    size_t hdr_len = in_place_turn(r, data, len, &csum);
    in_place_end(); /* once: the request is gone */
    struct netdev *dev = net_tx_direct;
    if (!dev)
        return -EAGAIN; /* frames wait before it: it goes the ordinary way, after them */
    int err;
    if (data == r.payload) {
        err = dev->transmit_frame(dev, r.frame, hdr_len + len, csum);
    } else {
        in_place.seg[0] = r.frame;
        in_place.seg_len[0] = hdr_len;
        in_place.seg[1] = data;
        in_place.seg_len[1] = len;
        err = dev->transmit(dev, in_place.seg, in_place.seg_len, 2, csum);
    }
    in_place_count(err);
    return err;
}

static int udp_send_lwip(int sock, const void *data, size_t len, const struct mote_endpoint *to);

/*
 * mote_udp_reply's reply when no transmit buffer was free, or frames wait
 * before it: behind them, through lwIP. The payload and its sender are where
 * the delivery left them; the socket and length in in_place (nothing of the
 * caller's lives across the transmit call).
 */
static __attribute__((noinline, cold)) int reply_queued(void)
{
    return udp_send_lwip(in_place.replying, in_place.payload, in_place.reply_len, &in_place.from);
}

int mote_udp_reply(int sock, size_t len)
{
    if (sock != 0 && sock == in_place.reply_sock && len <= in_place.room) {
        in_place.replying = sock;
        in_place.reply_len = len;
        struct in_place_req r = in_place_req();
        int err = in_place_send(r, r.payload, len);
        return err == -EAGAIN ? reply_queued() : err;
    }
    if (sock <= 0 || sock > MAX_SOCKETS || !sockets[sock].pcb)
        return -EBADF;
    return -EINVAL;
}

/*
 * Whether to is the sender of the datagram being delivered in place: then
 * mote_udp_send's answer can be built over it. The fast path's callback
 * usually passes back the very endpoint it got.
 */
static inline bool in_place_answers(const struct mote_endpoint *to)
{
    const struct mote_endpoint *from = &in_place.from;
    if (to == from)
        return true;
    if (to->port != from->port || to->family != from->family)
        return false;
    return to->family == MOTE_AF_INET ? kequal(to->addr, from->addr, sizeof(ip4_addr_p_t))
                                      : kequal(to->addr, from->addr, IP6_ADDR_LEN);
}

/* lwIP's way in: datagrams the fast path left to lwIP (broadcast, IP options, fragments...). */
static void udp_received(void *arg, struct udp_pcb *pcb, struct pbuf *p, const ip_addr_t *addr,
                         u16_t port)
{
    int sock = (int)(intptr_t)arg;
    (void)pcb;
    net_endpoint_from(&in_place.from, addr, port);
    if (p->len == p->tot_len) {
        in_place_check(sock, p);
        sockets[sock].fn(sock, p->payload, p->len, &in_place.from, sockets[sock].arg);
        in_place_end();
    } else if (p->tot_len <= sizeof(joined)) {
        u16_t len = pbuf_copy_partial(p, joined, p->tot_len, 0);
        sockets[sock].fn(sock, joined, len, &in_place.from, sockets[sock].arg);
    }
    pbuf_free(p);
    /* lwIP's timeouts: net/net.c's net_receive_lwip looks at them once the input is done. */
}

/*
 * The socket bound to port_n (network byte order, as in the header: the
 * usual case, the last one found, needs no swap), or 0.
 */
static inline int socket_of_port(uint16_t port_n)
{
    if (port_n == in_place.last_port_n)
        return in_place.last_sock; /* mote_udp_close forgets a closed one */
    uint16_t port = lwip_ntohs(port_n);
    for (int sock = 1; sock <= MAX_SOCKETS; sock++)
        if (sockets[sock].pcb && sockets[sock].port == port) {
            in_place.last_port_n = port_n;
            in_place.last_sock = sock;
            return sock;
        }
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
    /* In our subnet with every host bit set: the subnet's broadcast address. */
    return src == (ours | ~mask) && src != ours && (nif->flags & NETIF_FLAG_BROADCAST);
}

/* Whether addr (network byte order, in a frame) is one of nif's valid IPv6 addresses. */
static bool ip6_ours(const struct netif *nif, const uint8_t *addr)
{
#if LWIP_IPV6
    for (int i = 0; i < LWIP_IPV6_NUM_ADDRESSES; i++)
        if (ip6_addr_isvalid(netif_ip6_addr_state(nif, i)) &&
            kequal(netif_ip6_addr(nif, i)->addr, addr, IP6_ADDR_LEN))
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

bool net_udp_receive(struct netdev *dev, void *buf_frame, size_t len, void *buf,
                     const struct netdev_csum *csum)
{
    uint8_t *frame = buf_frame, *ip = frame + SIZEOF_ETH_HDR, *udp;
    const struct eth_hdr *eth = (const struct eth_hdr *)frame;
    const struct netif *nif = in_place.nif;
    const struct udp_hdr *uh;
    struct mote_endpoint *from = &in_place.from;
    /* The addresses (the pseudo-header's) end where the UDP header starts: IPv4 without
       options, IPv6 without extension headers. */
    size_t udp_len, addrs_len;
    bool v6;

    /* The frame parsed once, here: anything not plainly a UDP datagram is lwIP's. */
    if (len < SIZEOF_ETH_HDR + IP_HLEN + UDP_HLEN || len > NET_FRAME_MAX || !netif_is_up(nif))
        goto lwip;
    if (eth->type == PP_HTONS(ETHTYPE_IP)) {
        const struct ip_hdr *h = (const struct ip_hdr *)ip;
        ip4_addr_t src, dst;
        /* Version 4, no options (a reply in place has none), not a fragment, UDP. */
        if (ip[0] != IP4_VHL || IPH_PROTO(h) != IP_PROTO_UDP ||
            (IPH_OFFSET(h) & PP_HTONS(IP_MF | IP_OFFMASK)) != 0)
            goto lwip;
        size_t ip_len = lwip_ntohs(IPH_LEN(h));
        if (ip_len < IP_HLEN + UDP_HLEN || SIZEOF_ETH_HDR + ip_len > len)
            goto lwip; /* lwIP counts and drops it */
        ip4_addr_copy(src, h->src);
        ip4_addr_copy(dst, h->dest);
        /* To our own unicast address from a unicast one (the checks of lwIP's ip4_input),
           a header whose checksum holds. */
        if (!ip4_addr_cmp(&dst, netif_ip4_addr(nif)) || ip4_addr_isany_val(dst) ||
            ip4_addr_ismulticast(&src) || ip4_src_broadcast(ip4_addr_get_u32(&src), nif) ||
            csum_ip4_header(ip) != 0xffff)
            goto lwip;
        udp = ip + IP_HLEN;
        udp_len = ip_len - IP_HLEN;
        addrs_len = 2 * sizeof(h->src);
        v6 = false;
    } else if (eth->type == PP_HTONS(ETHTYPE_IPV6)) {
#if LWIP_IPV6
        const struct ip6_hdr *h = (const struct ip6_hdr *)ip;
        /* Version 6, no extension headers: UDP next. */
        if (len < SIZEOF_ETH_HDR + IP6_HLEN + UDP_HLEN || IP6H_V(h) != 6 ||
            IP6H_NEXTH(h) != IP6_NEXTH_UDP)
            goto lwip;
        udp_len = IP6H_PLEN(h);
        udp = ip + IP6_HLEN;
        uh = (const struct udp_hdr *)udp;
        /* Within the frame, to one of our unicast addresses, from a unicast one (lwIP's
           ip6_input); IPv6 has no datagram without a checksum (RFC 8200 §8.1). */
        if (udp_len < UDP_HLEN || SIZEOF_ETH_HDR + IP6_HLEN + udp_len > len ||
            !ip6_ours(nif, ip + IP6_ADDRS_OFF + IP6_ADDR_LEN) ||
            ip[IP6_ADDRS_OFF] == IP6_MULTICAST_PREFIX || uh->chksum == 0)
            goto lwip;
        addrs_len = 2 * IP6_ADDR_LEN;
        v6 = true;
#else
        goto lwip;
#endif
    } else {
        goto lwip;
    }
    uh = (const struct udp_hdr *)udp;
    if (lwip_ntohs(uh->len) != udp_len)
        goto lwip;
    int sock = socket_of_port(uh->dest);
    if (!sock)
        goto lwip; /* lwIP answers with ICMP's port unreachable */
    if (csum) {
        /* A partial checksum elsewhere is completed and checked on lwIP's way. */
        if (!udp_vouched(csum, (size_t)(udp - frame)))
            goto lwip;
    } else if (uh->chksum != 0 &&
               csum_add(csum_pseudo(udp - addrs_len, addrs_len, IP_PROTO_UDP, (uint16_t)udp_len),
                        udp, udp_len) != 0xffff) {
        goto lwip; /* lwIP counts and drops it */
    }

    /* Counted as lwIP counts what it delivers. */
    LINK_STATS_INC(link.recv);
    if (v6)
        IP6_STATS_INC(ip6.recv);
    else
        IP_STATS_INC(ip.recv);
    UDP_STATS_INC(udp.recv);
    from->family = v6 ? MOTE_AF_INET6 : MOTE_AF_INET;
    from->port = lwip_ntohs(uh->src);
    if (v6) {
        kcopy(from->addr, ip + IP6_ADDRS_OFF, IP6_ADDR_LEN);
    } else {
        uint64_t addr = 0; /* the rest of the endpoint's address zero, as net_endpoint_from's */
        kcopy(&addr, ip + IP4_ADDRS_OFF, sizeof(ip4_addr_p_t));
        kcopy(from->addr, &addr, sizeof(addr));
        kcopy(from->addr + sizeof(addr), &(uint64_t){0}, sizeof(addr));
    }
    uint8_t *payload = udp + UDP_HLEN;
    size_t payload_len = udp_len - UDP_HLEN;
    if ((size_t)(payload - frame) + payload_len <= in_place.frame_room)
        in_place_offer(sock, frame, payload, v6);
    sockets[sock].fn(sock, payload, payload_len, from, sockets[sock].arg);
    in_place_end();
    /* Nothing here entered lwIP: its timers need no look (what the callback did in lwIP,
       through the API, notes itself). */
    return false; /* delivered and done with: the buffer is the driver's again */

lwip:
    return net_receive_lwip(dev, frame, len, buf, csum);
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
    udp_template(sock);
    udp_recv(pcb, udp_received, (void *)(intptr_t)sock);
    return sock;
}

/* mote_udp_send's ordinary way: a pbuf through lwIP's udp_sendto (route, ARP, fragments). */
static __attribute__((noinline)) int udp_send_lwip(int sock, const void *data, size_t len,
                                                   const struct mote_endpoint *to)
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

int mote_udp_send(int sock, const void *data, size_t len, const struct mote_endpoint *to)
{
    /* An answer to the datagram being delivered: over its own headers. A socket in
       in_place is open, and the room keeps within the MTU. */
    if (sock != 0 && sock == in_place.sock && to && len <= in_place.room && in_place_answers(to) &&
        in_place_send(in_place_req(), data, len) == 0)
        return 0;
    return udp_send_lwip(sock, data, len, to); /* else (no transmit buffer free) queued there */
}

int mote_udp_close(int sock)
{
    if (sock <= 0 || sock > MAX_SOCKETS || !sockets[sock].pcb)
        return -EBADF;
    if (in_place.sock == sock)
        in_place_end(); /* closed from its own callback: nothing to answer from */
    if (in_place.last_sock == sock) {
        in_place.last_port_n = 0; /* port 0 is never bound: its socket is 0, none */
        in_place.last_sock = 0;
    }
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
            in_place_allow();
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
