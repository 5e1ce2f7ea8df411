// SPDX-License-Identifier: MIT
/*
 * The network device of the USB Ethernet drivers (usbnet.h): one struct
 * netdev over whichever adapter is bound. Receive: rx_transfers bulk-in
 * transfers stay queued so frames arriving between completions have room
 * (the device NAKs, and on a LAN9514 its FIFO fills, only when none is
 * queued); each completed transfer is parsed by the chip's framing code and
 * its last frame is lent to net/ in place (NETDEV_RX_HEADROOM before the
 * data), the others copied, since net/ keeps one frame per buffer. Transmit:
 * a pool of bulk-out transfers, the chip's header before the frame, a
 * zero-length packet after one that fills its last packet exactly. A device
 * that keeps failing transfers (or a stall that will not clear) is never left
 * for good: the transfers rest USBNET_REST_MS and are queued again, for as
 * long as the device stays bound.
 */
#include "drivers/usb/net/usbnet.h"

#include <errno.h>
#include <string.h>

#include <mote/log.h>
#include <mote/net.h>
#include <mote/timer.h>

#include "kernel/event.h"
#include "net/netdev.h"

#define USBNET_NAME         "usb-eth"
#define USBNET_MTU          1500
#define USBNET_RX_MAX       24 /* rx_transfers + rx_spares, at most */
#define USBNET_TX_TRANSFERS 8
#define USBNET_LENT_MAX     64   /* buffers net/ may hold at once, across re-attaches */
#define USBNET_ERRORS_MAX   16   /* a transfer failing this many times in a row rests... */
#define USBNET_REST_MS      1000 /* ...this long before it is queued again */
/* A frame the device has not taken by then is dropped (the protocols above resend), so a
 * device that NAKs every bulk-out cannot hold the transmit slots for ever. */
#define USBNET_TX_TIMEOUT_MS 1000
#define USBNET_INTR_LEN      16 /* the longest CDC notification: header and two speeds */
#define NS_PER_MS            1000000ull
#define TX_BUF_LEN(hdr)      ((hdr) + USBNET_FRAME_MAX + USBNET_VLAN_TAG_LEN)

_Static_assert(USBNET_MTU + USBNET_ETH_HLEN == USBNET_FRAME_MAX, "MTU and frame size agree");

struct rx_slot {
    struct usb_transfer t;
    uint8_t *buf; /* NETDEV_RX_HEADROOM for net/, then the transfer's data */
    unsigned errors_in_row;
    bool halted;  /* ended with a stall: queued again once the halt is cleared */
    bool resting; /* failed USBNET_ERRORS_MAX times in a row: queued again by rest_over */
};

struct tx_slot {
    struct usb_transfer t;
    uint8_t *buf;
    bool busy;
};

static struct {
    struct netdev netdev;
    bool registered;
    struct usb_device *dev; /* the bound device, NULL while none */
    const struct usbnet_chip *chip;
    struct usbnet_bind how;
    unsigned generation; /* bumped at each unbind: which bind a lent buffer belongs to */

    struct rx_slot rx[USBNET_RX_MAX];
    unsigned nrx;
    uint8_t *spare[USBNET_RX_MAX]; /* buffers of this bind neither queued nor lent */
    unsigned nspare;
    struct {
        uint8_t *buf;
        unsigned generation;
    } lent[USBNET_LENT_MAX];
    unsigned nlent;
    uint8_t *held; /* the frame rx_frame holds back, to be lent if it is the last */
    size_t held_len;

    struct tx_slot tx[USBNET_TX_TRANSFERS];
    bool tx_waiting; /* transmit returned -EAGAIN: call tx_ready when a slot frees */

    struct usb_transfer intr;
    uint8_t *intr_buf;
    size_t intr_len; /* USBNET_INTR_LEN rounded up to whole packets (usb.h: IN lengths) */
    unsigned intr_errors_in_row;
    bool intr_resting, in_clear_failed;
    int rest_timer; /* rest_over, while something rests */
    int work_event; /* control transfers wait: run outside any completion */
    bool link_check_due, in_halted, out_halted;
    bool link_timer;

