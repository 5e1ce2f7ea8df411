// SPDX-License-Identifier: MIT
/*
 * virtio network device (virtio spec v1.2 §5.1), legacy and modern, as a
 * struct netdev (net/netdev.h). Queue 0 receives, queue 1 transmits (§5.1.2);
 * every buffer is a struct virtio_net_hdr (§5.1.6) and one Ethernet frame,
 * in one descriptor when the device accepts any framing (VERSION_1, or
 * VIRTIO_F_ANY_LAYOUT on a legacy one: QEMU offers it), else in two (header,
 * frame) as legacy devices without it require (§5.1.6.7).
 * Every buffer keeps its descriptors for good (virtq.h, preset chains):
 * written and translated once at start, so offering a buffer again is one
 * ring entry, and a transmit is a copy, a length and a ring entry.
 * Features: MAC (else a random locally administered one), STATUS (link
 * state, followed through configuration-change interrupts), and checksum
 * offload when offered: CSUM (the device completes the UDP and TCP checksums
 * net/ leaves partial) and GUEST_CSUM (the device says which received
 * checksums it checked, or hands over a partial one from a sender on the
 * host; net/ decides what to believe, §5.1.6.4). No segmentation offload,
 * no mergeable receive buffers, no control queue, one queue pair. Received frames are lent
 * to the stack in their buffers (no copy); spare buffers take their place in
 * the receive queue meanwhile, and when none is left the stack copies. One
 * device: once one
 * got past its queue setup, a second one's probe fails with -EBUSY and the
 * transport marks it FAILED.
 * Interrupts: one per burst of received frames (with EVENT_IDX the device
 * interrupts once, the loop then collects until the ring is empty and asks
 * again: the NAPI idea), none for transmit unless the ring is full.
 * A watchdog (net_watchdog) recovers from a lost notification or interrupt
 * on either queue: a device (or an emulator) that misses one would otherwise
 * leave the driver waiting for good.
 *   QEMU: -netdev user,id=n0 -device virtio-net-device,netdev=n0[,mac=02:00:00:00:00:42]
 *   (checksum offload comes with a tap backend that has vnet headers, not
 *   with user networking; csum=off,guest_csum=off on the device turns it off)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>
#include <mote/net.h>
#include <mote/time.h>
#include <mote/timer.h>

#include "drivers/virtio/mmio.h"
#include "kernel/event.h"
#include "kernel/irq.h"
#include "kernel/kstring.h"
#include "kernel/random.h"
#include "net/netdev.h"

/* §5.1.3 Feature bits */
#define VIRTIO_NET_F_CSUM       0  /* the device completes partial checksums on transmit */
#define VIRTIO_NET_F_GUEST_CSUM 1  /* the driver accepts partial or checked ones on receive */
#define VIRTIO_NET_F_MAC        5  /* the device has a MAC address in its configuration */
#define VIRTIO_NET_F_STATUS     16 /* the configuration's status field is valid */

/* §5.1.4 Device configuration layout */
/* clang-format off */
#define VIRTIO_NET_CFG_MAC       0 /* u8 mac[6] */
#define VIRTIO_NET_CFG_STATUS    6 /* le16 */
#define   VIRTIO_NET_S_LINK_UP     1u
/* clang-format on */

/*
 * §5.1.6 struct virtio_net_hdr: flags, gso_type, hdr_len, gso_size,
 * csum_start, csum_offset, then num_buffers, which a legacy device without
 * VIRTIO_NET_F_MRG_RXBUF leaves out (§5.1.6.1 "Legacy Interface"), while
 * VERSION_1 always has it. On transmit all zero (no GSO) but for a partial
 * checksum's flag, start and offset. Little-endian fields (legacy: the
 * guest's order, little-endian here too).
 */
/* clang-format off */
#define NET_HDR_LEN_LEGACY 10
#define NET_HDR_LEN_MODERN 12
#define NET_HDR_FLAGS       0 /* u8 */
#define   VIRTIO_NET_HDR_F_NEEDS_CSUM 1 /* checksum at csum_start + csum_offset is partial */
#define   VIRTIO_NET_HDR_F_DATA_VALID 2 /* receive: the device checked the checksum */
#define NET_HDR_CSUM_START  6 /* le16 */
#define NET_HDR_CSUM_OFFSET 8 /* le16 */
/* clang-format on */

