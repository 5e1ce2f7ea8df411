// SPDX-License-Identifier: MIT
/*
 * The split transaction state machine (split.h). A start-split ends with ACK
 * (the TT took it) or NAK (its buffers are full); a complete-split with the
 * packet (XFERCOMPL), NYET (not done yet: ask again), NAK or STALL from the
 * device, or an error, after which the packet starts over with a start-split
 * (§11.17.1: a lost handshake makes the TT's state unknown).
 */
#include "drivers/usb/dwc2/split.h"

#include <errno.h>

#include "drivers/usb/dwc2/dwc2_regs.h"

bool split_find_tt(const struct usb_device *dev, uint8_t *hub_addr, uint8_t *hub_port)
{
    if (dev->speed == USB_SPEED_HIGH)
        return false;
    const struct usb_device *child = dev;
    for (const struct usb_device *up = dev->parent; up; child = up, up = up->parent)
        if (up->speed == USB_SPEED_HIGH) {
            *hub_addr = up->address;
            *hub_port = child->port;
            return true;
        }
    return false;
}

/* An error that makes the packet start over, until there were too many. */
static enum split_action retry(struct split_state *s, int fail, int *err)
{
    s->phase = SPLIT_PHASE_START;
    s->nyets = 0;
    if (++s->errors > SPLIT_MAX_ERRORS) {
        *err = fail;
        return SPLIT_FAILED;
    }
    return SPLIT_DO_START;
}

enum split_action split_next(struct split_state *s, uint32_t hcint, bool periodic, int *err)
{
    *err = 0;
    if (hcint & HCINT_STALL) {
        *err = -EPIPE;
        return SPLIT_FAILED;
    }
    if (hcint & HCINT_BBLERR) {
        *err = -EOVERFLOW;
        return SPLIT_FAILED;
    }
    if (hcint & HCINT_AHBERR) {
        *err = -EIO;
        return SPLIT_FAILED;
    }
    if (s->phase == SPLIT_PHASE_START) {
        if (hcint & (HCINT_ACK | HCINT_XFERCOMPL)) {
            s->phase = SPLIT_PHASE_COMPLETE;
            s->nyets = 0;
            return SPLIT_DO_COMPLETE;
        }
        if (hcint & HCINT_XACTERR)
            return retry(s, -EPROTO, err);
        if (hcint & HCINT_FRMOVRUN)
            return retry(s, -EPROTO, err);
        if (hcint & HCINT_NAK)
            return SPLIT_NAKED;
        *err = -EIO;
        return SPLIT_FAILED;
    }
    /* Complete-split */
    if (hcint & HCINT_XFERCOMPL) {
        s->phase = SPLIT_PHASE_START;
        s->nyets = 0;
        s->errors = 0;
        return SPLIT_PACKET_DONE;
    }
    if (hcint & HCINT_XACTERR)
        return retry(s, -EPROTO, err);
    if (hcint & HCINT_DATATGLERR)
        return retry(s, -EILSEQ, err);
    if (hcint & HCINT_FRMOVRUN)
        return retry(s, -EPROTO, err);
    if (hcint & HCINT_NYET) {
        if (periodic && ++s->nyets > SPLIT_MAX_NYETS) {
            /* The TT dropped the answer (§11.18.6): the packet starts over. */
            s->phase = SPLIT_PHASE_START;
            s->nyets = 0;
            return SPLIT_DO_START;
        }
        return SPLIT_DO_COMPLETE;
    }
    if (hcint & HCINT_NAK) {
        s->phase = SPLIT_PHASE_START;
        s->nyets = 0;
        return SPLIT_NAKED;
    }
    *err = -EIO;
    return SPLIT_FAILED;
}
