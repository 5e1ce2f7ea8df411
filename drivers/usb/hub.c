// SPDX-License-Identifier: MIT
/*
 * The USB hub class driver (USB 2.0 chapter 11): the hub descriptor, port
 * power, port reset and speed, and status changes through the hub's
 * interrupt endpoint (§11.12.3), which enumerate what is plugged in and
 * disconnect what is unplugged at run time. Port requests run as polled
 * control transfers from the completion of the status change transfer, in
 * the event loop. The transaction translator of a high-speed hub is not
 * driven here (split transactions: docs/usb.md).
 *   QEMU: -device usb-hub; raspi3b puts one on the root port by itself
 *   ("info usb" in the monitor), with every -device usb-* behind it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>
#include <mote/timer.h>

#include "drivers/usb/core.h"
#include "drivers/usb/descriptor.h"

/* clang-format off */
#define HUB_REQ_TYPE_PORT_IN   (USB_DIR_IN | USB_TYPE_CLASS | USB_RECIP_OTHER)
#define HUB_REQ_TYPE_PORT_OUT  (USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_OTHER)
#define HUB_REQ_TYPE_HUB_IN    (USB_DIR_IN | USB_TYPE_CLASS | USB_RECIP_DEVICE)
#define HUB_REQ_TYPE_HUB_OUT   (USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_DEVICE)
/* Port features (Table 11-17) */
#define PORT_RESET             4
#define PORT_POWER             8
#define C_PORT_CONNECTION      16
#define C_PORT_ENABLE          17
#define C_PORT_SUSPEND         18
#define C_PORT_OVER_CURRENT    19
#define C_PORT_RESET           20
/* Hub features (Table 11-17) */
#define C_HUB_LOCAL_POWER      0
#define C_HUB_OVER_CURRENT     1
/* wPortStatus (Table 11-21) and wPortChange (Table 11-22) */
#define PORT_STAT_CONNECTION   (1u << 0)
#define PORT_STAT_ENABLE       (1u << 1)
#define PORT_STAT_OVER_CURRENT (1u << 3)
#define PORT_STAT_LOW_SPEED    (1u << 9)
#define PORT_STAT_HIGH_SPEED   (1u << 10)
#define PORT_CHANGE_CONNECTION (1u << 0)
#define PORT_CHANGE_ENABLE     (1u << 1)
#define PORT_CHANGE_SUSPEND    (1u << 2)
#define PORT_CHANGE_OVER_CURRENT (1u << 3)
#define PORT_CHANGE_RESET      (1u << 4)
#define HUB_CHANGE_LOCAL_POWER (1u << 0)
#define HUB_CHANGE_OVER_CURRENT (1u << 1)
#define HUB_SUBCLASS           0
#define HUB_PROTO_FS           0 /* full-speed hub */
#define HUB_PROTO_HS_SINGLE_TT 1
#define HUB_PROTO_HS_MULTI_TT  2
/* clang-format on */

#define HUB_DESC_MAX       71 /* §11.23.2.1: 7 + 2 * 32 bytes for 255 ports */
#define STATUS_LEN         4  /* wStatus, wChange */
#define CONTROL_TIMEOUT_MS 1000
#define DEBOUNCE_MS        100 /* §7.1.7.3: TATTDB, connection debounce */
#define RESET_POLL_MS      10
#define RESET_TIMEOUT_MS   500
#define RESET_RECOVERY_MS  10 /* §7.1.7.5: TRSTRCY */
#define POWER_GOOD_MIN_MS  20
#define RETRY_DELAY_NS     100000000ull /* after a failed status transfer: not a tight loop */
#define NAME_LEN           32

struct hub {
    struct usb_device *dev;
    uint8_t ports;
    struct usb_device *child[USB_HUB_MAX_PORTS + 1]; /* by port number, 1-based */
    const struct usb_endpoint *status_ep;
    struct usb_transfer status;
    uint8_t *status_buf;
    int retry_timer;
    bool gone;
    bool submit_failing; /* the status transfer could not be queued: retried, logged once */
};

