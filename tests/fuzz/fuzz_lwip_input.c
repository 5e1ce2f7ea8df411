// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: lwIP's input path as Mote configures it. lwIP's core is
 * built for the host unchanged with Mote's net/lwipopts.h (as lwIP's own
 * test/fuzz does with its options), together with the glue of Mote's that
 * sits in that path: the hooks (net/tcp_isn.c, net/tcp_guard.c: SYN
 * cookies, room for new connections) and Mote's TCP connections and UDP
 * sockets (net/tcp.c, net/udp.c) behind a TCP listener and a UDP socket that
 * answer what they get, as a service would.
 *
 * The input: a mode byte, then frames, each a 2-byte big-endian length
 * (masked to 11 bits, at most an Ethernet frame), a time step and that many
 * bytes of Ethernet frame. Mode bit 0: a static IPv4 address (else the DHCP
 * client runs, so offers and acks are parsed); bit 1: transmit checksum
 * offload, as with a virtio-net device that offers it; bit 2: every received
 * checksum vouched for by the device (so none is checked on the fast path
 * or in lwIP: what a lying device could make of Mote); bit 3: UDP answers
 * from a buffer of the service's own (mote_udp_send), not in place; bit 4:
 * the device's transmit ring full, so every reply built in place is checked
 * and then refused (-EAGAIN) and goes lwIP's way instead; the IPv6 link-local address
 * and SLAAC are always on. Before each frame the clock advances by the step
 * times TICK_MS and lwIP's timeouts run (TCP, ARP, reassembly, DHCP, ND).
 *
 * Frames reach Mote as its driver hands them over: the UDP fast path
 * (net_udp_receive), and every frame it leaves, ethernet_input() on a
 * netif whose addresses and flags are the image's, each frame alone in its
 * buffer, which UDP answers may be written over in place (net/udp.c). What
 * goes out is swallowed, once a reply built in place is checked (within its
 * buffer, its checksums right). Checked: nothing crashes, no sanitizer report, no lwIP
 * assertion (an abort here, a panic in the image), and once the run is torn
 * down (connections aborted, caches and reassembly flushed) every pbuf and
 * connection block is back in its pool: nothing an input can leave behind
 * leaks.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>
#include <mote/net.h>
#include <mote/timer.h>

#include "kernel/event.h"
#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/ip4_frag.h"
#include "lwip/ip6_frag.h"
#include "lwip/mld6.h"
#include "lwip/nd6.h"
#include "lwip/netif.h"
#include "lwip/priv/tcp_priv.h"
#include "lwip/stats.h"
#include "lwip/tcp.h"
#include "lwip/timeouts.h"
#include "lwip/udp.h"
#include "netif/ethernet.h"
#include "lwip/ethip6.h"
#include "net/csum.h"
#include "net/net.h"
#include "net/netdev.h"

#define FRAME_MAX      1514
#define FRAME_LEN_MASK 0x7ff
#define TICK_MS        64
#define MODE_STATIC    0x01
#define MODE_OFFLOAD   0x02 /* the device completes UDP and TCP checksums (net/net.c) */
#define MODE_VOUCHED   0x04 /* the device vouches for every received checksum */
#define MODE_GENERAL   0x08 /* UDP answers from a buffer of the service's own (mote_udp_send) */
#define MODE_TX_FULL   0x10 /* the transmit ring is full: every direct send says -EAGAIN */
#define HTTP_PORT      80
#define DNS_PORT       53
#define REASS_FLUSH_S  (IPV6_REASS_MAXAGE + IP_REASS_MAXAGE + 2) /* every fragment timed out */

/* The image's clock and what the kernel gives the network code, for the host. */
static uint64_t now_ns;

uint64_t mote_time_ns(void)
{
    return now_ns;
}

u32_t sys_now(void)
{
    return (u32_t)(now_ns / 1000000);
}

uint64_t random_u64(void)
{
    static uint64_t x = 0x9e3779b97f4a7c15ull; /* deterministic: a crash must replay */
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return x;
}

