// SPDX-License-Identifier: MIT
/*
 * Bulk and interrupt transfers on the DWC2's channels. Each endpoint in use
 * has a pipe: a queue of transfers that complete in order. A pipe holds a
 * channel (channel 0 is kept for control transfers) while its head
 * transfer runs; a transfer longer than one run (HCTSIZ's packet count)
 * takes several. Bulk endpoints keep their channel while NAKing (the core
 * retries by itself); an interrupt endpoint is polled once per bInterval
 * (USB 2.0 §5.7.4, §9.6.6), its NAK halting the channel, which goes back to
 * the pool until a timer polls again. Under QEMU's model bulk IN endpoints
 * are polled the same way (dwc2_priv.h says why), backing off while idle.
 * Through a high-speed hub's transaction translator every packet is a split
 * transaction (split.h). Pipes that find no free channel wait in line.
 * Transaction and data toggle errors are retried DWC2_MAX_RETRIES times;
 * stalls and babble end the transfer. The watchdog ends transfers past
 * their timeout and recovers channels that do not halt.
 */
#include <errno.h>
#include <stdlib.h>

#include <mote/log.h>
#include <mote/timer.h>

#include "drivers/timer/generic_timer.h"
#include "drivers/usb/core.h"
#include "drivers/usb/dwc2/dwc2_priv.h"

#define NS_PER_MS         1000000ull
#define NS_PER_MICROFRAME 125000ull
#define CACHE_LINE        64
/* bInterval of a high-speed periodic endpoint: 1..16, a period of 2^(n-1) microframes */
#define HS_INTERVAL_MAX     16
#define MIN_POLL_NS         NS_PER_MS /* a Mote timer finer than 1 ms costs more than it gives */
#define BULK_BACKOFF_MAX_NS (8 * NS_PER_MS) /* polled bulk IN: the longest wait when idle */

/* The pipes of one device, by its endpoint's index in dev->ep. */
struct dwc2_devpriv {
    struct dwc2_pipe *pipe[2 * USB_MAX_ENDPOINTS];
};

static void schedule(struct dwc2_pipe *p);

static uint64_t poll_interval_ns(const struct usb_device *dev, const struct usb_endpoint *ep)
{
    uint64_t ns;
    if (dev->speed == USB_SPEED_HIGH) {
        unsigned n = ep->interval < 1                 ? 1
                     : ep->interval > HS_INTERVAL_MAX ? HS_INTERVAL_MAX
                                                      : ep->interval;
        ns = NS_PER_MICROFRAME << (n - 1);
    } else {
        ns = (uint64_t)(ep->interval ? ep->interval : 1) * NS_PER_MS;
    }
    return ns < MIN_POLL_NS ? MIN_POLL_NS : ns;
}

/* A bulk IN endpoint that NAKs halts its channel and is polled (dwc2.bulk_in_polled). */
static bool polled_bulk_in(const struct usb_endpoint *ep)
{
    return dwc2.bulk_in_polled && ep->type == USB_XFER_BULK && USB_EP_IS_IN(ep->address);
}

static struct dwc2_pipe *pipe_of(struct usb_device *dev, const struct usb_endpoint *ep, bool create)
{
    if (ep < dev->ep || ep >= dev->ep + dev->ep_count)
        return NULL;
    struct dwc2_devpriv *priv = dev->hcd_priv;
    if (!priv) {
        if (!create || !(priv = calloc(1, sizeof(*priv))))
            return NULL;
        dev->hcd_priv = priv;
    }
    size_t i = (size_t)(ep - dev->ep);
    if (!priv->pipe[i] && create) {
        struct dwc2_pipe *p = calloc(1, sizeof(*p));
        if (!p)
            return NULL;
        p->dev = dev;
        p->ep = &dev->ep[i];
        p->chan = -1;
        p->all_next = dwc2.all_pipes;
        dwc2.all_pipes = p;
        priv->pipe[i] = p;
    }
    return priv->pipe[i];
}

