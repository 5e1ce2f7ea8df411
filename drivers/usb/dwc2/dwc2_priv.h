/* SPDX-License-Identifier: MIT */
/*
 * Inside the DWC2 driver: the state its files share.
 *   core.c      power-on checks, core reset, host init, FIFOs, interrupt and event
 *   port.c      the root port: power, reset, speed, connect and disconnect
 *   channel.c   one channel: program a transfer, halt it, decode why it halted;
 *               control transfers, polled on the channel kept for them
 *   schedule.c  bulk and interrupt transfers: per-endpoint queues on channels,
 *               retries, interrupt endpoints polled per bInterval, timeouts
 */
#ifndef DRIVERS_USB_DWC2_DWC2_PRIV_H
#define DRIVERS_USB_DWC2_DWC2_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arch/aarch64/mmio.h"
#include "drivers/usb/dwc2/dwc2_regs.h"
#include "drivers/usb/dwc2/split.h"
#include "drivers/usb/usb.h"

#define DWC2_CONTROL_CHANNEL 0          /* kept for the polled control transfers */
#define DWC2_HALT_TIMEOUT_NS 5000000ull /* a channel told to halt does so within a frame or two */
#define DWC2_MAX_RETRIES     3    /* transaction and toggle errors before the transfer fails */
#define DWC2_CONTROL_BUF     4096 /* the bounce buffer of a control data stage */

/* One run of a channel: a burst of packets to one endpoint. */
struct dwc2_run {
    struct usb_device *dev;
    uint8_t ep_num;
    bool in;
    enum usb_xfer_type type;
    uint16_t max_packet;
    uint8_t pid;  /* HCTSIZ_PID_* */
    uint32_t bus; /* DMA address */
    uint32_t len;
    uint32_t pkts;
    bool split;    /* through the transaction translator of hub_addr, port hub_port */
    bool complete; /* split: the complete-split (else the start-split) */
    uint8_t hub_addr, hub_port;
};

/* A queue of transfers to one endpoint of one device. */
struct dwc2_pipe {
    struct usb_device *dev;
    struct usb_endpoint *ep;
    struct usb_transfer *head, *tail;
    uint64_t head_since_ns; /* when head became the first in line: its timeout runs from then */
    int chan;               /* the channel it runs on, -1 none */
    int poll_timer;         /* interrupt endpoint: the timer that polls again after a NAK, 0 none */
    uint64_t backoff_ns;    /* a polled bulk IN endpoint: the wait after its next NAK */
    uint64_t next_poll_ns;  /* interrupt endpoint: not polled again before this (bInterval) */
    bool waiting;           /* on the list of pipes waiting for a free channel */
    struct dwc2_pipe *wait_next;
    struct dwc2_pipe *all_next; /* every pipe, for the watchdog */
};

/* What a channel is doing for the transfer at the head of its pipe. */
struct dwc2_chan {
    struct dwc2_pipe *pipe; /* NULL: free */
    struct dwc2_run run;    /* what was programmed */
    size_t offset;          /* bytes of the transfer done before this run */
    bool zlp;               /* this run is the zero-length packet closing an OUT */
    uint8_t retries;
    struct split_state split; /* the packet's split transaction, when run.split */
};

struct dwc2 {
    uintptr_t base;
    uint32_t bus_alias;
    unsigned nchan;
    int event;
    bool started;
    struct dwc2_chan chan[DWC2_MAX_CHANNELS];
    struct dwc2_pipe *wait_head, *wait_tail;
    struct dwc2_pipe *all_pipes;
    uint8_t *ctrl_buf; /* DWC2_CONTROL_BUF bytes of DMA memory */
    uint8_t *setup_buf;
    /*
     * QEMU's model keeps retrying a NAKed bulk IN on a channel even after the
     * device is unplugged, and then aborts (usb_ep_get asserts): there, bulk
     * IN endpoints are polled like interrupt ones, a NAK halting the channel.
     */
    bool bulk_in_polled;
    uint64_t lost_irqs, stuck_channels;
    bool logged_lost_irq, logged_stuck;
};

extern struct dwc2 dwc2;

static inline uint32_t dwc2_read(uint32_t reg)
{
    return mmio_read32(dwc2.base + reg);
}

static inline void dwc2_write(uint32_t reg, uint32_t v)
{
    mmio_write32(dwc2.base + reg, v);
}

/* The bus address the controller's DMA uses for an ARM address. */
static inline uint32_t dwc2_bus_addr(const void *p)
{
    return dwc2.bus_alias | (uint32_t)(uintptr_t)p;
}

/* Cache maintenance around DMA (the controller reads and writes RAM behind the caches). */
void dwc2_cache_clean(const void *p, size_t len);
void dwc2_cache_invalidate(const void *p, size_t len);

/* core.c: waits until (reg & mask) == want, up to timeout_ns. Returns 0 or -ETIMEDOUT. */
int dwc2_wait_reg(uint32_t reg, uint32_t mask, uint32_t want, uint64_t timeout_ns);

/* port.c */
void dwc2_port_power_on(void);
int dwc2_port_reset(enum usb_speed *speed);
bool dwc2_port_connected(void);
void dwc2_port_irq(void); /* GINTSTS.PRTINT, from the event loop */

/* channel.c */
/* Programs channel ch and enables it; unmasks its interrupt when async. */
void dwc2_chan_start(unsigned ch, const struct dwc2_run *run, bool async);
/* Counts an error in usb_stats by its errno. */
void dwc2_count_error(int err);
/* Asks ch to halt and waits for it. Returns 0 or -ETIMEDOUT (the channel is stuck). */
int dwc2_chan_halt(unsigned ch);
/* Bytes moved by the run that just halted on ch (programmed len, pkts). */
uint32_t dwc2_chan_actual(unsigned ch, const struct dwc2_run *run);
/* HCINT's error bits as an errno, 0 for a completed transfer, 1 for a NAK (interrupt endpoints). */
int dwc2_chan_status(uint32_t hcint);
int dwc2_control(struct usb_device *dev, const struct usb_setup *setup, void *data,
                 uint32_t timeout_ms);
/* The toggle after pkts packets starting at toggle (0: DATA0, 1: DATA1). */
static inline uint8_t dwc2_toggle_after(uint8_t toggle, uint32_t pkts)
{
    return (uint8_t)((toggle + pkts) & 1u);
}

/* schedule.c */
int dwc2_submit(struct usb_transfer *t);
void dwc2_cancel(struct usb_transfer *t);
void dwc2_device_gone(struct usb_device *dev);
void dwc2_chan_irq(unsigned ch); /* a channel halted, from the event loop */
void dwc2_watchdog(void);        /* timeouts and lost interrupts, periodically */
/* Endpoints waiting for their poll timer are polled now (usb_poll: timers do not run then). */
void dwc2_poll_endpoints(void);

#endif
