// SPDX-License-Identifier: MIT
/*
 * The one netif glue file: lwIP's netif over a struct netdev (net/netdev.h)
 * and address configuration from the boot arguments (lwIP's timeouts are
 * net/timeouts.c's). lwIP runs only from the event loop.
 */
#include "net/net.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>
#include <mote/time.h>
#include <mote/timer.h>

#include "lwip/dhcp.h"
#include "lwip/etharp.h"
#include "lwip/init.h"
#include "lwip/ip4_addr.h"
#include "lwip/netif.h"
#include "lwip/pbuf.h"
#include "lwip/sys.h"
#include "lwip/timeouts.h"
#include "kernel/boothook.h"
#include "kernel/kstring.h"
#include "kernel/ready.h"
#include "net/csum.h"
#include "net/gdb_tcp.h"
#include "net/ipconfig.h"
#include "net/netdev.h"
#include "net/sntp.h"
#include "net/syslog.h"
#include "netif/ethernet.h"

#if LWIP_IPV6
#include "lwip/ethip6.h"
#endif

#define MAX_SEGMENTS   16
#define TX_BACKLOG_MAX 512

static struct netif netif;
static bool holding_ready;          /* until the first IPv4 address */
static uint8_t flat[NET_FRAME_MAX]; /* for frames in more pieces than MAX_SEGMENTS */
NETIF_DECLARE_EXT_CALLBACK(address_logger)

/*
 * The checksums lwIP leaves to the device (transmit offload): UDP's and TCP's,
 * over IPv4 and IPv6. lwIP computes the rest (IP header, ICMP, ICMPv6).
 */
#define TX_OFFLOADED (NETIF_CHECKSUM_GEN_UDP | NETIF_CHECKSUM_GEN_TCP)
/* What a device's word on a received frame spares lwIP (receive offload). */
#define RX_VOUCHED (NETIF_CHECKSUM_CHECK_UDP | NETIF_CHECKSUM_CHECK_TCP)

static u16_t csum_flags; /* the netif's checksum switches between frames */

bool net_tx_csum_offloaded;

/*
 * With transmit offload: a UDP or TCP frame (lwIP left its checksum out)
 * gets the pseudo-header's sum in its checksum field and *csum says where
 * the device completes it. Returns false when the frame is sent as it is
 * (ARP, ICMP, fragments, whose checksums lwIP computed); if its headers are
 * split between pbufs (lwIP does not do that today), the checksum is
 * computed here into flat and *copied set.
 */
static bool tx_csum(struct pbuf *p, struct netdev_csum *csum, bool *copied)
{
    struct csum_l4 l4;
    uint8_t *frame = p->payload;
    int err = csum_locate(frame, p->len, p->tot_len, &l4);
    *copied = false;
    if (err == -ENOENT && p->len < p->tot_len && p->tot_len <= sizeof(flat)) {
        frame = flat;
        pbuf_copy_partial(p, flat, p->tot_len, 0);
        err = csum_locate(frame, p->tot_len, p->tot_len, &l4);
        *copied = err == 0;
    }
    if (err)
        return false;
    uint16_t pseudo = csum_l4_pseudo(frame, &l4);
    kcopy(frame + l4.start + l4.offset, &pseudo, sizeof(pseudo));
    if (*copied || l4.start + l4.len != p->tot_len) {
        /* In flat, or followed by padding the device would count: in software. */
        if (!*copied) {
            if (p->tot_len > sizeof(flat))
                return false; /* longer than any driver sends: -EMSGSIZE there */
            frame = flat;
            pbuf_copy_partial(p, flat, p->tot_len, 0);
            *copied = true;
        }
        csum_complete(frame, l4.start + l4.len, l4.start, l4.offset);
        return false;
    }
    csum->state = NETDEV_CSUM_PARTIAL;
    csum->start = l4.start;
    csum->offset = l4.offset;
    return true;
}

