// SPDX-License-Identifier: MIT
/*
 * USB descriptor validation (descriptor.h): every field read only after the
 * bytes holding it were found inside the buffer, every loop bounded by len.
 */
#include "drivers/usb/descriptor.h"

#include <errno.h>
#include <stdbool.h>

/* Offsets in the descriptors (USB 2.0 Tables 9-8, 9-10, 9-12, 9-13, 9-15, 11-13) */
#define D_LENGTH              0
#define D_TYPE                1
#define DEV_BCD_USB           2
#define DEV_CLASS             4
#define DEV_SUBCLASS          5
#define DEV_PROTOCOL          6
#define DEV_MAX_PACKET0       7
#define DEV_VENDOR            8
#define DEV_PRODUCT           10
#define DEV_RELEASE           12
#define DEV_I_MANUFACTURER    14
#define DEV_I_PRODUCT         15
#define DEV_I_SERIAL          16
#define DEV_NUM_CONFIGS       17
#define CFG_TOTAL_LENGTH      2
#define CFG_NUM_INTERFACES    4
#define CFG_VALUE             5
#define IF_NUMBER             2
#define IF_ALTERNATE          3
#define IF_CLASS              5
#define IF_SUBCLASS           6
#define IF_PROTOCOL           7
#define EP_ADDRESS            2
#define EP_ATTRIBUTES         3
#define EP_MAX_PACKET         4
#define EP_INTERVAL           6
#define EP_TYPE_MASK          3u
#define HUB_NUM_PORTS         2
#define HUB_PWR_ON_2_PWR_GOOD 5 /* in units of 2 ms */
#define HUB_PWR_UNIT_MS       2
#define STRING_HEADER         2
#define DESC_HEADER           2
#define ASCII_FIRST           0x20
#define ASCII_LAST            0x7e
#define MAX_INTERFACES        32 /* distinct bInterfaceNumbers tracked (a bitmap) */

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

int usb_desc_ep0_size(const uint8_t *buf, size_t len)
{
    if (!buf || len < USB_DT_DEVICE_HEAD || buf[D_LENGTH] < USB_DT_DEVICE_SIZE ||
        buf[D_TYPE] != USB_DT_DEVICE)
        return -EINVAL;
    uint8_t mps = buf[DEV_MAX_PACKET0];
    return mps == 8 || mps == 16 || mps == 32 || mps == 64 ? mps : -EINVAL;
}

int usb_desc_device(const uint8_t *buf, size_t len, struct usb_device_desc *out)
{
    if (!buf || len < USB_DT_DEVICE_SIZE || usb_desc_ep0_size(buf, len) < 0)
        return -EINVAL;
    *out = (struct usb_device_desc){
        .bcd_usb = le16(buf + DEV_BCD_USB),
        .vendor = le16(buf + DEV_VENDOR),
        .product = le16(buf + DEV_PRODUCT),
        .release = le16(buf + DEV_RELEASE),
        .dev_class = buf[DEV_CLASS],
        .dev_subclass = buf[DEV_SUBCLASS],
        .dev_protocol = buf[DEV_PROTOCOL],
        .ep0_max_packet = buf[DEV_MAX_PACKET0],
        .i_manufacturer = buf[DEV_I_MANUFACTURER],
        .i_product = buf[DEV_I_PRODUCT],
        .i_serial = buf[DEV_I_SERIAL],
        .num_configurations = buf[DEV_NUM_CONFIGS],
    };
    return out->num_configurations ? 0 : -EINVAL;
}

int usb_desc_config_head(const uint8_t *buf, size_t len, uint16_t *total, uint8_t *value)
{
    if (!buf || len < USB_DT_CONFIG_SIZE || buf[D_LENGTH] < USB_DT_CONFIG_SIZE ||
        buf[D_TYPE] != USB_DT_CONFIG)
        return -EINVAL;
    uint16_t t = le16(buf + CFG_TOTAL_LENGTH);
    if (t < buf[D_LENGTH] || t > USB_CONFIG_MAX_LEN)
        return -EINVAL;
    *total = t;
    *value = buf[CFG_VALUE];
    return 0;
}

static enum usb_xfer_type xfer_type(uint8_t attributes)
{
    switch (attributes & EP_TYPE_MASK) {
    case 0: return USB_XFER_CONTROL;
    case 1: return USB_XFER_ISOC;
    case 2: return USB_XFER_BULK;
    default: return USB_XFER_INTERRUPT;
    }
}

