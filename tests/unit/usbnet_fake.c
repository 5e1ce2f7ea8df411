// SPDX-License-Identifier: MIT
/* The fake USB stack, net/ and kernel calls of the USB Ethernet tests (usbnet_fake.h). */
#include "tests/unit/usbnet_fake.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>
#include <mote/timer.h>

#include "drivers/usb/descriptor.h"
#include "kernel/event.h"
#include "kernel/random.h"

#define QUEUE_MAX    64
#define CONFIG_VALUE 5 /* bConfigurationValue in a configuration descriptor */
#define EVENTS_MAX   8
#define ROUNDS_MAX   1000

struct usb_device fake_dev;
const struct fake_model *fake_model;
struct fake_net fake_net;
struct usb_stats fake_usb_stats;

static struct usb_transfer *queue[QUEUE_MAX];
static unsigned nqueue;
static const struct usb_transfer *last[2 * USB_MAX_ENDPOINTS];
static uint8_t config_copy[1024];
static struct {
    const uint8_t *desc;
    size_t len;
} configs[4];
static unsigned nconfigs;

static struct {
    event_fn fn;
    void *arg;
} events[EVENTS_MAX];
static unsigned nevents;

/* ---- kernel ---- */

void mote_log(enum mote_log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (getenv("USBNET_TEST_LOG")) {
        fprintf(stderr, "[%d] ", (int)level);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
    }
    va_end(ap);
}

int event_source_add(event_fn fn, void *arg)
{
    if (nevents == EVENTS_MAX)
        return -ENOSPC;
    events[nevents].fn = fn;
    events[nevents].arg = arg;
    return (int)nevents++;
}

volatile uint64_t event_pending; /* event_raise (kernel/event.h, inline) sets bits here */

int mote_timer_every(uint64_t period_ns, mote_timer_fn fn, void *arg)
{
    (void)period_ns;
    (void)fn;
    (void)arg;
    return 1; /* never fires: the tests drive link checks through the interrupt endpoint */
}

/* One-shot timers: they fire only when a test lets time pass (fake_timers_fire). */
#define TIMERS_MAX 4
static struct {
    mote_timer_fn fn;
    void *arg;
} timers[TIMERS_MAX]; /* timer id i + 1 */

int mote_timer_after(uint64_t delay_ns, mote_timer_fn fn, void *arg)
{
    (void)delay_ns;
    for (unsigned i = 0; i < TIMERS_MAX; i++)
        if (!timers[i].fn) {
            timers[i].fn = fn;
            timers[i].arg = arg;
            return (int)i + 1;
        }
    return -ENOSPC;
}

int mote_timer_cancel(int id)
{
    if (id < 1 || id > TIMERS_MAX || !timers[id - 1].fn)
        return -ENOENT;
    timers[id - 1].fn = NULL;
    return 0;
}

unsigned fake_timers_fire(void)
{
    unsigned fired = 0;
    for (unsigned i = 0; i < TIMERS_MAX; i++)
        if (timers[i].fn) {
            mote_timer_fn fn = timers[i].fn;
            timers[i].fn = NULL;
            fn(timers[i].arg);
            fired++;
        }
    fake_usb_run();
    return fired;
}

uint64_t random_u64(void)
{
    return 0x0123456789abcdefull;
}

/* ---- USB ---- */

void fake_usb_plug(uint16_t vendor, uint16_t product, uint8_t dev_class, const uint8_t *config,
                   size_t config_len, const struct fake_model *model)
{
    memset(&fake_dev, 0, sizeof(fake_dev));
    fake_dev.address = 3;
    fake_dev.speed = USB_SPEED_HIGH;
    fake_dev.vendor = vendor;
    fake_dev.product = product;
    fake_dev.dev_class = dev_class;
    fake_dev.num_configurations = 1;
    if (config) {
        memcpy(config_copy, config, config_len);
        fake_dev.config = config_copy;
        fake_dev.config_len = config_len;
    }
    fake_model = model;
    nconfigs = 0;
}