#define NET_RX_QUEUE 0  /* receiveq1 */
#define NET_TX_QUEUE 1  /* transmitq1 */
#define NET_DESC_MAX 2  /* descriptors per buffer: header, frame; 1 with any framing */
#define NET_BUFS     64 /* buffers per queue */

#define NET_MTU       1500
#define NET_ETH_HLEN  14
#define NET_FRAME_MAX (NET_MTU + NET_ETH_HLEN) /* without FCS, without VLAN tag */
#define NET_BUF_SIZE  1536                     /* header + frame, rounded to cache lines */
#define NET_BUF_ALIGN 64
/* A receive buffer: headroom for the stack (net/netdev.h), header, frame; 64-byte multiple. */
#define NET_RX_BUF_SIZE (NET_BUF_SIZE + 128)
#define NET_RX_SPARE    64 /* receive buffers beyond the queue's, lent to the stack */

/* The header's fields are little-endian (legacy: the guest's order), written as CPU words. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "Mote runs little-endian");
_Static_assert(NETDEV_RX_HEADROOM + NET_HDR_LEN_MODERN + NET_FRAME_MAX <= NET_RX_BUF_SIZE,
               "a receive buffer holds headroom, header and frame");

/*
 * Watchdog periods. Fast while the device holds transmit buffers or had run
 * out of receive buffers: then a lost notification stops traffic, so it is
 * found within two periods (a stall needs a whole period to be told from a
 * slow device). Slow otherwise, because the receive queue always holds
 * buffers and a lost receive interrupt is permanent too (with EVENT_IDX the
 * device interrupts only when it passes used_event, once), but an idle
 * machine should wake rarely: one timer a second costs next to nothing.
 */
#define NET_WATCH_FAST_NS (100 * MOTE_NS_PER_MS)
#define NET_WATCH_SLOW_NS (1000 * MOTE_NS_PER_MS)

#define MAC_LOCAL     0x02 /* first octet: locally administered */
#define MAC_MULTICAST 0x01 /* first octet: group address */

static struct {
    struct virtio_dev *dev;
    struct netdev netdev;
    int event;          /* used buffers on either queue */
    uint64_t event_bit; /* its bit (event_bit), for the interrupt handler */
    int config_event;   /* the configuration (link status) changed */
    unsigned hdr_len;   /* NET_HDR_LEN_* */
    unsigned desc_per;  /* descriptors per buffer: 1 or NET_DESC_MAX */
    unsigned desc_log2; /* its logarithm: a buffer's index is its chain head >> desc_log2 */
    unsigned nrx;       /* receive buffers, each NET_RX_BUF_SIZE bytes in rx_pool */
    uint8_t *rx_pool;
    uint8_t *rx_spare[NET_BUFS + NET_RX_SPARE]; /* buffers neither offered nor lent */
    unsigned rx_nspare;
    unsigned ntx;
    uint8_t *tx_pool;
    uint16_t tx_free[NET_BUFS]; /* chain heads of idle transmit buffers */
    unsigned tx_nfree;
    uint32_t tx_len_extra; /* added to a frame's length in its last descriptor: the header's */
    bool tx_irq_on;        /* transmit interrupts asked for: a frame waits for a buffer */
    /* What the device said of the frame being received: static, so no stack guard. */
    struct netdev_csum rx_csum;

    /* Counters: dropped, never trusted. */
    unsigned long rx_short, rx_no_stack, tx_full, dev_invalid;

    /* Watchdog */
    struct virtq_watch rx_watch, tx_watch;
    bool rx_starved;          /* the device had used every receive buffer... */
    uint16_t rx_starved_used; /* ...at this used idx, and has not moved since */
    bool rx_starved_told;     /* this starvation was already recovered (counted) */
    unsigned long tx_renotified, tx_recollected, rx_renotified, rx_recollected;
    unsigned logged; /* NET_LOGGED_* kinds of recovery already logged */

    /* Last: large, and the fields above stay within one load's reach of the start. */
    struct virtq rxq, txq;
} net;

