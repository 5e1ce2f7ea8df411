// SPDX-License-Identifier: MIT
/*
 * Unit tests for the LAN7800 driver (drivers/usb/net/lan78xx.c, usbnet.c,
 * mchp.c, framing.c) against a model of the chip written from the LAN7800
 * datasheet (DS00001992): the vendor register requests (0xA0/0xA1, 4 bytes
 * little endian), the registers the driver touches with their reset values
 * and self-clearing bits (§15), PMT_CTL's READY around resets, the MII
 * access protocol (MII_ACC/MII_DATA) to the internal gigabit PHY at address
 * 1 (interrupt status 0x1A, mask 0x19), the receive filtering engine (perfect
 * filter MAF 0, broadcast, multicast), MAC_RX's maximum size and FCS
 * stripping, the RX command A/B/C framing with bulk-in aggregation (MEF,
 * BURST_CAP with BCE, BIR) and the TX command A/B words. QEMU has no LAN7800,
 * so this is what tests the driver.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <mote/net.h>

#include "drivers/usb/net/framing.h"
#include "drivers/usb/net/usbnet.h"
#include "tests/unit/usbnet_fake.h"
#include "tests/unit/usbnet_phy.h"

#define EP_IN   0x81
#define EP_OUT  0x02
#define EP_INTR 0x83
#define MPS     512

/* clang-format off */
#define ID_REV       0x000
#define INT_STS      0x00c
#define   INT_STS_PHY  0x00020000u
#define HW_CFG       0x010
#define   HW_CFG_MEF   0x00000010u
#define   HW_CFG_LRST  0x00000002u
#define PMT_CTL      0x014
#define   PMT_READY    0x00000080u
#define   PMT_PHY_RST  0x00000010u
#define USB_CFG0     0x080
#define   USB_CFG_BIR  0x00000040u
#define   USB_CFG_BCE  0x00000020u
#define BURST_CAP    0x090
#define BULK_IN_DLY  0x094
#define INT_EP_CTL   0x098
#define RFE_CTL      0x0b0
#define   RFE_BCAST    0x00000400u
#define   RFE_MCAST    0x00000200u
#define   RFE_UCAST    0x00000100u
#define   RFE_PERFECT  0x00000002u
#define FCT_RX_CTL   0x0c0
#define FCT_TX_CTL   0x0c4
#define   FCT_EN       0x80000000u
#define MAC_CR       0x100
#define   MAC_CR_ADP   0x00001000u
#define   MAC_CR_ASD   0x00000800u
#define MAC_RX       0x104
#define   MAC_RX_FCS_STRIP 0x00000010u
#define   MAC_RX_RXEN  0x00000001u
#define MAC_TX       0x108
#define   MAC_TX_TXEN  0x00000001u
#define RX_ADDRH     0x118
#define RX_ADDRL     0x11c
#define MII_ACC      0x120
#define MII_DATA     0x124
#define MAF_HI0      0x400
#define   MAF_VALID    0x80000000u
#define MAF_LO0      0x404
#define REGS_SIZE    0x500
/* clang-format on */

static const uint8_t eeprom_mac[6] = {0x00, 0x80, 0x0f, 0x78, 0x00, 0x01};

static struct {
    uint32_t reg[REGS_SIZE / 4];
    unsigned lrst_reads, phyrst_reads, mii_busy_reads;
    struct model_phy phy;
    struct fake_wire wire; /* frames waiting to go to the host */
    unsigned lite_resets, mii_violations, bad_requests, filtered, too_long, aggregates;
    uint8_t out[32][1600];
    size_t out_len[32];
    unsigned nout, out_dropped, out_malformed, out_no_fcs;
    uint8_t intr_raw[4];
    size_t intr_raw_len;
} c;

#define R(off) c.reg[(off) / 4]

static void chip_reset(void)
{
    memset(c.reg, 0, sizeof(c.reg));
    R(ID_REV) = 0x78000002;
    R(PMT_CTL) = PMT_READY;
    R(BULK_IN_DLY) = 0x800;
    R(MAC_RX) = 1518u << 16;             /* maximum size reset value */
    R(RX_ADDRL) = fake_le32(eeprom_mac); /* loaded from the EEPROM at reset */
    R(RX_ADDRH) = (uint32_t)eeprom_mac[4] | (uint32_t)eeprom_mac[5] << 8;
}