uint32_t net_random_u32(void)
{
    return (uint32_t)random_u64();
}

void net_diag(const char *fmt, ...)
{
    (void)fmt;
}

void mote_panic(const char *fmt, ...)
{
    (void)fmt;
    abort(); /* an lwIP assertion: the finding */
}

void mote_log(enum mote_log_level level, const char *fmt, ...)
{
    (void)level;
    (void)fmt;
}

/* The network is up; lwIP's timeouts are run by the loop below, not a timer. */
int net_up(void)
{
    return 0;
}

/* No event loop here: advance() runs sys_check_timeouts, which starts what became needed. */
int event_pass_hook_add(event_fn fn, void *arg)
{
    (void)fn;
    (void)arg;
    return 0;
}

/* Service timers (idle timeouts): none fires within a run; ids only. */
int mote_timer_after(uint64_t delay_ns, mote_timer_fn fn, void *arg)
{
    (void)delay_ns;
    (void)fn;
    (void)arg;
    return 1;
}

int mote_timer_cancel(int id)
{
    (void)id;
    return 0;
}

/* What the services do: answer each piece of data with itself, close on FIN. */
static void tcp_data(int conn, const void *data, size_t len, void *arg)
{
    (void)arg;
    mote_tcp_write(conn, data, len);
}

static void on_accept(int conn, const struct mote_endpoint *peer, void *arg)
{
    static const struct mote_tcp_callbacks cb = {.data = tcp_data};
    (void)peer;
    (void)arg;
    mote_tcp_set_callbacks(conn, &cb, NULL);
}

/*
 * The frame being handed to lwIP, as the driver lends it (net/net.h): the
 * in-place UDP reply (net/udp.c) writes over it. A pool buffer holds a whole
 * frame from its start; a frame sent in place must fit there.
 */
static uint8_t *rx_frame;

uint8_t *net_rx_frame(size_t *room)
{
    *room = PBUF_POOL_BUFSIZE;
    return rx_frame;
}

static bool offload;
bool net_tx_csum_offloaded; /* net/net.h's net_tx_csum_offload reads it */

/*
 * The device as net/udp.c sees it: a reply built in place must lie in the
 * buffer of the frame being delivered (or gather its payload from the
 * service's), its IPv4 header checksum must hold, and its UDP checksum must
 * too, completed here first when it is left to the device.
 */
static bool tx_full; /* MODE_TX_FULL */

static int fake_transmit(struct netdev *dev, const void *const *seg, const size_t *seg_len,
                         unsigned nseg, const struct netdev_csum *csum)
{
    static uint8_t flat[FRAME_MAX];
    size_t len = 0;
    (void)dev;
    if (nseg < 1 || nseg > 2 || seg[0] != rx_frame || seg_len[0] > PBUF_POOL_BUFSIZE)
        abort(); /* an in-place reply outside its buffer */
    for (unsigned i = 0; i < nseg; i++) {
        if (seg_len[i] > sizeof(flat) - len)
            abort(); /* longer than a frame: the device would refuse it */
        memcpy(flat + len, seg[i], seg_len[i]);
        len += seg_len[i];
    }
    if (csum && (!offload || csum->state != NETDEV_CSUM_PARTIAL ||
                 (size_t)csum->start + csum->offset + 2 > len))
        abort(); /* a partial checksum without offload, or outside the frame */
    if (csum && csum_complete(flat, len, csum->start, csum->offset) != 0)
        abort();
    struct csum_l4 l4;
    if (csum_locate(flat, len, len, &l4) != 0 || l4.proto != IP_PROTO_UDP ||
        l4.start + l4.len != len)
        abort(); /* not one whole UDP datagram */
    if (!l4.v6 && csum_ip4_header(flat + SIZEOF_ETH_HDR) != 0xffff)
        abort(); /* a wrong IPv4 header checksum */
    if (csum_add(csum_l4_pseudo(flat, &l4), flat + l4.start, l4.len) != 0xffff)
        abort(); /* a wrong UDP checksum */
    return tx_full ? -EAGAIN : 0;
}

