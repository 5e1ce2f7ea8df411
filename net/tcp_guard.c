// SPDX-License-Identifier: MIT
/*
 * TCP under attack, from lwIP's LWIP_HOOK_TCP_INPACKET_PCB (see tcp_guard.h).
 *
 * A SYN flood from spoofed addresses fills a listener's queue of half-open
 * connections (lwIP's backlog counts them) with peers that never answer, so
 * a real client's SYN finds no room. When the queue is full, or every
 * connection block is taken, the SYN is answered statelessly instead, with a SYN cookie (D. J.
 * Bernstein's, as Linux and FreeBSD use them): the SYN-ACK's sequence number carries what the
 * connection needs, authenticated, and nothing is kept. A real client's ACK
 * brings it back (acknowledgement number - 1); if it checks out, the
 * half-open connection is made then, as lwIP would have made it from the
 * SYN, and the ACK handed back to lwIP, which completes it as usual (accept
 * callback, data). The cookie, 32 bits:
 *
 *   31..27  the time slot, COOKIE_SLOT_NS long, modulo 32: a cookie is good
 *           in its slot and the next (64 to 128 s), so old ones die
 *   26..24  the peer's MSS, as an index into mss_table (rounded down)
 *   23..0   SipHash-2-4 under a boot-time random key of the 4-tuple, the
 *           peer's initial sequence number, the full slot and the MSS index
 *
 * What a cookie cannot carry is lost for those connections only: lwIP has
 * window scaling, timestamps and SACK off (net/lwipopts.h), so nothing is.
 * An ACK to a listener is
 * checked only while cookies were sent in the last two slots, otherwise lwIP
 * resets it as before; a bad cookie is reset the same way.
 *
 * Connection blocks (MEMP_NUM_TCP_PCB) are the other thing a flood or 500
 * slow connections (slowloris) use up, and lwIP, when none is left, only
 * reclaims TIME-WAIT and closing ones. So while all are taken, new SYNs get
 * cookies too (a half-open connection would need a block), and when a cookie
 * comes back, make_room() frees one: the oldest half-open connection
 * unanswered for HALF_OPEN_MIN_MS first (a spoofed SYN's, most likely: a
 * real peer answers within a round trip), else the accepted connection that
 * has been silent the longest, if at least EVICT_IDLE_MIN_MS: a slow client
 * loses to a new one, and one being served now never does. Connections Mote
 * opened itself (syslog, MQTT) are never chosen; with nothing to free, the
 * ACK is dropped and the cookie tried again with the peer's next segment.
 * While none is free, a peer that already holds PEER_SHARE_MAX blocks gets
 * no more: an attacker from one address would otherwise trade its own idle
 * connections for new ones as fast as it can open them, and a real client
 * would rarely find the block one frees. (Under QEMU's user networking every
 * peer is 10.0.2.2: the share only applies once all blocks are taken.)
 *
 * Each defence is counted (mote_net_stats) and logged the first time.
 */
#include "net/tcp_guard.h"

#include <stdbool.h>
#include <string.h>

#include <mote/log.h>
#include <mote/net.h>
#include <mote/time.h>

#include "kernel/random.h"
#include "lib/siphash/siphash.h"
#include "lwip/inet_chksum.h"
#include "lwip/ip.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/tcp.h"
#include "net/hooks.h"

#define COOKIE_SLOT_NS    (64ull * MOTE_NS_PER_S)
#define COOKIE_SLOT_BITS  5
#define COOKIE_SLOT_SHIFT 27
#define COOKIE_MSS_SHIFT  24
#define COOKIE_MSS_MASK   0x7u
#define COOKIE_MAC_MASK   0xffffffu
#define ADDR_LEN          16

/* TCP options (RFC 9293 §3.2) */
#define OPT_END     0
#define OPT_NOP     1
#define OPT_MSS     2
#define OPT_MSS_LEN 4
#define MSS_DEFAULT 536 /* RFC 9293 §3.7.1: without the option */