    uint8_t board_mac[USBNET_MAC_LEN];
    bool board_mac_ok;

    /* Counters: what went wrong is counted, never trusted. */
    struct usbnet_rx_count rx_count;
    uint64_t rx_xfer_errors, tx_xfer_errors, intr_xfer_errors, notes_malformed;
    uint64_t tx_frames, tx_full, rx_no_stack, submit_failed, halts_cleared, rests;
} un = {.work_event = -1};

static void work_raise(void)
{
    if (un.work_event >= 0)
        event_raise(un.work_event);
}

void usbnet_set_board_mac(const uint8_t mac[USBNET_MAC_LEN])
{
    memcpy(un.board_mac, mac, USBNET_MAC_LEN);
    un.board_mac_ok = true;
}

bool usbnet_board_mac(uint8_t mac[USBNET_MAC_LEN])
{
    if (un.registered) {
        memcpy(mac, un.netdev.mac, USBNET_MAC_LEN);
        return true;
    }
    if (un.board_mac_ok)
        memcpy(mac, un.board_mac, USBNET_MAC_LEN);
    return un.board_mac_ok;
}

/* New-style revision codes (bit 23 set): the board type in bits 11..4 (Raspberry Pi documentation).
 */
#define REV_NEW_STYLE   (1u << 23)
#define REV_TYPE_SHIFT  4
#define REV_TYPE_MASK   0xffu
#define REV_TYPE_3B     0x08
#define REV_TYPE_3BPLUS 0x0d
#define REV_TYPE_3APLUS 0x0e

void usbnet_board_revision(uint32_t revision)
{
    unsigned type = (revision >> REV_TYPE_SHIFT) & REV_TYPE_MASK;
    const char *chip = "no known USB Ethernet";
    if (!(revision & REV_NEW_STYLE))
        chip = "an unknown Ethernet (old-style revision code)";
    else if (type == REV_TYPE_3B)
        chip = "a LAN9514 (0424:ec00, smsc95xx)";
    else if (type == REV_TYPE_3BPLUS)
        chip = "a LAN7515 (0424:7800, lan78xx)";
    else if (type == REV_TYPE_3APLUS)
        chip = "no Ethernet (3 A+)";
    mote_log(MOTE_LOG_INFO, "usbnet: board revision 0x%06x: %s", (unsigned)revision, chip);
}

static void link_set(bool up)
{
    if (up == (un.netdev.link_up != 0))
        return;
    un.netdev.link_up = up;
    mote_log(MOTE_LOG_INFO, "usbnet: %s link %s", un.chip ? un.chip->name : "-",
             up ? "up" : "down");
    if (un.registered)
        netdev_link_changed(&un.netdev);
}

/* ---- receive ---- */

static void rx_done(struct usb_transfer *t);
static void rx_queue(struct rx_slot *s);
static void intr_queue(void);

/* The device failed what rests: its transfers (and a stall's clear) are tried again. */
static void rest_over(void *arg)
{
    (void)arg;
    un.rest_timer = 0;
    if (!un.dev)
        return;
    for (unsigned i = 0; i < un.nrx; i++)
        if (un.rx[i].resting) {
            un.rx[i].resting = false;
            rx_queue(&un.rx[i]);
        }
    if (un.intr_resting) {
        un.intr_resting = false;
        intr_queue();
    }
    if (un.in_clear_failed) {
        un.in_clear_failed = false;
        un.in_halted = true;
        work_raise();
    }
}

/* Something failed too often in a row: counted, logged, and tried again after a rest. */
static void rest(const char *what, int status)
{
    un.rests++;
    if (un.rest_timer > 0)
        return; /* one rest at a time covers everything that rests */
    mote_log(MOTE_LOG_WARN, "usbnet: %s failed %u times in a row (%d); tried again in %u ms", what,
             USBNET_ERRORS_MAX, status, USBNET_REST_MS);
    int id = mote_timer_after((uint64_t)USBNET_REST_MS * NS_PER_MS, rest_over, NULL);
    if (id > 0)
        un.rest_timer = id;
    else
        mote_log(MOTE_LOG_WARN, "usbnet: no timer (%d); what rests stays idle", id);
}