static int free_channel(void)
{
    for (unsigned ch = 0; ch < dwc2.nchan; ch++)
        if (ch != DWC2_CONTROL_CHANNEL && !dwc2.chan[ch].pipe)
            return (int)ch;
    return -1;
}

static void wait_remove(struct dwc2_pipe *p)
{
    if (!p->waiting)
        return;
    struct dwc2_pipe **pp = &dwc2.wait_head;
    struct dwc2_pipe *prev = NULL;
    while (*pp && *pp != p) {
        prev = *pp;
        pp = &(*pp)->wait_next;
    }
    if (*pp) {
        *pp = p->wait_next;
        if (dwc2.wait_tail == p)
            dwc2.wait_tail = prev;
    }
    p->waiting = false;
    p->wait_next = NULL;
}

/* Programs the next run of the head transfer of ch's pipe. */
static void start_run(unsigned ch)
{
    struct dwc2_chan *c = &dwc2.chan[ch];
    struct dwc2_pipe *p = c->pipe;
    struct usb_transfer *t = p->head;
    bool in = USB_EP_IS_IN(p->ep->address);
    uint16_t mps = p->ep->max_packet;
    size_t left = c->zlp ? 0 : t->len - c->offset;
    /* Whole packets per run, at most what HCTSIZ counts. */
    size_t max_run = (size_t)HCTSIZ_PKTCNT_MAX * mps;
    if (max_run > HCTSIZ_XFERSIZE_MASK)
        max_run = HCTSIZ_XFERSIZE_MASK / mps * mps;
    uint32_t len = (uint32_t)(left < max_run ? left : max_run);
    c->run = (struct dwc2_run){
        .dev = p->dev,
        .ep_num = p->ep->address,
        .in = in,
        /* The wire does not tell bulk from interrupt; the core's type says who retries a NAK. */
        .type = polled_bulk_in(p->ep) ? USB_XFER_INTERRUPT : p->ep->type,
        .max_packet = mps,
        .pid = p->ep->toggle ? HCTSIZ_PID_DATA1 : HCTSIZ_PID_DATA0,
        .bus = dwc2_bus_addr((uint8_t *)t->buf + c->offset),
        .len = len,
        .pkts = len ? (len + mps - 1u) / mps : 1,
    };
    c->run.split = split_find_tt(p->dev, &c->run.hub_addr, &c->run.hub_port);
    if (c->run.split) { /* one packet per split transaction */
        c->run.len = len < mps ? len : mps;
        c->run.pkts = 1;
        c->run.complete = c->split.phase == SPLIT_PHASE_COMPLETE;
    }
    dwc2_chan_start(ch, &c->run, true);
}

/* Gives p channel ch and starts (or resumes) its head transfer. */
static void take_channel(struct dwc2_pipe *p, unsigned ch)
{
    struct dwc2_chan *c = &dwc2.chan[ch];
    c->pipe = p;
    c->offset = p->head->actual; /* an endpoint polled again goes on where its NAK stopped it */
    c->zlp = false;
    c->retries = 0;
    c->split = (struct split_state){0};
    p->chan = (int)ch;
    start_run(ch);
}

static void poll_again(void *arg);

/* p has a head transfer and no channel: run it now or wait in line. */
static void schedule(struct dwc2_pipe *p)
{
    if (p->chan >= 0 || p->waiting || p->poll_timer > 0 || !p->head)
        return;
    /*
     * An interrupt endpoint is polled once per bInterval (§5.7.4), whether
     * its last poll brought data or not: a device that always has some
     * (QEMU's usb-net notifications) would otherwise be polled flat out.
     */
    uint64_t now = gtimer_now_ns();
    if (p->ep->type == USB_XFER_INTERRUPT && p->next_poll_ns > now) {
        int id = mote_timer_after(p->next_poll_ns - now, poll_again, p);
        if (id > 0) {
            p->poll_timer = id;
            return;
        }
    }
    if (p->ep->type == USB_XFER_INTERRUPT)
        p->next_poll_ns = now + poll_interval_ns(p->dev, p->ep);
    int ch = free_channel();
    if (ch >= 0) {
        take_channel(p, (unsigned)ch);
        return;
    }
    p->waiting = true;
    p->wait_next = NULL;
    if (dwc2.wait_tail)
        dwc2.wait_tail->wait_next = p;
    else
        dwc2.wait_head = p;
    dwc2.wait_tail = p;
}