static int fake_transmit_frame(struct netdev *dev, const void *frame, size_t len,
                               const struct netdev_csum *csum)
{
    return fake_transmit(dev, &frame, &len, 1, csum);
}

static struct netdev fake_dev = {
    .name = "fuzz",
    .mac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}, /* QEMU's first NIC */
    .mtu = 1500,
    .transmit = fake_transmit,
    .transmit_frame = fake_transmit_frame,
    .rx_frame_room = PBUF_POOL_BUFSIZE, /* each frame alone in a pool-sized buffer */
};
struct netdev *net_tx_direct = &fake_dev;

static bool general; /* MODE_GENERAL */

/*
 * As the dns service does: the answer in place when it can be, else sent;
 * or (MODE_GENERAL) as most services do: from a buffer of its own.
 */
static void udp_datagram(int sock, const void *data, size_t len, const struct mote_endpoint *from,
                         void *arg)
{
    static uint8_t own[FRAME_MAX + 1];
    (void)arg;
    if (general && len < sizeof(own)) {
        memcpy(own, data, len);
        own[len] = 0x55; /* a reply one byte longer than the request */
        mote_udp_send(sock, own, len + 1, from);
        return;
    }
    struct mote_udp_room r = mote_udp_reply_buffer(sock);
    uint8_t *buf = r.buf;
    if (buf && len + 1 <= r.room) {
        buf[len] = 0x55; /* a reply one byte longer than the request */
        if (mote_udp_reply(sock, len + 1) == 0)
            return;
    }
    mote_udp_send(sock, data, len, from);
}

/* The device: every frame sent is swallowed. */
static err_t link_output(struct netif *netif, struct pbuf *p)
{
    (void)netif;
    (void)p;
    return ERR_OK;
}

static err_t netif_setup(struct netif *n)
{
    static const u8_t mac[] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56}; /* QEMU's first NIC */
    n->name[0] = 'e';
    n->name[1] = 'n';
    n->output = etharp_output;
    n->output_ip6 = ethip6_output;
    n->linkoutput = link_output;
    n->mtu = 1500;
    n->hwaddr_len = sizeof(mac);
    memcpy(n->hwaddr, mac, sizeof(mac));
    _Static_assert(sizeof(mac) == sizeof(fake_dev.mac), "one MAC");
    n->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    if (offload) /* as net/net.c sets them */
        NETIF_SET_CHECKSUM_CTRL(n, NETIF_CHECKSUM_ENABLE_ALL &
                                       ~(NETIF_CHECKSUM_GEN_UDP | NETIF_CHECKSUM_GEN_TCP));
    return ERR_OK;
}

static struct netif nif;

static void start(uint8_t mode)
{
    static bool once;
    if (!once) {
        lwip_init();
        /* Listeners and sockets stay for every run, as a service's do. */
        mote_tcp_listen(HTTP_PORT, on_accept, NULL);
        mote_udp_bind(DNS_PORT, udp_datagram, NULL);
        once = true;
    }
    ip4_addr_t addr, mask, gw;
    offload = mode & MODE_OFFLOAD;
    general = mode & MODE_GENERAL;
    tx_full = mode & MODE_TX_FULL;
    net_tx_csum_offloaded = offload;
    if (mode & MODE_STATIC) {
        IP4_ADDR(&addr, 10, 0, 2, 15);
        IP4_ADDR(&mask, 255, 255, 255, 0);
        IP4_ADDR(&gw, 10, 0, 2, 2);
    } else {
        ip4_addr_set_zero(&addr);
        ip4_addr_set_zero(&mask);
        ip4_addr_set_zero(&gw);
    }
    netif_add(&nif, &addr, &mask, &gw, NULL, netif_setup, ethernet_input);
    netif_set_default(&nif);
    net_udp_attach(&nif, &fake_dev);
    netif_create_ip6_linklocal_address(&nif, 1);
    netif_set_ip6_autoconfig_enabled(&nif, 1);
    netif_set_up(&nif);
    netif_set_link_up(&nif);
    if (!(mode & MODE_STATIC))
        dhcp_start(&nif);
}