#define EVICT_IDLE_MIN_MS 2000 /* an accepted connection silent this long may be reset */
#define HALF_OPEN_MIN_MS  1000 /* a half-open one unanswered this long may be dropped */
#define PEER_SHARE_MAX    (MEMP_NUM_TCP_PCB / 4) /* blocks one peer may hold when none is free */

/* MSS values a cookie can say: common path MTUs' (IPv6 minimum, PPPoE, tunnels, Ethernet). */
static const u16_t mss_table[] = {536, 1220, 1300, 1360, 1400, 1440, 1452, 1460};
_Static_assert(sizeof(mss_table) / sizeof(mss_table[0]) == COOKIE_MSS_MASK + 1,
               "one MSS per cookie index");

static struct {
    uint8_t key[SIPHASH_KEY_LEN];
    bool keyed;
    uint64_t last_cookie_slot; /* + 1, 0: never */
    uint64_t cookies_sent, cookies_accepted, cookies_refused, half_open_dropped, idle_evicted;
    uint64_t peer_limited;
} g;

static uint64_t slot_now(void)
{
    return mote_time_ns() / COOKIE_SLOT_NS;
}

static u32_t cookie_mac(const struct tcp_hdr *hdr, u32_t peer_isn, uint64_t slot, unsigned mss_idx)
{
    if (!g.keyed) {
        uint64_t k[2] = {random_u64(), random_u64()};
        memcpy(g.key, k, sizeof(g.key));
        g.keyed = true;
    }
    const ip_addr_t *local = ip_current_dest_addr(), *remote = ip_current_src_addr();
    struct {
        uint8_t local[ADDR_LEN], remote[ADDR_LEN];
        uint64_t slot;
        u32_t peer_isn;
        u16_t local_port, remote_port;
        uint8_t v6, mss_idx;
    } in;
    memset(&in, 0, sizeof(in));
    in.v6 = IP_IS_V6(local);
    if (in.v6) {
        memcpy(in.local, ip_2_ip6(local)->addr, ADDR_LEN);
        memcpy(in.remote, ip_2_ip6(remote)->addr, ADDR_LEN);
    } else {
        memcpy(in.local, &ip_2_ip4(local)->addr, sizeof(ip_2_ip4(local)->addr));
        memcpy(in.remote, &ip_2_ip4(remote)->addr, sizeof(ip_2_ip4(remote)->addr));
    }
    in.slot = slot;
    in.peer_isn = peer_isn;
    in.local_port = hdr->dest;
    in.remote_port = hdr->src;
    in.mss_idx = (uint8_t)mss_idx;
    return (u32_t)siphash24(g.key, &in, sizeof(in)) & COOKIE_MAC_MASK;
}

/* The byte at i of the options, which lwIP may have split over two pbufs. */
static u8_t opt_byte(const struct tcp_hdr *hdr, u16_t opt1len, const u8_t *opt2, u16_t i)
{
    return i < opt1len ? ((const u8_t *)hdr)[TCP_HLEN + i] : opt2[i - opt1len];
}

/* The peer's MSS option, or MSS_DEFAULT. Malformed options end the walk. */
static u16_t peer_mss(const struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len, const u8_t *opt2)
{
    u16_t i = 0;
    while (i < optlen) {
        u8_t kind = opt_byte(hdr, opt1len, opt2, i);
        if (kind == OPT_END)
            break;
        if (kind == OPT_NOP) {
            i++;
            continue;
        }
        if (i + 1 >= optlen)
            break;
        u8_t len = opt_byte(hdr, opt1len, opt2, (u16_t)(i + 1));
        if (len < 2 || i + len > optlen)
            break;
        if (kind == OPT_MSS && len == OPT_MSS_LEN) {
            u16_t mss = (u16_t)(opt_byte(hdr, opt1len, opt2, (u16_t)(i + 2)) << 8 |
                                opt_byte(hdr, opt1len, opt2, (u16_t)(i + 3)));
            return mss ? mss : MSS_DEFAULT;
        }
        i = (u16_t)(i + len);
    }
    return MSS_DEFAULT;
}