void fake_usb_config(const uint8_t *config, size_t len)
{
    configs[nconfigs].desc = config;
    configs[nconfigs++].len = len;
    fake_dev.num_configurations = (uint8_t)nconfigs;
}

/* Looks through the configurations with the core's own parser, as usb_find_interface does. */
int usb_find_interface(const struct usb_device *dev, uint8_t cls, uint8_t subclass,
                       uint8_t protocol, uint8_t *iface)
{
    (void)dev;
    for (unsigned c = 0; c < nconfigs; c++) {
        int n = usb_desc_find_interface(configs[c].desc, configs[c].len, cls, subclass, protocol);
        if (n >= 0) {
            if (iface)
                *iface = (uint8_t)n;
            return configs[c].desc[CONFIG_VALUE];
        }
    }
    return 0;
}

int usb_set_interface(struct usb_device *dev, uint8_t iface, uint8_t alt)
{
    struct usb_setup s = {USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_INTERFACE,
                          USB_REQ_SET_INTERFACE, alt, iface, 0};
    return usb_control(dev, &s, NULL, 100);
}

#define FEATURE_ENDPOINT_HALT 0
int usb_clear_halt(struct usb_device *dev, const struct usb_endpoint *ep)
{
    struct usb_setup s = {USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_ENDPOINT,
                          USB_REQ_CLEAR_FEATURE, FEATURE_ENDPOINT_HALT, ep->address, 0};
    return usb_control(dev, &s, NULL, 100);
}

void fake_usb_endpoint(uint8_t address, enum usb_xfer_type type, uint16_t max_packet, uint8_t iface)
{
    fake_dev.ep[fake_dev.ep_count++] = (struct usb_endpoint){
        .address = address, .type = type, .max_packet = max_packet, .interface = iface};
}

int usb_driver_register(const struct usb_driver *drv)
{
    (void)drv;
    return 0;
}

int usb_control(struct usb_device *dev, const struct usb_setup *setup, void *data,
                uint32_t timeout_ms)
{
    (void)dev;
    (void)timeout_ms;
    if (!fake_model || !fake_model->control)
        return -EPIPE;
    return fake_model->control(setup, data);
}

static unsigned ep_slot(uint8_t address)
{
    return USB_EP_NUM(address) + (USB_EP_IS_IN(address) ? USB_MAX_ENDPOINTS : 0);
}

int usb_submit(struct usb_transfer *t)
{
    if (!t || !t->ep || !t->done || !t->buf)
        return -EINVAL;
    if (USB_EP_IS_IN(t->ep->address) && (t->len == 0 || t->len % t->ep->max_packet != 0))
        return -EINVAL; /* usb.h: an IN transfer is a whole number of packets */
    if (nqueue == QUEUE_MAX)
        return -ENOMEM;
    t->status = 0;
    t->actual = 0;
    queue[nqueue++] = t;
    last[ep_slot(t->ep->address)] = t;
    fake_usb_stats.transfers++;
    return 0;
}

static void dequeue(unsigned i)
{
    memmove(&queue[i], &queue[i + 1], (nqueue - i - 1) * sizeof(queue[0]));
    nqueue--;
}

void usb_cancel(struct usb_transfer *t)
{
    for (unsigned i = 0; i < nqueue; i++)
        if (queue[i] == t) {
            dequeue(i);
            t->status = -ECANCELED;
            t->done(t);
            return;
        }
}

void usb_poll(void)
{
    fake_usb_run();
}

int usb_get_string(struct usb_device *dev, uint8_t index, char *buf, size_t size)
{
    (void)dev;
    const char *s = fake_model && fake_model->string ? fake_model->string(index) : NULL;
    if (index == 0 || !s)
        return -EINVAL;
    snprintf(buf, size, "%s", s);
    return (int)strlen(buf);
}

void *usb_dma_alloc(size_t len)
{
    void *p = aligned_alloc(64, (len + 63) / 64 * 64);
    if (p)
        fake_net.dma_live++;
    return p;
}

void usb_dma_free(void *p)
{
    if (p)
        fake_net.dma_live--;
    free(p);
}

