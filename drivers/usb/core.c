// SPDX-License-Identifier: MIT
/*
 * The USB core (usb.h, core.h; USB 2.0 chapter 9): enumeration of a device
 * just reset on a port (default address, bMaxPacketSize0 from the first 8
 * bytes of the device descriptor, SET_ADDRESS, the whole device descriptor,
 * every configuration descriptor, header first), class driver matching
 * (each driver's match picks a configuration, SET_CONFIGURATION, attach),
 * and disconnect: transfers end with -ENODEV, then the driver detaches.
 * Every descriptor goes through descriptor.c before anything reads it.
 * Devices no driver wanted stay enumerated and unconfigured, and are offered
 * to drivers registered later.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>

#include "drivers/timer/generic_timer.h"
#include "drivers/usb/core.h"
#include "drivers/usb/descriptor.h"

#define NS_PER_MS   1000000ull
#define MAX_DRIVERS 8
#define MAX_CONFIGS 4 /* configurations read per device (usb-net has 2) */
#define MAX_ADDRESS 127
/* §9.2.6.4: a request completes within 5 s; devices take far less */
#define CONTROL_TIMEOUT_MS        1000
#define SET_ADDRESS_MS            2 /* §9.2.6.3: SetAddress() recovery interval */
#define DEVICE_HEAD_TRIES         3 /* the first request after a reset may fail on a slow device */
#define STRING_MAX                255
#define LANG_EN_US                0x0409
#define NAME_MAX_LEN              32
#define PRODUCT_MAX               48
#define CACHE_LINE                64
#define USB_FEATURE_ENDPOINT_HALT 0
/* bMaxPacketSize0 until the device descriptor says: 8 is all a low-speed device has (§5.5.3) */
#define EP0_MPS_LOW   8
#define EP0_MPS_GUESS 64 /* full and high speed: a short first packet ends the read anyway */

/* A device as the core keeps it: the class drivers' struct first. */
struct usb_dev_priv {
    struct usb_device dev;
    uint8_t *configs[MAX_CONFIGS];
    uint16_t config_len[MAX_CONFIGS];
    uint8_t config_value[MAX_CONFIGS];
    unsigned nconfigs;
    uint8_t i_product;
    bool gone;
    struct usb_dev_priv *next;
};

struct usb_stats usb_stats;

static const struct usb_hcd *hcd;
static const struct usb_driver *drivers[MAX_DRIVERS];
static unsigned ndrivers;
static struct usb_dev_priv *devices;
static struct usb_device *root;
static uint8_t addresses[(MAX_ADDRESS + 1 + 7) / 8]; /* bit n: address n in use */

static struct usb_dev_priv *priv_of(const struct usb_device *dev)
{
    return (struct usb_dev_priv *)dev; /* dev is the first member */
}

void usb_delay_ms(uint32_t ms)
{
    uint64_t end = gtimer_now_ns() + (uint64_t)ms * NS_PER_MS;
    while (gtimer_now_ns() < end)
        ;
}

static const char *speed_name(enum usb_speed s)
{
    return s == USB_SPEED_HIGH ? "high speed" : s == USB_SPEED_LOW ? "low speed" : "full speed";
}

const char *usb_device_name(const struct usb_device *dev, char *buf, size_t size)
{
    if (!dev->parent) {
        snprintf(buf, size, "1-1");
        return buf;
    }
    char up[NAME_MAX_LEN];
    snprintf(buf, size, "%s.%u", usb_device_name(dev->parent, up, sizeof(up)), (unsigned)dev->port);
    return buf;
}

static int alloc_address(void)
{
    for (int a = 1; a <= MAX_ADDRESS; a++)
        if (!(addresses[a / 8] & 1u << (a % 8))) {
            addresses[a / 8] |= (uint8_t)(1u << (a % 8));
            return a;
        }
    return -ENOSPC;
}

static void free_address(uint8_t a)
{
    if (a && a <= MAX_ADDRESS)
        addresses[a / 8] &= (uint8_t) ~(1u << (a % 8));
}

int usb_hcd_register(const struct usb_hcd *h)
{
    if (hcd)
        return -EBUSY;
    hcd = h;
    return usb_driver_register(&usb_hub_driver);
}

int usb_control(struct usb_device *dev, const struct usb_setup *setup, void *data,
                uint32_t timeout_ms)
{
    if (!hcd || !dev || !setup || (setup->length && !data))
        return -EINVAL;
    if (priv_of(dev)->gone)
        return -ENODEV;
    return hcd->control(dev, setup, data, timeout_ms);
}

