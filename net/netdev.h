/* SPDX-License-Identifier: MIT */
/*
 * What an Ethernet driver provides to the network stack (net/), and how
 * frames cross between them. A driver fills in a struct netdev and calls
 * netdev_register(); net/ attaches to the first one as its lwIP netif.
 * Everything here runs from the event loop, never in interrupt context.
 */
#ifndef NET_NETDEV_H
#define NET_NETDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mote_net_stats;

#define NETDEV_MAC_LEN 6
#define NETDEV_MAX     2

/*
 * Bytes a driver leaves free at the start of every receive buffer it lends
 * (see receive): net/ keeps its bookkeeping for the frame there, so a frame
 * needs no allocation and no copy on its way to the service.
 */
#define NETDEV_RX_HEADROOM 64

/* What a device can do with checksums (struct netdev offload), named by the driver. */
#define NETDEV_OFFLOAD_TX_CSUM 0x1u /* completes a partial transport checksum on transmit */
#define NETDEV_OFFLOAD_RX_CSUM 0x2u /* tells on receive which checksums it vouches for */

/*
 * A frame's transport checksum as the device knows it (checksum offload):
 * on receive, what the device vouches for; on transmit, what it is to do.
 */
struct netdev_csum {
    /* clang-format off */
    uint8_t state;
#define NETDEV_CSUM_VALID   1 /* receive: the device checked the transport checksum */
#define NETDEV_CSUM_PARTIAL 2 /* the checksum field at start + offset holds the
                                 pseudo-header's sum; the ones'-complement sum of
                                 the bytes from start to the frame's end, inverted,
                                 belongs there (virtio's NEEDS_CSUM) */
    /* clang-format on */
    uint16_t start;  /* PARTIAL: the transport header's offset in the frame */
    uint16_t offset; /* PARTIAL: the checksum field's offset from start */
};

struct netdev {
    const char *name; /* "virtio-net" */
    uint8_t mac[NETDEV_MAC_LEN];
    uint16_t mtu;     /* IP MTU: 1500 for Ethernet */
    int link_up;      /* the driver keeps it current and calls netdev_link_changed */
    unsigned offload; /* NETDEV_OFFLOAD_*: what the driver negotiated; 0 for none */

    /*
     * Sends one Ethernet frame (without FCS) given as segments that add up
     * to the frame; the driver copies them out before returning. csum is
     * NULL for a frame whose checksums are complete; net/ passes a PARTIAL
     * one only to a driver with NETDEV_OFFLOAD_TX_CSUM. Returns 0, -EAGAIN
     * when its transmit ring is full (the caller keeps the frame until
     * tx_ready), -EMSGSIZE for a frame over mtu + 14 bytes.
     */
    int (*transmit)(struct netdev *dev, const void *const *seg, const size_t *seg_len,
                    unsigned nseg, const struct netdev_csum *csum);
    /*
     * transmit for a frame in one piece (a reply built in place), with the
     * same contract and results: no segment arrays written by the caller
     * and read back by the driver. Required of a driver that sets
     * rx_frame_room (netdev_register refuses it otherwise), optional else.
     */
    int (*transmit_frame)(struct netdev *dev, const void *frame, size_t len,
                          const struct netdev_csum *csum);

    /*
     * Set by net/: called by the driver for every good received frame. buf is
     * the receive buffer holding it (its first NETDEV_RX_HEADROOM bytes free
     * for net/) when the driver can lend it, else NULL. csum is what the
     * device said of the frame's transport checksum (VALID or PARTIAL), NULL
     * when it said nothing: then every checksum is checked in software, and
     * a device's word is taken only for a whole UDP or TCP datagram (never a
     * fragment). Returns true if net/ kept buf: it gives it back later
     * through rx_release, and the driver offers the device another buffer
     * meanwhile. Otherwise the frame was copied or dropped and buf is the
     * driver's again on return.
     */
    bool (*receive)(struct netdev *dev, void *frame, size_t len, void *buf,
                    const struct netdev_csum *csum);
    /*
     * Set by the driver: bytes a lent buffer holds from a frame's start on
     * (at least mtu + 14), so that a reply may be built over the frame in
     * place (mote_udp_reply); 0 when buffers are shared between frames.
     */
    size_t rx_frame_room;
    /*
     * Set by net/: called by the driver, from the event loop and never from
     * inside transmit, when transmit buffers became free again. NULL while
     * no frame waits for one (net/ sets it when transmit says -EAGAIN): the
     * driver checks before calling.
     */
    void (*tx_ready)(struct netdev *dev);
    /*
     * Set by the driver: acknowledges the device's interrupt and collects
     * received frames and finished transmit buffers now, for a caller that
     * runs with the event loop stopped and interrupts masked (the GDB stub).
     */
    void (*poll)(struct netdev *dev);
    /* Set by the driver: takes back a buffer net/ kept (may run inside receive). */
    void (*rx_release)(struct netdev *dev, void *buf);
    /* Set by the driver, optional: fills the counters of its bus (bus_*, rx_malformed). */
    void (*stats)(struct netdev *dev, struct mote_net_stats *stats);
};

/*
 * Called by a driver once the device is up. Returns 0, -ENOSPC, or -EINVAL
 * for a device with rx_frame_room and no transmit_frame.
 */
int netdev_register(struct netdev *dev);

/* The index-th registered device, or NULL. */
struct netdev *netdev_get(unsigned index);

/* Called by a driver when dev->link_up changed. */
void netdev_link_changed(struct netdev *dev);

/* Set by net/: what netdev_link_changed calls (nothing while NULL). */
extern void (*netdev_on_link)(struct netdev *dev);

#endif