const struct usb_stats *usb_get_stats(void)
{
    return &fake_usb_stats;
}

/* One pass over the queue: what the model completes is taken off and done. */
static bool run_once(void)
{
    bool moved = false;
    /* Those queued now: one queued by a completion waits for the next pass (a frame's time). */
    unsigned budget = nqueue;
    for (unsigned i = 0; i < nqueue && budget > 0; budget--) {
        struct usb_transfer *t = queue[i];
        int n;
        if (USB_EP_IS_IN(t->ep->address))
            n = fake_model && fake_model->in ? fake_model->in(t->ep->address, t->buf, t->len)
                                             : -EAGAIN;
        else if (fake_out_naks) {
            i++; /* NAKed: stays queued */
            continue;
        } else {
            bool zlp = t->zero_packet && t->len % t->ep->max_packet == 0;
            if (fake_model && fake_model->bulk_out)
                fake_model->bulk_out(t->buf, t->len, zlp);
            n = (int)t->len;
        }
        if (n == -EAGAIN) {
            i++;
            continue;
        }
        dequeue(i);
        t->status = n < 0 ? n : 0;
        t->actual = n < 0 ? 0 : (size_t)n;
        if (n < 0)
            fake_usb_stats.errors++;
        t->done(t);
        moved = true;
    }
    for (unsigned e = 0; e < nevents; e++)
        if (event_pending & (1ull << e)) {
            event_pending &= ~(1ull << e);
            events[e].fn(events[e].arg);
            moved = true;
        }
    return moved;
}

bool fake_out_naks;

unsigned fake_usb_expire(void)
{
    unsigned ended = 0;
    for (unsigned i = 0; i < nqueue;) {
        struct usb_transfer *t = queue[i];
        if (!t->timeout_ms) {
            i++;
            continue;
        }
        dequeue(i);
        t->status = -ETIMEDOUT;
        t->actual = 0;
        fake_usb_stats.errors++;
        t->done(t);
        ended++;
    }
    return ended;
}

void fake_usb_run(void)
{
    for (unsigned r = 0; r < ROUNDS_MAX && run_once(); r++)
        ;
}

void fake_usb_unplug(const struct usb_driver *drv)
{
    while (nqueue) {
        struct usb_transfer *t = queue[0];
        dequeue(0);
        t->status = -ENODEV;
        t->actual = 0;
        t->done(t);
    }
    drv->detach(&fake_dev);
    fake_model = NULL;
}

unsigned fake_usb_queued(uint8_t ep)
{
    unsigned n = 0;
    for (unsigned i = 0; i < nqueue; i++)
        n += queue[i]->ep->address == ep;
    return n;
}

const struct usb_transfer *fake_usb_last(uint8_t ep)
{
    return last[ep_slot(ep)];
}

/* ---- net/ ---- */

void (*netdev_on_link)(struct netdev *dev);

int netdev_register(struct netdev *dev)
{
    fake_net.dev = dev;
    fake_net.registered++;
    return 0;
}

struct netdev *netdev_get(unsigned index)
{
    return index == 0 ? fake_net.dev : NULL;
}

void netdev_link_changed(struct netdev *dev)
{
    if (netdev_on_link)
        netdev_on_link(dev);
}

static bool net_receive(struct netdev *dev, void *frame, size_t len, void *buf,
                        const struct netdev_csum *csum)
{
    (void)dev;
    if (csum)
        abort(); /* the USB chips offload nothing: net/ must check every checksum */
    if (fake_net.nframes < FAKE_FRAMES_MAX) {
        struct fake_frame *f = &fake_net.frame[fake_net.nframes++];
        f->len = len < sizeof(f->data) ? len : sizeof(f->data);
        memcpy(f->data, frame, f->len);
        f->lent = buf != NULL;
    }
    if (fake_net.inside_receive) {
        void (*hook)(void) = fake_net.inside_receive;
        fake_net.inside_receive = NULL;
        hook();
    }
    if (buf && fake_net.keep && fake_net.nkept < FAKE_FRAMES_MAX) {
        memset(buf, 0xee, NETDEV_RX_HEADROOM); /* net/ writes its bookkeeping there */
        fake_net.kept[fake_net.nkept++] = buf;
        return true;
    }
    return false;
}