static void advance(uint64_t ms)
{
    now_ns += ms * 1000000;
    sys_check_timeouts();
}

/* Everything a run left behind, gone; then the pools must be full again. */
static void stop(void)
{
    while (tcp_active_pcbs)
        tcp_abort(tcp_active_pcbs);
    while (tcp_tw_pcbs)
        tcp_abort(tcp_tw_pcbs);
    dhcp_stop(&nif); /* gives back its UDP socket */
    dhcp_cleanup(&nif);
    netif_set_down(&nif);
    netif_remove(&nif);
    for (int s = 0; s < REASS_FLUSH_S; s++) {
        ip_reass_tmr();
        ip6_reass_tmr();
    }
    if (lwip_stats.memp[MEMP_PBUF_POOL]->used != 0 || lwip_stats.memp[MEMP_TCP_PCB]->used != 0 ||
        lwip_stats.memp[MEMP_PBUF]->used != 0 || lwip_stats.memp[MEMP_REASSDATA]->used != 0 ||
        lwip_stats.memp[MEMP_TCP_SEG]->used != 0 || lwip_stats.memp[MEMP_ARP_QUEUE]->used != 0)
        abort(); /* something an input left behind leaked */
}

/*
 * As net/net.c's net_receive_lwip does: every frame the fast path
 * (net_udp_receive) did not take goes to lwIP's input, with the checks a
 * vouching device waives switched off for the frame.
 */
bool net_receive_lwip(struct netdev *dev, void *frame, size_t len, void *buf,
                      const struct netdev_csum *csum)
{
    struct csum_l4 l4;
    bool vouched = csum != NULL;
    (void)dev;
    (void)buf;
    if (len > FRAME_MAX)
        return false;
    if (csum_locate(frame, len, len, &l4) != 0)
        vouched = false; /* net/net.c believes a device only for a whole UDP or TCP datagram */
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (!p)
        return false;
    pbuf_take(p, frame, (u16_t)len);
    rx_frame = p->next ? NULL : p->payload;
    u16_t flags = nif.chksum_flags;
    if (vouched)
        NETIF_SET_CHECKSUM_CTRL(&nif,
                                flags & ~(NETIF_CHECKSUM_CHECK_UDP | NETIF_CHECKSUM_CHECK_TCP));
    if (nif.input(p, &nif) != ERR_OK)
        pbuf_free(p);
    NETIF_SET_CHECKSUM_CTRL(&nif, flags);
    rx_frame = NULL;
    return false;
}

/* As the driver hands a frame over: alone in its buffer, which a reply may be built over. */
static void input_frame(const uint8_t *data, size_t len, bool vouched)
{
    static uint8_t buf[PBUF_POOL_BUFSIZE];
    static const struct netdev_csum valid = {.state = NETDEV_CSUM_VALID};
    memcpy(buf, data, len);
    rx_frame = buf;
    net_udp_receive(&fake_dev, buf, len, NULL, vouched ? &valid : NULL);
    rx_frame = NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    start(data[0]);
    size_t i = 1;
    while (size - i >= 3) {
        size_t len = ((size_t)data[i] << 8 | data[i + 1]) & FRAME_LEN_MASK;
        uint8_t step = data[i + 2];
        i += 3;
        len = len < FRAME_MAX ? len : FRAME_MAX;
        len = len < size - i ? len : size - i;
        advance((uint64_t)step * TICK_MS);
        if (len)
            input_frame(data + i, len, data[0] & MODE_VOUCHED);
        i += len;
    }
    advance(TICK_MS);
    stop();
    return 0;
}
