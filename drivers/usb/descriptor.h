/* SPDX-License-Identifier: MIT */
/*
 * USB descriptors (USB 2.0 §9.5, §9.6; hub: §11.23.2.1) as they come from
 * a device: outside input. Each parser checks lengths, types, counts and
 * ranges before it reads a field, never reads past len, and returns -EINVAL
 * for anything malformed. Pure functions: no hardware, no allocation (host
 * unit test tests/unit/test_usb_descriptor.c, fuzz target
 * tests/fuzz/fuzz_usb_descriptor.c).
 */
#ifndef DRIVERS_USB_DESCRIPTOR_H
#define DRIVERS_USB_DESCRIPTOR_H

#include <stddef.h>
#include <stdint.h>

#include "drivers/usb/usb.h"

/* clang-format off */
#define USB_DT_DEVICE        1
#define USB_DT_CONFIG        2
#define USB_DT_STRING        3
#define USB_DT_INTERFACE     4
#define USB_DT_ENDPOINT      5
#define USB_DT_HUB           0x29

#define USB_DT_DEVICE_SIZE    18
#define USB_DT_DEVICE_HEAD    8  /* up to bMaxPacketSize0: what a first request reads */
#define USB_DT_CONFIG_SIZE    9
#define USB_DT_INTERFACE_SIZE 9
#define USB_DT_ENDPOINT_SIZE  7
#define USB_DT_HUB_MIN_SIZE   9  /* with one byte each of DeviceRemovable and PortPwrCtrlMask */
#define USB_CONFIG_MAX_LEN    4096 /* larger configurations are refused (no device Mote drives has one) */
#define USB_HUB_MAX_PORTS     15   /* a status change bitmap of two bytes */
#define USB_EP_RESERVED_BITS  0x70 /* bEndpointAddress bits 6..4 */
#define USB_EP_MAX_PACKET_MASK 0x7ffu
#define USB_EP_MAX_PACKET_MAX 1024 /* §9.6.6: high-speed periodic endpoints, the largest */
#define USB_CLASS_HUB         9
/* clang-format on */

struct usb_device_desc {
    uint16_t bcd_usb, vendor, product, release;
    uint8_t dev_class, dev_subclass, dev_protocol;
    uint8_t ep0_max_packet;
    uint8_t i_manufacturer, i_product, i_serial;
    uint8_t num_configurations;
};

/*
 * bMaxPacketSize0 from the first len (>= 8) bytes of a device descriptor:
 * 8, 16, 32 or 64. Returns it, or -EINVAL.
 */
int usb_desc_ep0_size(const uint8_t *buf, size_t len);

/* The whole device descriptor (18 bytes or more). Returns 0 or -EINVAL. */
int usb_desc_device(const uint8_t *buf, size_t len, struct usb_device_desc *out);

/*
 * The first 9 bytes of a configuration descriptor: its wTotalLength (at
 * least 9, at most USB_CONFIG_MAX_LEN) and bConfigurationValue. Returns 0 or
 * -EINVAL.
 */
int usb_desc_config_head(const uint8_t *buf, size_t len, uint16_t *total, uint8_t *value);

/*
 * Walks a whole configuration (len = wTotalLength bytes): every descriptor
 * has bLength >= 2 within len; interfaces and endpoints have their sizes,
 * endpoints follow an interface, have a number 1..15, no reserved address
 * bits, a packet size 1..1024; no more distinct interfaces than
 * bNumInterfaces. Fills ep[] (up to max) with the endpoints of every
 * interface and alternate setting, each address once (the first wins), and
 * *count. Returns 0 or -EINVAL (then ep and count are undefined).
 */
int usb_desc_config(const uint8_t *buf, size_t len, struct usb_endpoint *ep, unsigned max,
                    unsigned *count);

/*
 * In a configuration usb_desc_config accepted: the bInterfaceNumber of the
 * first interface with this class triple, or -ENOENT.
 */
int usb_desc_find_interface(const uint8_t *buf, size_t len, uint8_t cls, uint8_t subclass,
                            uint8_t protocol);

/*
 * A string descriptor as ASCII (UTF-16LE; anything beyond 0x7e or below
 * 0x20 as '?'), NUL-terminated in out (size >= 1). Returns the length, or
 * -EINVAL for a malformed descriptor.
 */
int usb_desc_string(const uint8_t *buf, size_t len, char *out, size_t size);

/*
 * A hub descriptor: its port count (1..USB_HUB_MAX_PORTS) and the time from
 * port power to power good, in ms. Returns 0 or -EINVAL.
 */
int usb_desc_hub(const uint8_t *buf, size_t len, uint8_t *ports, uint16_t *power_on_ms);

#endif