static void rx_queue(struct rx_slot *s)
{
    s->t = (struct usb_transfer){
        .dev = un.dev,
        .ep = un.how.in,
        .buf = s->buf + NETDEV_RX_HEADROOM,
        .len = un.how.rx_len,
        .timeout_ms = 0, /* a bulk-in waits for frames as long as it takes */
        .done = rx_done,
        .ctx = s,
    };
    if (usb_submit(&s->t) != 0)
        un.submit_failed++; /* the device is going: its detach follows */
}

/* Hands a frame to net/, lending buf when not NULL. Returns true if net/ kept buf. */
static bool deliver(uint8_t *frame, size_t len, uint8_t *buf)
{
    if (!un.netdev.receive) {
        un.rx_no_stack++; /* net/ has not started */
        return false;
    }
    return un.netdev.receive(&un.netdev, frame, len, buf,
                             NULL); /* no offload: checked in software */
}

/*
 * The frame rx_frame holds back, to be lent if it is the last of its transfer.
 * On the completion's stack, not in un: the GDB stub, stopped inside a
 * service called from deliver, polls the device and so completes transfers
 * inside this one.
 */
struct rx_held {
    uint8_t *frame;
    size_t len;
};

/* A good frame from the chip's parser: the one held before it goes out as a copy. */
static void rx_frame(void *ctx, uint8_t *frame, size_t len)
{
    struct rx_held *held = ctx;
    if (held->frame)
        deliver(held->frame, held->len, NULL);
    held->frame = frame;
    held->len = len;
}

static int lent_find(const void *buf)
{
    for (unsigned i = 0; i < un.nlent; i++)
        if (un.lent[i].buf == buf)
            return (int)i;
    return -1;
}

/* The last frame of a transfer: lent with its buffer when a spare can replace it. */
static void rx_lend_last(struct rx_slot *s, const struct rx_held *held)
{
    bool lend = un.nspare > 0 && un.nlent < USBNET_LENT_MAX;
    if (lend) /* recorded first: net/ may give it back from inside receive */
        un.lent[un.nlent++] = (typeof(un.lent[0])){s->buf, un.generation};
    bool kept = deliver(held->frame, held->len, lend ? s->buf : NULL);
    if (!lend)
        return;
    if (kept) {
        s->buf = un.spare[--un.nspare]; /* may be s->buf again, if already given back */
        return;
    }
    int i = lent_find(s->buf);
    if (i >= 0)
        un.lent[i] = un.lent[--un.nlent];
}

static void rx_done(struct usb_transfer *t)
{
    struct rx_slot *s = t->ctx;
    if (t->status == -ENODEV || t->status == -ECANCELED || t->dev != un.dev)
        return; /* the device is going; unbind frees the buffer */
    if (t->status == -EPIPE) {
        un.rx_xfer_errors++;
        s->halted = un.in_halted = true; /* every transfer queued behind it fails too */
        work_raise();
        return;
    }
    if (t->status != 0) {
        un.rx_xfer_errors++;
        if (++s->errors_in_row == USBNET_ERRORS_MAX) {
            s->errors_in_row = 0;
            s->resting = true;
            rest("bulk-in", t->status);
            return;
        }
        rx_queue(s);
        return;
    }
    s->errors_in_row = 0;
    size_t actual = t->actual <= t->len ? t->actual : t->len;
    struct rx_held held = {NULL, 0};
    un.chip->rx_parse(t->buf, actual, rx_frame, &held, &un.rx_count);
    if (held.frame)
        rx_lend_last(s, &held);
    rx_queue(s);
}