/* clang-format off */
#define NET_LOGGED_TX_NOTIFY 1u
#define NET_LOGGED_TX_IRQ    2u
#define NET_LOGGED_RX_NOTIFY 4u
#define NET_LOGGED_RX_IRQ    8u
/* clang-format on */

/* net_irq's rare case: the configuration changed (and buffers may be used too). */
static __attribute__((noinline)) void irq_config(uint32_t status)
{
    if (status & VIRTIO_INT_USED)
        event_raise(net.event);
    event_raise(net.config_event);
}

/*
 * Interrupt context: acknowledge, note what happened; the loop does the work.
 * Every way out is a tail call, so the handler keeps no frame.
 */
static void net_irq(void *arg)
{
    uint32_t status = virtio_irq_ack(arg);
    if (status & VIRTIO_INT_CONFIG)
        irq_config(status);
    else if (status & VIRTIO_INT_USED)
        event_raise_bits(net.event_bit);
}

/*
 * What the header of a received frame says of its checksum (§5.1.6.4.1),
 * for net/ to weigh; NULL when the device said nothing (or GUEST_CSUM was
 * not negotiated: then the flags are zero anyway).
 */
static const struct netdev_csum *rx_csum(const uint8_t *hdr)
{
    struct netdev_csum *csum = &net.rx_csum;
    uint8_t flags = hdr[NET_HDR_FLAGS];
    if (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) {
        uint32_t start_offset; /* both little-endian fields (adjacent) in one load */
        kcopy(&start_offset, hdr + NET_HDR_CSUM_START, sizeof(start_offset));
        csum->state = NETDEV_CSUM_PARTIAL;
        csum->start = (uint16_t)start_offset;
        csum->offset = (uint16_t)(start_offset >> 16);
        return csum;
    }
    if (flags & VIRTIO_NET_HDR_F_DATA_VALID) {
        static const struct netdev_csum valid = {.state = NETDEV_CSUM_VALID};
        return &valid; /* no store: the common case with offload */
    }
    return NULL;
}

/*
 * The segments of a buffer's chain: header and frame in one descriptor, or
 * in two. Returns how many.
 */
static unsigned buf_segs(uint8_t *hdr, struct virtq_seg segs[NET_DESC_MAX])
{
    if (net.desc_per == 1) {
        segs[0] = (struct virtq_seg){.buf = hdr, .len = net.hdr_len + NET_FRAME_MAX};
        return 1;
    }
    segs[0] = (struct virtq_seg){.buf = hdr, .len = net.hdr_len};
    segs[1] = (struct virtq_seg){.buf = hdr + net.hdr_len, .len = NET_FRAME_MAX};
    return 2;
}

static __attribute__((cold, noinline)) void bad_used_entry(unsigned n)
{
    net.dev_invalid += n;
    mote_log(MOTE_LOG_WARN, "virtio-net: device returned a bad used-ring entry; ignored");
}

/* netdev receive until net/ attaches (it sets its own): the frame is dropped. */
static bool rx_no_stack(struct netdev *dev, void *frame, size_t len, void *buf,
                        const struct netdev_csum *csum)
{
    (void)dev, (void)frame, (void)len, (void)buf, (void)csum;
    net.rx_no_stack++;
    return false;
}

/* netdev rx_release: a buffer the stack kept is a spare again. */
static void rx_release(struct netdev *dev, void *buf)
{
    (void)dev;
    net.rx_spare[net.rx_nspare++] = buf;
}

/*
 * One received frame to the stack, lending its buffer while a spare can take
 * its place; the chain is offered again, over the spare if the stack kept
 * the buffer (the pool is one allocation: the descriptors move, nothing is
 * translated).
 */