static unsigned mss_index(u16_t mss)
{
    unsigned idx = 0;
    for (unsigned i = 0; i <= COOKIE_MSS_MASK; i++)
        if (mss_table[i] <= mss)
            idx = i;
    return idx;
}

/* Answers the SYN in hdr with a SYN-ACK whose sequence number is cookie. */
static void send_syn_ack(const struct tcp_hdr *hdr, u32_t cookie)
{
    const ip_addr_t *src = ip_current_dest_addr(), *dst = ip_current_src_addr();
    struct netif *netif = ip_route(src, dst);
    if (!netif)
        return;
    struct pbuf *q = pbuf_alloc(PBUF_IP, TCP_HLEN + OPT_MSS_LEN, PBUF_RAM);
    if (!q) {
        TCP_STATS_INC(tcp.memerr);
        return;
    }
    struct tcp_hdr *t = q->payload;
    t->src = lwip_htons(hdr->dest);
    t->dest = lwip_htons(hdr->src);
    t->seqno = lwip_htonl(cookie);
    t->ackno = lwip_htonl(hdr->seqno + 1);
    TCPH_HDRLEN_FLAGS_SET(t, (TCP_HLEN + OPT_MSS_LEN) / 4, TCP_SYN | TCP_ACK);
    t->wnd = lwip_htons(TCPWND_MIN16(TCP_WND)); /* what lwIP would announce */
    t->chksum = 0;
    t->urgp = 0;
    u16_t mss = tcp_eff_send_mss_netif(TCP_MSS, netif, dst);
    u8_t *opt = (u8_t *)(t + 1);
    opt[0] = OPT_MSS;
    opt[1] = OPT_MSS_LEN;
    opt[2] = (u8_t)(mss >> 8);
    opt[3] = (u8_t)mss;
#if CHECKSUM_GEN_TCP
    IF__NETIF_CHECKSUM_ENABLED(netif, NETIF_CHECKSUM_GEN_TCP)
    {
        t->chksum = ip_chksum_pseudo(q, IP_PROTO_TCP, q->tot_len, src, dst);
    }
#endif
    TCP_STATS_INC(tcp.xmit);
    ip_output_if(q, src, dst, TCP_TTL, 0, IP_PROTO_TCP, netif);
    pbuf_free(q);
}