static void net_tx_ready(struct netdev *dev)
{
    (void)dev;
    fake_net.tx_ready_calls++;
}

static void net_link(struct netdev *dev)
{
    (void)dev;
    fake_net.link_changes++;
}

void fake_net_start(void)
{
    fake_net.dev->receive = net_receive;
    fake_net.dev->tx_ready = net_tx_ready;
    netdev_on_link = net_link;
}

void fake_net_release(void)
{
    while (fake_net.nkept)
        fake_net.dev->rx_release(fake_net.dev, fake_net.kept[--fake_net.nkept]);
}

void fake_net_clear(void)
{
    fake_net.nframes = 0;
}

int fake_net_send(const uint8_t *frame, size_t len)
{
    const void *seg[1] = {frame};
    size_t seg_len[1] = {len};
    return fake_net.dev->transmit(fake_net.dev, seg, seg_len, 1, NULL);
}

struct mote_net_stats fake_net_stats(void)
{
    struct mote_net_stats s;
    memset(&s, 0, sizeof(s));
    fake_net.dev->stats(fake_net.dev, &s);
    return s;
}

int fake_attach(const struct usb_driver *drv)
{
    if (drv->match(&fake_dev) != 1 || drv->attach(&fake_dev) != 0)
        return -1;
    fake_net_start();
    fake_net_clear();
    return 0;
}

int fake_unplug_teardown(const struct usb_driver *drv)
{
    fake_net.keep = false;
    fake_out_naks = false;
    fake_usb_unplug(drv);
    fake_net_release();
    return 0;
}

void fake_wire_put(struct fake_wire *w, const uint8_t *frame, size_t len, bool bad)
{
    if (w->count == FAKE_WIRE_MAX || len > sizeof(w->frame[0]))
        abort(); /* a test asking for more than the wire holds is wrong */
    unsigned i = (w->head + w->count++) % FAKE_WIRE_MAX;
    memcpy(w->frame[i], frame, len);
    w->len[i] = len;
    w->bad[i] = bad;
}

void fake_wire_pop(struct fake_wire *w)
{
    w->head = (w->head + 1) % FAKE_WIRE_MAX;
    w->count--;
}

void fake_frame_to(uint8_t *frame, const uint8_t *dst, size_t len, uint8_t seed)
{
    static const uint8_t src[6] = {0x52, 0x54, 0x00, 0x00, 0x00, 0x02};
    memcpy(frame, dst, 6);
    memcpy(frame + 6, src, 6);
    for (size_t i = 12; i < len; i++)
        frame[i] = (uint8_t)(seed * 13 + i);
}

void fake_collect(void *n, uint8_t *frame, size_t len)
{
    size_t *count = n;
    (void)frame;
    count[count[0] + 1] = len;
    count[0]++;
}

uint32_t fake_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

void fake_put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

#define VENDOR_IN        0xc0 /* device to host, vendor, device */
#define VENDOR_OUT       0x40
#define VENDOR_READ_REG  0xa1
#define VENDOR_WRITE_REG 0xa0
#define VENDOR_REG_LEN   4

int fake_vendor_register_request(const struct usb_setup *setup, uint8_t *data,
                                 uint32_t (*read)(uint16_t off),
                                 void (*write)(uint16_t off, uint32_t v), unsigned *bad)
{
    if (setup->length != VENDOR_REG_LEN || setup->value != 0) {
        (*bad)++;
        return -EPIPE;
    }
    if (setup->request_type == VENDOR_IN && setup->request == VENDOR_READ_REG) {
        fake_put_le32(data, read(setup->index));
        return VENDOR_REG_LEN;
    }
    if (setup->request_type == VENDOR_OUT && setup->request == VENDOR_WRITE_REG) {
        write(setup->index, fake_le32(data));
        return VENDOR_REG_LEN;
    }
    (*bad)++;
    return -EPIPE;
}