static int port_request(struct hub *h, uint8_t type, uint8_t request, uint16_t feature,
                        uint16_t index, void *data, uint16_t len)
{
    struct usb_setup s = {
        .request_type = type,
        .request = request,
        .value = feature,
        .index = index,
        .length = len,
    };
    return usb_control(h->dev, &s, data, CONTROL_TIMEOUT_MS);
}

static int port_status(struct hub *h, uint8_t port, uint16_t *status, uint16_t *change)
{
    uint8_t buf[STATUS_LEN];
    int n = port_request(h, HUB_REQ_TYPE_PORT_IN, USB_REQ_GET_STATUS, 0, port, buf, sizeof(buf));
    if (n < 0)
        return n;
    if (n != STATUS_LEN)
        return -EPROTO;
    *status = (uint16_t)(buf[0] | buf[1] << 8);
    *change = (uint16_t)(buf[2] | buf[3] << 8);
    return 0;
}

static int port_feature(struct hub *h, uint8_t port, uint8_t request, uint16_t feature)
{
    return port_request(h, HUB_REQ_TYPE_PORT_OUT, request, feature, port, NULL, 0);
}

static const char *hub_name(struct hub *h, char *buf, size_t size)
{
    return usb_device_name(h->dev, buf, size);
}

/* Resets the port (§11.24.2.13) and enumerates the device on it. */
static void port_enumerate(struct hub *h, uint8_t port)
{
    char name[NAME_LEN];
    uint16_t status = 0, change = 0;
    if (port_feature(h, port, USB_REQ_SET_FEATURE, PORT_RESET) < 0)
        return;
    unsigned waited = 0;
    for (;;) {
        usb_delay_ms(RESET_POLL_MS);
        waited += RESET_POLL_MS;
        if (port_status(h, port, &status, &change) < 0)
            return;
        if ((change & PORT_CHANGE_RESET) || waited >= RESET_TIMEOUT_MS)
            break;
    }
    port_feature(h, port, USB_REQ_CLEAR_FEATURE, C_PORT_RESET);
    if (!(status & PORT_STAT_CONNECTION) || !(status & PORT_STAT_ENABLE)) {
        mote_log(MOTE_LOG_WARN, "usb: %s port %u: not enabled after reset (status 0x%04x)",
                 hub_name(h, name, sizeof(name)), port, status);
        return;
    }
    usb_delay_ms(RESET_RECOVERY_MS);
    enum usb_speed speed = status & PORT_STAT_LOW_SPEED    ? USB_SPEED_LOW
                           : status & PORT_STAT_HIGH_SPEED ? USB_SPEED_HIGH
                                                           : USB_SPEED_FULL;
    h->child[port] = usb_enumerate(h->dev, port, speed);
}

/*
 * Something changed on port: clear what changed, then detach and/or
 * enumerate. initial: the hub was just powered, so a device already there
 * counts as a connection change whether or not the hub flags one.
 */