/* Whether a new connection block would need one taken back (TIME-WAIT ones lwIP takes itself). */
static bool pool_full(void)
{
    if (tcp_tw_pcbs)
        return false;
    unsigned used = 0;
    for (const struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
        used++;
    for (const struct tcp_pcb *p = tcp_bound_pcbs; p; p = p->next)
        used++;
    return used >= MEMP_NUM_TCP_PCB;
}

/* Accepted or half-open connections from peer: its share of the blocks. */
static unsigned peer_connections(const ip_addr_t *peer)
{
    unsigned n = 0;
    for (const struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next)
        if (p->listener && ip_addr_cmp(&p->remote_ip, peer))
            n++;
    return n;
}

/*
 * Frees a connection block for a new connection from peer, if none is free
 * (see the top). Returns whether one is free now.
 */
static bool make_room(const ip_addr_t *peer)
{
    if (!pool_full())
        return true;
    if (peer_connections(peer) >= PEER_SHARE_MAX) {
        if (g.peer_limited++ == 0)
            mote_log(MOTE_LOG_WARN,
                     "tcp: no connection block free, and a peer holding %u of "
                     "them asks for more: refused (said once)",
                     (unsigned)PEER_SHARE_MAX);
        return false;
    }
    struct tcp_pcb *half_open = NULL, *idle = NULL;
    u32_t half_open_age = 0, idle_age = 0;
    for (struct tcp_pcb *p = tcp_active_pcbs; p; p = p->next) {
        u32_t age = tcp_ticks - p->tmr;
        if (p->state == SYN_RCVD) {
            if (age >= HALF_OPEN_MIN_MS / TCP_SLOW_INTERVAL &&
                (!half_open || age >= half_open_age)) {
                half_open = p;
                half_open_age = age;
            }
        } else if (p->listener && age >= EVICT_IDLE_MIN_MS / TCP_SLOW_INTERVAL &&
                   (!idle || age >= idle_age)) {
            idle = p;
            idle_age = age;
        }
    }
    if (half_open) {
        if (g.half_open_dropped++ == 0)
            mote_log(MOTE_LOG_WARN, "tcp: no connection block free: dropping the oldest "
                                    "half-open connection for a new one (said once)");
        tcp_abandon(half_open, 0); /* no RST: its peer is likely spoofed */
        return true;
    }
    if (idle) {
        if (g.idle_evicted++ == 0)
            mote_log(MOTE_LOG_WARN,
                     "tcp: no connection block free: resetting the accepted connection "
                     "silent the longest (%u ms) for a new one (said once)",
                     (unsigned)(idle_age * TCP_SLOW_INTERVAL));
        tcp_abort(idle);
        return true;
    }
    return false;
}

/* A SYN to a full listen queue: the cookie answer. */
static void answer_with_cookie(struct tcp_pcb_listen *lpcb, const struct tcp_hdr *hdr, u16_t optlen,
                               u16_t opt1len, const u8_t *opt2)
{
    uint64_t slot = slot_now();
    unsigned idx = mss_index(peer_mss(hdr, optlen, opt1len, opt2));
    u32_t cookie = (u32_t)(slot & ((1u << COOKIE_SLOT_BITS) - 1)) << COOKIE_SLOT_SHIFT |
                   (u32_t)idx << COOKIE_MSS_SHIFT | cookie_mac(hdr, hdr->seqno, slot, idx);
    if (g.cookies_sent++ == 0)
        mote_log(MOTE_LOG_WARN,
                 "tcp: port %u: listen queue or connection blocks full: answering SYNs "
                 "with cookies (said once)",
                 lpcb->local_port);
    g.last_cookie_slot = slot + 1;
    send_syn_ack(hdr, cookie);
}

/*
 * Hands the segment in p back to tcp_input() from the top, now that a
 * connection waits for it: lwIP then completes the handshake itself (the
 * accept callback, and whatever data the segment carries). tcp_input() has
 * moved p's payload past the header and turned hdr's fields to host byte
 * order in place; both are undone first. Safe to nest: for a segment to a
 * listener, the outer tcp_input() only frees p once the hook returns (it
 * holds a reference of its own for that). Returns false when the segment
 * cannot be given back (options split over two pbufs by lwIP); the peer's
 * next segment then completes the connection.
 */
static bool reinject(struct pbuf *p, struct tcp_hdr *hdr, u16_t optlen, const u8_t *opt2)
{
    if (opt2 || pbuf_add_header_force(p, TCP_HLEN + optlen) != 0)
        return false;
    if (p->payload != (void *)hdr) {
        pbuf_remove_header(p, TCP_HLEN + optlen);
        return false;
    }
    hdr->src = lwip_htons(hdr->src);
    hdr->dest = lwip_htons(hdr->dest);
    hdr->seqno = lwip_htonl(hdr->seqno);
    hdr->ackno = lwip_htonl(hdr->ackno);
    hdr->wnd = lwip_htons(hdr->wnd);
    pbuf_ref(p);
    tcp_input(p, ip_current_input_netif()); /* counts the segment in tcp.recv a second time */
    return true;
}

/*
 * An ACK to a listener: if it returns a good cookie, the connection that
 * cookie stands for, made half-open as lwIP would have made it from the SYN
 * (its SYN-ACK sent and unacknowledged), and the segment given back to lwIP,
 * which finds it now. Returns whether it was a good cookie (dealt with then).
 */
static bool accept_cookie(struct tcp_pcb_listen *lpcb, struct tcp_hdr *hdr, u16_t optlen,
                          const u8_t *opt2, struct pbuf *p)
{
    uint64_t now = slot_now();
    if (!g.last_cookie_slot || now > g.last_cookie_slot)
        return false; /* no cookie sent lately is still good: lwIP resets it */
    u32_t cookie = hdr->ackno - 1, peer_isn = hdr->seqno - 1;
    unsigned idx = (cookie >> COOKIE_MSS_SHIFT) & COOKIE_MSS_MASK;
    bool good = false;
    for (uint64_t back = 0; back < 2 && back <= now && !good; back++) {
        uint64_t sent = now - back;
        good = (cookie >> COOKIE_SLOT_SHIFT) == (sent & ((1u << COOKIE_SLOT_BITS) - 1)) &&
               (cookie & COOKIE_MAC_MASK) == cookie_mac(hdr, peer_isn, sent, idx);
    }
    if (!good) {
        g.cookies_refused++;
        return false;
    }

    /* No room: dropped, the peer's next segment brings the cookie again. */
    if (!make_room(ip_current_src_addr()))
        return true;
    struct tcp_pcb *npcb = tcp_alloc(lpcb->prio);
    if (!npcb) {
        TCP_STATS_INC(tcp.memerr);
        return true;
    }
    /* As tcp_listen_input() sets up a connection from a SYN, with the cookie as our ISN. */
    ip_addr_copy(npcb->local_ip, *ip_current_dest_addr());
    ip_addr_copy(npcb->remote_ip, *ip_current_src_addr());
    npcb->local_port = lpcb->local_port;
    npcb->remote_port = hdr->src;
    npcb->state = SYN_RCVD;
    npcb->rcv_nxt = peer_isn + 1;
    npcb->rcv_ann_right_edge = npcb->rcv_nxt;
    npcb->lastack = cookie;
    npcb->snd_nxt = cookie + 1; /* the SYN-ACK's SYN */
    npcb->snd_lbb = cookie + 1;
    npcb->snd_wl1 = peer_isn; /* before the ACK: the window is taken from it */
    npcb->snd_wl2 = cookie;
    npcb->snd_wnd = hdr->wnd;
    npcb->snd_wnd_max = hdr->wnd;
    npcb->callback_arg = lpcb->callback_arg;
    npcb->listener = lpcb;
    npcb->so_options = lpcb->so_options & SOF_INHERITED;
    npcb->netif_idx = lpcb->netif_idx;
    npcb->mss = tcp_eff_send_mss(mss_table[idx], &npcb->local_ip, &npcb->remote_ip);
    TCP_REG_ACTIVE(npcb);
    g.cookies_accepted++;
    reinject(p, hdr, optlen, opt2);
    return true;
}

err_t net_tcp_guard_input(struct tcp_pcb *pcb, struct tcp_hdr *hdr, u16_t optlen, u16_t opt1len,
                          u8_t *opt2, struct pbuf *p)
{
    if (pcb->state != LISTEN)
        return ERR_OK;
    struct tcp_pcb_listen *lpcb = (struct tcp_pcb_listen *)pcb;
    u8_t flags = TCPH_FLAGS(hdr);
    if (flags & TCP_RST)
        return ERR_OK;
    if ((flags & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
        if (lpcb->accepts_pending < lpcb->backlog && !pool_full())
            return ERR_OK; /* lwIP keeps the half-open connection */
        answer_with_cookie(lpcb, hdr, optlen, opt1len, opt2);
        return ERR_ABRT;
    }
    if ((flags & (TCP_SYN | TCP_ACK)) == TCP_ACK && accept_cookie(lpcb, hdr, optlen, opt2, p))
        return ERR_ABRT;
    return ERR_OK;
}

void tcp_guard_stats(struct mote_net_stats *stats)
{
    stats->tcp_syn_cookies_sent = g.cookies_sent;
    stats->tcp_syn_cookies_accepted = g.cookies_accepted;
    stats->tcp_syn_cookies_refused = g.cookies_refused;
    stats->tcp_half_open_dropped = g.half_open_dropped;
    stats->tcp_idle_evicted = g.idle_evicted;
    stats->tcp_peer_limited = g.peer_limited;
}