/* Hands a frame to the driver. Returns 0, -EAGAIN (ring full) or another driver error. */
static int transmit(struct netdev *dev, struct pbuf *p)
{
    const void *seg[MAX_SEGMENTS];
    size_t seg_len[MAX_SEGMENTS];
    unsigned n = 0;
    const struct pbuf *q;
    struct netdev_csum csum;
    bool partial = false, copied = false;

    if (dev->offload & NETDEV_OFFLOAD_TX_CSUM)
        partial = tx_csum(p, &csum, &copied);
    for (q = p; q && n < MAX_SEGMENTS && !copied; q = q->next, n++) {
        seg[n] = q->payload;
        seg_len[n] = q->len;
    }
    if (q || copied) { /* too many pieces: one copy */
        if (p->tot_len > sizeof(flat))
            return -EMSGSIZE;
        seg[0] = flat;
        seg_len[0] = copied ? p->tot_len : pbuf_copy_partial(p, flat, p->tot_len, 0);
        n = 1;
    }
    if (n == 1 && dev->transmit_frame) /* most frames: no segment arrays to read back */
        return dev->transmit_frame(dev, seg[0], seg_len[0], partial ? &csum : NULL);
    return dev->transmit(dev, seg, seg_len, n, partial ? &csum : NULL);
}

/*
 * Frames the driver had no buffer for, in order, sent from tx_ready: like a
 * NIC's transmit queue, a burst of answers waits instead of being dropped.
 */
static struct {
    struct pbuf *frame[TX_BACKLOG_MAX];
    unsigned head, count;
} backlog;

struct netdev *net_tx_direct;

/*
 * The driver has transmit buffers again: sends what waits in the backlog, in
 * order, until the driver is full again. Set as the device's tx_ready only
 * while something waits.
 */
static void tx_ready(struct netdev *dev)
{
    while (backlog.count > 0) {
        struct pbuf *p = backlog.frame[backlog.head];
        int err = transmit(dev, p);
        if (err == -EAGAIN)
            return;
        if (err)
            LINK_STATS_INC(link.drop);
        else
            LINK_STATS_INC(link.xmit);
        pbuf_free(p);
        backlog.head = (backlog.head + 1) % TX_BACKLOG_MAX;
        backlog.count--;
    }
    /* Nothing waits: frames built in place may go straight out, and the driver need not
       call back (both drivers look before they call tx_ready). */
    net_tx_direct = dev;
    dev->tx_ready = NULL;
}

static err_t linkoutput(struct netif *nif, struct pbuf *p)
{
    struct netdev *dev = nif->state;
    int err = backlog.count > 0 ? -EAGAIN : transmit(dev, p);
    if (err == -EAGAIN && backlog.count < TX_BACKLOG_MAX) {
        /* Kept by reference unless its data may change once we return. */
        struct pbuf *keep = PBUF_NEEDS_COPY(p) ? pbuf_clone(PBUF_RAW, PBUF_RAM, p) : p;
        if (keep) {
            if (keep == p)
                pbuf_ref(p);
            backlog.frame[(backlog.head + backlog.count++) % TX_BACKLOG_MAX] = keep;
            net_tx_direct = NULL; /* until the backlog is sent */
            dev->tx_ready = tx_ready;
            return ERR_OK;
        }
    }
    if (err) {
        LINK_STATS_INC(link.drop);
        return err == -EAGAIN ? ERR_MEM : ERR_BUF;
    }
    LINK_STATS_INC(link.xmit);
    return ERR_OK;
}

/* A received frame still in the driver's buffer, described in the buffer's headroom. */
struct rx_pbuf {
    struct pbuf_custom pc; /* first: lwIP frees it as a struct pbuf */
    struct netdev *dev;
};
_Static_assert(sizeof(struct rx_pbuf) <= NETDEV_RX_HEADROOM, "rx_pbuf fits the headroom");

static void rx_pbuf_free(struct pbuf *p)
{
    struct rx_pbuf *r = (struct rx_pbuf *)p;
    r->dev->rx_release(r->dev, r);
}

/* A pbuf for the frame: in place when the driver lends its buffer (*kept), else a copy. */
static struct pbuf *frame_pbuf(struct netdev *dev, void *frame, size_t len, void *buf, bool *kept)
{
    *kept = buf && dev->rx_release;
    if (*kept) {
        struct rx_pbuf *r = buf;
        r->pc.custom_free_function = rx_pbuf_free;
        r->dev = dev;
        return pbuf_alloced_custom(PBUF_RAW, (u16_t)len, PBUF_REF, &r->pc, frame, (u16_t)len);
    }
    struct pbuf *p = pbuf_alloc(PBUF_RAW, (u16_t)len, PBUF_POOL);
    if (p)
        pbuf_take(p, frame, (u16_t)len);
    return p;
}

static uint64_t rx_copied;
/* The frame lwIP is reading (net_receive_lwip), for in-place replies: see net_rx_frame. */
static uint8_t *rx_frame;
static size_t rx_frame_room;