static void rx_frame(uint16_t head, uint8_t *buf, uint32_t len)
{
    /* virtq_fixed_take saw to the upper bound: the chain's size, header and NET_FRAME_MAX. */
    if (len <= net.hdr_len)
        net.rx_short++;
    else {
        bool lend = net.rx_nspare > 0;
        uint8_t *hdr = buf + NETDEV_RX_HEADROOM;
        const struct netdev_csum *c = rx_csum(hdr);
        if (net.netdev.receive(&net.netdev, hdr + net.hdr_len, len - net.hdr_len, lend ? buf : NULL,
                               c)) {
            uint8_t *spare = net.rx_spare[--net.rx_nspare]; /* may be buf, if already released */
            if (spare != buf)
                virtq_fixed_move(&net.rxq, head, spare - buf);
            buf = spare;
        }
    }
    virtq_fixed_post(&net.rxq, head, buf);
}

/*
 * Hands every received frame to the stack and offers each buffer again. At
 * most a queue's worth per call; returns true if more may be waiting.
 */
static bool rx_collect(void)
{
    struct virtq *vq = &net.rxq;
    uint16_t end = virtq_used_idx(vq);

    /* Every offered buffer used: the device waits for a notification of the reposted ones. */
    if (end == vq->avail_idx && (!net.rx_starved || end != net.rx_starved_used)) {
        net.rx_starved = true;
        net.rx_starved_told = false;
        net.rx_starved_used = end;
    }

    /* A queue's worth at most: a device may move its index anywhere. */
    unsigned n = (uint16_t)(end - vq->last_used);
    for (n = n < vq->size ? n : vq->size; n > 0; n--) {
        uint16_t head;
        void *buf;
        uint32_t len;
        if (virtq_fixed_take(vq, &head, &buf, &len) < 0)
            bad_used_entry(1);
        else
            rx_frame(head, buf, len);
    }
    bool notify;
    bool more = virtq_end_pass(vq, &notify);
    if (notify)
        virtio_queue_notify(net.dev, vq);
    return more;
}

/*
 * Transmit interrupts are off while buffers are idle: finished ones are taken
 * back on the send path when no buffer is idle (net_transmit: one pass for a
 * ring's worth) and by the watchdog, so a request/response exchange costs one
 * interrupt, the request's, and no look at the transmit queue. They are asked
 * for only when a frame waits for a buffer (the ring is full), to send it as
 * soon as one is free.
 */
static void tx_irq_set(bool on)
{
    if (on == net.tx_irq_on)
        return;
    net.tx_irq_on = on;
    if (on) {
        /* A buffer used before the request was seen sends no interrupt: the loop looks. */
        if (virtq_enable_interrupt(&net.txq))
            event_raise(net.event);
    } else {
        virtq_disable_interrupt(&net.txq);
    }
}

/* Takes back the transmit buffers the device is done with; a queue's worth at most. */
static void tx_reclaim(void)
{
    uint16_t invalid = net.txq.dev_invalid;
    /* Only offered chain heads come back: at most ntx of them, tx_free's size. */
    net.tx_nfree += virtq_fixed_reap(&net.txq, net.tx_free + net.tx_nfree, net.ntx - net.tx_nfree);
    if (net.txq.dev_invalid != invalid)
        bad_used_entry((uint16_t)(net.txq.dev_invalid - invalid));
}

/*
 * Event loop: received frames to the stack; when a frame waits for a
 * transmit buffer (and only then), finished ones back to the pool and the
 * waiting frames out. Raised again when the receive queue may hold more
 * than one round's worth.
 */
static void net_collect(void *arg)
{
    (void)arg;
    bool more = rx_collect();
    if (net.tx_irq_on) {
        tx_reclaim();
        if (net.tx_nfree > 0) {
            /* Off before the backlog goes out: a frame that still finds no buffer turns them on. */
            tx_irq_set(false);
            if (net.netdev.tx_ready)
                net.netdev.tx_ready(&net.netdev);
        }
    }
    if (more)
        event_raise(net.event);
}

/* Logs the first recovery of a kind; the counters tell about the rest. */
static void log_recovery_once(unsigned kind, const char *what)
{
    if (net.logged & kind)
        return;
    net.logged |= kind;
    mote_log(MOTE_LOG_WARN,
             "virtio-net: %s; recovered (counted in mote_net_stats, not logged again)", what);
}

static void watch_arm(uint64_t delay_ns);

