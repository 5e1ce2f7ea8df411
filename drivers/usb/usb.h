/* SPDX-License-Identifier: MIT */
/*
 * The USB stack's internal API: what a class driver (hub, CDC-ECM, LAN9514,
 * LAN7800, ...) uses, and what the core (drivers/usb/core.c) asks of a host
 * controller driver (drivers/usb/dwc2/). Not for services: a USB network
 * adapter reaches services as a struct netdev (net/netdev.h).
 *
 * Layers (docs/usb.md):
 *   class drivers    drivers/usb/hub.c, drivers/usb/net/
 *        | usb_control, usb_submit (this header)
 *   USB core         drivers/usb/core.c: enumeration, driver matching, detach;
 *                    drivers/usb/descriptor.c: descriptor validation (outside input)
 *        | struct usb_hcd operations
 *   host controller  drivers/usb/dwc2/: channels, DMA, root port
 *
 * Every completion runs from the event loop, never in interrupt context.
 * Errors, in every status and return value below:
 *   -EPIPE      the endpoint stalled (a control request the device refuses)
 *   -EPROTO     transaction error (CRC, bit stuffing, no response) after retries
 *   -EOVERFLOW  babble: the device sent more than the packet size
 *   -EILSEQ     data toggle mismatch that retrying did not cure
 *   -ETIMEDOUT  no completion within the transfer's timeout (NAKed throughout)
 *   -ENODEV     the device was unplugged (the transfer never completes otherwise)
 *   -ECANCELED  cancelled by usb_cancel or by the driver's detach
 *   -EINVAL     a bad argument (endpoint the device does not have, length too large)
 *   -ENOMEM     no memory for the request
 */
#ifndef DRIVERS_USB_USB_H
#define DRIVERS_USB_USB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* USB 2.0 §9.3: the setup packet of a control transfer, as on the wire (little endian). */
struct usb_setup {
    uint8_t request_type; /* USB_DIR_* | USB_TYPE_* | USB_RECIP_* */
    uint8_t request;      /* USB_REQ_* or a class/vendor request */
    uint16_t value;
    uint16_t index;
    uint16_t length; /* bytes of the data stage */
} __attribute__((packed));

/* clang-format off */
#define USB_DIR_OUT          0x00
#define USB_DIR_IN           0x80
#define USB_TYPE_STANDARD    (0u << 5)
#define USB_TYPE_CLASS       (1u << 5)
#define USB_TYPE_VENDOR      (2u << 5)
#define USB_RECIP_DEVICE     0
#define USB_RECIP_INTERFACE  1
#define USB_RECIP_ENDPOINT   2
#define USB_RECIP_OTHER      3   /* a hub's port */

/* Standard requests (USB 2.0 Table 9-4) */
#define USB_REQ_GET_STATUS        0
#define USB_REQ_CLEAR_FEATURE     1
#define USB_REQ_SET_FEATURE       3
#define USB_REQ_SET_ADDRESS       5
#define USB_REQ_GET_DESCRIPTOR    6
#define USB_REQ_GET_CONFIGURATION 8
#define USB_REQ_SET_CONFIGURATION 9
#define USB_REQ_SET_INTERFACE     11

/* Endpoint addresses: number in bits 3..0, direction in bit 7 */
#define USB_EP_NUM(addr)     ((addr) & 0x0fu)
#define USB_EP_IS_IN(addr)   (((addr) & USB_DIR_IN) != 0)
#define USB_MAX_ENDPOINTS    16
/* clang-format on */

enum usb_speed { USB_SPEED_LOW, USB_SPEED_FULL, USB_SPEED_HIGH };
enum usb_xfer_type { USB_XFER_CONTROL, USB_XFER_ISOC, USB_XFER_BULK, USB_XFER_INTERRUPT };

/* An endpoint of the active configuration, from its validated descriptor. */
struct usb_endpoint {
    uint8_t address; /* with USB_DIR_IN for IN endpoints */
    enum usb_xfer_type type;
    uint16_t max_packet; /* bytes per packet (wMaxPacketSize bits 10..0) */
    uint8_t interval;    /* bInterval as the descriptor gives it */
    uint8_t interface;   /* bInterfaceNumber it belongs to */
    uint8_t toggle;      /* next DATA0/DATA1: kept by the host controller driver */
};

struct usb_device;
struct usb_transfer;
typedef void (*usb_done_fn)(struct usb_transfer *t);

/*
 * One bulk or interrupt transfer. The class driver owns the struct and the
 * buffer until done runs; it fills the fields above the line.
 */
struct usb_transfer {
    struct usb_device *dev;
    const struct usb_endpoint *ep; /* from usb_find_endpoint */
    void *buf;                     /* for DMA: usb_dma_alloc'd, cache-line aligned */
    size_t len;          /* bytes to send, or room to receive: IN, a multiple of ep->max_packet */
    bool zero_packet;    /* OUT: end with a zero-length packet when len % max_packet == 0 */
    uint32_t timeout_ms; /* 0: none (a bulk IN that waits for frames) */
    usb_done_fn done;    /* from the event loop, with status and actual set */
    void *ctx;           /* the class driver's */
    /* ---- set by the stack ---- */
    int status;                    /* 0 or a negative errno (top of this header) */
    size_t actual;                 /* bytes transferred */
    struct usb_transfer *hcd_next; /* the host controller driver's queue link */
    void *hcd_priv;
};