static uint32_t reg_read(uint16_t off)
{
    switch (off) {
    case HW_CFG:
        if (c.lrst_reads && --c.lrst_reads == 0) {
            R(HW_CFG) &= ~HW_CFG_LRST;
            R(PMT_CTL) |= PMT_READY;
        }
        break;
    case PMT_CTL:
        if (c.phyrst_reads && --c.phyrst_reads == 0) {
            R(PMT_CTL) &= ~PMT_PHY_RST;
            R(PMT_CTL) |= PMT_READY;
        }
        break;
    case MII_ACC:
        if (c.mii_busy_reads && --c.mii_busy_reads == 0)
            R(MII_ACC) &= ~1u;
        break;
    case INT_STS: return R(INT_STS) | (model_phy_irq(&c.phy) ? INT_STS_PHY : 0);
    default: break;
    }
    return off < REGS_SIZE ? R(off) : 0;
}

static void reg_write(uint16_t off, uint32_t v)
{
    switch (off) {
    case ID_REV: return;
    case INT_STS: R(INT_STS) &= ~v; return;
    case HW_CFG:
        if (v & HW_CFG_LRST) {
            chip_reset();
            c.lite_resets++;
            R(HW_CFG) = v;
            R(PMT_CTL) &= ~PMT_READY;
            c.lrst_reads = 2;
            return;
        }
        break;
    case PMT_CTL:
        if (v & PMT_PHY_RST) {
            model_phy_init(&c.phy);
            R(PMT_CTL) = (v | PMT_PHY_RST) & ~PMT_READY;
            c.phyrst_reads = 3;
            return;
        }
        v = (v & ~PMT_READY) | (R(PMT_CTL) & PMT_READY); /* READY is read-only */
        break;
    case MII_ACC:
        if (!(v & 1u))
            break;
        if (R(MII_ACC) & 1u) {
            c.mii_violations++;
            return;
        }
        {
            unsigned phy = (v >> 11) & 0x1f, reg = (v >> 6) & 0x1f;
            if (v & 2u) {
                if (phy == 1)
                    model_phy_write(&c.phy, (uint8_t)reg, (uint16_t)R(MII_DATA));
            } else
                R(MII_DATA) = phy == 1 ? model_phy_read(&c.phy, (uint8_t)reg) : 0xffff;
        }
        R(MII_ACC) = v;
        c.mii_busy_reads = 2;
        return;
    default: break;
    }
    if (off < REGS_SIZE)
        R(off) = v;
}

static int chip_control(const struct usb_setup *s, uint8_t *data)
{
    return fake_vendor_register_request(s, data, reg_read, reg_write, &c.bad_requests);
}

static bool filter_pass(const uint8_t *f)
{
    uint32_t rfe = R(RFE_CTL);
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (memcmp(f, bcast, 6) == 0)
        return rfe & RFE_BCAST;
    if (f[0] & 1)
        return rfe & RFE_MCAST;
    if (rfe & RFE_UCAST)
        return true;
    if (!(rfe & RFE_PERFECT) || !(R(MAF_HI0) & MAF_VALID))
        return false;
    uint8_t maf[6];
    fake_put_le32(maf, R(MAF_LO0));
    maf[4] = (uint8_t)R(MAF_HI0);
    maf[5] = (uint8_t)(R(MAF_HI0) >> 8);
    return memcmp(f, maf, 6) == 0;
}