/*
 * Timer: one look at each queue (virtq_watch_check). A stall must last a
 * whole period before it is acted on, so an interrupt merely late is not
 * counted. Transmit: buffers the device left untouched are notified again;
 * used ones nobody collected are collected. Receive: the same for used
 * buffers; a notification is repeated only after the device had run out of
 * buffers (otherwise an untouched receive queue is just a quiet network).
 */
static void net_watchdog(void *arg)
{
    (void)arg;
    bool collect = false;

    /* With transmit interrupts off, finished buffers wait for a send: not a lost interrupt. */
    if (!net.tx_irq_on)
        tx_reclaim();
    switch (virtq_watch_check(&net.tx_watch, &net.txq)) {
    case VIRTQ_LOST_NOTIFY:
        net.tx_renotified++;
        log_recovery_once(NET_LOGGED_TX_NOTIFY, "transmit queue stalled (notification lost?)");
        virtio_queue_notify(net.dev, &net.txq);
        break;
    case VIRTQ_LOST_INTERRUPT:
        net.tx_recollected++;
        log_recovery_once(NET_LOGGED_TX_IRQ, "transmit buffers done with no interrupt");
        collect = true;
        break;
    default: break;
    }

    enum virtq_stall rx = virtq_watch_check(&net.rx_watch, &net.rxq);
    if (net.rx_starved && net.rxq.used->idx != net.rx_starved_used)
        net.rx_starved = false; /* the device used a reposted buffer: it was told */
    if (rx == VIRTQ_LOST_INTERRUPT) {
        net.rx_recollected++;
        log_recovery_once(NET_LOGGED_RX_IRQ, "received frames waiting with no interrupt");
        collect = true;
    } else if (rx == VIRTQ_LOST_NOTIFY && net.rx_starved) {
        /* Repeated until the device moves, counted once: it may just be a quiet network. */
        if (!net.rx_starved_told) {
            net.rx_starved_told = true;
            net.rx_renotified++;
            log_recovery_once(NET_LOGGED_RX_NOTIFY,
                              "receive queue refilled but the device stayed silent");
        }
        virtio_queue_notify(net.dev, &net.rxq);
    }
    if (collect)
        net_collect(NULL);

    bool busy = virtq_outstanding(&net.txq) > 0 || (net.rx_starved && !net.rx_starved_told);
    watch_arm(busy ? NET_WATCH_FAST_NS : NET_WATCH_SLOW_NS);
}

static void watch_arm(uint64_t delay_ns)
{
    /* Out of memory for a timer: the watchdog stops here, and nothing else would recover. */
    if (mote_timer_after(delay_ns, net_watchdog, NULL) < 0)
        mote_log(MOTE_LOG_ERROR, "virtio-net: watchdog timer could not be armed");
}

/* netdev stats: the driver's own counters, added to the stack's (net/stats.c). */
static void net_stats(struct netdev *dev, struct mote_net_stats *stats)
{
    (void)dev;
    stats->rx_malformed = net.rx_short + net.dev_invalid;
    stats->tx_renotified = net.tx_renotified;
    stats->tx_recollected = net.tx_recollected;
    stats->rx_renotified = net.rx_renotified;
    stats->rx_recollected = net.rx_recollected;
}

/* netdev poll: the interrupt and the event loop's work, for a caller with both stopped. */
static void net_poll(struct netdev *dev)
{
    (void)dev;
    virtio_irq_ack(net.dev);
    net_collect(NULL);
}

static bool link_read(void)
{
    if (!(net.dev->features & (1ull << VIRTIO_NET_F_STATUS)))
        return true; /* §5.1.4.2: without STATUS the link is assumed up */
    return virtio_config_read16(net.dev, VIRTIO_NET_CFG_STATUS) & VIRTIO_NET_S_LINK_UP;
}

/* Event loop: the configuration changed; only the link status matters here. */
static void net_config_changed(void *arg)
{
    (void)arg;
    int up = link_read();
    if (up == net.netdev.link_up)
        return;
    net.netdev.link_up = up;
    mote_log(MOTE_LOG_INFO, "virtio-net: link %s", up ? "up" : "down");
    netdev_link_changed(&net.netdev);
}

