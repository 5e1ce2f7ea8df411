// SPDX-License-Identifier: MIT
/*
 * SMSC LAN9512/LAN9514 USB Ethernet (0424:ec00): the Raspberry Pi 3 B's
 * Ethernet, behind the LAN9514's own hub. Registers from the LAN9514
 * datasheet (rev. 1.0, §7 "Register descriptions"); framing in framing.c.
 * attach: lite reset, PHY reset, the MAC (the Pi's firmware assigns it: the
 * mailbox's, given by platform code through usbnet_set_board_mac; else the
 * EEPROM's; else a random local one), bulk-in aggregation (several frames per
 * transfer, up to BURST_CAP packets), auto-negotiation, then the MAC's
 * receiver and transmitter. Link changes: the PHY's interrupt through the
 * interrupt endpoint, and a periodic PHY read (usbnet.c) in case one is lost.
 * Not supported: checksum offload, VLAN filters, multicast hash (all
 * multicast is passed), wake-on-LAN, the EEPROM beyond its MAC. QEMU has no
 * model of this chip: tests/unit/test_usbnet_smsc95xx.c runs this driver
 * against one written from the datasheet.
 */
#include <errno.h>
#include <string.h>

#include <mote/log.h>

#include "drivers/usb/net/framing.h"
#include "drivers/usb/net/mchp.h"
#include "drivers/usb/net/usbnet.h"
#include "drivers/usb/usb.h"

/* clang-format off */
#define SMSC_VENDOR            0x0424
#define SMSC_PRODUCT_LAN9514   0xec00

#define SMSC_ID_REV            0x000
#define   SMSC_ID_REV_CHIP_SHIFT 16
#define SMSC_INT_STS           0x008 /* write 1 to clear */
#define   SMSC_INT_STS_PHY_INT   0x00008000u
#define   SMSC_INT_STS_ALL       0xffffffffu
#define SMSC_TX_CFG            0x010
#define   SMSC_TX_CFG_ON         0x00000004u
#define SMSC_HW_CFG            0x014
#define   SMSC_HW_CFG_BIR        0x00001000u /* bulk-in empty response: NAK, not a ZLP */
#define   SMSC_HW_CFG_RXDOFF     0x00000600u /* bytes between status word and frame: 0 */
#define   SMSC_HW_CFG_MEF        0x00000020u /* multiple frames per bulk-in transfer */
#define   SMSC_HW_CFG_LRST       0x00000008u /* lite reset, self-clearing */
#define   SMSC_HW_CFG_BCE        0x00000002u /* burst cap enable */
#define SMSC_PM_CTRL           0x020
#define   SMSC_PM_CTRL_PHY_RST   0x00000010u /* self-clearing */
#define SMSC_LED_GPIO_CFG      0x024
#define   SMSC_LED_SPD           0x01000000u
#define   SMSC_LED_LNK           0x00100000u
#define   SMSC_LED_FDX           0x00010000u
#define SMSC_BURST_CAP         0x038 /* in bulk-in packets */
#define   SMSC_BURST_CAP_MAX     0xff
#define SMSC_INT_EP_CTL        0x068 /* which INT_STS bits the interrupt endpoint reports */
#define   SMSC_INT_EP_CTL_PHY    0x00008000u
#define SMSC_BULK_IN_DLY       0x06c
#define   SMSC_BULK_IN_DLY_DEF   0x00002000u /* reset value: about 140 us to gather frames */
#define SMSC_MAC_CR            0x100
#define   SMSC_MAC_CR_RCVOWN     0x00800000u /* do not receive own frames (half duplex) */
#define   SMSC_MAC_CR_FDPX       0x00100000u
#define   SMSC_MAC_CR_MCPAS      0x00080000u /* pass all multicast */
#define   SMSC_MAC_CR_PRMS       0x00040000u
#define   SMSC_MAC_CR_BCAST      0x00000800u /* 1: broadcast frames refused */
#define   SMSC_MAC_CR_TXEN       0x00000008u
#define   SMSC_MAC_CR_RXEN       0x00000004u
#define SMSC_ADDRH             0x104
#define SMSC_ADDRL             0x108
#define SMSC_MII_ADDR          0x114
#define SMSC_MII_DATA          0x118