/* Bulk-in: RX command A, B, C, the frame (FCS unless stripped), padding to 4. */
static int chip_bulk_in(uint8_t *buf, size_t room)
{
    size_t limit = room;
    if (R(USB_CFG0) & USB_CFG_BCE)
        limit = R(BURST_CAP) * MPS < room ? R(BURST_CAP) * MPS : room;
    bool rx_on = (R(MAC_RX) & MAC_RX_RXEN) && (R(FCT_RX_CTL) & FCT_EN);
    bool strip = R(MAC_RX) & MAC_RX_FCS_STRIP;
    size_t max = (R(MAC_RX) >> 16) & 0x3fff;
    size_t off = 0;
    unsigned frames = 0;
    while (c.wire.count && rx_on) {
        unsigned i = c.wire.head;
        if (!filter_pass(c.wire.frame[i])) {
            c.filtered++;
            fake_wire_pop(&c.wire);
            continue;
        }
        if (c.wire.len[i] + 4 > max) {
            c.too_long++;
            fake_wire_pop(&c.wire);
            continue;
        }
        size_t fl = c.wire.len[i] + (strip ? 0 : 4);
        size_t pad = (4 - off % 4) % 4;
        size_t need = (frames ? pad : 0) + 10 + fl;
        if (off + need > limit) {
            if (frames == 0)
                return -EOVERFLOW;
            break;
        }
        if (frames)
            off += pad;
        fake_put_le32(buf + off, (uint32_t)fl | (c.wire.bad[i] ? 0x00410000u : 0)); /* RED, FCS */
        fake_put_le32(buf + off + 4, 0);
        buf[off + 8] = buf[off + 9] = 0;
        memcpy(buf + off + 10, c.wire.frame[i], c.wire.len[i]);
        if (!strip)
            memset(buf + off + 10 + c.wire.len[i], 0xcc, 4);
        off += 10 + fl;
        frames++;
        fake_wire_pop(&c.wire);
        if (!(R(HW_CFG) & HW_CFG_MEF))
            break;
    }
    if (frames > 1)
        c.aggregates++;
    if (frames)
        return (int)off;
    return (R(USB_CFG0) & USB_CFG_BIR) ? -EAGAIN : 0;
}

static int chip_in(uint8_t ep, uint8_t *buf, size_t room)
{
    (void)room;
    if (ep == EP_IN)
        return chip_bulk_in(buf, room);
    if (ep == EP_INTR) {
        if (c.intr_raw_len) {
            memcpy(buf, c.intr_raw, c.intr_raw_len);
            size_t n = c.intr_raw_len;
            c.intr_raw_len = 0;
            return (int)n;
        }
        if (!(reg_read(INT_STS) & R(INT_EP_CTL)))
            return -EAGAIN;
        fake_put_le32(buf, reg_read(INT_STS));
        return 4;
    }
    return -EAGAIN;
}

static void chip_bulk_out(const uint8_t *buf, size_t len, bool zlp)
{
    (void)zlp;
    size_t off = 0;
    while (off < len) {
        if (len - off < 8) {
            c.out_malformed++;
            return;
        }
        uint32_t a = fake_le32(buf + off);
        size_t size = a & 0xfffff;
        if (size == 0 || size > len - off - 8) {
            c.out_malformed++;
            return;
        }
        if (!(a & 0x00400000u))
            c.out_no_fcs++;
        if (!(R(MAC_TX) & MAC_TX_TXEN) || !(R(FCT_TX_CTL) & FCT_EN))
            c.out_dropped++;
        else if (c.nout < 32) {
            memcpy(c.out[c.nout], buf + off + 8, size);
            c.out_len[c.nout++] = size;
        }
        off += 8 + size;
        off += (4 - off % 4) % 4;
    }
}

static const struct fake_model chip = {
    .control = chip_control,
    .bulk_out = chip_bulk_out,
    .in = chip_in,
};

static void plug(void)
{
    memset(&c, 0, sizeof(c));
    chip_reset();
    c.phy.int_src_reg = 0x1a;
    c.phy.int_mask_reg = 0x19;
    c.phy.int_link_up = 0x2000; /* LINK_CHANGE, both ways */
    c.phy.int_link_down = 0x2000;
    c.phy.gigabit = true;
    model_phy_init(&c.phy);
    c.phy.partner = true;
    c.phy.partner_adv = 0x05e1;
    fake_usb_plug(0x0424, 0x7800, 0xff, NULL, 0, &chip);
    fake_usb_endpoint(EP_IN, USB_XFER_BULK, MPS, 0);
    fake_usb_endpoint(EP_OUT, USB_XFER_BULK, MPS, 0);
    fake_usb_endpoint(EP_INTR, USB_XFER_INTERRUPT, 16, 0);
}

static int setup_attached(void **state)
{
    (void)state;
    plug();
    return fake_attach(&lan78xx_driver);
}

static void link_settle(void)
{
    model_phy_advance(&c.phy, 64);
    fake_usb_run();
}

static int teardown_unplug(void **state)
{
    (void)state;
    return fake_unplug_teardown(&lan78xx_driver);
}

/* ---- framing, pure ---- */

