/* SPDX-License-Identifier: MIT */
/*
 * The host side of the USB Ethernet driver tests: a fake USB stack that
 * implements drivers/usb/usb.h over a device model (control requests, bulk
 * and interrupt endpoints), a fake net/ that records what the driver hands
 * it, and the few kernel calls the drivers make. Completions run only from
 * fake_usb_run(), as they run only from the event loop in the kernel.
 */
#ifndef TESTS_UNIT_USBNET_FAKE_H
#define TESTS_UNIT_USBNET_FAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mote/net.h>

#include "drivers/usb/usb.h"
#include "net/netdev.h"

/* What a device model does; each may be NULL. */
struct fake_model {
    /* A control request: returns the data stage's bytes, or a negative errno (-EPIPE: stall). */
    int (*control)(const struct usb_setup *setup, uint8_t *data);
    /* The bytes of a bulk OUT transfer (zlp: the host ends it with a zero-length packet). */
    void (*bulk_out)(const uint8_t *buf, size_t len, bool zlp);
    /*
     * An IN transfer (bulk or interrupt) on endpoint ep is waiting with room
     * bytes: returns the bytes put in buf, -EAGAIN to NAK (it stays queued),
     * or another negative errno to fail it with.
     */
    int (*in)(uint8_t ep, uint8_t *buf, size_t room);
    /* String descriptor index as ASCII, or NULL. */
    const char *(*string)(uint8_t index);
};

/* The device under test, with the endpoints of its active configuration. */
extern struct usb_device fake_dev;
extern const struct fake_model *fake_model;

/*
 * Fresh device: vendor/product, the active configuration's descriptors
 * (copied), model. fake_usb_config adds a configuration usb_find_interface
 * looks through (the active one is not added by itself).
 */
void fake_usb_plug(uint16_t vendor, uint16_t product, uint8_t dev_class, const uint8_t *config,
                   size_t config_len, const struct fake_model *model);
void fake_usb_config(const uint8_t *config, size_t len);
/* Adds an endpoint to fake_dev's active configuration. */
void fake_usb_endpoint(uint8_t address, enum usb_xfer_type type, uint16_t max_packet,
                       uint8_t iface);
/* Completes what the model can complete, runs raised events, until nothing moves. */
void fake_usb_run(void);
/* While true, the device NAKs every OUT transfer: they stay queued. */
extern bool fake_out_naks;
/* What the host controller's watchdog does once a transfer's timeout_ms has passed: every
 * queued transfer that has one ends with -ETIMEDOUT. Returns how many. */
unsigned fake_usb_expire(void);
/* Lets time pass: every one-shot timer (mote_timer_after) armed fires, then fake_usb_run.
 * Returns how many fired. */
unsigned fake_timers_fire(void);
/* Every queued transfer ends with -ENODEV, then the driver's detach runs. */
void fake_usb_unplug(const struct usb_driver *drv);
/* Transfers queued now, on endpoint address ep. */
unsigned fake_usb_queued(uint8_t ep);
/* The last transfer submitted on ep, or NULL. */
const struct usb_transfer *fake_usb_last(uint8_t ep);

/* What the fake net/ saw. */
#define FAKE_FRAMES_MAX 64
struct fake_frame {
    uint8_t data[1600];
    size_t len;
    bool lent;
};
struct fake_net {
    struct netdev *dev; /* registered by the driver */
    unsigned registered;
    struct fake_frame frame[FAKE_FRAMES_MAX];
    unsigned nframes;
    bool keep; /* keep lent buffers (until fake_net_release) */
    /* Called once (then cleared) inside receive, after the frame is recorded: as the
     * GDB stub, stopped in a service, polls the device from there. */
    void (*inside_receive)(void);
    void *kept[FAKE_FRAMES_MAX];
    unsigned nkept;
    unsigned link_changes, tx_ready_calls;
    unsigned dma_live; /* usb_dma_alloc'd and not freed */
};
extern struct fake_net fake_net;

/* Starts the fake net/ on the registered netdev (receive, tx_ready, link hooks). */
void fake_net_start(void);
/* Gives back every buffer kept. */
void fake_net_release(void);
/* Forgets the frames seen. */
void fake_net_clear(void);
/* Sends one frame through the driver. Returns transmit's result. */
int fake_net_send(const uint8_t *frame, size_t len);

/* The USB core's counters, which the driver reports. */
extern struct usb_stats fake_usb_stats;

/* The driver's counters now (its netdev's stats). */
struct mote_net_stats fake_net_stats(void);
/* drv matches the plugged device (1) and attaches; then the fake net/ starts, with no frame
 * seen. Returns 0, or -1 if either step failed. */
int fake_attach(const struct usb_driver *drv);
/* A teardown: unplugs drv's device and gives back every buffer net/ kept. Returns 0. */
int fake_unplug_teardown(const struct usb_driver *drv);

/*
 * Frames on the wire on their way to the host, in the order they came: what a
 * device model's bulk-in takes from (the front first).
 */
#define FAKE_WIRE_MAX 64
struct fake_wire {
    uint8_t frame[FAKE_WIRE_MAX][1600];
    size_t len[FAKE_WIRE_MAX];
    bool bad[FAKE_WIRE_MAX]; /* to be reported as received with an error */
    unsigned head, count;    /* the front, how many wait */
};
void fake_wire_put(struct fake_wire *w, const uint8_t *frame, size_t len, bool bad);
/* Drops the front frame. */
void fake_wire_pop(struct fake_wire *w);
/* An Ethernet frame of len bytes to dst, from a fixed source, its payload made from seed. */
void fake_frame_to(uint8_t *frame, const uint8_t *dst, size_t len, uint8_t seed);
/* A chip parser's frame callback for tests: n[0] counts frames, n[1..] their lengths. */
void fake_collect(void *n, uint8_t *frame, size_t len);

/*
 * A Microchip chip's register access as a control request (LAN9514 and LAN7800
 * datasheets alike: vendor request 0xa1 reads, 0xa0 writes a 32-bit register at
 * wIndex, wValue 0, 4 bytes): read/write the model's register file. Anything
 * else is counted in *bad and stalls (-EPIPE). Returns a control handler's result.
 */
int fake_vendor_register_request(const struct usb_setup *setup, uint8_t *data,
                                 uint32_t (*read)(uint16_t off),
                                 void (*write)(uint16_t off, uint32_t v), unsigned *bad);

/* Little-endian 32-bit words, as the chips' registers and framing words are. */
uint32_t fake_le32(const uint8_t *p);
void fake_put_le32(uint8_t *p, uint32_t v);

#endif