int usb_desc_config(const uint8_t *buf, size_t len, struct usb_endpoint *ep, unsigned max,
                    unsigned *count)
{
    uint16_t total;
    uint8_t value;
    if (usb_desc_config_head(buf, len, &total, &value) != 0 || total != len)
        return -EINVAL;
    unsigned n = 0, interfaces = 0;
    uint32_t seen_if = 0;
    bool in_interface = false;
    uint8_t iface = 0;
    for (size_t off = buf[D_LENGTH]; off < len;) {
        if (len - off < DESC_HEADER)
            return -EINVAL;
        const uint8_t *d = buf + off;
        uint8_t dlen = d[D_LENGTH];
        if (dlen < DESC_HEADER || dlen > len - off)
            return -EINVAL;
        if (d[D_TYPE] == USB_DT_INTERFACE) {
            if (dlen < USB_DT_INTERFACE_SIZE || d[IF_NUMBER] >= MAX_INTERFACES)
                return -EINVAL;
            iface = d[IF_NUMBER];
            if (!(seen_if & 1u << iface)) {
                seen_if |= 1u << iface;
                interfaces++;
            }
            in_interface = true;
        } else if (d[D_TYPE] == USB_DT_ENDPOINT) {
            if (dlen < USB_DT_ENDPOINT_SIZE || !in_interface)
                return -EINVAL;
            uint8_t addr = d[EP_ADDRESS];
            uint16_t mps = le16(d + EP_MAX_PACKET) & USB_EP_MAX_PACKET_MASK;
            enum usb_xfer_type type = xfer_type(d[EP_ATTRIBUTES]);
            if (USB_EP_NUM(addr) == 0 || (addr & USB_EP_RESERVED_BITS) || mps == 0 ||
                mps > USB_EP_MAX_PACKET_MAX || type == USB_XFER_CONTROL)
                return -EINVAL;
            bool dup = false;
            for (unsigned i = 0; i < n; i++)
                dup |= ep[i].address == addr;
            if (!dup) {
                if (n >= max)
                    return -EINVAL;
                ep[n++] = (struct usb_endpoint){
                    .address = addr,
                    .type = type,
                    .max_packet = mps,
                    .interval = d[EP_INTERVAL],
                    .interface = iface,
                    .toggle = 0,
                };
            }
        }
        off += dlen;
    }
    if (interfaces == 0 || interfaces > buf[CFG_NUM_INTERFACES])
        return -EINVAL;
    *count = n;
    return 0;
}

int usb_desc_find_interface(const uint8_t *buf, size_t len, uint8_t cls, uint8_t subclass,
                            uint8_t protocol)
{
    if (!buf || len < USB_DT_CONFIG_SIZE || buf[D_LENGTH] < DESC_HEADER)
        return -ENOENT;
    for (size_t off = buf[D_LENGTH]; off + DESC_HEADER <= len;) {
        const uint8_t *d = buf + off;
        if (d[D_LENGTH] < DESC_HEADER || d[D_LENGTH] > len - off)
            return -ENOENT;
        if (d[D_TYPE] == USB_DT_INTERFACE && d[D_LENGTH] >= USB_DT_INTERFACE_SIZE &&
            d[IF_CLASS] == cls && d[IF_SUBCLASS] == subclass && d[IF_PROTOCOL] == protocol)
            return d[IF_NUMBER];
        off += d[D_LENGTH];
    }
    return -ENOENT;
}

int usb_desc_string(const uint8_t *buf, size_t len, char *out, size_t size)
{
    if (!buf || !out || size == 0 || len < STRING_HEADER || buf[D_TYPE] != USB_DT_STRING ||
        buf[D_LENGTH] < STRING_HEADER || buf[D_LENGTH] > len || (buf[D_LENGTH] & 1u))
        return -EINVAL;
    size_t chars = (size_t)(buf[D_LENGTH] - STRING_HEADER) / 2, n = 0;
    for (size_t i = 0; i < chars && n + 1 < size; i++) {
        uint16_t c = le16(buf + STRING_HEADER + 2 * i);
        out[n++] = c >= ASCII_FIRST && c <= ASCII_LAST ? (char)c : '?';
    }
    out[n] = '\0';
    return (int)n;
}

int usb_desc_hub(const uint8_t *buf, size_t len, uint8_t *ports, uint16_t *power_on_ms)
{
    if (!buf || len < USB_DT_HUB_MIN_SIZE || buf[D_LENGTH] < USB_DT_HUB_MIN_SIZE ||
        buf[D_LENGTH] > len || buf[D_TYPE] != USB_DT_HUB)
        return -EINVAL;
    uint8_t n = buf[HUB_NUM_PORTS];
    if (n == 0 || n > USB_HUB_MAX_PORTS)
        return -EINVAL;
    *ports = n;
    *power_on_ms = (uint16_t)(buf[HUB_PWR_ON_2_PWR_GOOD] * HUB_PWR_UNIT_MS);
    return 0;
}

/*
 * usb.h's endpoint lookups, over the endpoints usb_desc_config filled in: pure
 * like the rest of this file, so the class drivers' host tests link them too.
 */
const struct usb_endpoint *usb_find_endpoint(const struct usb_device *dev, uint8_t address)
{
    for (unsigned i = 0; i < dev->ep_count; i++)
        if (dev->ep[i].address == address)
            return &dev->ep[i];
    return NULL;
}

const struct usb_endpoint *usb_find_endpoint_of(const struct usb_device *dev, uint8_t iface,
                                                enum usb_xfer_type type, uint8_t dir)
{
    for (unsigned i = 0; i < dev->ep_count; i++)
        if (dev->ep[i].interface == iface && dev->ep[i].type == type &&
            (dev->ep[i].address & USB_DIR_IN) == (dir & USB_DIR_IN))
            return &dev->ep[i];
    return NULL;
}