/*
 * Takes an idle transmit buffer for a frame of len bytes (1..NET_FRAME_MAX)
 * and writes its header (zero, or a partial checksum's place). Returns the
 * buffer (the frame goes net.hdr_len bytes in) and *head, or NULL and *err:
 * -EAGAIN when no buffer is idle, -EINVAL for a partial checksum outside the
 * frame.
 */
static inline uint8_t *tx_open(size_t len, const struct netdev_csum *csum, uint16_t *head, int *err)
{
    /* §5.1.6.2.1: the checksum field lies within the frame; net/ never asks otherwise. */
    if (csum && (!(net.netdev.offload & NETDEV_OFFLOAD_TX_CSUM) ||
                 (size_t)csum->start + csum->offset + sizeof(uint16_t) > len)) {
        *err = -EINVAL;
        return NULL;
    }
    if (net.tx_nfree == 0) /* taken back a ring's worth at a time */
        tx_reclaim();
    if (net.tx_nfree == 0) {
        net.tx_full++;
        tx_irq_set(true); /* the stack keeps the frame and resends it on tx_ready */
        *err = -EAGAIN;
        return NULL;
    }
    *head = net.tx_free[--net.tx_nfree];
    uint8_t *buf = virtq_fixed_buf(&net.txq, *head); /* the header's: the buffer's start */
    /* Both header sizes at once, as two word stores from registers: a legacy header's
       two extra bytes are the frame's, copied over next. */
    uint64_t w0 = 0;
    uint32_t w1 = 0;
    if (csum) {
        w0 = VIRTIO_NET_HDR_F_NEEDS_CSUM << (8 * NET_HDR_FLAGS) | (uint64_t)csum->start
                                                                      << (8 * NET_HDR_CSUM_START);
        w1 = (uint32_t)csum->offset << (8 * (NET_HDR_CSUM_OFFSET - sizeof(w0)));
    }
    kcopy(buf, &w0, sizeof(w0));
    kcopy(buf + sizeof(w0), &w1, sizeof(w1));
    return buf;
}

/*
 * Posts the transmit buffer at head for a frame of len bytes: its ring entry
 * is written, but the device sees nothing before tx_close publishes it, so
 * the frame may be copied in between (fewer values live across the copy).
 */
static inline void tx_post(uint16_t head, uint8_t *buf, size_t len)
{
    /* The chain's last descriptor holds the frame: its length is all that changes. */
    virtq_fixed_set_len(&net.txq, (uint16_t)(head + net.desc_per - 1),
                        (uint32_t)len + net.tx_len_extra);
    virtq_fixed_post(&net.txq, head, buf);
}

/* Publishes the posted transmit buffer and tells the device, if it asked for that. */
static inline void tx_close(void)
{
    if (virtq_publish_needs_notify(&net.txq))
        virtio_queue_notify(net.dev, &net.txq);
}

/* net_transmit for a frame in several pieces: kept apart so the one-piece path stays lean. */
static __attribute__((noinline)) int tx_gather(const void *const *seg, const size_t *seg_len,
                                               unsigned nseg, const struct netdev_csum *csum)
{
    size_t len = 0;
    for (unsigned i = 0; i < nseg; i++) {
        if (seg_len[i] > NET_FRAME_MAX - len)
            return -EMSGSIZE;
        len += seg_len[i];
    }
    if (len == 0)
        return -EINVAL;
    uint16_t head;
    int err;
    uint8_t *buf = tx_open(len, csum, &head, &err);
    if (!buf)
        return err;
    tx_post(head, buf, len);
    uint8_t *p = buf + net.hdr_len;
    for (unsigned i = 0; i < nseg; i++) {
        memcpy(p, seg[i], seg_len[i]);
        p += seg_len[i];
    }
    tx_close();
    return 0;
}

/*
 * netdev transmit_frame: copies the frame behind its header into an idle
 * buffer and offers it. Returns 0, -EAGAIN when no buffer is idle,
 * -EMSGSIZE over NET_FRAME_MAX bytes, -EINVAL for an empty frame or a
 * partial checksum outside it.
 */