/* ch is free again: the next pipe in line gets it. */
static void channel_freed(void)
{
    while (dwc2.wait_head) {
        int ch = free_channel();
        if (ch < 0)
            return;
        struct dwc2_pipe *p = dwc2.wait_head;
        wait_remove(p);
        if (p->head)
            take_channel(p, (unsigned)ch);
    }
}

static void release_channel(struct dwc2_pipe *p)
{
    if (p->chan < 0)
        return;
    unsigned ch = (unsigned)p->chan;
    dwc2_write(HAINTMSK, dwc2_read(HAINTMSK) & ~(1u << ch));
    dwc2_write(HCINTMSK(ch), 0);
    dwc2.chan[ch].pipe = NULL;
    p->chan = -1;
}

/* Takes the head transfer off p; the caller runs its done. */
static struct usb_transfer *pop_head(struct dwc2_pipe *p, int status)
{
    struct usb_transfer *t = p->head;
    p->head = t->hcd_next;
    if (!p->head)
        p->tail = NULL;
    p->head_since_ns = gtimer_now_ns();
    t->hcd_next = NULL;
    t->status = status;
    if (USB_EP_IS_IN(p->ep->address) && t->len)
        dwc2_cache_invalidate(t->buf, t->len);
    usb_stats.transfers++;
    if (status < 0 && status != -ENODEV && status != -ECANCELED)
        dwc2_count_error(status); /* an unplug or a cancel is not the device's error */
    return t;
}

/* The head transfer of the pipe on ch ended: the next one starts, then done runs. */
static void finish(unsigned ch, int status)
{
    struct dwc2_pipe *p = dwc2.chan[ch].pipe;
    struct usb_transfer *t = pop_head(p, status);
    if (p->head) {
        take_channel(p, ch); /* keeps the channel: the endpoint's queue goes on */
    } else {
        release_channel(p);
        channel_freed();
    }
    t->done(t);
}

static void poll_again(void *arg)
{
    struct dwc2_pipe *p = arg;
    p->poll_timer = 0;
    schedule(p);
}

/* An interrupt endpoint had nothing: its channel goes back until the next poll. */
static void nak_halted(unsigned ch)
{
    struct dwc2_pipe *p = dwc2.chan[ch].pipe;
    release_channel(p);
    uint64_t wait = poll_interval_ns(p->dev, p->ep);
    if (p->ep->type == USB_XFER_BULK) { /* polled (QEMU) or split */
        /* Idle: back off to BULK_BACKOFF_MAX_NS; data brings the wait back to 1 ms. */
        wait = p->backoff_ns < MIN_POLL_NS ? MIN_POLL_NS : p->backoff_ns;
        p->backoff_ns = wait * 2 > BULK_BACKOFF_MAX_NS ? BULK_BACKOFF_MAX_NS : wait * 2;
    }
    int id = mote_timer_after(wait, poll_again, p);
    if (id > 0)
        p->poll_timer = id;
    else
        schedule(p); /* no timer: poll again now rather than never */
    channel_freed();
}

/* The run on ch moved its bytes: the transfer goes on or ends. */
static void progress(unsigned ch, uint32_t moved)
{
    struct dwc2_chan *c = &dwc2.chan[ch];
    struct dwc2_pipe *p = c->pipe;
    struct usb_transfer *t = p->head;
    uint32_t pkts = moved ? (moved + c->run.max_packet - 1u) / c->run.max_packet : 1;
    p->ep->toggle = dwc2_toggle_after(p->ep->toggle, pkts);
    c->offset += moved;
    t->actual = c->offset;
    bool short_in = c->run.in && moved < c->run.len;
    if (c->zlp || short_in || c->run.len == 0) {
        finish(ch, 0);
    } else if (c->offset < t->len) {
        start_run(ch);
    } else if (!c->run.in && t->zero_packet && t->len % c->run.max_packet == 0) {
        c->zlp = true;
        start_run(ch);
    } else {
        finish(ch, 0);
    }
}

