// SPDX-License-Identifier: MIT
/*
 * Microchip LAN7800 USB Gigabit Ethernet (0424:7800): the Ethernet of the
 * Raspberry Pi 3 B+ (inside its LAN7515, behind the LAN7515's hub). Registers
 * from the LAN7800 datasheet (DS00001992, §15 "Register descriptions");
 * framing in framing.c. attach: lite reset, the MAC (the board's, from the
 * mailbox through usbnet_set_board_mac; else the chip's from its EEPROM or
 * OTP load; else a random local one) into the receive address and perfect
 * filter 0, bulk-in aggregation up to BURST_CAP packets, the receive filter,
 * PHY reset and auto-negotiation (speed and duplex follow the PHY by
 * themselves: MAC_CR's automatic modes), then the FIFO controllers and the
 * MAC. Link changes: the PHY's interrupt through the interrupt endpoint and a
 * periodic PHY read (usbnet.c). Not supported: checksum and segmentation
 * offload, VLAN, multicast hash (all multicast passes), EEE, wake-on-LAN.
 * QEMU has no model of this chip: tests/unit/test_usbnet_lan78xx.c runs this
 * driver against one written from the datasheet.
 */
#include <errno.h>
#include <string.h>

#include <mote/log.h>

#include "drivers/usb/net/framing.h"
#include "drivers/usb/net/mchp.h"
#include "drivers/usb/net/usbnet.h"
#include "drivers/usb/usb.h"

/* clang-format off */
#define LAN78XX_VENDOR          0x0424
#define LAN78XX_PRODUCT_LAN7800 0x7800

#define LAN78XX_ID_REV          0x000
#define LAN78XX_INT_STS         0x00c /* write 1 to clear */
#define   LAN78XX_INT_STS_PHY     0x00020000u
#define   LAN78XX_INT_STS_ALL     0xffffffffu
#define LAN78XX_HW_CFG          0x010
#define   LAN78XX_HW_CFG_MEF      0x00000010u /* multiple frames per bulk-in transfer */
#define   LAN78XX_HW_CFG_LRST     0x00000002u /* lite reset, self-clearing */
#define LAN78XX_PMT_CTL         0x014
#define   LAN78XX_PMT_CTL_READY   0x00000080u
#define   LAN78XX_PMT_CTL_PHY_RST 0x00000010u /* self-clearing */
#define LAN78XX_USB_CFG0        0x080
#define   LAN78XX_USB_CFG_BIR     0x00000040u /* bulk-in empty response: NAK */
#define   LAN78XX_USB_CFG_BCE     0x00000020u /* burst cap enable */
#define LAN78XX_BURST_CAP       0x090 /* in bulk-in packets */
#define   LAN78XX_BURST_CAP_MAX   0xff
#define LAN78XX_BULK_IN_DLY     0x094
#define   LAN78XX_BULK_IN_DLY_DEF 0x00000800u
#define LAN78XX_INT_EP_CTL      0x098
#define   LAN78XX_INT_EP_PHY      0x00020000u
#define LAN78XX_RFE_CTL         0x0b0
#define   LAN78XX_RFE_BCAST_EN    0x00000400u
#define   LAN78XX_RFE_MCAST_EN    0x00000200u
#define   LAN78XX_RFE_DA_PERFECT  0x00000002u
#define LAN78XX_FCT_RX_CTL      0x0c0
#define   LAN78XX_FCT_RX_EN       0x80000000u
#define LAN78XX_FCT_TX_CTL      0x0c4
#define   LAN78XX_FCT_TX_EN       0x80000000u
#define LAN78XX_MAC_CR          0x100
#define   LAN78XX_MAC_CR_ADP      0x00001000u /* duplex from the PHY */
#define   LAN78XX_MAC_CR_ASD      0x00000800u /* speed from the PHY */
#define LAN78XX_MAC_RX          0x104
#define   LAN78XX_MAC_RX_MAX_SHIFT 16
#define   LAN78XX_MAC_RX_MAX_MASK 0x3fff0000u
#define   LAN78XX_MAC_RX_RXEN     0x00000001u
#define LAN78XX_MAC_TX          0x108
#define   LAN78XX_MAC_TX_TXEN     0x00000001u
#define LAN78XX_RX_ADDRH        0x118
#define LAN78XX_RX_ADDRL        0x11c
#define LAN78XX_MII_ACC         0x120
#define LAN78XX_MII_DATA        0x124
#define LAN78XX_MAF_HI0         0x400 /* perfect filter 0 */
#define   LAN78XX_MAF_VALID       0x80000000u
#define LAN78XX_MAF_LO0         0x404