/* The internal PHY's vendor registers (datasheet §7.4) */
#define PHY_INT_SRC            29    /* read to clear */
#define PHY_INT_MASK           30
#define   PHY_INT_ANEG_COMP      0x0040
#define   PHY_INT_LINK_DOWN      0x0010
/* clang-format on */

#define SMSC_INT_LEN 4     /* the interrupt endpoint sends INT_STS */
#define SMSC_RX_LEN  18944 /* 37 high-speed packets: 16 KiB of frames and what trails them */

/*
 * Bulk-in packets per transfer: the device ends a transfer when it holds this
 * many, so a transfer of exactly this size never waits for more.
 */
static unsigned smsc_burst(uint16_t mps)
{
    unsigned burst = SMSC_RX_LEN / mps;
    return burst < SMSC_BURST_CAP_MAX ? burst : SMSC_BURST_CAP_MAX;
}

static const struct mchp_mii smsc_mii = {SMSC_MII_ADDR, SMSC_MII_DATA};
static const struct usbnet_chip smsc_chip;
static bool smsc_full_duplex;

static int smsc_match(struct usb_device *dev)
{
    if (dev->vendor != SMSC_VENDOR || dev->product != SMSC_PRODUCT_LAN9514)
        return 0;
    return 1; /* its one configuration */
}