uint8_t *net_rx_frame(size_t *room)
{
    *room = rx_frame_room;
    return rx_frame;
}

uint64_t net_rx_copied(void)
{
    return rx_copied;
}

/*
 * Whether the device's word on a received frame spares lwIP its UDP and TCP
 * checks: only for a whole UDP or TCP datagram (lwIP checks what it
 * reassembles itself), and for a partial checksum only where it is that
 * datagram's checksum; any other partial one is completed here, so that
 * lwIP checks it like one that came complete.
 */
static bool rx_vouched(uint8_t *frame, size_t len, const struct netdev_csum *csum,
                       const struct csum_l4 *l4)
{
    if (csum->state == NETDEV_CSUM_VALID)
        return l4 != NULL;
    if (l4 && csum->start == l4->start && csum->offset == l4->offset)
        return true;
    csum_complete(frame, len, csum->start, csum->offset); /* -EINVAL: left for lwIP to drop */
    return false;
}

/*
 * The netdev receive of every frame the fast path (net_udp_receive) did not
 * take: through lwIP.
 */
bool net_receive_lwip(struct netdev *dev, void *frame, size_t len, void *buf,
                      const struct netdev_csum *csum)
{
    if (len > NET_FRAME_MAX) {
        LINK_STATS_INC(link.lenerr);
        LINK_STATS_INC(link.drop);
        return false;
    }
    struct csum_l4 l4;
    bool whole = csum_locate(frame, len, len, &l4) == 0; /* a UDP or TCP datagram, whole */
    bool vouched = csum && rx_vouched(frame, len, csum, whole ? &l4 : NULL);
    bool kept;
    struct pbuf *p = frame_pbuf(dev, frame, len, buf, &kept);
    if (!p) {
        LINK_STATS_INC(link.memerr);
        LINK_STATS_INC(link.drop);
        return false;
    }
    LINK_STATS_INC(link.recv);
    if (!kept)
        rx_copied++;
    if (kept && dev->rx_frame_room >= len) {
        rx_frame = frame;
        rx_frame_room = dev->rx_frame_room;
    }
    /* The input is synchronous: the checks the device's word waives, for this frame only. */
    if (vouched)
        NETIF_SET_CHECKSUM_CTRL(&netif, csum_flags & (u16_t)~RX_VOUCHED);
    if (netif.input(p, &netif) != ERR_OK)
        pbuf_free(p);
    NETIF_SET_CHECKSUM_CTRL(&netif, csum_flags);
    rx_frame = NULL;
    rx_frame_room = 0;
    net_timeouts_changed();
    return kept;
}

static err_t netif_setup(struct netif *nif)
{
    struct netdev *dev = nif->state;
    nif->name[0] = 'e';
    nif->name[1] = 'n';
    nif->hwaddr_len = NETDEV_MAC_LEN;
    memcpy(nif->hwaddr, dev->mac, NETDEV_MAC_LEN);
    nif->mtu = dev->mtu;
    nif->flags = NETIF_FLAG_BROADCAST | NETIF_FLAG_ETHARP | NETIF_FLAG_ETHERNET | NETIF_FLAG_MLD6;
    nif->output = etharp_output;
#if LWIP_IPV6
    nif->output_ip6 = ethip6_output;
#endif
    nif->linkoutput = linkoutput;
    /* Checks stay on whatever the device does: net_receive_lwip waives them per frame vouched for.
     */
    csum_flags = NETIF_CHECKSUM_ENABLE_ALL;
    net_tx_csum_offloaded = dev->offload & NETDEV_OFFLOAD_TX_CSUM;
    if (net_tx_csum_offloaded)
        csum_flags &= (u16_t)~TX_OFFLOADED;
    NETIF_SET_CHECKSUM_CTRL(nif, csum_flags);
    return ERR_OK;
}