static void port_changed(struct hub *h, uint8_t port, bool initial)
{
    uint16_t status, change;
    if (port_status(h, port, &status, &change) < 0)
        return;
    static const struct {
        uint16_t bit, feature;
    } clears[] = {
        {PORT_CHANGE_CONNECTION, C_PORT_CONNECTION},
        {PORT_CHANGE_ENABLE, C_PORT_ENABLE},
        {PORT_CHANGE_SUSPEND, C_PORT_SUSPEND},
        {PORT_CHANGE_OVER_CURRENT, C_PORT_OVER_CURRENT},
        {PORT_CHANGE_RESET, C_PORT_RESET},
    };
    for (size_t i = 0; i < sizeof(clears) / sizeof(clears[0]); i++)
        if (change & clears[i].bit)
            port_feature(h, port, USB_REQ_CLEAR_FEATURE, clears[i].feature);
    if ((change & PORT_CHANGE_OVER_CURRENT) && (status & PORT_STAT_OVER_CURRENT)) {
        char name[NAME_LEN];
        mote_log(MOTE_LOG_WARN, "usb: %s port %u: over-current", hub_name(h, name, sizeof(name)),
                 port);
    }
    if (initial)
        change |= PORT_CHANGE_CONNECTION;
    bool lost = (change & PORT_CHANGE_CONNECTION) ||
                ((change & PORT_CHANGE_ENABLE) && !(status & PORT_STAT_ENABLE));
    if (lost && h->child[port]) {
        struct usb_device *child = h->child[port];
        h->child[port] = NULL;
        usb_disconnect(child);
    }
    if ((change & PORT_CHANGE_CONNECTION) && (status & PORT_STAT_CONNECTION) && !h->child[port]) {
        usb_delay_ms(DEBOUNCE_MS);
        if (port_status(h, port, &status, &change) == 0 && (status & PORT_STAT_CONNECTION))
            port_enumerate(h, port);
    }
}

static void hub_changed(struct hub *h)
{
    uint8_t buf[STATUS_LEN];
    if (port_request(h, HUB_REQ_TYPE_HUB_IN, USB_REQ_GET_STATUS, 0, 0, buf, sizeof(buf)) !=
        STATUS_LEN)
        return;
    uint16_t change = (uint16_t)(buf[2] | buf[3] << 8);
    if (change & HUB_CHANGE_LOCAL_POWER)
        port_request(h, HUB_REQ_TYPE_HUB_OUT, USB_REQ_CLEAR_FEATURE, C_HUB_LOCAL_POWER, 0, NULL, 0);
    if (change & HUB_CHANGE_OVER_CURRENT)
        port_request(h, HUB_REQ_TYPE_HUB_OUT, USB_REQ_CLEAR_FEATURE, C_HUB_OVER_CURRENT, 0, NULL,
                     0);
}

static void status_done(struct usb_transfer *t);
static void retry(void *arg);

/* The status transfer again after RETRY_DELAY_NS (a failed transfer, or one not queued). */
static void retry_later(struct hub *h)
{
    if (h->retry_timer > 0)
        return;
    int id = mote_timer_after(RETRY_DELAY_NS, retry, h);
    if (id > 0)
        h->retry_timer = id;
}

static void status_submit(struct hub *h)
{
    h->status = (struct usb_transfer){
        .dev = h->dev,
        .ep = h->status_ep,
        .buf = h->status_buf,
        .len = h->status_ep->max_packet,
        .done = status_done,
        .ctx = h,
    };
    int err = usb_submit(&h->status);
    if (err == 0 || err == -ENODEV) {
        h->submit_failing = false;
        return;
    }
    /* Out of memory for the pipe, say: without the status transfer the hub's ports would
     * never be heard from again, so it is tried again until it is queued. */
    if (!h->submit_failing) {
        char name[NAME_LEN];
        mote_log(MOTE_LOG_WARN, "usb: %s: status change transfer not queued: error %d; retried",
                 hub_name(h, name, sizeof(name)), err);
    }
    h->submit_failing = true;
    retry_later(h);
}

static void retry(void *arg)
{
    struct hub *h = arg;
    h->retry_timer = 0;
    status_submit(h);
}

/*
 * The status change bitmap (§11.12.4): bit 0 the hub, bit n port n. From
 * the loop; port requests and enumeration run from here.
 */
