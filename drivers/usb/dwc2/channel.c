// SPDX-License-Identifier: MIT
/*
 * One DWC2 host channel (databook §5.3.3.7-12, "Host channel-specific
 * registers"; programming model §6.4 "Host programming model, DMA mode"): a
 * run is one burst of packets to one endpoint, programmed in HCCHAR, HCTSIZ
 * and HCDMA and ended by the channel halting with the reason in HCINT. In
 * buffer DMA mode the core retries NAKed control and bulk packets by
 * itself; a NAK halts an interrupt endpoint's channel. Control transfers
 * (setup, data, status stages) run here, polled on a channel kept for them,
 * so enumeration works before the event loop and from inside a completion.
 */
#include <errno.h>
#include <string.h>

#include "drivers/timer/generic_timer.h"
#include "drivers/usb/core.h"
#include "drivers/usb/dwc2/dwc2_priv.h"

#define NS_PER_MS    1000000ull
#define SETUP_LEN    8
#define CHAN_RUN_NAK 1 /* dwc2_chan_status: the endpoint had nothing (interrupt endpoints) */

static uint32_t hcchar_of(const struct dwc2_run *run)
{
    uint32_t v = (run->max_packet & HCCHAR_MPS_MASK) |
                 (uint32_t)USB_EP_NUM(run->ep_num) << HCCHAR_EPNUM_SHIFT |
                 (uint32_t)run->type << HCCHAR_EPTYPE_SHIFT | 1u << HCCHAR_MC_SHIFT |
                 (uint32_t)run->dev->address << HCCHAR_DEVADDR_SHIFT;
    if (run->in)
        v |= HCCHAR_EPDIR_IN;
    if (run->dev->speed == USB_SPEED_LOW)
        v |= HCCHAR_LSPDDEV;
    /* Periodic: the transaction goes out in the next (micro)frame, so name its parity. */
    if ((run->type == USB_XFER_INTERRUPT || run->type == USB_XFER_ISOC) &&
        (dwc2_read(HFNUM) & HFNUM_FRNUM_MASK & 1u) == 0)
        v |= HCCHAR_ODDFRM;
    return v;
}

void dwc2_chan_start(unsigned ch, const struct dwc2_run *run, bool async)
{
    dwc2_write(HCINT(ch), ~0u);
    /* DMA mode: the halt says everything; NAKs would interrupt every 125 us on a bulk IN. */
    dwc2_write(HCINTMSK(ch), async ? HCINT_CHHLTD : 0);
    uint32_t mask = dwc2_read(HAINTMSK);
    dwc2_write(HAINTMSK, async ? mask | 1u << ch : mask & ~(1u << ch));
    uint32_t split = 0;
    if (run->split)
        split =
            HCSPLT_SPLTENA | HCSPLT_XACTPOS_ALL | (uint32_t)run->hub_addr << HCSPLT_HUBADDR_SHIFT |
            (uint32_t)run->hub_port << HCSPLT_PRTADDR_SHIFT | (run->complete ? HCSPLT_COMPSPLT : 0);
    dwc2_write(HCSPLT(ch), split);
    dwc2_write(HCTSIZ(ch), (run->len & HCTSIZ_XFERSIZE_MASK) |
                               (run->pkts << HCTSIZ_PKTCNT_SHIFT & HCTSIZ_PKTCNT_MASK) |
                               (uint32_t)run->pid << HCTSIZ_PID_SHIFT);
    dwc2_write(HCDMA(ch), run->bus);
    dwc2_write(HCCHAR(ch), hcchar_of(run) | HCCHAR_CHENA);
}

int dwc2_chan_halt(unsigned ch)
{
    uint32_t c = dwc2_read(HCCHAR(ch));
    if (c & HCCHAR_CHENA) {
        /* §6.4.2 "Halting a channel": CHDIS with CHENA still set; the core answers with CHHLTD. */
        dwc2_write(HCCHAR(ch), c | HCCHAR_CHDIS | HCCHAR_CHENA);
        if (dwc2_wait_reg(HCINT(ch), HCINT_CHHLTD, HCINT_CHHLTD, DWC2_HALT_TIMEOUT_NS) != 0)
            return -ETIMEDOUT;
    }
    dwc2_write(HCINT(ch), ~0u);
    return 0;
}