/* netdev rx_release: a buffer net/ kept comes back. */
static void rx_release(struct netdev *nd, void *buf)
{
    (void)nd;
    int i = lent_find(buf);
    if (i < 0)
        return; /* not one we lent: cannot happen, and freeing it would be worse */
    unsigned generation = un.lent[i].generation;
    un.lent[i] = un.lent[--un.nlent];
    if (un.dev && generation == un.generation)
        un.spare[un.nspare++] = buf;
    else
        usb_dma_free(buf); /* lent by a device since unplugged */
}

/* ---- transmit ---- */

static void tx_done(struct usb_transfer *t)
{
    struct tx_slot *s = t->ctx;
    s->busy = false;
    if (t->status != 0 && t->status != -ENODEV && t->status != -ECANCELED)
        un.tx_xfer_errors++; /* the frame is lost: the protocols above resend */
    if (t->status == -EPIPE && un.dev) {
        un.out_halted = true;
        work_raise();
    }
    if (un.tx_waiting && un.dev && un.netdev.tx_ready) {
        un.tx_waiting = false;
        un.netdev.tx_ready(&un.netdev);
    }
}

/* netdev transmit: the chip's header, then the frame, in an idle bulk-out transfer. */
static int usbnet_transmit(struct netdev *nd, const void *const *seg, const size_t *seg_len,
                           unsigned nseg, const struct netdev_csum *csum)
{
    (void)nd;
    (void)csum; /* always NULL: no offload (netdev offload 0), checksums are complete */
    size_t len = 0;
    for (unsigned i = 0; i < nseg; i++) {
        if (seg_len[i] > USBNET_FRAME_MAX - len)
            return -EMSGSIZE;
        len += seg_len[i];
    }
    if (len == 0)
        return -EINVAL;
    if (!un.dev)
        return -ENETDOWN;
    struct tx_slot *s = NULL;
    for (unsigned i = 0; i < USBNET_TX_TRANSFERS && !s; i++)
        if (!un.tx[i].busy)
            s = &un.tx[i];
    if (!s) {
        un.tx_full++;
        un.tx_waiting = true;
        return -EAGAIN;
    }
    size_t hdr = un.chip->tx_hdr_len;
    if (hdr)
        un.chip->tx_header(s->buf, len);
    uint8_t *p = s->buf + hdr;
    for (unsigned i = 0; i < nseg; i++) {
        memcpy(p, seg[i], seg_len[i]);
        p += seg_len[i];
    }
    s->t = (struct usb_transfer){
        .dev = un.dev,
        .ep = un.how.out,
        .buf = s->buf,
        .len = hdr + len,
        .zero_packet = true, /* a transfer filling its last packet would otherwise not end */
        .timeout_ms = USBNET_TX_TIMEOUT_MS,
        .done = tx_done,
        .ctx = s,
    };
    int err = usb_submit(&s->t);
    if (err) {
        un.submit_failed++;
        return err == -ENODEV ? -ENETDOWN : err;
    }
    s->busy = true;
    un.tx_frames++;
    return 0;
}

/* ---- link: interrupt endpoint, PHY checks ---- */

static void intr_done(struct usb_transfer *t);

static void intr_queue(void)
{
    un.intr = (struct usb_transfer){
        .dev = un.dev,
        .ep = un.how.intr,
        .buf = un.intr_buf,
        .len = un.intr_len,
        .done = intr_done,
    };
    if (usb_submit(&un.intr) != 0)
        un.submit_failed++;
}

static void intr_done(struct usb_transfer *t)
{
    if (t->status == -ENODEV || t->status == -ECANCELED || t->dev != un.dev)
        return;
    if (t->status != 0) {
        un.intr_xfer_errors++;
        if (++un.intr_errors_in_row == USBNET_ERRORS_MAX) {
            un.intr_errors_in_row = 0;
            un.intr_resting = true;
            rest("interrupt endpoint", t->status);
            return;
        }
        intr_queue();
        return;
    }
    un.intr_errors_in_row = 0;
    size_t actual = t->actual <= t->len ? t->actual : t->len;
    int ev = actual ? un.chip->interrupt(t->buf, actual) : USBNET_LINK_SAME;
    if (ev < 0)
        un.notes_malformed++;
    else if (ev == USBNET_LINK_UP || ev == USBNET_LINK_DOWN)
        link_set(ev == USBNET_LINK_UP);
    else if (ev == USBNET_LINK_CHECK) {
        un.link_check_due = true;
        work_raise();
    }
    intr_queue();
}