/* The internal PHY's vendor registers (datasheet §14) */
#define PHY_LAN88XX_INT_MASK    0x19
#define   PHY_INT_MASK_MDINTPIN   0x8000
#define   PHY_INT_MASK_LINK       0x2000
#define PHY_LAN88XX_INT_STS     0x1a /* read to clear */
/* clang-format on */

#define LAN78XX_RX_LEN 12288 /* 24 high-speed packets: the receive FIFO's size */
/* The longest frame the MAC accepts: tagged, with FCS */
#define LAN78XX_RX_MAX (USBNET_FRAME_MAX + USBNET_VLAN_TAG_LEN + USBNET_FCS_LEN)

static const struct mchp_mii lan78xx_mii = {LAN78XX_MII_ACC, LAN78XX_MII_DATA};
static const struct usbnet_chip lan78xx_chip;

static int lan78xx_match(struct usb_device *dev)
{
    if (dev->vendor != LAN78XX_VENDOR || dev->product != LAN78XX_PRODUCT_LAN7800)
        return 0;
    return 1;
}

/* Bulk-in packets per transfer (see smsc95xx.c: a full transfer never waits for more). */
static unsigned lan78xx_burst(uint16_t mps)
{
    unsigned burst = LAN78XX_RX_LEN / mps;
    return burst < LAN78XX_BURST_CAP_MAX ? burst : LAN78XX_BURST_CAP_MAX;
}

static int lan78xx_mac_write(struct usb_device *dev, const uint8_t mac[USBNET_MAC_LEN])
{
    uint32_t lo =
        (uint32_t)mac[0] | (uint32_t)mac[1] << 8 | (uint32_t)mac[2] << 16 | (uint32_t)mac[3] << 24;
    uint32_t hi = (uint32_t)mac[4] | (uint32_t)mac[5] << 8;
    int err = mchp_write(dev, LAN78XX_RX_ADDRL, lo);
    if (!err)
        err = mchp_write(dev, LAN78XX_RX_ADDRH, hi);
    /* The perfect filter decides what is "ours" (RFE_CTL DA_PERFECT): low word first. */
    if (!err)
        err = mchp_write(dev, LAN78XX_MAF_LO0, lo);
    if (!err)
        err = mchp_write(dev, LAN78XX_MAF_HI0, hi | LAN78XX_MAF_VALID);
    return err;
}

static int lan78xx_setup(struct usb_device *dev, const uint8_t mac[USBNET_MAC_LEN], uint16_t mps)
{
    int err = mchp_update(dev, LAN78XX_HW_CFG, 0, LAN78XX_HW_CFG_LRST);
    if (!err)
        err = mchp_wait(dev, LAN78XX_HW_CFG, LAN78XX_HW_CFG_LRST, false);
    if (!err)
        err = lan78xx_mac_write(dev, mac);
    if (!err)
        err = mchp_update(dev, LAN78XX_USB_CFG0, 0, LAN78XX_USB_CFG_BIR | LAN78XX_USB_CFG_BCE);
    if (!err)
        err = mchp_write(dev, LAN78XX_BURST_CAP, lan78xx_burst(mps));
    if (!err)
        err = mchp_write(dev, LAN78XX_BULK_IN_DLY, LAN78XX_BULK_IN_DLY_DEF);
    if (!err)
        err = mchp_update(dev, LAN78XX_HW_CFG, 0, LAN78XX_HW_CFG_MEF);
    if (!err)
        err = mchp_write(dev, LAN78XX_INT_STS, LAN78XX_INT_STS_ALL);
    if (!err)
        err = mchp_write(dev, LAN78XX_RFE_CTL,
                         LAN78XX_RFE_BCAST_EN | LAN78XX_RFE_MCAST_EN | LAN78XX_RFE_DA_PERFECT);
    if (!err)
        err = mchp_update(dev, LAN78XX_PMT_CTL, 0, LAN78XX_PMT_CTL_PHY_RST);
    if (!err)
        err = mchp_wait(dev, LAN78XX_PMT_CTL, LAN78XX_PMT_CTL_PHY_RST, false);
    if (!err)
        err = mchp_wait(dev, LAN78XX_PMT_CTL, LAN78XX_PMT_CTL_READY, true);
    if (!err)
        err = mchp_update(dev, LAN78XX_MAC_CR, 0, LAN78XX_MAC_CR_ADP | LAN78XX_MAC_CR_ASD);
    if (!err)
        err = mchp_phy_start(dev, &lan78xx_mii, true);
    if (!err)
        err = mchp_mii_read(dev, &lan78xx_mii, PHY_LAN88XX_INT_STS) < 0 ? -EIO : 0;
    if (!err)
        err = mchp_mii_write(dev, &lan78xx_mii, PHY_LAN88XX_INT_MASK,
                             PHY_INT_MASK_MDINTPIN | PHY_INT_MASK_LINK);
    if (!err)
        err = mchp_write(dev, LAN78XX_INT_EP_CTL, LAN78XX_INT_EP_PHY);
    if (!err)
        err = mchp_update(dev, LAN78XX_MAC_TX, 0, LAN78XX_MAC_TX_TXEN);
    if (!err)
        err = mchp_update(dev, LAN78XX_FCT_TX_CTL, 0, LAN78XX_FCT_TX_EN);
    if (!err)
        err =
            mchp_update(dev, LAN78XX_MAC_RX, LAN78XX_MAC_RX_MAX_MASK,
                        (uint32_t)LAN78XX_RX_MAX << LAN78XX_MAC_RX_MAX_SHIFT | LAN78XX_MAC_RX_RXEN);
    if (!err)
        err = mchp_update(dev, LAN78XX_FCT_RX_CTL, 0, LAN78XX_FCT_RX_EN);
    return err;
}