static int net_transmit_frame(struct netdev *dev, const void *frame, size_t len,
                              const struct netdev_csum *csum)
{
    (void)dev;
    if (len - 1 >= NET_FRAME_MAX) /* 0 wraps */
        return len ? -EMSGSIZE : -EINVAL;
    uint16_t head;
    int err;
    uint8_t *buf = tx_open(len, csum, &head, &err);
    if (!buf)
        return err;
    tx_post(head, buf, len);
    memcpy(buf + net.hdr_len, frame, len);
    tx_close();
    return 0;
}

/* netdev transmit: as net_transmit_frame, for a frame in nseg pieces. */
static int net_transmit(struct netdev *dev, const void *const *seg, const size_t *seg_len,
                        unsigned nseg, const struct netdev_csum *csum)
{
    if (nseg != 1) /* the common case is one (net_transmit_frame, a one-pbuf frame) */
        return tx_gather(seg, seg_len, nseg, csum);
    return net_transmit_frame(dev, seg[0], seg_len[0], csum);
}

static void mac_read(uint8_t mac[NETDEV_MAC_LEN])
{
    if (net.dev->features & (1ull << VIRTIO_NET_F_MAC)) {
        virtio_config_read(net.dev, VIRTIO_NET_CFG_MAC, mac, NETDEV_MAC_LEN);
        return;
    }
    /* §5.1.5: without MAC the driver picks one; locally administered, unicast. */
    uint64_t r = random_u64();
    for (unsigned i = 0; i < NETDEV_MAC_LEN; i++)
        mac[i] = (uint8_t)(r >> (8 * i));
    mac[0] = (uint8_t)((mac[0] & ~MAC_MULTICAST) | MAC_LOCAL);
}

/*
 * The buffers: one allocation per direction, each buffer with its preset
 * chain. Receive: the queue's buffers (the first nrx, offered here) and the
 * spares behind them.
 */
static int pools_init(void)
{
    struct virtq_seg segs[NET_DESC_MAX];
    net.nrx = net.rxq.size >> net.desc_log2;
    net.ntx = net.txq.size >> net.desc_log2;
    if (net.nrx == 0 || net.ntx == 0)
        return -ENOSPC; /* a device whose queues hold fewer descriptors than a buffer needs */
    net.rx_pool = aligned_alloc(NET_BUF_ALIGN, (size_t)(net.nrx + NET_RX_SPARE) * NET_RX_BUF_SIZE);
    net.tx_pool = aligned_alloc(NET_BUF_ALIGN, (size_t)net.ntx * NET_BUF_SIZE);
    if (!net.rx_pool || !net.tx_pool)
        return -ENOMEM;
    virtq_fixed_init(&net.rxq);
    virtq_fixed_init(&net.txq);
    for (unsigned i = 0; i < net.nrx; i++) {
        uint8_t *buf = net.rx_pool + (size_t)i * NET_RX_BUF_SIZE;
        uint16_t head = (uint16_t)(i << net.desc_log2);
        unsigned n = buf_segs(buf + NETDEV_RX_HEADROOM, segs);
        int err = virtq_fixed_chain(&net.rxq, head, segs, 0, n);
        if (err)
            return err;
        virtq_fixed_post(&net.rxq, head, buf);
    }
    /* §5.1.5: the receive queue filled before DRIVER_OK; the device is told after. */
    virtq_publish(&net.rxq);
    for (unsigned i = 0; i < NET_RX_SPARE; i++)
        net.rx_spare[i] = net.rx_pool + (size_t)(net.nrx + i) * NET_RX_BUF_SIZE;
    net.rx_nspare = NET_RX_SPARE;
    for (unsigned i = 0; i < net.ntx; i++) {
        uint16_t head = (uint16_t)(i << net.desc_log2);
        unsigned n = buf_segs(net.tx_pool + (size_t)i * NET_BUF_SIZE, segs);
        int err = virtq_fixed_chain(&net.txq, head, segs, n, 0);
        if (err)
            return err;
        net.tx_free[i] = head;
    }
    net.tx_nfree = net.ntx;
    net.tx_len_extra = net.desc_per == 1 ? net.hdr_len : 0;
    return 0;
}