/* A run through a transaction translator halted: split.c says what next. */
static void split_halted(unsigned ch, uint32_t hcint)
{
    struct dwc2_chan *c = &dwc2.chan[ch];
    struct dwc2_pipe *p = c->pipe;
    bool periodic = p->ep->type == USB_XFER_INTERRUPT || p->ep->type == USB_XFER_ISOC;
    int err;
    switch (split_next(&c->split, hcint, periodic, &err)) {
    case SPLIT_DO_START:
    case SPLIT_DO_COMPLETE: start_run(ch); break;
    case SPLIT_NAKED: /* nothing yet, or the TT was busy: polled again, not an error */
        nak_halted(ch);
        break;
    case SPLIT_FAILED:
        if (err == -EPIPE)
            p->ep->toggle = 0;
        finish(ch, err);
        break;
    case SPLIT_PACKET_DONE: {
        uint32_t moved = dwc2_chan_actual(ch, &c->run);
        if (moved)
            p->backoff_ns = MIN_POLL_NS;
        progress(ch, moved);
        break;
    }
    }
}

void dwc2_chan_irq(unsigned ch)
{
    uint32_t hcint = dwc2_read(HCINT(ch));
    struct dwc2_chan *c = &dwc2.chan[ch];
    if (!(hcint & HCINT_CHHLTD) || !c->pipe) {
        dwc2_write(HCINT(ch), hcint);
        return;
    }
    dwc2_write(HCINT(ch), ~0u);
    struct dwc2_pipe *p = c->pipe;
    struct usb_transfer *t = p->head;
    struct usb_endpoint *ep = p->ep;
    if (c->run.split) {
        split_halted(ch, hcint);
        return;
    }
    int st = dwc2_chan_status(hcint);
    uint32_t moved = dwc2_chan_actual(ch, &c->run);
    if (moved)
        p->backoff_ns = MIN_POLL_NS;
    if (st == 0) {
        progress(ch, moved);
        return;
    }
    /* Packets acknowledged before the error moved data and advanced the toggle. */
    if (moved) {
        ep->toggle =
            dwc2_toggle_after(ep->toggle, (moved + c->run.max_packet - 1u) / c->run.max_packet);
        c->offset += moved;
        t->actual = c->offset;
    }
    if (st > 0) { /* NAK: an idle interrupt (or polled bulk) endpoint's normal answer */
        if (ep->type == USB_XFER_INTERRUPT || polled_bulk_in(ep)) {
            nak_halted(ch);
        } else {
            usb_stats.nak_retries++; /* a bulk NAK that halted: DMA mode retries, so ask again */
            start_run(ch);
        }
        return;
    }
    if ((st == -EPROTO || st == -EILSEQ) && c->retries < DWC2_MAX_RETRIES) {
        c->retries++;
        usb_stats.nak_retries++;
        start_run(ch);
        return;
    }
    if (st == -EPIPE)
        ep->toggle = 0; /* a halted endpoint restarts at DATA0 once cleared (§9.4.5) */
    finish(ch, st);
}

/*
 * Stops p's head transfer wherever it is (running, waiting for a channel,
 * waiting for its next poll) and takes it off the queue with status.
 */
static struct usb_transfer *stop_head(struct dwc2_pipe *p, int status)
{
    if (p->chan >= 0) {
        unsigned ch = (unsigned)p->chan;
        dwc2_write(HAINTMSK, dwc2_read(HAINTMSK) & ~(1u << ch));
        if (dwc2_chan_halt(ch) != 0) {
            dwc2.stuck_channels++;
            if (!dwc2.logged_stuck) {
                dwc2.logged_stuck = true;
                mote_log(MOTE_LOG_WARN,
                         "dwc2: channel %u did not halt; reused anyway "
                         "(logged once)",
                         ch);
            }
        }
        uint32_t moved = dwc2_chan_actual(ch, &dwc2.chan[ch].run);
        p->head->actual = dwc2.chan[ch].offset + moved;
        release_channel(p);
    }
    wait_remove(p);
    if (p->poll_timer > 0) {
        mote_timer_cancel(p->poll_timer);
        p->poll_timer = 0;
    }
    return pop_head(p, status);
}