static void status_done(struct usb_transfer *t)
{
    struct hub *h = t->ctx;
    if (t->status == -ENODEV || t->status == -ECANCELED || h->gone)
        return;
    if (t->status < 0) {
        retry_later(h);
        return;
    }
    uint8_t bits[(USB_HUB_MAX_PORTS + 1 + 7) / 8] = {0};
    memcpy(bits, h->status_buf, t->actual < sizeof(bits) ? t->actual : sizeof(bits));
    if (bits[0] & 1u)
        hub_changed(h);
    for (uint8_t port = 1; port <= h->ports; port++)
        if (bits[port / 8] & 1u << (port % 8))
            port_changed(h, port, false);
    if (!h->gone)
        status_submit(h);
}

static int hub_match(struct usb_device *dev)
{
    if (dev->dev_class != USB_CLASS_HUB)
        return 0;
    int v = usb_find_interface(dev, USB_CLASS_HUB, HUB_SUBCLASS, HUB_PROTO_FS, NULL);
    if (!v)
        v = usb_find_interface(dev, USB_CLASS_HUB, HUB_SUBCLASS, HUB_PROTO_HS_SINGLE_TT, NULL);
    if (!v)
        v = usb_find_interface(dev, USB_CLASS_HUB, HUB_SUBCLASS, HUB_PROTO_HS_MULTI_TT, NULL);
    return v;
}

static int hub_attach(struct usb_device *dev)
{
    /* A hub has one interface and one endpoint: the status change interrupt IN (§11.12.1). */
    const struct usb_endpoint *ep = NULL;
    for (unsigned i = 0; i < dev->ep_count && !ep; i++)
        if (dev->ep[i].type == USB_XFER_INTERRUPT && USB_EP_IS_IN(dev->ep[i].address))
            ep = &dev->ep[i];
    if (!ep)
        return -EINVAL;
    struct hub *h = calloc(1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->dev = dev;
    h->status_ep = ep;
    h->status_buf = usb_dma_alloc(ep->max_packet);
    if (!h->status_buf) {
        free(h);
        return -ENOMEM;
    }
    uint8_t desc[HUB_DESC_MAX];
    uint16_t power_ms = 0;
    int n = port_request(h, HUB_REQ_TYPE_HUB_IN, USB_REQ_GET_DESCRIPTOR, USB_DT_HUB << 8, 0, desc,
                         sizeof(desc));
    if (n < 0 || usb_desc_hub(desc, (size_t)n, &h->ports, &power_ms) != 0) {
        if (n >= 0) {
            usb_stats.descriptors_rejected++;
            mote_log(MOTE_LOG_WARN, "usb: hub descriptor malformed; hub not used");
        }
        usb_dma_free(h->status_buf);
        free(h);
        return n < 0 ? n : -EINVAL;
    }
    dev->driver_data = h;
    for (uint8_t port = 1; port <= h->ports; port++)
        port_feature(h, port, USB_REQ_SET_FEATURE, PORT_POWER);
    usb_delay_ms(power_ms > POWER_GOOD_MIN_MS ? power_ms : POWER_GOOD_MIN_MS);
    char name[NAME_LEN];
    mote_log(MOTE_LOG_INFO, "usb: %s: hub with %u ports", hub_name(h, name, sizeof(name)),
             h->ports);
    /* Whatever is plugged in already: a connection change is pending on its port. */
    for (uint8_t port = 1; port <= h->ports; port++)
        port_changed(h, port, true);
    status_submit(h);
    return 0;
}

static void hub_detach(struct usb_device *dev)
{
    struct hub *h = dev->driver_data;
    if (!h)
        return;
    h->gone = true;
    if (h->retry_timer > 0)
        mote_timer_cancel(h->retry_timer);
    for (uint8_t port = 1; port <= h->ports; port++)
        if (h->child[port]) {
            struct usb_device *child = h->child[port];
            h->child[port] = NULL;
            usb_disconnect(child);
        }
    usb_dma_free(h->status_buf);
    free(h);
    dev->driver_data = NULL;
}

const struct usb_driver usb_hub_driver = {
    .name = "hub",
    .match = hub_match,
    .attach = hub_attach,
    .detach = hub_detach,
};
