/* SPDX-License-Identifier: MIT */
/*
 * Split transactions (USB 2.0 §11.14-11.21; DWC OTG databook §6.4.3 "Split
 * transactions"): a full- or low-speed device behind a high-speed hub is
 * reached through that hub's transaction translator (TT). Each packet is a
 * start-split (the TT takes the request, and OUT data) and then one or more
 * complete-splits (the TT's answer: IN data, the handshake, or NYET while it
 * has none yet). This is the decision part, pure so a host unit test covers
 * it (tests/unit/test_usb_split.c); channel.c and schedule.c program the
 * channel as it says.
 */
#ifndef DRIVERS_USB_DWC2_SPLIT_H
#define DRIVERS_USB_DWC2_SPLIT_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/usb/usb.h"

#define SPLIT_MAX_ERRORS 3 /* transaction errors per packet before the transfer fails */
#define SPLIT_MAX_NYETS  3 /* periodic: complete-splits answered NYET before starting over */

enum split_phase { SPLIT_PHASE_START, SPLIT_PHASE_COMPLETE };

/* One packet's progress through its split transaction. */
struct split_state {
    enum split_phase phase;
    uint8_t nyets;
    uint8_t errors;
};

enum split_action {
    SPLIT_DO_START,    /* issue the start-split (again) */
    SPLIT_DO_COMPLETE, /* issue a (further) complete-split */
    SPLIT_PACKET_DONE, /* the packet moved; the next one starts with a start-split */
    SPLIT_NAKED,       /* the device had nothing (or was busy): try again later */
    SPLIT_FAILED,      /* the transfer ends with *err */
};

/*
 * Where dev's transaction translator is: the nearest high-speed hub above a
 * full- or low-speed device. Returns true with its address and the port of
 * that hub the device hangs from (through full-speed hubs, maybe), false when
 * no split is needed (a high-speed device, or no high-speed hub above it).
 */
bool split_find_tt(const struct usb_device *dev, uint8_t *hub_addr, uint8_t *hub_port);

/*
 * The next step after the channel halted with hcint (HCINT) in state s.
 * periodic: an interrupt or isochronous endpoint (NYETs are bounded, since
 * the TT drops answers not collected in time). On SPLIT_FAILED, *err is
 * -EPIPE (stall), -EOVERFLOW (babble), -EPROTO or -EILSEQ (errors past
 * SPLIT_MAX_ERRORS), -EIO (DMA error or a halt with no reason).
 */
enum split_action split_next(struct split_state *s, uint32_t hcint, bool periodic, int *err);

#endif
