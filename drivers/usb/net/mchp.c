// SPDX-License-Identifier: MIT
/* Register and PHY access of the LAN9514 and LAN7800 (mchp.h). */
#include "drivers/usb/net/mchp.h"

#include <errno.h>
#include <string.h>

#include <mote/log.h>

#include "drivers/usb/net/usbnet.h"
#include "kernel/random.h"

#define MCHP_REG_LEN  4
#define MAC_MULTICAST 0x01 /* first octet: a group address */
#define MAC_LOCAL     0x02 /* first octet: locally administered */
#define CACHE_LINE    64   /* a control buffer on the stack gets a line of its own, for DMA */

static int reg_xfer(struct usb_device *dev, uint8_t dir, uint8_t request, uint16_t reg,
                    uint8_t *buf)
{
    struct usb_setup setup = {
        .request_type = dir | USB_TYPE_VENDOR | USB_RECIP_DEVICE,
        .request = request,
        .index = reg,
        .length = MCHP_REG_LEN,
    };
    int n = usb_control(dev, &setup, buf, MCHP_CONTROL_MS);
    if (n < 0)
        return n;
    return n == MCHP_REG_LEN ? 0 : -EPROTO;
}

int mchp_read(struct usb_device *dev, uint16_t reg, uint32_t *val)
{
    uint8_t buf[CACHE_LINE] __attribute__((aligned(CACHE_LINE)));
    int err = reg_xfer(dev, USB_DIR_IN, MCHP_REQ_READ_REGISTER, reg, buf);
    if (!err)
        *val = (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 |
               (uint32_t)buf[3] << 24;
    return err;
}

int mchp_write(struct usb_device *dev, uint16_t reg, uint32_t val)
{
    uint8_t buf[CACHE_LINE] __attribute__((aligned(CACHE_LINE))) = {
        (uint8_t)val, (uint8_t)(val >> 8), (uint8_t)(val >> 16), (uint8_t)(val >> 24)};
    return reg_xfer(dev, USB_DIR_OUT, MCHP_REQ_WRITE_REGISTER, reg, buf);
}

int mchp_update(struct usb_device *dev, uint16_t reg, uint32_t clear, uint32_t set)
{
    uint32_t val;
    int err = mchp_read(dev, reg, &val);
    return err ? err : mchp_write(dev, reg, (val & ~clear) | set);
}

int mchp_wait(struct usb_device *dev, uint16_t reg, uint32_t mask, bool set)
{
    for (unsigned i = 0; i < MCHP_POLL_TRIES; i++) {
        uint32_t val;
        int err = mchp_read(dev, reg, &val);
        if (err)
            return err;
        if ((val & mask) == (set ? mask : 0))
            return 0;
    }
    return -ETIMEDOUT;
}

static uint32_t mii_command(uint8_t phy_reg, uint32_t write)
{
    return (MCHP_PHY_INTERNAL & MCHP_MII_PHY_MASK) << MCHP_MII_PHY_SHIFT |
           (phy_reg & MCHP_MII_REG_MASK) << MCHP_MII_REG_SHIFT | write | MCHP_MII_BUSY;
}

int mchp_mii_read(struct usb_device *dev, const struct mchp_mii *mii, uint8_t phy_reg)
{
    int err = mchp_wait(dev, mii->addr_reg, MCHP_MII_BUSY, false);
    if (!err)
        err = mchp_write(dev, mii->addr_reg, mii_command(phy_reg, 0));
    if (!err)
        err = mchp_wait(dev, mii->addr_reg, MCHP_MII_BUSY, false);
    uint32_t val = 0;
    if (!err)
        err = mchp_read(dev, mii->data_reg, &val);
    return err ? err : (int)(val & 0xffff);
}

int mchp_mii_write(struct usb_device *dev, const struct mchp_mii *mii, uint8_t phy_reg,
                   uint16_t val)
{
    int err = mchp_wait(dev, mii->addr_reg, MCHP_MII_BUSY, false);
    if (!err) /* the data first: the command starts the cycle */
        err = mchp_write(dev, mii->data_reg, val);
    if (!err)
        err = mchp_write(dev, mii->addr_reg, mii_command(phy_reg, MCHP_MII_WRITE));
    if (!err)
        err = mchp_wait(dev, mii->addr_reg, MCHP_MII_BUSY, false);
    return err;
}

int mchp_phy_start(struct usb_device *dev, const struct mchp_mii *mii, bool gigabit)
{
    int err = mchp_mii_write(dev, mii, MII_BMCR, BMCR_RESET);
    for (unsigned i = 0; !err && i < MCHP_POLL_TRIES; i++) {
        int bmcr = mchp_mii_read(dev, mii, MII_BMCR);
        if (bmcr < 0)
            return bmcr;
        if (!(bmcr & BMCR_RESET))
            break;
        if (i == MCHP_POLL_TRIES - 1)
            return -ETIMEDOUT; /* 802.3 §22.2.4.1.1: done within 0.5 s */
    }
    if (!err)
        err =
            mchp_mii_write(dev, mii, MII_ADVERTISE,
                           ADVERTISE_CSMA | ADVERTISE_ALL | ADVERTISE_PAUSE | ADVERTISE_PAUSE_ASYM);
    if (!err && gigabit)
        err = mchp_mii_write(dev, mii, MII_CTRL1000, CTRL1000_FULL);
    if (!err)
        err = mchp_mii_write(dev, mii, MII_BMCR, BMCR_ANENABLE | BMCR_ANRESTART);
    return err;
}

int mchp_phy_link(struct usb_device *dev, const struct mchp_mii *mii, bool *full)
{
    int bmsr = mchp_mii_read(dev, mii, MII_BMSR); /* clears a latched link loss */
    if (bmsr >= 0)
        bmsr = mchp_mii_read(dev, mii, MII_BMSR);
    if (bmsr < 0)
        return bmsr;
    bool up = (bmsr & BMSR_LSTATUS) && (bmsr & BMSR_ANEGCOMPLETE);
    if (up && full) {
        int adv = mchp_mii_read(dev, mii, MII_ADVERTISE);
        int lpa = adv < 0 ? adv : mchp_mii_read(dev, mii, MII_LPA);
        if (lpa < 0)
            return lpa;
        /* 802.3 Annex 28B.3: the highest common ability; 100 half beats 10 full */
        int common = adv & lpa;
        *full = (common & ADVERTISE_100FULL) ||
                (!(common & ADVERTISE_100HALF) && (common & ADVERTISE_10FULL));
    }
    return up;
}

bool mchp_mac_valid(const uint8_t mac[6])
{
    return !(mac[0] & MAC_MULTICAST) && (mac[0] | mac[1] | mac[2] | mac[3] | mac[4] | mac[5]) != 0;
}

void mchp_mac_choose(struct usb_device *dev, uint16_t addrl, uint16_t addrh, const char *name,
                     uint8_t mac[6])
{
    if (usbnet_board_mac(mac) && mchp_mac_valid(mac))
        return;
    uint32_t lo = 0, hi = 0;
    if (mchp_read(dev, addrl, &lo) == 0 && mchp_read(dev, addrh, &hi) == 0) {
        const uint8_t m[6] = {(uint8_t)lo,         (uint8_t)(lo >> 8), (uint8_t)(lo >> 16),
                              (uint8_t)(lo >> 24), (uint8_t)hi,        (uint8_t)(hi >> 8)};
        memcpy(mac, m, sizeof(m));
        if (mchp_mac_valid(mac))
            return;
    }
    uint64_t r = random_u64();
    for (unsigned i = 0; i < 6; i++)
        mac[i] = (uint8_t)(r >> (8 * i));
    mac[0] = (uint8_t)((mac[0] & ~MAC_MULTICAST) | MAC_LOCAL);
    mote_log(MOTE_LOG_WARN, "%s: no MAC from the board or the EEPROM; a random one", name);
}