static void test_lan78xx_rx_parse_walks_an_aggregate(void **state)
{
    (void)state;
    /* 10-byte header + 64 (60 + FCS) = 74, padded to 76; then 10 + 65 */
    uint8_t buf[256] = {0};
    fake_put_le32(buf, 64);
    fake_put_le32(buf + 76, 65);
    size_t got[8] = {0};
    struct usbnet_rx_count n = {0};
    lan78xx_rx_parse(buf, 76 + 10 + 65, fake_collect, got, &n);
    assert_int_equal(n.frames, 2);
    assert_int_equal(got[1], 60);
    assert_int_equal(got[2], 61);
    memset(&n, 0, sizeof(n));
    fake_put_le32(buf, 64 | 0x00400000u); /* receive error detected */
    lan78xx_rx_parse(buf, 76 + 10 + 65, fake_collect, got, &n);
    assert_int_equal(n.errors, 1);
    assert_int_equal(n.frames, 1);
    memset(&n, 0, sizeof(n));
    fake_put_le32(buf, 0x3fff); /* longer than any frame */
    lan78xx_rx_parse(buf, sizeof(buf), fake_collect, got, &n);
    assert_int_equal(n.malformed, 1);
    assert_int_equal(n.frames, 0);
    memset(&n, 0, sizeof(n));
    lan78xx_rx_parse(buf, 9, fake_collect, got, &n); /* shorter than the header */
    assert_int_equal(n.malformed, 1);
}

static void test_lan78xx_tx_header_words(void **state)
{
    (void)state;
    uint8_t h[8];
    lan78xx_tx_header(h, 1514);
    assert_int_equal(fake_le32(h), 0x00400000u | 1514);
    assert_int_equal(fake_le32(h + 4), 0);
}

/* ---- the driver against the chip ---- */

static void test_lan78xx_attach_takes_the_eeprom_mac_and_configures(void **state)
{
    (void)state;
    assert_int_equal(setup_attached(NULL), 0); /* no board MAC in this program */
    assert_memory_equal(fake_net.dev->mac, eeprom_mac, 6);
    assert_int_equal(c.lite_resets, 1);
    assert_int_equal(c.phy.resets, 1);
    assert_int_equal(c.phy.anegs, 1);
    assert_int_equal(c.mii_violations, 0);
    assert_int_equal(c.bad_requests, 0);
    assert_int_equal(R(MAF_LO0), fake_le32(eeprom_mac));
    assert_int_equal(R(MAF_HI0), MAF_VALID | eeprom_mac[4] | eeprom_mac[5] << 8);
    assert_true(R(HW_CFG) & HW_CFG_MEF);
    assert_true(R(USB_CFG0) & USB_CFG_BCE);
    assert_true(R(USB_CFG0) & USB_CFG_BIR);
    assert_int_equal(R(BURST_CAP) * MPS, fake_usb_last(EP_IN)->len);
    assert_int_equal(R(RFE_CTL) & (RFE_BCAST | RFE_MCAST | RFE_PERFECT),
                     RFE_BCAST | RFE_MCAST | RFE_PERFECT);
    assert_int_equal(R(MAC_CR) & (MAC_CR_ADP | MAC_CR_ASD), MAC_CR_ADP | MAC_CR_ASD);
    assert_true(R(MAC_RX) & MAC_RX_RXEN);
    assert_true(((R(MAC_RX) >> 16) & 0x3fff) >= 1518);
    assert_true(R(FCT_RX_CTL) & FCT_EN);
    assert_true(R(MAC_TX) & MAC_TX_TXEN);
    assert_true(R(FCT_TX_CTL) & FCT_EN);
    assert_true(R(INT_EP_CTL) & INT_STS_PHY);
    assert_true(c.phy.reg[9] & 0x0200); /* advertises 1000 full */
    assert_false(fake_net.dev->link_up);
    teardown_unplug(NULL);
}

static void test_lan78xx_link_follows_the_phy(void **state)
{
    (void)state;
    link_settle();
    assert_true(fake_net.dev->link_up);
    model_phy_cable(&c.phy, false);
    fake_usb_run();
    assert_false(fake_net.dev->link_up);
    model_phy_cable(&c.phy, true);
    link_settle();
    assert_true(fake_net.dev->link_up);
    assert_int_equal(c.mii_violations, 0);
    /* Two bytes from the interrupt endpoint: not an INT_STS; counted, the endpoint polled on */
    memcpy(c.intr_raw, "\x01\x02", 2);
    c.intr_raw_len = 2;
    fake_usb_run();
    assert_int_equal(fake_net_stats().rx_malformed, 1);
    assert_int_equal(fake_usb_queued(EP_INTR), 1);
}