static int get_descriptor(struct usb_device *dev, uint8_t type, uint8_t index, uint16_t lang,
                          void *buf, uint16_t len)
{
    struct usb_setup s = {
        .request_type = USB_DIR_IN | USB_TYPE_STANDARD | USB_RECIP_DEVICE,
        .request = USB_REQ_GET_DESCRIPTOR,
        .value = (uint16_t)(type << 8 | index),
        .index = lang,
        .length = len,
    };
    return usb_control(dev, &s, buf, CONTROL_TIMEOUT_MS);
}

static int set_request(struct usb_device *dev, uint8_t type, uint8_t request, uint16_t value,
                       uint16_t index)
{
    struct usb_setup s = {
        .request_type = type,
        .request = request,
        .value = value,
        .index = index,
        .length = 0,
    };
    return usb_control(dev, &s, NULL, CONTROL_TIMEOUT_MS);
}

int usb_get_string(struct usb_device *dev, uint8_t index, char *buf, size_t size)
{
    if (index == 0 || !buf || size == 0)
        return -EINVAL;
    uint8_t raw[STRING_MAX];
    int n = get_descriptor(dev, USB_DT_STRING, index, LANG_EN_US, raw, sizeof(raw));
    if (n < 0)
        return n;
    int len = usb_desc_string(raw, (size_t)n, buf, size);
    if (len < 0)
        usb_stats.descriptors_rejected++;
    return len;
}

int usb_submit(struct usb_transfer *t)
{
    if (!hcd || !t || !t->dev || !t->ep || !t->done)
        return -EINVAL;
    if (priv_of(t->dev)->gone)
        return -ENODEV;
    struct usb_device *dev = t->dev;
    if (t->ep < dev->ep || t->ep >= dev->ep + dev->ep_count ||
        (t->ep->type != USB_XFER_BULK && t->ep->type != USB_XFER_INTERRUPT))
        return -EINVAL;
    return hcd->submit(t);
}

void usb_cancel(struct usb_transfer *t)
{
    if (hcd && t)
        hcd->cancel(t);
}

void usb_poll(void)
{
    if (hcd)
        hcd->poll();
}

int usb_find_interface(const struct usb_device *dev, uint8_t cls, uint8_t subclass,
                       uint8_t protocol, uint8_t *iface)
{
    const struct usb_dev_priv *p = priv_of(dev);
    for (unsigned i = 0; i < p->nconfigs; i++) {
        int n = usb_desc_find_interface(p->configs[i], p->config_len[i], cls, subclass, protocol);
        if (n >= 0) {
            if (iface)
                *iface = (uint8_t)n;
            return p->config_value[i];
        }
    }
    return 0;
}

int usb_set_interface(struct usb_device *dev, uint8_t iface, uint8_t alt)
{
    int err = set_request(dev, USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_INTERFACE,
                          USB_REQ_SET_INTERFACE, alt, iface);
    if (err < 0)
        return err;
    for (unsigned i = 0; i < dev->ep_count; i++)
        if (dev->ep[i].interface == iface)
            dev->ep[i].toggle = 0;
    return 0;
}

int usb_clear_halt(struct usb_device *dev, const struct usb_endpoint *ep)
{
    if (!ep || ep < dev->ep || ep >= dev->ep + dev->ep_count)
        return -EINVAL;
    int err = set_request(dev, USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_ENDPOINT,
                          USB_REQ_CLEAR_FEATURE, USB_FEATURE_ENDPOINT_HALT, ep->address);
    if (err < 0)
        return err;
    dev->ep[ep - dev->ep].toggle = 0;
    return 0;
}

