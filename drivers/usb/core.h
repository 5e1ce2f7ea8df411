/* SPDX-License-Identifier: MIT */
/*
 * Inside the USB stack: what the core (drivers/usb/core.c) and a host
 * controller driver (drivers/usb/dwc2/) ask of each other, and what the hub
 * class driver (drivers/usb/hub.c) asks of the core. Class drivers use
 * usb.h only.
 */
#ifndef DRIVERS_USB_CORE_H
#define DRIVERS_USB_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/usb/usb.h"

#define USB_MAX_DEPTH 5 /* hubs between a device and the root port (USB 2.0 §4.1.1) */

/* What a host controller driver provides; every operation is set. */
struct usb_hcd {
    const char *name;
    /*
     * Runs one control transfer on dev's endpoint 0 and waits for it by
     * polling (no done callbacks run meanwhile). Returns the data stage's
     * bytes or a negative errno (usb.h).
     */
    int (*control)(struct usb_device *dev, const struct usb_setup *setup, void *data,
                   uint32_t timeout_ms);
    /* Queues a bulk or interrupt transfer, validated by the core. Returns 0 or a negative errno. */
    int (*submit)(struct usb_transfer *t);
    /* Ends t if queued: done runs with -ECANCELED before this returns. */
    void (*cancel)(struct usb_transfer *t);
    /* Every transfer of dev completes with -ENODEV before this returns; dev is then forgotten. */
    void (*device_gone)(struct usb_device *dev);
    /* Collects completions now (usb_poll). */
    void (*poll)(void);
    /*
     * Resets the root port (USB 2.0 §7.1.7.5: 50 ms) and enables it. Returns
     * 0 with the attached device's speed, -ENODEV when nothing is connected,
     * -EIO when the port does not come up.
     */
    int (*root_reset)(enum usb_speed *speed);
};

/*
 * Called once by the host controller driver after its init, with no device
 * enumerated yet. Returns 0 or -EBUSY (one controller).
 */
int usb_hcd_register(const struct usb_hcd *hcd);

/*
 * The host controller driver saw the root port's connection change: the core
 * enumerates what is connected, or tears down what was. From the event loop
 * (or the platform's probe, before it runs).
 */
void usb_root_changed(bool connected);

/* Counters the host controller driver updates (usb_get_stats reads them). */
extern struct usb_stats usb_stats;

/*
 * For the hub driver: enumerates the device just reset on parent's port
 * (address, descriptors, driver). Returns it (possibly without a driver) or
 * NULL when it could not be enumerated (logged).
 */
struct usb_device *usb_enumerate(struct usb_device *parent, uint8_t port, enum usb_speed speed);

/*
 * For the hub driver and the root port: the device is gone. Its transfers
 * complete with -ENODEV, its driver detaches (a hub's detach disconnects its
 * children first), its address is freed and dev is freed.
 */
void usb_disconnect(struct usb_device *dev);

/* "1-1.3": the device's path from the root port, for log lines. */
const char *usb_device_name(const struct usb_device *dev, char *buf, size_t size);

/* The hub class driver (hub.c), which the core registers itself. */
extern const struct usb_driver usb_hub_driver;

/* Waits ms milliseconds by polling the clock (enumeration delays, §7.1.7.3). */
void usb_delay_ms(uint32_t ms);

#endif