static void test_lan78xx_receive_aggregates_and_filters(void **state)
{
    (void)state;
    link_settle();
    uint8_t f[1600];
    static const uint8_t other[6] = {0x02, 0, 0, 0, 0, 9};
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    size_t lens[] = {60, 1514, 61, 62, 63, 100};
    for (unsigned i = 0; i < 6; i++) {
        fake_frame_to(f, fake_net.dev->mac, lens[i], (uint8_t)i);
        fake_wire_put(&c.wire, f, lens[i], false);
    }
    fake_frame_to(f, other, 100, 9);
    fake_wire_put(&c.wire, f, 100, false);
    fake_frame_to(f, bcast, 100, 10);
    fake_wire_put(&c.wire, f, 100, false);
    fake_frame_to(f, fake_net.dev->mac, 100, 11);
    fake_wire_put(&c.wire, f, 100, true); /* a receive error */
    fake_frame_to(f, fake_net.dev->mac, 1530, 12);
    fake_wire_put(&c.wire, f, 1530, false); /* over MAC_RX's maximum size */
    fake_usb_run();
    assert_true(c.aggregates >= 1);
    assert_int_equal(c.filtered, 1);
    assert_int_equal(c.too_long, 1);
    assert_int_equal(fake_net.nframes, 7);
    for (unsigned i = 0; i < 6; i++) {
        fake_frame_to(f, fake_net.dev->mac, lens[i], (uint8_t)i);
        assert_int_equal(fake_net.frame[i].len, lens[i]);
        assert_memory_equal(fake_net.frame[i].data, f, lens[i]);
    }
    assert_int_equal(fake_net_stats().link.errors, 1);
}

static void test_lan78xx_transmit_command_words(void **state)
{
    (void)state;
    link_settle();
    uint8_t f[1514];
    size_t lens[] = {60, 1514, 504, 61};
    for (unsigned i = 0; i < 4; i++) {
        fake_frame_to(f, eeprom_mac, lens[i], (uint8_t)(i + 20));
        assert_int_equal(fake_net_send(f, lens[i]), 0);
    }
    fake_usb_run();
    assert_int_equal(c.out_malformed, 0);
    assert_int_equal(c.out_no_fcs, 0);
    assert_int_equal(c.out_dropped, 0);
    assert_int_equal(c.nout, 4);
    for (unsigned i = 0; i < 4; i++) {
        fake_frame_to(f, eeprom_mac, lens[i], (uint8_t)(i + 20));
        assert_int_equal(c.out_len[i], lens[i]);
        assert_memory_equal(c.out[i], f, lens[i]);
    }
}

static void test_lan78xx_replug_with_an_empty_eeprom_keeps_the_mac(void **state)
{
    (void)state;
    teardown_unplug(NULL);
    assert_int_equal(fake_net.dma_live, 0);
    plug();
    R(RX_ADDRL) = 0xffffffff; /* an adapter whose EEPROM holds no address */
    R(RX_ADDRH) = 0xffff;
    assert_int_equal(lan78xx_driver.attach(&fake_dev), 0);
    assert_int_equal(fake_net.registered, 1);
    assert_int_equal(R(MAF_LO0), fake_le32(eeprom_mac)); /* the netdev's, which lwIP uses */
    link_settle();
    uint8_t f[60];
    fake_frame_to(f, fake_net.dev->mac, 60, 3);
    fake_wire_put(&c.wire, f, 60, false);
    fake_usb_run();
    assert_int_equal(fake_net.nframes, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lan78xx_rx_parse_walks_an_aggregate),
        cmocka_unit_test(test_lan78xx_tx_header_words),
        cmocka_unit_test(test_lan78xx_attach_takes_the_eeprom_mac_and_configures),
        cmocka_unit_test_setup_teardown(test_lan78xx_link_follows_the_phy, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_lan78xx_receive_aggregates_and_filters, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_lan78xx_transmit_command_words, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_lan78xx_replug_with_an_empty_eeprom_keeps_the_mac,
                                        setup_attached, teardown_unplug),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
