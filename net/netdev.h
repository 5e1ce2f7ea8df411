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

struct netdev {
    const char *name; /* "virtio-net" */
    uint8_t mac[NETDEV_MAC_LEN];
    uint16_t mtu; /* IP MTU: 1500 for Ethernet */
    int link_up;  /* the driver keeps it current and calls netdev_link_changed */

    /*
     * Sends one Ethernet frame (without FCS) given as segments that add up
     * to the frame; the driver copies them out before returning. Returns 0,
     * -EAGAIN when its transmit ring is full (the caller keeps the frame
     * until tx_ready), -EMSGSIZE for a frame over mtu + 14 bytes.
     */
    int (*transmit)(struct netdev *dev, const void *const *seg, const size_t *seg_len,
                    unsigned nseg);

    /*
     * Set by net/: called by the driver for every good received frame. buf is
     * the receive buffer holding it (its first NETDEV_RX_HEADROOM bytes free
     * for net/) when the driver can lend it, else NULL. Returns true if net/
     * kept buf: it gives it back later through rx_release, and the driver
     * offers the device another buffer meanwhile. Otherwise the frame was
     * copied or dropped and buf is the driver's again on return.
     */
    bool (*receive)(struct netdev *dev, void *frame, size_t len, void *buf);
    /*
     * Set by the driver: bytes a lent buffer holds from a frame's start on
     * (at least mtu + 14), so that a reply may be built over the frame in
     * place (mote_udp_reply); 0 when buffers are shared between frames.
     */
    size_t rx_frame_room;
    /*
     * Set by net/: called by the driver, from the event loop and never from
     * inside transmit, when transmit buffers became free again.
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

/* Called by a driver once the device is up. Returns 0 or -ENOSPC. */
int netdev_register(struct netdev *dev);

/* The index-th registered device, or NULL. */
struct netdev *netdev_get(unsigned index);

/* Called by a driver when dev->link_up changed. */
void netdev_link_changed(struct netdev *dev);

/* Set by net/: what netdev_link_changed calls (nothing while NULL). */
extern void (*netdev_on_link)(struct netdev *dev);

#endif