int dwc2_submit(struct usb_transfer *t)
{
    if ((uintptr_t)t->buf % CACHE_LINE != 0 || (!t->buf && t->len))
        return -EINVAL; /* not usb_dma_alloc'd: cache maintenance would hit its neighbours */
    if (USB_EP_IS_IN(t->ep->address) && t->len % t->ep->max_packet != 0)
        return -EINVAL; /* a device's whole last packet would land past the buffer */
    struct dwc2_pipe *p = pipe_of(t->dev, t->ep, true);
    if (!p)
        return t->ep < t->dev->ep || t->ep >= t->dev->ep + t->dev->ep_count ? -EINVAL : -ENOMEM;
    t->status = 0;
    t->actual = 0;
    t->hcd_next = NULL;
    t->hcd_priv = p;
    /* The buffer goes to the controller: written back (OUT), or no dirty line left to evict (IN).
     */
    if (USB_EP_IS_IN(p->ep->address))
        dwc2_cache_invalidate(t->buf, t->len);
    else
        dwc2_cache_clean(t->buf, t->len);
    if (p->tail) {
        p->tail->hcd_next = t;
    } else {
        p->head = t;
        p->head_since_ns = gtimer_now_ns();
    }
    p->tail = t;
    schedule(p);
    return 0;
}

void dwc2_cancel(struct usb_transfer *t)
{
    struct dwc2_pipe *p = t->hcd_priv;
    if (!p)
        return;
    struct usb_transfer **pp = &p->head, *prev = NULL;
    while (*pp && *pp != t) {
        prev = *pp;
        pp = &(*pp)->hcd_next;
    }
    if (!*pp)
        return; /* already finished */
    if (t == p->head) {
        stop_head(p, -ECANCELED);
        schedule(p);
        channel_freed();
    } else {
        *pp = t->hcd_next;
        if (p->tail == t)
            p->tail = prev;
        t->hcd_next = NULL;
        t->status = -ECANCELED;
        usb_stats.transfers++;
    }
    t->done(t);
}

void dwc2_device_gone(struct usb_device *dev)
{
    struct dwc2_devpriv *priv = dev->hcd_priv;
    if (!priv)
        return;
    for (size_t i = 0; i < 2 * USB_MAX_ENDPOINTS; i++) {
        struct dwc2_pipe *p = priv->pipe[i];
        if (!p)
            continue;
        while (p->head) {
            struct usb_transfer *t = stop_head(p, -ENODEV);
            t->done(t);
        }
        struct dwc2_pipe **pp = &dwc2.all_pipes;
        while (*pp && *pp != p)
            pp = &(*pp)->all_next;
        if (*pp)
            *pp = p->all_next;
        free(p);
        priv->pipe[i] = NULL;
    }
    channel_freed();
    free(priv);
    dev->hcd_priv = NULL;
}

void dwc2_watchdog(void)
{
    uint64_t now = gtimer_now_ns();
    for (struct dwc2_pipe *p = dwc2.all_pipes; p; p = p->all_next) {
        struct usb_transfer *t = p->head;
        if (!t || !t->timeout_ms || now - p->head_since_ns < t->timeout_ms * NS_PER_MS)
            continue;
        t = stop_head(p, -ETIMEDOUT);
        schedule(p);
        channel_freed();
        t->done(t);
        return; /* done may have changed the list: the rest waits for the next tick */
    }
}

void dwc2_poll_endpoints(void)
{
    for (struct dwc2_pipe *p = dwc2.all_pipes; p; p = p->all_next)
        if (p->poll_timer > 0) {
            mote_timer_cancel(p->poll_timer);
            p->poll_timer = 0;
            schedule(p);
        }
}
