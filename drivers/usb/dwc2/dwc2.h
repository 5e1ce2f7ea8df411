/* SPDX-License-Identifier: MIT */
/*
 * The DWC2 USB host controller driver (drivers/usb/dwc2/, docs/usb.md): what
 * a board calls to start it.
 */
#ifndef DRIVERS_USB_DWC2_DWC2_H
#define DRIVERS_USB_DWC2_DWC2_H

#include <stdint.h>

/*
 * Starts the controller at base (mapped as device memory) with interrupt
 * intid: power (the board did that already, e.g. through the mailbox), core
 * reset, host mode, FIFOs, DMA, root port power; registers it with the USB
 * core and enumerates what is connected to the root port before returning.
 * ram_bus_alias is what the controller's DMA adds to an ARM physical address
 * (BCM2837: 0xc0000000). Returns 0, -ENODEV when no DWC2 answers at base,
 * -EIO when the core does not reset or enter host mode, or as irq_register.
 */
int dwc2_init(uintptr_t base, unsigned intid, uint32_t ram_bus_alias);

#endif
