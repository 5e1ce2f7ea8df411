/* SPDX-License-Identifier: MIT */
/*
 * The one network device behind every USB Ethernet driver (CDC-ECM, LAN9514,
 * LAN7800): a struct netdev (net/netdev.h) registered on the first attach and
 * kept for good, so lwIP's netif survives an unplug. Each chip driver
 * configures its device in attach and then binds it here with a struct
 * usbnet_chip saying how frames are framed on its bulk endpoints; this file
 * keeps the bulk-in transfers queued, lends receive buffers to net/ without
 * a copy, sends frames, follows the link and counts what went wrong.
 */
#ifndef DRIVERS_USB_NET_USBNET_H
#define DRIVERS_USB_NET_USBNET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/usb/net/framing.h"
#include "drivers/usb/usb.h"

/* What the interrupt endpoint's data says about the link (usbnet_chip.interrupt). */
enum usbnet_link_event {
    USBNET_LINK_SAME,  /* nothing about the link */
    USBNET_LINK_DOWN,  /* the link is down */
    USBNET_LINK_UP,    /* the link is up */
    USBNET_LINK_CHECK, /* it may have changed: ask link_check (outside the completion) */
};

/* How one kind of adapter frames its traffic. Static and constant. */
struct usbnet_chip {
    const char *name;  /* for the log: "cdc-ecm", "smsc95xx", "lan78xx" */
    size_t tx_hdr_len; /* bytes tx_header writes before each frame */
    void (*tx_header)(uint8_t *hdr, size_t frame_len); /* NULL when tx_hdr_len is 0 */
    unsigned rx_transfers;                             /* bulk-in transfers kept queued */
    unsigned rx_spares;                                /* buffers beyond those, to lend to net/ */
    /* Walks one bulk-in transfer, calling fn for each good frame (framing.h). */
    void (*rx_parse)(uint8_t *buf, size_t len, usbnet_frame_fn fn, void *ctx,
                     struct usbnet_rx_count *count);
    /* Reads what the interrupt endpoint sent. Returns a usbnet_link_event or -EINVAL. */
    int (*interrupt)(const uint8_t *buf, size_t len);
    /*
     * Reads the link state from the device (PHY registers) with control
     * transfers: 1 up, 0 down, or a negative errno. NULL if the chip only
     * reports through its interrupt endpoint. Run from the event loop, outside
     * any completion; also every USBNET_LINK_POLL_MS in case an interrupt was lost.
     */
    int (*link_check)(struct usb_device *dev);
};

#define USBNET_LINK_POLL_MS 2000

/* The endpoints and sizes of one bound device. */
struct usbnet_bind {
    const struct usb_endpoint *in, *out; /* bulk */
    const struct usb_endpoint *intr;     /* interrupt IN, NULL if none */
    size_t rx_len; /* room of each bulk-in transfer: the aggregate's limit, a max_packet multiple */
    bool link_up;  /* the link as the driver found it at attach */
};

/*
 * Makes dev the network device: allocates its transfers and buffers, queues
 * the bulk-in and interrupt transfers, and registers the netdev the first
 * time (with mac; later binds keep the first MAC, as lwIP's netif does, and
 * log if the device's differs). Returns 0, -EBUSY if another device is bound,
 * -ENOMEM, or the error of usb_submit or netdev_register.
 */
int usbnet_bind(struct usb_device *dev, const struct usbnet_chip *chip,
                const uint8_t mac[USBNET_MAC_LEN], const struct usbnet_bind *how);

/*
 * dev is gone (its driver's detach; all its transfers have completed): link
 * down, logged; buffers freed except those net/ still holds, which are freed
 * when it gives them back. Does nothing if dev is not the bound device.
 */
void usbnet_unbind(struct usb_device *dev);

/*
 * The MAC the board's firmware assigned to its Ethernet adapter (the Pi's
 * mailbox), for chips whose own EEPROM may be empty. Call before the USB
 * stack enumerates.
 */
void usbnet_set_board_mac(const uint8_t mac[USBNET_MAC_LEN]);

/*
 * The MAC a chip whose address is writable should take: the network
 * device's once registered (lwIP's netif keeps it across re-attaches), else
 * the board's (usbnet_set_board_mac). True and mac filled, or false.
 */
bool usbnet_board_mac(uint8_t mac[USBNET_MAC_LEN]);

/*
 * Logs which Ethernet chip the board revision (the Pi's mailbox) says the
 * board has: LAN9514 on a Pi 3 B, LAN7515 (a LAN7800 inside) on a 3 B+.
 */
void usbnet_board_revision(uint32_t revision);

/*
 * Registers the USB Ethernet class drivers (CDC-ECM, LAN9514, LAN7800) with
 * the USB core. Returns 0 or the error of usb_driver_register.
 */
int usbnet_init(void);

/* The class drivers, for usbnet_init and the unit tests. */
extern const struct usb_driver cdc_ecm_driver;
extern const struct usb_driver smsc95xx_driver;
extern const struct usb_driver lan78xx_driver;

#endif