static int smsc_mac_write(struct usb_device *dev, const uint8_t mac[USBNET_MAC_LEN])
{
    uint32_t lo =
        (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24;
    uint32_t hi = (uint32_t)mac[4] | (uint32_t)mac[5] << 8;
    int err = mchp_write(dev, SMSC_ADDRL, lo);
    return err ? err : mchp_write(dev, SMSC_ADDRH, hi);
}

/* Configures the chip up to a running MAC; the link comes later. Returns 0 or a negative errno. */
static int smsc_setup(struct usb_device *dev, const uint8_t mac[USBNET_MAC_LEN], uint16_t mps)
{
    int err = mchp_write(dev, SMSC_HW_CFG, SMSC_HW_CFG_LRST);
    if (!err)
        err = mchp_wait(dev, SMSC_HW_CFG, SMSC_HW_CFG_LRST, false);
    if (!err)
        err = mchp_write(dev, SMSC_PM_CTRL, SMSC_PM_CTRL_PHY_RST);
    if (!err)
        err = mchp_wait(dev, SMSC_PM_CTRL, SMSC_PM_CTRL_PHY_RST, false);
    if (!err)
        err = smsc_mac_write(dev, mac);
    if (!err)
        err = mchp_write(dev, SMSC_BURST_CAP, smsc_burst(mps));
    if (!err)
        err = mchp_write(dev, SMSC_BULK_IN_DLY, SMSC_BULK_IN_DLY_DEF);
    if (!err)
        err = mchp_update(dev, SMSC_HW_CFG, SMSC_HW_CFG_RXDOFF,
                          SMSC_HW_CFG_BIR | SMSC_HW_CFG_MEF | SMSC_HW_CFG_BCE);
    if (!err)
        err = mchp_write(dev, SMSC_INT_STS, SMSC_INT_STS_ALL);
    if (!err)
        err = mchp_write(dev, SMSC_LED_GPIO_CFG, SMSC_LED_SPD | SMSC_LED_LNK | SMSC_LED_FDX);
    if (!err)
        err = mchp_phy_start(dev, &smsc_mii, false);
    if (!err) /* read once to clear what the reset left, then report these two */
        err = mchp_mii_read(dev, &smsc_mii, PHY_INT_SRC) < 0 ? -EIO : 0;
    if (!err)
        err = mchp_mii_write(dev, &smsc_mii, PHY_INT_MASK, PHY_INT_ANEG_COMP | PHY_INT_LINK_DOWN);
    if (!err)
        err = mchp_write(dev, SMSC_INT_EP_CTL, SMSC_INT_EP_CTL_PHY);
    if (!err) /* broadcast accepted (BCAST clear), all multicast for IPv6 and mDNS */
        err = mchp_update(dev, SMSC_MAC_CR, SMSC_MAC_CR_PRMS | SMSC_MAC_CR_BCAST,
                          SMSC_MAC_CR_MCPAS | SMSC_MAC_CR_TXEN | SMSC_MAC_CR_RXEN);
    if (!err)
        err = mchp_write(dev, SMSC_TX_CFG, SMSC_TX_CFG_ON);
    return err;
}

/* usbnet link_check: acknowledge the PHY's interrupt, read the link, match the MAC's duplex. */
static int smsc_link_check(struct usb_device *dev)
{
    int src = mchp_mii_read(dev, &smsc_mii, PHY_INT_SRC);
    if (src < 0)
        return src;
    int err = mchp_write(dev, SMSC_INT_STS, SMSC_INT_STS_PHY_INT);
    if (err)
        return err;
    bool full = false;
    int up = mchp_phy_link(dev, &smsc_mii, &full);
    if (up == 1 && full != smsc_full_duplex) {
        /* Half duplex must not hear its own frames back; full duplex has no such echo. */
        err = full ? mchp_update(dev, SMSC_MAC_CR, SMSC_MAC_CR_RCVOWN, SMSC_MAC_CR_FDPX)
                   : mchp_update(dev, SMSC_MAC_CR, SMSC_MAC_CR_FDPX, SMSC_MAC_CR_RCVOWN);
        if (err)
            return err;
        smsc_full_duplex = full;
        mote_log(MOTE_LOG_INFO, "smsc95xx: %s duplex", full ? "full" : "half");
    }
    return up;
}

/* usbnet interrupt: the endpoint sends INT_STS; the PHY's bit means "look at the link". */
static int smsc_interrupt(const uint8_t *buf, size_t len)
{
    if (len < SMSC_INT_LEN)
        return -EINVAL;
    uint32_t sts =
        (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
    return sts & SMSC_INT_STS_PHY_INT ? USBNET_LINK_CHECK : USBNET_LINK_SAME;
}

static int smsc_attach(struct usb_device *dev)
{
    const struct usb_endpoint *in = usb_find_endpoint_of(dev, 0, USB_XFER_BULK, USB_DIR_IN);
    const struct usb_endpoint *out = usb_find_endpoint_of(dev, 0, USB_XFER_BULK, USB_DIR_OUT);
    const struct usb_endpoint *intr = usb_find_endpoint_of(dev, 0, USB_XFER_INTERRUPT, USB_DIR_IN);
    if (!in || !out || in->max_packet == 0) {
        mote_log(MOTE_LOG_WARN, "smsc95xx: no bulk endpoints");
        return -ENODEV;
    }
    uint32_t id = 0;
    int err = mchp_read(dev, SMSC_ID_REV, &id);
    if (err) {
        mote_log(MOTE_LOG_WARN, "smsc95xx: registers not readable (%d)", err);
        return err;
    }
    uint8_t mac[USBNET_MAC_LEN];
    mchp_mac_choose(dev, SMSC_ADDRL, SMSC_ADDRH, "smsc95xx", mac);
    smsc_full_duplex = false;
    err = smsc_setup(dev, mac, in->max_packet);
    if (err) {
        mote_log(MOTE_LOG_WARN, "smsc95xx: setup failed (%d)", err);
        return err;
    }
    mote_log(MOTE_LOG_INFO, "smsc95xx: chip %04x revision %04x", (unsigned)(id >> 16),
             (unsigned)(id & 0xffff));
    int up = smsc_link_check(dev);
    struct usbnet_bind how = {
        .in = in,
        .out = out,
        .intr = intr,
        .rx_len = smsc_burst(in->max_packet) * in->max_packet,
        .link_up = up == 1,
    };
    return usbnet_bind(dev, &smsc_chip, mac, &how);
}

static void smsc_detach(struct usb_device *dev)
{
    usbnet_unbind(dev);
}

static const struct usbnet_chip smsc_chip = {
    .name = "smsc95xx",
    .tx_hdr_len = SMSC95XX_TX_HDR_LEN,
    .tx_header = smsc95xx_tx_header,
    .rx_transfers = 4, /* each holds up to 16 KiB of frames */
    .rx_spares = 4,
    .rx_parse = smsc95xx_rx_parse,
    .interrupt = smsc_interrupt,
    .link_check = smsc_link_check,
};

const struct usb_driver smsc95xx_driver = {
    .name = "smsc95xx",
    .match = smsc_match,
    .attach = smsc_attach,
    .detach = smsc_detach,
};