static void log_addresses(struct netif *nif, netif_nsc_reason_t reason,
                          const netif_ext_callback_args_t *args)
{
    (void)args;
    if (reason & LWIP_NSC_IPV4_SETTINGS_CHANGED && !ip4_addr_isany_val(*netif_ip4_addr(nif))) {
        char addr[IP4ADDR_STRLEN_MAX], gw[IP4ADDR_STRLEN_MAX];
        ip4addr_ntoa_r(netif_ip4_addr(nif), addr, sizeof(addr));
        ip4addr_ntoa_r(netif_ip4_gw(nif), gw, sizeof(gw));
        mote_log(MOTE_LOG_INFO, "net: IPv4 %s/%d gw %s", addr,
                 ip4_addr_netmask_valid(ip4_addr_get_u32(netif_ip4_netmask(nif)))
                     ? __builtin_popcount(ip4_addr_get_u32(netif_ip4_netmask(nif)))
                     : 0,
                 gw);
        if (holding_ready) {
            holding_ready = false;
            ready_release();
        }
    }
#if LWIP_IPV6
    if (reason & LWIP_NSC_IPV6_ADDR_STATE_CHANGED) {
        int i = args->ipv6_addr_state_changed.addr_index;
        if (ip6_addr_isvalid(netif_ip6_addr_state(nif, i)))
            mote_log(MOTE_LOG_INFO, "net: IPv6 %s", ip6addr_ntoa(netif_ip6_addr(nif, i)));
    }
#endif
}

static void link_changed(struct netdev *dev)
{
    if (dev->link_up)
        netif_set_link_up(&netif);
    else
        netif_set_link_down(&netif);
    mote_log(MOTE_LOG_INFO, "net: link %s", dev->link_up ? "up" : "down");
    net_timeouts_changed();
}

static int state;          /* 0: not started, 1: up, < 0: failed with this error */
static const char *config; /* the boot arguments, handed over by the boot hook */

bool net_started(void)
{
    return state > 0;
}

int net_up(void)
{
    if (state == 0) {
        const char *args = config ? config : "";
        state = net_start(args) == 0 ? 1 : -ENETDOWN;
        if (state > 0)
            syslog_start(args); /* remote logs start with the network; logs what is wrong */
    }
    return state < 0 ? state : 0;
}

/*
 * The boot hook: this file is linked only into images whose service uses the
 * network, and with it what the network brings: remote logs (syslog.c) and,
 * in debug images, the GDB stub's TCP transport.
 */
static void attach(const char *bootargs)
{
    config = bootargs;
    sntp_attach(bootargs); /* ntp=: SNTP comes with the network */
    gdb_tcp_register();
}

BOOT_HOOK(net_hook) = {
    .name = "net",
    .args = {"ip", "gw", "dns"},
    .attach = attach,
};

int net_start(const char *args)
{
    struct netdev *dev = netdev_get(0);
    if (!dev) {
        mote_log(MOTE_LOG_WARN, "net: no network device; networking is off");
        return -ENODEV;
    }
    struct net_ipconfig c;
    const char *bad;
    if (net_ipconfig_parse(args, &c, &bad) != 0) {
        static const struct {
            const char *key, *expected;
        } forms[] = {
            {"ip", "ip=dhcp or ip=ADDR/PREFIX"},
            {"gw", "gw=ADDR, a dotted-quad IPv4 address"},
            {"dns", "an IPv4 or IPv6 address"},
        };
        char val[NET_ARG_VALUE_MAX];
        if (mote_arg_get(args, bad, val, sizeof(val)) < 0)
            strcpy(val, "(too long)");
        for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
            if (strcmp(forms[i].key, bad) == 0)
                mote_log(MOTE_LOG_ERROR, "net: %s=%s: expected %s", bad, val, forms[i].expected);
        return -EINVAL;
    }

    lwip_init();
    if (c.has_dns) /* no resolver in the image: recorded for services that read dns= */
        mote_log(MOTE_LOG_INFO, "net: DNS server %s", ipaddr_ntoa(&c.dns));
    holding_ready = true;
    ready_hold();
    netif_add_ext_callback(&address_logger, log_addresses);
    netdev_on_link = link_changed;
    if (c.dhcp)
        netif_add(&netif, NULL, NULL, NULL, dev, netif_setup, ethernet_input);
    else
        netif_add(&netif, &c.addr, &c.mask, &c.gw, dev, netif_setup, ethernet_input);
    netif_set_default(&netif);
    net_udp_attach(&netif, dev);
    net_tx_direct = dev;  /* nothing waits in the backlog yet */
    dev->tx_ready = NULL; /* until a frame waits in the backlog */
    dev->receive =
        net_udp_receive; /* the fast path, which hands lwIP the rest; once it is set up */
#if LWIP_IPV6
    netif_create_ip6_linklocal_address(&netif, 1);
    netif.ip6_autoconfig_enabled = 1; /* SLAAC (the lwIP macro trips -Waddress) */
#endif
    netif_set_up(&netif);
    if (dev->link_up)
        netif_set_link_up(&netif);
    if (c.dhcp)
        dhcp_start(&netif);
    net_timeouts_changed();
    return 0;
}
