/* SPDX-License-Identifier: MIT */
/*
 * Register and PHY access shared by the Microchip (formerly SMSC) USB
 * Ethernet chips, LAN9514 (smsc95xx.c) and LAN7800 (lan78xx.c): both read and
 * write their 32-bit registers with the same two vendor requests and reach
 * their internal PHY through an address/data register pair of the same
 * layout (LAN9514 datasheet §6.2 and §7.3.13; LAN7800 datasheet §7.2 and
 * §15.1.30). PHY registers are IEEE 802.3 clause 22 (§22.2.4).
 * Synchronous (usb_control): for attach and link checks, never completions.
 */
#ifndef DRIVERS_USB_NET_MCHP_H
#define DRIVERS_USB_NET_MCHP_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/usb/usb.h"

/* clang-format off */
#define MCHP_REQ_WRITE_REGISTER 0xa0 /* vendor, device, OUT: wIndex = register, 4 data bytes LE */
#define MCHP_REQ_READ_REGISTER  0xa1 /* vendor, device, IN: the same */

/* The MII address register's layout, on both chips */
#define MCHP_MII_BUSY          0x00000001u
#define MCHP_MII_WRITE         0x00000002u
#define MCHP_MII_REG_SHIFT     6
#define MCHP_MII_REG_MASK      0x1fu
#define MCHP_MII_PHY_SHIFT     11
#define MCHP_MII_PHY_MASK      0x1fu
#define MCHP_PHY_INTERNAL      1     /* the internal PHY's address on both chips */

/* IEEE 802.3 clause 22 PHY registers */
#define MII_BMCR               0x00
#define   BMCR_RESET             0x8000
#define   BMCR_ANENABLE          0x1000
#define   BMCR_ANRESTART         0x0200
#define MII_BMSR               0x01
#define   BMSR_LSTATUS           0x0004 /* latched low: read twice for the present state */
#define   BMSR_ANEGCOMPLETE      0x0020
#define MII_ADVERTISE          0x04
#define   ADVERTISE_CSMA         0x0001
#define   ADVERTISE_10HALF       0x0020
#define   ADVERTISE_10FULL       0x0040
#define   ADVERTISE_100HALF      0x0080
#define   ADVERTISE_100FULL      0x0100
#define   ADVERTISE_PAUSE        0x0400
#define   ADVERTISE_PAUSE_ASYM   0x0800
#define   ADVERTISE_ALL          (ADVERTISE_10HALF | ADVERTISE_10FULL | ADVERTISE_100HALF | ADVERTISE_100FULL)
#define MII_LPA                0x05
#define MII_CTRL1000           0x09
#define   CTRL1000_FULL          0x0200
/* clang-format on */

#define MCHP_CONTROL_MS 500
#define MCHP_POLL_TRIES 1000 /* register reads waiting for a self-clearing bit */

/* Where a chip's MII address and data registers are. */
struct mchp_mii {
    uint16_t addr_reg, data_reg;
};

/* Reads register reg into *val. Returns 0 or a negative errno (usb.h). */
int mchp_read(struct usb_device *dev, uint16_t reg, uint32_t *val);
/* Writes val to register reg. Returns 0 or a negative errno. */
int mchp_write(struct usb_device *dev, uint16_t reg, uint32_t val);
/* Read, clear the bits of clear, set those of set, write. Returns 0 or a negative errno. */
int mchp_update(struct usb_device *dev, uint16_t reg, uint32_t clear, uint32_t set);
/* Waits for (reg & mask) to be all set (set) or all clear. Returns 0, -ETIMEDOUT or an error. */
int mchp_wait(struct usb_device *dev, uint16_t reg, uint32_t mask, bool set);

/* The internal PHY's register phy_reg: its value (0..0xffff), or a negative errno. */
int mchp_mii_read(struct usb_device *dev, const struct mchp_mii *mii, uint8_t phy_reg);
/* Writes the internal PHY's register phy_reg. Returns 0 or a negative errno. */
int mchp_mii_write(struct usb_device *dev, const struct mchp_mii *mii, uint8_t phy_reg,
                   uint16_t val);

/*
 * Resets the PHY (BMCR), advertises 10/100 both duplexes and pause (and
 * 1000 full when gigabit) and starts auto-negotiation. Returns 0 or a
 * negative errno.
 */
int mchp_phy_start(struct usb_device *dev, const struct mchp_mii *mii, bool gigabit);

/*
 * The link as the PHY sees it now: 1 up, 0 down, or a negative errno. When up
 * and full is not NULL, *full says whether the negotiated duplex is full.
 */
int mchp_phy_link(struct usb_device *dev, const struct mchp_mii *mii, bool *full);

/* A usable station address: not all zero, not a group address. */
bool mchp_mac_valid(const uint8_t mac[6]);

/*
 * The MAC a chip is to use: the network device's or the board's (the Pi's
 * firmware; usbnet_board_mac), else the one the chip loaded from its EEPROM
 * into its address registers addrl/addrh, else a random locally administered
 * one (logged as name's). Fills mac.
 */
void mchp_mac_choose(struct usb_device *dev, uint16_t addrl, uint16_t addrh, const char *name,
                     uint8_t mac[6]);

#endif