uint32_t dwc2_chan_actual(unsigned ch, const struct dwc2_run *run)
{
    uint32_t tsiz = dwc2_read(HCTSIZ(ch));
    if (run->in) {
        uint32_t left = tsiz & HCTSIZ_XFERSIZE_MASK;
        return left <= run->len ? run->len - left : 0;
    }
    /* OUT: XFERSIZE may count down ahead of the wire; whole packets acknowledged are exact. */
    uint32_t left_pkts = (tsiz & HCTSIZ_PKTCNT_MASK) >> HCTSIZ_PKTCNT_SHIFT;
    uint32_t done = left_pkts <= run->pkts ? run->pkts - left_pkts : 0;
    uint32_t bytes = done * run->max_packet;
    return bytes < run->len ? bytes : run->len;
}

int dwc2_chan_status(uint32_t hcint)
{
    if (hcint & HCINT_XFERCOMPL)
        return 0;
    if (hcint & HCINT_STALL)
        return -EPIPE;
    if (hcint & HCINT_BBLERR)
        return -EOVERFLOW;
    if (hcint & HCINT_AHBERR)
        return -EIO;
    if (hcint & HCINT_XACTERR)
        return -EPROTO;
    if (hcint & HCINT_DATATGLERR)
        return -EILSEQ;
    if (hcint & HCINT_FRMOVRUN)
        return -EPROTO; /* missed its frame: retried like a transaction error */
    if (hcint & (HCINT_NAK | HCINT_NYET))
        return CHAN_RUN_NAK;
    return -EIO;
}

/* Counts an error in usb_stats by kind (dwc2_priv.h). */
void dwc2_count_error(int err)
{
    usb_stats.errors++;
    if (err == -EPIPE)
        usb_stats.stalls++;
    else if (err == -EOVERFLOW)
        usb_stats.babble++;
    else if (err == -EPROTO || err == -EILSEQ)
        usb_stats.xact_errors++;
    else if (err == -ETIMEDOUT)
        usb_stats.timeouts++;
}

/* Waits for the control channel to halt. Returns HCINT, or 0 past the deadline (halted then). */
static uint32_t wait_halt(uint64_t deadline)
{
    const unsigned ch = DWC2_CONTROL_CHANNEL;
    uint32_t hcint;
    while (!((hcint = dwc2_read(HCINT(ch))) & HCINT_CHHLTD)) {
        if (gtimer_now_ns() > deadline) {
            if (dwc2_chan_halt(ch) != 0)
                dwc2.stuck_channels++;
            return 0;
        }
    }
    return hcint;
}

/*
 * A control stage through a transaction translator: one packet per split
 * transaction (split.h), the toggle alternating from the stage's first PID.
 */
static int run_split_polled(const struct dwc2_run *whole, uint64_t deadline)
{
    const unsigned ch = DWC2_CONTROL_CHANNEL;
    struct split_state s = {0};
    uint32_t done = 0;
    uint8_t pid = whole->pid;
    for (;;) {
        struct dwc2_run r = *whole;
        uint32_t left = whole->len - done;
        r.len = left < whole->max_packet ? left : whole->max_packet;
        r.pkts = 1;
        r.bus = whole->bus + done;
        r.pid = pid;
        r.complete = s.phase == SPLIT_PHASE_COMPLETE;
        dwc2_chan_start(ch, &r, false);
        uint32_t hcint = wait_halt(deadline);
        if (!hcint)
            return -ETIMEDOUT;
        int err;
        switch (split_next(&s, hcint, false, &err)) {
        case SPLIT_DO_START:
        case SPLIT_DO_COMPLETE: break;
        case SPLIT_NAKED:
            usb_stats.nak_retries++; /* asked again until the deadline */
            break;
        case SPLIT_FAILED: return err;
        case SPLIT_PACKET_DONE: {
            uint32_t moved = dwc2_chan_actual(ch, &r);
            done += moved;
            if (pid != HCTSIZ_PID_SETUP)
                pid = pid == HCTSIZ_PID_DATA1 ? HCTSIZ_PID_DATA0 : HCTSIZ_PID_DATA1;
            if (moved < r.len || done >= whole->len)
                return (int)done;
            break;
        }
        }
    }
}