/* usbnet link_check: acknowledge the PHY's interrupt and read the link. */
static int lan78xx_link_check(struct usb_device *dev)
{
    int sts = mchp_mii_read(dev, &lan78xx_mii, PHY_LAN88XX_INT_STS);
    if (sts < 0)
        return sts;
    int err = mchp_write(dev, LAN78XX_INT_STS, LAN78XX_INT_STS_PHY);
    return err ? err : mchp_phy_link(dev, &lan78xx_mii, NULL);
}

static int lan78xx_interrupt(const uint8_t *buf, size_t len)
{
    if (len < 4)
        return -EINVAL;
    uint32_t sts =
        (uint32_t)buf[0] | (uint32_t)buf[1] << 8 | (uint32_t)buf[2] << 16 | (uint32_t)buf[3] << 24;
    return sts & LAN78XX_INT_STS_PHY ? USBNET_LINK_CHECK : USBNET_LINK_SAME;
}

static int lan78xx_attach(struct usb_device *dev)
{
    const struct usb_endpoint *in = usb_find_endpoint_of(dev, 0, USB_XFER_BULK, USB_DIR_IN);
    const struct usb_endpoint *out = usb_find_endpoint_of(dev, 0, USB_XFER_BULK, USB_DIR_OUT);
    const struct usb_endpoint *intr = usb_find_endpoint_of(dev, 0, USB_XFER_INTERRUPT, USB_DIR_IN);
    if (!in || !out || in->max_packet == 0) {
        mote_log(MOTE_LOG_WARN, "lan78xx: no bulk endpoints");
        return -ENODEV;
    }
    uint32_t id = 0;
    int err = mchp_read(dev, LAN78XX_ID_REV, &id);
    if (err) {
        mote_log(MOTE_LOG_WARN, "lan78xx: registers not readable (%d)", err);
        return err;
    }
    uint8_t mac[USBNET_MAC_LEN];
    mchp_mac_choose(dev, LAN78XX_RX_ADDRL, LAN78XX_RX_ADDRH, "lan78xx", mac);
    err = lan78xx_setup(dev, mac, in->max_packet);
    if (err) {
        mote_log(MOTE_LOG_WARN, "lan78xx: setup failed (%d)", err);
        return err;
    }
    mote_log(MOTE_LOG_INFO, "lan78xx: chip %04x revision %04x", (unsigned)(id >> 16),
             (unsigned)(id & 0xffff));
    int up = lan78xx_link_check(dev);
    struct usbnet_bind how = {
        .in = in,
        .out = out,
        .intr = intr,
        .rx_len = lan78xx_burst(in->max_packet) * in->max_packet,
        .link_up = up == 1,
    };
    return usbnet_bind(dev, &lan78xx_chip, mac, &how);
}

static void lan78xx_detach(struct usb_device *dev)
{
    usbnet_unbind(dev);
}

static const struct usbnet_chip lan78xx_chip = {
    .name = "lan78xx",
    .tx_hdr_len = LAN78XX_TX_HDR_LEN,
    .tx_header = lan78xx_tx_header,
    .rx_transfers = 4,
    .rx_spares = 4,
    .rx_parse = lan78xx_rx_parse,
    .interrupt = lan78xx_interrupt,
    .link_check = lan78xx_link_check,
};

const struct usb_driver lan78xx_driver = {
    .name = "lan78xx",
    .match = lan78xx_match,
    .attach = lan78xx_attach,
    .detach = lan78xx_detach,
};