static void link_check(void)
{
    if (!un.dev || !un.chip->link_check)
        return;
    int up = un.chip->link_check(un.dev);
    if (up >= 0)
        link_set(up);
}

/* Clears a stalled bulk-in endpoint and queues again the transfers it ended. */
static void in_halt_clear(void)
{
    int err = usb_clear_halt(un.dev, un.how.in);
    un.halts_cleared++;
    if (err) { /* the stalled transfers stay halted until a clear succeeds */
        un.in_clear_failed = true;
        rest("clearing the stalled bulk-in", err);
        return;
    }
    for (unsigned i = 0; i < un.nrx; i++) {
        if (!un.rx[i].halted)
            continue;
        un.rx[i].halted = false;
        rx_queue(&un.rx[i]);
    }
}

/* Event loop: what needs control transfers, asked for by completions. */
static void usbnet_work(void *arg)
{
    (void)arg;
    if (!un.dev)
        return;
    if (un.in_halted) {
        un.in_halted = false;
        in_halt_clear();
    }
    if (un.out_halted) {
        un.out_halted = false;
        un.halts_cleared++;
        if (usb_clear_halt(un.dev, un.how.out) != 0)
            mote_log(MOTE_LOG_WARN, "usbnet: bulk-out stalled and could not be cleared");
    }
    if (un.link_check_due) {
        un.link_check_due = false;
        link_check();
    }
}

/* ---- netdev ---- */

/* netdev poll: the host controller's work and the completions due, with the loop stopped. */
static void usbnet_poll(struct netdev *nd)
{
    (void)nd;
    usb_poll();
}

static void usbnet_stats(struct netdev *nd, struct mote_net_stats *stats)
{
    (void)nd;
    const struct usb_stats *us = usb_get_stats();
    stats->bus_errors = us->errors;
    stats->bus_retries = us->nak_retries;
    stats->rx_malformed = un.rx_count.malformed + un.notes_malformed;
    /* Frames the device flagged (CRC, runt) never reached lwIP: count them on the link. */
    stats->link.errors += un.rx_count.errors;
    stats->link.drops += un.rx_count.errors + un.rx_count.malformed;
}

static void buffers_free(void)
{
    for (unsigned i = 0; i < un.nrx; i++)
        usb_dma_free(un.rx[i].buf);
    for (unsigned i = 0; i < un.nspare; i++)
        usb_dma_free(un.spare[i]);
    for (unsigned i = 0; i < USBNET_TX_TRANSFERS; i++)
        usb_dma_free(un.tx[i].buf);
    usb_dma_free(un.intr_buf);
    memset(un.rx, 0, sizeof(un.rx));
    memset(un.tx, 0, sizeof(un.tx));
    un.nrx = un.nspare = 0;
    un.intr_buf = NULL;
}

static int buffers_alloc(const struct usbnet_chip *chip, size_t rx_len, size_t intr_len)
{
    un.nrx = chip->rx_transfers;
    for (unsigned i = 0; i < un.nrx; i++)
        if (!(un.rx[i].buf = usb_dma_alloc(NETDEV_RX_HEADROOM + rx_len)))
            return -ENOMEM;
    for (unsigned i = 0; i < chip->rx_spares; i++) {
        if (!(un.spare[i] = usb_dma_alloc(NETDEV_RX_HEADROOM + rx_len)))
            return -ENOMEM;
        un.nspare++;
    }
    for (unsigned i = 0; i < USBNET_TX_TRANSFERS; i++)
        if (!(un.tx[i].buf = usb_dma_alloc(TX_BUF_LEN(chip->tx_hdr_len))))
            return -ENOMEM;
    if (intr_len && !(un.intr_buf = usb_dma_alloc(intr_len)))
        return -ENOMEM;
    return 0;
}