/*
 * One stage of a control transfer on the control channel, polled until it
 * halts or the deadline passes. Returns the bytes moved or a negative errno.
 */
static int run_polled(const struct dwc2_run *run, uint64_t deadline)
{
    const unsigned ch = DWC2_CONTROL_CHANNEL;
    if (run->split)
        return run_split_polled(run, deadline);
    for (unsigned attempt = 0;; attempt++) {
        dwc2_chan_start(ch, run, false);
        uint32_t hcint = wait_halt(deadline);
        if (!hcint)
            return -ETIMEDOUT;
        int st = dwc2_chan_status(hcint);
        if (st == 0)
            return (int)dwc2_chan_actual(ch, run);
        if (st == CHAN_RUN_NAK) {
            usb_stats.nak_retries++;
            continue; /* a NAK that halted: ask again until the deadline */
        }
        if ((st == -EPROTO || st == -EILSEQ) && attempt < DWC2_MAX_RETRIES) {
            usb_stats.nak_retries++;
            continue;
        }
        return st;
    }
}

int dwc2_control(struct usb_device *dev, const struct usb_setup *setup, void *data,
                 uint32_t timeout_ms)
{
    static bool busy;
    if (setup->length > DWC2_CONTROL_BUF)
        return -EINVAL;
    if (busy)
        return -EBUSY; /* a control transfer from inside one: not something the stack does */
    busy = true;
    uint64_t deadline = gtimer_now_ns() + (uint64_t)timeout_ms * NS_PER_MS;
    bool in = (setup->request_type & USB_DIR_IN) != 0;
    struct dwc2_run run = {
        .dev = dev,
        .ep_num = 0,
        .type = USB_XFER_CONTROL,
        .max_packet = dev->ep0_max_packet,
        .pid = HCTSIZ_PID_SETUP,
        .bus = dwc2_bus_addr(dwc2.setup_buf),
        .len = SETUP_LEN,
        .pkts = 1,
    };
    run.split = split_find_tt(dev, &run.hub_addr, &run.hub_port);
    memcpy(dwc2.setup_buf, setup, SETUP_LEN);
    dwc2_cache_clean(dwc2.setup_buf, SETUP_LEN);
    int ret = run_polled(&run, deadline);

    int moved = 0;
    if (ret >= 0 && setup->length) {
        run.in = in;
        run.pid = HCTSIZ_PID_DATA1; /* §8.5.3: the data stage starts with DATA1 */
        run.bus = dwc2_bus_addr(dwc2.ctrl_buf);
        run.len = setup->length;
        run.pkts = (setup->length + run.max_packet - 1u) / run.max_packet;
        if (in) {
            dwc2_cache_invalidate(dwc2.ctrl_buf, setup->length);
        } else {
            memcpy(dwc2.ctrl_buf, data, setup->length);
            dwc2_cache_clean(dwc2.ctrl_buf, setup->length);
        }
        ret = run_polled(&run, deadline);
        if (ret >= 0) {
            moved = ret;
            if (in) {
                dwc2_cache_invalidate(dwc2.ctrl_buf, setup->length);
                memcpy(data, dwc2.ctrl_buf, (size_t)moved);
            }
        }
    }
    if (ret >= 0) {
        /* Status stage: a zero-length DATA1 the other way (IN when there was no data). */
        run.in = !(in && setup->length);
        run.pid = HCTSIZ_PID_DATA1;
        run.bus = dwc2_bus_addr(dwc2.ctrl_buf);
        run.len = 0;
        run.pkts = 1;
        ret = run_polled(&run, deadline);
    }
    busy = false;
    usb_stats.transfers++;
    if (ret < 0) {
        dwc2_count_error(ret);
        return ret;
    }
    return moved;
}