void *usb_dma_alloc(size_t len)
{
    size_t rounded = (len + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
    void *p = aligned_alloc(CACHE_LINE, rounded ? rounded : CACHE_LINE);
    if (p)
        memset(p, 0, rounded ? rounded : CACHE_LINE);
    return p;
}

void usb_dma_free(void *p)
{
    free(p);
}

const struct usb_stats *usb_get_stats(void)
{
    return &usb_stats;
}

/* SET_CONFIGURATION(value) and the endpoints of that configuration. Returns 0 or a negative errno.
 */
static int configure(struct usb_dev_priv *p, uint8_t value)
{
    for (unsigned i = 0; i < p->nconfigs; i++) {
        if (p->config_value[i] != value)
            continue;
        struct usb_device *dev = &p->dev;
        unsigned count;
        if (usb_desc_config(p->configs[i], p->config_len[i], dev->ep, 2 * USB_MAX_ENDPOINTS,
                            &count) != 0)
            return -EINVAL;
        int err = set_request(dev, USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_DEVICE,
                              USB_REQ_SET_CONFIGURATION, value, 0);
        if (err < 0)
            return err;
        dev->ep_count = count;
        dev->configuration = value;
        dev->config = p->configs[i];
        dev->config_len = p->config_len[i];
        return 0;
    }
    return -EINVAL; /* match named a configuration the device does not have */
}

static void log_device(struct usb_dev_priv *p, const char *driver)
{
    struct usb_device *dev = &p->dev;
    char name[NAME_MAX_LEN], product[PRODUCT_MAX] = "";
    if (p->i_product && usb_get_string(dev, p->i_product, product, sizeof(product)) < 0)
        product[0] = '\0';
    mote_log(MOTE_LOG_INFO, "usb: %s: %04x:%04x \"%s\", %s, address %u (%s)",
             usb_device_name(dev, name, sizeof(name)), dev->vendor, dev->product, product,
             speed_name(dev->speed), dev->address, driver);
}

/* Offers dev to drv. Returns true if drv took it. */
static bool probe_one(struct usb_dev_priv *p, const struct usb_driver *drv)
{
    struct usb_device *dev = &p->dev;
    int value = drv->match(dev);
    if (value <= 0)
        return false;
    char name[NAME_MAX_LEN];
    usb_device_name(dev, name, sizeof(name));
    int err = configure(p, (uint8_t)value);
    if (err == 0) {
        dev->driver = drv;
        log_device(p, drv->name);
        err = drv->attach(dev);
        if (err == 0)
            return true;
        dev->driver = NULL;
    }
    mote_log(MOTE_LOG_WARN, "usb: %s: %s could not take it (configuration %d): error %d", name,
             drv->name, value, err);
    if (hcd)
        hcd->device_gone(dev); /* anything attach queued ends before it is let go */
    set_request(dev, USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_DEVICE, USB_REQ_SET_CONFIGURATION,
                0, 0);
    dev->configuration = 0;
    dev->config = NULL;
    dev->config_len = 0;
    dev->ep_count = 0;
    return false;
}

static bool probe(struct usb_dev_priv *p)
{
    for (unsigned i = 0; i < ndrivers; i++)
        if (probe_one(p, drivers[i]))
            return true;
    return false;
}

int usb_driver_register(const struct usb_driver *drv)
{
    if (!drv || !drv->match || !drv->attach || !drv->detach)
        return -EINVAL;
    for (unsigned i = 0; i < ndrivers; i++)
        if (drivers[i] == drv)
            return 0;
    if (ndrivers >= MAX_DRIVERS)
        return -ENOSPC;
    drivers[ndrivers++] = drv;
    for (struct usb_dev_priv *p = devices; p; p = p->next)
        if (!p->dev.driver && !p->gone)
            probe_one(p, drv);
    return 0;
}

static void reject(struct usb_device *dev, const char *what)
{
    char name[NAME_MAX_LEN];
    usb_stats.descriptors_rejected++;
    mote_log(MOTE_LOG_WARN, "usb: %s: malformed %s descriptor; device not used",
             usb_device_name(dev, name, sizeof(name)), what);
}

/* Reads and checks every configuration (up to MAX_CONFIGS). Returns 0 or a negative errno. */
static int read_configs(struct usb_dev_priv *p)
{
    struct usb_device *dev = &p->dev;
    unsigned n = dev->num_configurations < MAX_CONFIGS ? dev->num_configurations : MAX_CONFIGS;
    for (unsigned i = 0; i < n; i++) {
        uint8_t head[USB_DT_CONFIG_SIZE];
        uint16_t total;
        uint8_t value;
        int got = get_descriptor(dev, USB_DT_CONFIG, (uint8_t)i, 0, head, sizeof(head));
        if (got < 0)
            return got;
        if (usb_desc_config_head(head, (size_t)got, &total, &value) != 0) {
            reject(dev, "configuration");
            return -EINVAL;
        }
        uint8_t *buf = malloc(total);
        if (!buf)
            return -ENOMEM;
        got = get_descriptor(dev, USB_DT_CONFIG, (uint8_t)i, 0, buf, total);
        struct usb_endpoint scratch[2 * USB_MAX_ENDPOINTS];
        unsigned count;
        uint16_t total2;
        uint8_t value2;
        /* The whole one must be the one whose header was read: same length, same value. */
        if (got < 0 || (size_t)got != total ||
            usb_desc_config(buf, total, scratch, 2 * USB_MAX_ENDPOINTS, &count) != 0 ||
            usb_desc_config_head(buf, total, &total2, &value2) != 0 || value2 != value) {
            free(buf);
            if (got < 0)
                return got;
            reject(dev, "configuration");
            return -EINVAL;
        }
        p->configs[p->nconfigs] = buf;
        p->config_len[p->nconfigs] = total;
        p->config_value[p->nconfigs] = value;
        p->nconfigs++;
    }
    return 0;
}

static void free_device(struct usb_dev_priv *p)
{
    free_address(p->dev.address);
    for (unsigned i = 0; i < p->nconfigs; i++)
        free(p->configs[i]);
    free(p);
}

/* Address and descriptors of the device at the default address. Returns 0 or a negative errno. */
static int identify(struct usb_dev_priv *p)
{
    struct usb_device *dev = &p->dev;
    uint8_t buf[USB_DT_DEVICE_SIZE];
    int got = -EIO;
    for (unsigned tries = 0; tries < DEVICE_HEAD_TRIES && got < 0; tries++)
        got = get_descriptor(dev, USB_DT_DEVICE, 0, 0, buf, USB_DT_DEVICE_HEAD);
    if (got < 0)
        return got;
    int mps = usb_desc_ep0_size(buf, (size_t)got);
    if (mps < 0) {
        reject(dev, "device");
        return -EINVAL;
    }
    dev->ep0_max_packet = (uint8_t)mps;
    int addr = alloc_address();
    if (addr < 0)
        return addr;
    int err = set_request(dev, USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_DEVICE,
                          USB_REQ_SET_ADDRESS, (uint16_t)addr, 0);
    if (err < 0) {
        free_address((uint8_t)addr);
        return err;
    }
    dev->address = (uint8_t)addr;
    usb_delay_ms(SET_ADDRESS_MS);

    struct usb_device_desc d;
    got = get_descriptor(dev, USB_DT_DEVICE, 0, 0, buf, sizeof(buf));
    if (got < 0)
        return got;
    if (usb_desc_device(buf, (size_t)got, &d) != 0 || d.ep0_max_packet != mps) {
        reject(dev, "device");
        return -EINVAL;
    }
    dev->vendor = d.vendor;
    dev->product = d.product;
    dev->release = d.release;
    dev->dev_class = d.dev_class;
    dev->dev_subclass = d.dev_subclass;
    dev->dev_protocol = d.dev_protocol;
    dev->num_configurations = d.num_configurations;
    p->i_product = d.i_product;
    return read_configs(p);
}

struct usb_device *usb_enumerate(struct usb_device *parent, uint8_t port, enum usb_speed speed)
{
    if (!hcd)
        return NULL;
    struct usb_dev_priv *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    struct usb_device *dev = &p->dev;
    dev->speed = speed;
    dev->parent = parent;
    dev->port = port;
    dev->depth = parent ? (uint8_t)(parent->depth + 1) : 0;
    dev->ep0_max_packet = speed == USB_SPEED_LOW ? EP0_MPS_LOW : EP0_MPS_GUESS;
    char name[NAME_MAX_LEN];
    usb_device_name(dev, name, sizeof(name));
    if (dev->depth > USB_MAX_DEPTH) {
        mote_log(MOTE_LOG_WARN, "usb: %s: more than %u hubs deep; not used", name, USB_MAX_DEPTH);
        free(p);
        return NULL;
    }
    int err = identify(p);
    if (err) {
        if (err != -EINVAL)
            mote_log(MOTE_LOG_WARN, "usb: %s: enumeration failed: error %d", name, err);
        if (dev->address)
            hcd->device_gone(dev);
        free_device(p);
        return NULL;
    }
    p->next = devices;
    devices = p;
    usb_stats.devices_attached++;
    if (!probe(p))
        log_device(p, "no driver");
    return dev;
}

void usb_disconnect(struct usb_device *dev)
{
    struct usb_dev_priv *p = priv_of(dev);
    char name[NAME_MAX_LEN];
    usb_device_name(dev, name, sizeof(name));
    p->gone = true;
    hcd->device_gone(dev);
    if (dev->driver)
        dev->driver->detach(dev);
    for (struct usb_dev_priv **pp = &devices; *pp; pp = &(*pp)->next)
        if (*pp == p) {
            *pp = p->next;
            break;
        }
    usb_stats.devices_detached++;
    mote_log(MOTE_LOG_INFO, "usb: %s: %04x:%04x detached", name, dev->vendor, dev->product);
    if (root == dev)
        root = NULL;
    free_device(p);
}

void usb_root_changed(bool connected)
{
    if (!hcd)
        return;
    if (root)
        usb_disconnect(root);
    if (!connected)
        return;
    enum usb_speed speed;
    int err = hcd->root_reset(&speed);
    if (err) {
        mote_log(MOTE_LOG_WARN, "usb: root port reset failed: error %d", err);
        return;
    }
    root = usb_enumerate(NULL, 0, speed);
}