/* A class driver: matched against each interface of a newly configured device. */
struct usb_driver {
    const char *name; /* "cdc-ecm", "hub" */
    /*
     * Is this driver for dev? Called after the core validated the device and
     * configuration descriptors but before choosing a configuration: returns
     * the bConfigurationValue to select (> 0), or 0 for "not mine". Drivers
     * match on vendor/product (dev->vendor, dev->product) or class triples
     * found with usb_find_interface.
     */
    int (*match)(struct usb_device *dev);
    /* The device is configured as match asked. Returns 0, or a negative errno to let go of it. */
    int (*attach)(struct usb_device *dev);
    /*
     * The device is gone (unplugged, its hub port disabled) or the stack stops:
     * every transfer still queued has completed with -ENODEV before this
     * runs. Free what attach allocated; dev is freed after it returns.
     */
    void (*detach)(struct usb_device *dev);
};

struct usb_device {
    uint8_t address; /* 1..127 */
    enum usb_speed speed;
    struct usb_device *parent; /* the hub it hangs from, NULL on the root port */
    uint8_t port;              /* port number on parent (1-based), 0 on the root port */
    uint8_t depth;             /* hubs between it and the root port (at most 5) */
    uint16_t vendor, product, release;
    uint8_t dev_class, dev_subclass, dev_protocol;
    uint8_t ep0_max_packet;
    uint8_t num_configurations;
    uint8_t configuration; /* bConfigurationValue in use, 0: not configured */
    uint8_t *config;       /* the active configuration's descriptors, validated */
    size_t config_len;
    struct usb_endpoint ep[2 * USB_MAX_ENDPOINTS];
    unsigned ep_count;
    const struct usb_driver *driver;
    void *driver_data; /* the class driver's */
    void *hcd_priv;    /* the host controller driver's (e.g. its transaction translator) */
};

/*
 * Registers a class driver: static, every operation set. Devices already
 * present and unclaimed are offered to it. Returns 0 or -ENOSPC.
 */
int usb_driver_register(const struct usb_driver *drv);

/*
 * Runs one control transfer on endpoint 0 and waits for it (the stack polls
 * its host controller meanwhile, bounded by timeout_ms). For enumeration,
 * attach and configuration, which are sequences; data paths use usb_submit.
 * data holds setup->length bytes (sent for USB_DIR_OUT, received for IN).
 * Returns the bytes of the data stage transferred, or a negative errno.
 */
int usb_control(struct usb_device *dev, const struct usb_setup *setup, void *data,
                uint32_t timeout_ms);

/*
 * Queues a bulk or interrupt transfer; t->done runs from the event loop when
 * it ends. Several transfers may be queued on one endpoint; they complete in
 * order. Returns 0 (done will run), -EINVAL for a bad transfer (a buffer not
 * from usb_dma_alloc, an IN length that is not a whole number of packets: the
 * controller writes whole packets to RAM), -ENODEV when the device is gone
 * (done will not run).
 */
int usb_submit(struct usb_transfer *t);

/* Ends a queued transfer early: its done runs with -ECANCELED (unless it already finished). */
void usb_cancel(struct usb_transfer *t);

/*
 * For match: the first interface with this class triple in any of the
 * device's configurations. Returns that configuration's bConfigurationValue
 * (> 0, what match returns to select it) and its bInterfaceNumber in *iface
 * (when iface is not NULL), or 0 when no configuration has one.
 */
int usb_find_interface(const struct usb_device *dev, uint8_t cls, uint8_t subclass,
                       uint8_t protocol, uint8_t *iface);

/*
 * Selects alternate setting alt of interface iface (SET_INTERFACE; CDC-ECM's
 * data interface carries its bulk endpoints in setting 1) and resets the data
 * toggles of its endpoints. dev->ep lists the endpoints of every alternate
 * setting, so usb_find_endpoint_of finds them before and after. Returns 0 or
 * a negative errno as usb_control.
 */
int usb_set_interface(struct usb_device *dev, uint8_t iface, uint8_t alt);

/*
 * Clears a stalled endpoint (CLEAR_FEATURE(ENDPOINT_HALT)) and resets its
 * data toggle to DATA0, after a transfer ended with -EPIPE. Returns 0 or a
 * negative errno as usb_control.
 */
int usb_clear_halt(struct usb_device *dev, const struct usb_endpoint *ep);

/*
 * Collects finished transfers now and runs their done callbacks, for a caller
 * that runs with the event loop stopped and interrupts masked (a netdev's
 * poll operation, used by the GDB stub). Does nothing before the stack started.
 */
void usb_poll(void);

/* The endpoint of the active configuration with this address, or NULL. */
const struct usb_endpoint *usb_find_endpoint(const struct usb_device *dev, uint8_t address);

/*
 * The first endpoint of interface iface with this type and direction
 * (USB_DIR_IN or USB_DIR_OUT), or NULL.
 */
const struct usb_endpoint *usb_find_endpoint_of(const struct usb_device *dev, uint8_t iface,
                                                enum usb_xfer_type type, uint8_t dir);

/*
 * Reads string descriptor index (language 0x0409) as ASCII into buf
 * (NUL-terminated, non-ASCII characters as '?'). Returns its length or a
 * negative errno (-EINVAL for index 0 or a malformed descriptor).
 */
int usb_get_string(struct usb_device *dev, uint8_t index, char *buf, size_t size);

/*
 * Memory a host controller can DMA to and from: cache-line aligned and
 * padded, so cache maintenance on it never touches a neighbour. NULL when out
 * of memory.
 */
void *usb_dma_alloc(size_t len);
void usb_dma_free(void *p);

/* Counters for mote_net_stats() and the log: kept by the core and the host controller driver. */
struct usb_stats {
    uint64_t transfers, errors, stalls, nak_retries, timeouts, babble, xact_errors;
    uint64_t devices_attached, devices_detached, descriptors_rejected;
};
const struct usb_stats *usb_get_stats(void);

#endif