static int netdev_first(const uint8_t mac[USBNET_MAC_LEN])
{
    struct netdev *nd = &un.netdev;
    nd->name = USBNET_NAME;
    memcpy(nd->mac, mac, USBNET_MAC_LEN);
    nd->mtu = USBNET_MTU;
    nd->transmit = usbnet_transmit;
    nd->rx_release = rx_release;
    nd->poll = usbnet_poll;
    nd->stats = usbnet_stats;
    int err = netdev_register(nd);
    if (err)
        return err;
    un.registered = true;
    un.work_event = event_source_add(usbnet_work, NULL);
    if (un.work_event < 0)
        mote_log(MOTE_LOG_WARN, "usbnet: no event source (%d); stalls and PHY interrupts ignored",
                 un.work_event);
    return 0;
}

/* Every USBNET_LINK_POLL_MS: a lost PHY interrupt cannot leave the link wrong for long. */
static void link_poll(void *arg)
{
    (void)arg;
    link_check();
}

int usbnet_bind(struct usb_device *dev, const struct usbnet_chip *chip,
                const uint8_t mac[USBNET_MAC_LEN], const struct usbnet_bind *how)
{
    if (un.dev)
        return -EBUSY;
    if (!how->in || !how->out || how->in->max_packet == 0 || how->rx_len == 0 ||
        how->rx_len % how->in->max_packet != 0 ||
        chip->rx_transfers + chip->rx_spares > USBNET_RX_MAX)
        return -EINVAL; /* an IN transfer is a whole number of packets (usb.h) */
    size_t intr_len = 0;
    if (how->intr && chip->interrupt && how->intr->max_packet > 0) {
        size_t mps = how->intr->max_packet;
        intr_len = (USBNET_INTR_LEN + mps - 1) / mps * mps;
    }
    int err = buffers_alloc(chip, how->rx_len, intr_len);
    if (!err && !un.registered)
        err = netdev_first(mac);
    if (err) {
        buffers_free();
        return err;
    }
    if (memcmp(un.netdev.mac, mac, USBNET_MAC_LEN) != 0)
        mote_log(MOTE_LOG_WARN,
                 "usbnet: %s has another MAC than the first adapter; "
                 "the network keeps the first",
                 chip->name);
    un.dev = dev;
    un.chip = chip;
    un.how = *how;
    un.intr_errors_in_row = 0;
    un.intr_resting = un.in_clear_failed = false;
    un.intr_len = intr_len;
    un.link_check_due = un.in_halted = un.out_halted = false;
    for (unsigned i = 0; i < un.nrx; i++)
        rx_queue(&un.rx[i]);
    if (intr_len)
        intr_queue();
    if (chip->link_check && !un.link_timer)
        un.link_timer = mote_timer_every(USBNET_LINK_POLL_MS * NS_PER_MS, link_poll, NULL) > 0;
    mote_log(MOTE_LOG_INFO, "usbnet: %s at USB address %u, MAC %02x:%02x:%02x:%02x:%02x:%02x",
             chip->name, dev->address, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
    link_set(how->link_up);
    if (un.tx_waiting && un.netdev.tx_ready) {
        un.tx_waiting = false;
        un.netdev.tx_ready(&un.netdev); /* frames held while unplugged */
    }
    return 0;
}

void usbnet_unbind(struct usb_device *dev)
{
    if (!dev || dev != un.dev)
        return;
    mote_log(MOTE_LOG_WARN, "usbnet: %s at USB address %u is gone", un.chip->name, dev->address);
    link_set(false);
    if (un.rest_timer > 0) {
        mote_timer_cancel(un.rest_timer);
        un.rest_timer = 0;
    }
    un.dev = NULL;
    un.generation++; /* buffers net/ still holds are freed when given back */
    buffers_free();
}

int usbnet_init(void)
{
    int err = usb_driver_register(&cdc_ecm_driver);
    if (!err)
        err = usb_driver_register(&smsc95xx_driver);
    if (!err)
        err = usb_driver_register(&lan78xx_driver);
    return err;
}