static int net_probe(struct virtio_dev *dev)
{
    if (net.dev)
        return -EBUSY; /* one is enough */
    int err =
        virtio_negotiate(dev, (1ull << VIRTIO_NET_F_MAC) | (1ull << VIRTIO_NET_F_STATUS) |
                                  (1ull << VIRTIO_NET_F_CSUM) | (1ull << VIRTIO_NET_F_GUEST_CSUM) |
                                  (1ull << VIRTIO_F_ANY_LAYOUT));
    if (err)
        return err;
    net.netdev.receive = rx_no_stack; /* no test for "none" on the receive path */
    bool modern = dev->features & (1ull << VIRTIO_F_VERSION_1);
    net.hdr_len = modern ? NET_HDR_LEN_MODERN : NET_HDR_LEN_LEGACY;
    /* §2.6.4: VERSION_1 devices take any framing; legacy ones only with ANY_LAYOUT. */
    net.desc_log2 = modern || (dev->features & (1ull << VIRTIO_F_ANY_LAYOUT)) ? 0 : 1;
    net.desc_per = 1u << net.desc_log2;
    err = virtio_queue_setup(dev, NET_RX_QUEUE, &net.rxq, (uint16_t)(NET_BUFS * net.desc_per));
    if (!err)
        err = virtio_queue_setup(dev, NET_TX_QUEUE, &net.txq, (uint16_t)(NET_BUFS * net.desc_per));
    if (!err)
        err = pools_init();
    if (err)
        return err;
    net.dev = dev;

    net.event = event_source_add(net_collect, NULL);
    err = net.event < 0 ? net.event : 0;
    net.event_bit = err ? 0 : event_bit(net.event);
    if (!err) {
        net.config_event = event_source_add(net_config_changed, NULL);
        err = net.config_event < 0 ? net.config_event : 0;
    }
    if (!err)
        err = irq_register(dev->intid, IRQ_LEVEL, net_irq, dev);
    if (!err)
        err = virtio_driver_ok(dev);
    if (err)
        return err; /* net.dev stays: its callbacks may run; the buffers stay with the device */
    virtio_queue_kick(dev, &net.rxq);
    virtq_disable_interrupt(&net.txq); /* tx_irq_set */

    struct netdev *nd = &net.netdev;
    nd->name = "virtio-net";
    nd->mtu = NET_MTU;
    nd->transmit = net_transmit;
    nd->transmit_frame = net_transmit_frame;
    nd->rx_release = rx_release;
    nd->rx_frame_room = NET_FRAME_MAX; /* buf_segs: every buffer holds a whole frame */
    if (dev->features & (1ull << VIRTIO_NET_F_CSUM))
        nd->offload |= NETDEV_OFFLOAD_TX_CSUM;
    if (dev->features & (1ull << VIRTIO_NET_F_GUEST_CSUM))
        nd->offload |= NETDEV_OFFLOAD_RX_CSUM;
    nd->poll = net_poll;
    nd->stats = net_stats;
    mac_read(nd->mac);
    nd->link_up = link_read();
    err = netdev_register(nd);
    if (err)
        return err;
    virtq_watch_reset(&net.rx_watch, &net.rxq);
    virtq_watch_reset(&net.tx_watch, &net.txq);
    watch_arm(NET_WATCH_SLOW_NS);
    mote_log(MOTE_LOG_INFO,
             "virtio-net: MAC %02x:%02x:%02x:%02x:%02x:%02x, link %s, %s, checksum offload %s",
             nd->mac[0], nd->mac[1], nd->mac[2], nd->mac[3], nd->mac[4], nd->mac[5],
             nd->link_up ? "up" : "down", modern ? "modern" : "legacy",
             nd->offload == (NETDEV_OFFLOAD_TX_CSUM | NETDEV_OFFLOAD_RX_CSUM) ? "tx rx"
             : nd->offload & NETDEV_OFFLOAD_TX_CSUM                           ? "tx"
             : nd->offload & NETDEV_OFFLOAD_RX_CSUM                           ? "rx"
                                                                              : "off");
    return 0;
}

static const struct virtio_driver virtio_net_driver = {
    .device_id = VIRTIO_ID_NET,
    .name = "network",
    .probe = net_probe,
};
VIRTIO_DRIVER(virtio_net_driver);
