// SPDX-License-Identifier: MIT
/*
 * Unit tests for the LAN9514 driver (drivers/usb/net/smsc95xx.c, usbnet.c,
 * mchp.c, framing.c) against a model of the chip written from the LAN9514
 * datasheet (rev. 1.0): the vendor register requests (§6.2: 0xA0 write, 0xA1
 * read, 4 bytes, little endian; anything else stalls), the registers the
 * driver touches with their reset values and self-clearing bits (§7.3),
 * the MII address/data protocol to the internal PHY at address 1 (§7.3.13),
 * the PHY (clause 22, interrupt source 29 and mask 30, §7.4), the receive
 * filter of MAC_CR, the RX status word framing with bulk-in aggregation
 * (MEF, BURST_CAP with BCE, the empty response BIR) and the TX command A/B
 * words (§6.5, §6.6). QEMU has no LAN9514, so this is what tests the driver.
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
/* Registers (datasheet §7.3) */
#define ID_REV       0x000
#define INT_STS      0x008
#define   INT_STS_PHY  0x00008000u
#define TX_CFG       0x010
#define   TX_CFG_ON    0x00000004u
#define HW_CFG       0x014
#define   HW_CFG_BIR   0x00001000u
#define   HW_CFG_RXDOFF 0x00000600u
#define   HW_CFG_MEF   0x00000020u
#define   HW_CFG_LRST  0x00000008u
#define   HW_CFG_BCE   0x00000002u
#define PM_CTRL      0x020
#define   PM_PHY_RST   0x00000010u
#define BURST_CAP    0x038
#define INT_EP_CTL   0x068
#define BULK_IN_DLY  0x06c
#define MAC_CR       0x100
#define   MAC_RCVOWN   0x00800000u
#define   MAC_FDPX     0x00100000u
#define   MAC_MCPAS    0x00080000u
#define   MAC_PRMS     0x00040000u
#define   MAC_BCAST    0x00000800u
#define   MAC_TXEN     0x00000008u
#define   MAC_RXEN     0x00000004u
#define ADDRH        0x104
#define ADDRL        0x108
#define MII_ADDR     0x114
#define MII_DATA     0x118
#define REGS_SIZE    0x200
/* clang-format on */

static const uint8_t eeprom_mac[6] = {0x00, 0x80, 0x0f, 0x95, 0x14, 0x01};
static const uint8_t board_mac[6] = {0xb8, 0x27, 0xeb, 0x12, 0x34, 0x56};

/* ---- the chip ---- */

static struct {
    uint32_t reg[REGS_SIZE / 4];
    unsigned lrst_reads, phyrst_reads, mii_busy_reads;
    struct model_phy phy;
    struct fake_wire wire; /* frames waiting to go to the host */
    const uint8_t *raw;    /* a transfer to hand over as it is, once */
    size_t raw_len;
    unsigned lite_resets, mii_violations, bad_requests, filtered, aggregates, zlps;
    uint8_t out[32][1600];
    size_t out_len[32];
    unsigned nout, out_dropped, out_malformed;
} c;

#define R(off) c.reg[(off) / 4]

/* Reset values (§7.3), the MAC from the EEPROM as the chip loads it at reset. */
static void chip_reset(void)
{
    memset(c.reg, 0, sizeof(c.reg));
    R(ID_REV) = 0xec000002;
    R(BULK_IN_DLY) = 0x00000800;
    R(BURST_CAP) = 0;
    R(ADDRL) = fake_le32(eeprom_mac);
    R(ADDRH) = (uint32_t)eeprom_mac[4] | (uint32_t)eeprom_mac[5] << 8;
}

static uint32_t reg_read(uint16_t off)
{
    switch (off) {
    case HW_CFG:
        if (c.lrst_reads && --c.lrst_reads == 0)
            R(HW_CFG) &= ~HW_CFG_LRST;
        break;
    case PM_CTRL:
        if (c.phyrst_reads && --c.phyrst_reads == 0)
            R(PM_CTRL) &= ~PM_PHY_RST;
        break;
    case MII_ADDR:
        if (c.mii_busy_reads && --c.mii_busy_reads == 0)
            R(MII_ADDR) &= ~1u;
        break;
    case INT_STS: return R(INT_STS) | (model_phy_irq(&c.phy) ? INT_STS_PHY : 0);
    default: break;
    }
    return off < REGS_SIZE ? R(off) : 0;
}

static void mii_cycle(uint32_t cmd)
{
    if (R(MII_ADDR) & 1u) {
        c.mii_violations++; /* §7.3.13: not while busy */
        return;
    }
    unsigned phy = (cmd >> 11) & 0x1f, reg = (cmd >> 6) & 0x1f;
    if (cmd & 2u) {
        if (phy == 1)
            model_phy_write(&c.phy, (uint8_t)reg, (uint16_t)R(MII_DATA));
    } else
        R(MII_DATA) = phy == 1 ? model_phy_read(&c.phy, (uint8_t)reg) : 0xffff;
    R(MII_ADDR) = cmd | 1u;
    c.mii_busy_reads = 2;
}

static void reg_write(uint16_t off, uint32_t v)
{
    switch (off) {
    case ID_REV: return;
    case INT_STS:
        R(INT_STS) &= ~v; /* write 1 to clear; PHY_INT follows the PHY */
        return;
    case HW_CFG:
        if (v & HW_CFG_LRST) {
            chip_reset(); /* lite reset: the MAC's registers, not the PHY */
            c.lite_resets++;
            R(HW_CFG) = HW_CFG_LRST;
            c.lrst_reads = 2;
            return;
        }
        break;
    case PM_CTRL:
        if (v & PM_PHY_RST) {
            model_phy_init(&c.phy);
            c.phyrst_reads = 2;
        }
        break;
    case MII_ADDR:
        if (v & 1u)
            mii_cycle(v);
        return;
    case BURST_CAP: v &= 0xff; break;
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
    uint32_t cr = R(MAC_CR);
    uint8_t mine[6];
    fake_put_le32(mine, R(ADDRL));
    mine[4] = (uint8_t)R(ADDRH);
    mine[5] = (uint8_t)(R(ADDRH) >> 8);
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (cr & MAC_PRMS)
        return true;
    if (memcmp(f, bcast, 6) == 0)
        return !(cr & MAC_BCAST);
    if (f[0] & 1)
        return (cr & MAC_MCPAS) != 0;
    return memcmp(f, mine, 6) == 0;
}

/* Bulk-in: frames as the device frames them (§6.6): status word, frame, FCS, padding. */
static int chip_bulk_in(uint8_t *buf, size_t room)
{
    if (c.raw) {
        size_t n = c.raw_len < room ? c.raw_len : room;
        memcpy(buf, c.raw, n);
        c.raw = NULL;
        return (int)n;
    }
    uint32_t hw = R(HW_CFG);
    size_t limit = room;
    if (hw & HW_CFG_BCE)
        limit = R(BURST_CAP) * MPS < room ? R(BURST_CAP) * MPS : room;
    size_t off = 0;
    unsigned frames = 0;
    while (c.wire.count && (R(MAC_CR) & MAC_RXEN)) {
        unsigned i = c.wire.head;
        if (!filter_pass(c.wire.frame[i])) {
            c.filtered++;
            fake_wire_pop(&c.wire);
            continue;
        }
        size_t fl = c.wire.len[i] + 4; /* with the FCS */
        size_t pad = (4 - off % 4) % 4;
        size_t need = (frames ? pad : 0) + 4 + fl;
        if (off + need > limit) {
            if (frames == 0)
                return -EOVERFLOW; /* more than the host asked for: babble */
            break;
        }
        if (frames)
            off += pad;
        fake_put_le32(buf + off, (uint32_t)fl << 16 | (c.wire.bad[i] ? 0x8002u : 0));
        memcpy(buf + off + 4, c.wire.frame[i], c.wire.len[i]);
        memset(buf + off + 4 + c.wire.len[i], 0xcc, 4);
        off += 4 + fl;
        frames++;
        fake_wire_pop(&c.wire);
        if (!(hw & HW_CFG_MEF))
            break; /* one frame per transfer */
    }
    if (frames > 1)
        c.aggregates++;
    if (frames)
        return (int)off;
    if (hw & HW_CFG_BIR)
        return -EAGAIN; /* NAK while nothing waits */
    c.zlps++;
    return 0;
}

static int chip_in(uint8_t ep, uint8_t *buf, size_t room)
{
    if (ep == EP_IN)
        return chip_bulk_in(buf, room);
    if (ep == EP_INTR) {
        uint32_t sts = reg_read(INT_STS) & R(INT_EP_CTL);
        if (!sts)
            return -EAGAIN;
        fake_put_le32(buf, reg_read(INT_STS));
        return 4;
    }
    return -EAGAIN;
}

/* Bulk-out: TX command A/B then the buffer (§6.5); several per transfer, 4-byte aligned. */
static void chip_bulk_out(const uint8_t *buf, size_t len, bool zlp)
{
    (void)zlp;
    size_t off = 0;
    while (off < len) {
        if (len - off < 8) {
            c.out_malformed++;
            return;
        }
        uint32_t a = fake_le32(buf + off), b = fake_le32(buf + off + 4);
        size_t size = a & 0x7ff, pkt = b & 0x7ff;
        bool first = a & 0x2000, last = a & 0x1000;
        if (!first || !last || size != pkt || size > len - off - 8 || size == 0) {
            c.out_malformed++;
            return;
        }
        if (!(R(TX_CFG) & TX_CFG_ON) || !(R(MAC_CR) & MAC_TXEN))
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

/* ---- helpers ---- */

static void plug(void)
{
    memset(&c, 0, sizeof(c));
    chip_reset();
    c.phy.int_src_reg = 29;
    c.phy.int_mask_reg = 30;
    c.phy.int_link_up = 0x0040;   /* ANEG_COMP */
    c.phy.int_link_down = 0x0010; /* LINK_DOWN */
    model_phy_init(&c.phy);
    c.phy.partner = true;
    c.phy.partner_adv = 0x05e1; /* 10/100 both duplexes, pause */
    fake_usb_plug(0x0424, 0xec00, 0xff, NULL, 0, &chip);
    fake_usb_endpoint(EP_IN, USB_XFER_BULK, MPS, 0);
    fake_usb_endpoint(EP_OUT, USB_XFER_BULK, MPS, 0);
    fake_usb_endpoint(EP_INTR, USB_XFER_INTERRUPT, 16, 0);
}

static int setup_attached(void **state)
{
    (void)state;
    plug();
    return fake_attach(&smsc95xx_driver);
}

/* Lets the negotiation finish and the PHY's interrupt reach the driver. */
static void link_settle(void)
{
    model_phy_advance(&c.phy, 64);
    fake_usb_run();
}

static int teardown_unplug(void **state)
{
    (void)state;
    return fake_unplug_teardown(&smsc95xx_driver);
}

static const uint8_t *netdev_mac(void)
{
    return fake_net.dev->mac;
}

/* ---- framing, pure ---- */

static void test_smsc_rx_parse_walks_an_aggregate(void **state)
{
    (void)state;
    /* Two records: 60+4 then 61+4 bytes; the first padded to 4 (already), the second last. */
    uint8_t buf[256] = {0};
    fake_put_le32(buf, 64u << 16);
    fake_put_le32(buf + 68, 65u << 16);
    size_t got[8] = {0};
    struct usbnet_rx_count n = {0};
    smsc95xx_rx_parse(buf, 68 + 4 + 65, fake_collect, got, &n);
    assert_int_equal(n.frames, 2);
    assert_int_equal(got[1], 60);
    assert_int_equal(got[2], 61);
    /* The length runs past the transfer: counted, nothing delivered from there on. */
    memset(&n, 0, sizeof(n));
    smsc95xx_rx_parse(buf, 60, fake_collect, got, &n);
    assert_int_equal(n.malformed, 1);
    assert_int_equal(n.frames, 0);
    /* Error summary set: dropped as a device-flagged error, the next one still found. */
    fake_put_le32(buf, 64u << 16 | 0x8000);
    memset(&n, 0, sizeof(n));
    smsc95xx_rx_parse(buf, 68 + 4 + 65, fake_collect, got, &n);
    assert_int_equal(n.errors, 1);
    assert_int_equal(n.frames, 1);
    /* Padding after the last record is fine; two bytes beyond it are not a record. */
    memset(&n, 0, sizeof(n));
    smsc95xx_rx_parse(buf + 68, 4 + 65 + 3, fake_collect, got, &n);
    assert_int_equal(n.malformed, 0);
    smsc95xx_rx_parse(buf + 68, 4 + 65 + 3 + 2, fake_collect, got, &n);
    assert_int_equal(n.malformed, 1);
    /* A status word of length 0 */
    fake_put_le32(buf, 0);
    memset(&n, 0, sizeof(n));
    smsc95xx_rx_parse(buf, 8, fake_collect, got, &n);
    assert_int_equal(n.malformed, 1);
}

static void test_smsc_tx_header_words(void **state)
{
    (void)state;
    uint8_t h[8];
    smsc95xx_tx_header(h, 1514);
    assert_int_equal(fake_le32(h), 0x3000u | 1514);
    assert_int_equal(fake_le32(h + 4), 1514);
}

/* ---- the driver against the chip ---- */

static void test_smsc_attach_takes_the_board_mac_and_configures(void **state)
{
    (void)state;
    usbnet_set_board_mac(board_mac);
    assert_int_equal(setup_attached(NULL), 0);
    assert_int_equal(c.lite_resets, 1);
    assert_int_equal(c.phy.resets, 1); /* BMCR reset after the PM_CTRL reset */
    assert_int_equal(c.phy.anegs, 1);
    assert_int_equal(c.mii_violations, 0);
    assert_int_equal(c.bad_requests, 0);
    assert_memory_equal(netdev_mac(), board_mac, 6);
    assert_int_equal(R(ADDRL), fake_le32(board_mac));
    assert_int_equal(R(ADDRH), board_mac[4] | board_mac[5] << 8);
    uint32_t hw = R(HW_CFG);
    assert_true(hw & HW_CFG_MEF);
    assert_true(hw & HW_CFG_BCE);
    assert_true(hw & HW_CFG_BIR);
    assert_int_equal(hw & HW_CFG_RXDOFF, 0);
    /* A full burst is exactly one bulk-in transfer: it never waits for more. */
    assert_int_equal(R(BURST_CAP) * MPS, fake_usb_last(EP_IN)->len);
    assert_true(fake_usb_queued(EP_IN) >= 2);
    assert_int_equal(fake_usb_queued(EP_INTR), 1);
    assert_true(R(MAC_CR) & MAC_TXEN);
    assert_true(R(MAC_CR) & MAC_RXEN);
    assert_true(R(MAC_CR) & MAC_MCPAS);
    assert_false(R(MAC_CR) & (MAC_PRMS | MAC_BCAST));
    assert_true(R(TX_CFG) & TX_CFG_ON);
    assert_true(R(INT_EP_CTL) & INT_STS_PHY);
    assert_int_equal(c.phy.reg[4] & 0x01e0, 0x01e0); /* advertises 10/100, both duplexes */
    assert_int_equal(c.phy.reg[30], 0x0050);         /* ANEG_COMP, LINK_DOWN */
    assert_false(fake_net.dev->link_up);             /* still negotiating */
    teardown_unplug(NULL);
}

static void test_smsc_link_up_from_the_phy_interrupt(void **state)
{
    (void)state;
    assert_false(fake_net.dev->link_up);
    unsigned changes = fake_net.link_changes;
    link_settle();
    assert_true(fake_net.dev->link_up);
    assert_int_equal(fake_net.link_changes, changes + 1);
    assert_true(R(MAC_CR) & MAC_FDPX); /* the partner does full duplex */
    assert_false(R(MAC_CR) & MAC_RCVOWN);
    assert_int_equal(fake_usb_queued(EP_INTR), 1);
    assert_int_equal(c.mii_violations, 0);
}

static void test_smsc_cable_pull_and_half_duplex_partner(void **state)
{
    (void)state;
    link_settle();
    model_phy_cable(&c.phy, false);
    fake_usb_run();
    assert_false(fake_net.dev->link_up);
    c.phy.partner_adv = 0x00a1; /* 10/100 half only */
    model_phy_cable(&c.phy, true);
    link_settle();
    assert_true(fake_net.dev->link_up);
    assert_false(R(MAC_CR) & MAC_FDPX);
    assert_true(R(MAC_CR) & MAC_RCVOWN);
}

static void test_smsc_receive_aggregates_in_order(void **state)
{
    (void)state;
    link_settle();
    uint8_t f[1514];
    size_t lens[] = {60, 1514, 61, 62, 63, 100, 1000, 64};
    for (unsigned i = 0; i < 8; i++) {
        fake_frame_to(f, netdev_mac(), lens[i], (uint8_t)i);
        fake_wire_put(&c.wire, f, lens[i], false);
    }
    fake_usb_run();
    assert_true(c.aggregates >= 1); /* several frames came in one transfer */
    assert_int_equal(fake_net.nframes, 8);
    for (unsigned i = 0; i < 8; i++) {
        fake_frame_to(f, netdev_mac(), lens[i], (uint8_t)i);
        assert_int_equal(fake_net.frame[i].len, lens[i]); /* FCS stripped */
        assert_memory_equal(fake_net.frame[i].data, f, lens[i]);
    }
    assert_false(fake_net.frame[0].lent); /* copied: more frames shared its buffer */
    assert_true(fake_net.frame[7].lent);  /* the last one lent in place */
    assert_int_equal(c.zlps, 0);
}

static void more_frames_and_poll(void)
{
    uint8_t f[200];
    for (unsigned i = 0; i < 3; i++) {
        fake_frame_to(f, netdev_mac(), 100 + i, (uint8_t)(50 + i));
        fake_wire_put(&c.wire, f, 100 + i, false);
    }
    fake_net.dev->poll(fake_net.dev);
}

/* The GDB stub, stopped in a service that a frame reached, polls the device: more frames
 * arrive inside the delivery of an aggregate's first. Each is delivered exactly once. */
static void test_smsc_poll_inside_a_delivery_loses_and_repeats_nothing(void **state)
{
    (void)state;
    link_settle();
    uint8_t f[200];
    for (unsigned i = 0; i < 3; i++) {
        fake_frame_to(f, netdev_mac(), 60 + i, (uint8_t)(40 + i));
        fake_wire_put(&c.wire, f, 60 + i, false);
    }
    fake_net.inside_receive = more_frames_and_poll;
    fake_usb_run();
    assert_int_equal(fake_net.nframes, 6);
    unsigned seen[6] = {0};
    for (unsigned i = 0; i < 6; i++) {
        size_t len = fake_net.frame[i].len;
        unsigned k = len < 100 ? (unsigned)(len - 60) : (unsigned)(len - 100 + 3);
        assert_true(k < 6);
        fake_frame_to(f, netdev_mac(), len,
                      (uint8_t)(len < 100 ? 40 + (len - 60) : 50 + (len - 100)));
        assert_memory_equal(fake_net.frame[i].data, f, len);
        seen[k]++;
    }
    for (unsigned k = 0; k < 6; k++)
        assert_int_equal(seen[k], 1);
    assert_true(fake_usb_queued(EP_IN) >= 2);
}

static void test_smsc_receive_filters_and_drops_flagged(void **state)
{
    (void)state;
    link_settle();
    uint8_t f[100];
    static const uint8_t other[6] = {0x02, 0, 0, 0, 0, 9};
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    static const uint8_t mcast[6] = {0x33, 0x33, 0, 0, 0, 1};
    fake_frame_to(f, other, 100, 1);
    fake_wire_put(&c.wire, f, 100, false); /* not ours: the chip's filter drops it */
    fake_frame_to(f, bcast, 100, 2);
    fake_wire_put(&c.wire, f, 100, false);
    fake_frame_to(f, mcast, 100, 3);
    fake_wire_put(&c.wire, f, 100, false);
    fake_frame_to(f, netdev_mac(), 100, 4);
    fake_wire_put(&c.wire, f, 100, true); /* CRC error */
    fake_usb_run();
    assert_int_equal(c.filtered, 1);
    assert_int_equal(fake_net.nframes, 2);
    struct mote_net_stats s;
    memset(&s, 0, sizeof(s));
    fake_net.dev->stats(fake_net.dev, &s);
    assert_int_equal(s.link.errors, 1);
    /* A transfer whose status word claims more than it holds */
    static uint8_t raw[64];
    fake_put_le32(raw, 1000u << 16);
    c.raw = raw;
    c.raw_len = sizeof(raw);
    fake_usb_run();
    memset(&s, 0, sizeof(s));
    fake_net.dev->stats(fake_net.dev, &s);
    assert_int_equal(s.rx_malformed, 1);
    assert_int_equal(fake_net.nframes, 2);
    assert_true(fake_usb_queued(EP_IN) >= 2);
}

static void test_smsc_transmit_command_words(void **state)
{
    (void)state;
    link_settle();
    uint8_t f[1514];
    size_t lens[] = {60, 1514, 504, 61}; /* 504 + 8: one full 512-byte packet */
    for (unsigned i = 0; i < 4; i++) {
        fake_frame_to(f, board_mac, lens[i], (uint8_t)(i + 10));
        assert_int_equal(fake_net_send(f, lens[i]), 0);
    }
    assert_int_equal(fake_net_send(f, 1515), -EMSGSIZE);
    fake_usb_run();
    assert_int_equal(c.out_malformed, 0);
    assert_int_equal(c.out_dropped, 0);
    assert_int_equal(c.nout, 4);
    for (unsigned i = 0; i < 4; i++) {
        fake_frame_to(f, board_mac, lens[i], (uint8_t)(i + 10));
        assert_int_equal(c.out_len[i], lens[i]);
        assert_memory_equal(c.out[i], f, lens[i]);
    }
}

static void test_smsc_replug_keeps_the_netdev_and_its_mac(void **state)
{
    (void)state;
    teardown_unplug(NULL);
    assert_false(fake_net.dev->link_up);
    assert_int_equal(fake_net.dma_live, 0);
    assert_int_equal(setup_attached(NULL), 0);
    assert_int_equal(fake_net.registered, 1);
    assert_int_equal(R(ADDRL), fake_le32(board_mac));
    link_settle();
    assert_true(fake_net.dev->link_up);
    uint8_t f[60];
    fake_frame_to(f, netdev_mac(), 60, 5);
    fake_wire_put(&c.wire, f, 60, false);
    fake_usb_run();
    assert_int_equal(fake_net.nframes, 1);
}

static void test_smsc_registers_unreadable_fail_attach(void **state)
{
    (void)state;
    plug();
    static const struct fake_model dead = {0}; /* every control request stalls */
    fake_model = &dead;
    assert_int_not_equal(smsc95xx_driver.attach(&fake_dev), 0);
    assert_int_equal(fake_usb_queued(EP_IN), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_smsc_rx_parse_walks_an_aggregate),
        cmocka_unit_test(test_smsc_tx_header_words),
        cmocka_unit_test(test_smsc_attach_takes_the_board_mac_and_configures),
        cmocka_unit_test_setup_teardown(test_smsc_link_up_from_the_phy_interrupt, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_smsc_cable_pull_and_half_duplex_partner,
                                        setup_attached, teardown_unplug),
        cmocka_unit_test_setup_teardown(test_smsc_receive_aggregates_in_order, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_smsc_poll_inside_a_delivery_loses_and_repeats_nothing,
                                        setup_attached, teardown_unplug),
        cmocka_unit_test_setup_teardown(test_smsc_receive_filters_and_drops_flagged, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_smsc_transmit_command_words, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_smsc_replug_keeps_the_netdev_and_its_mac,
                                        setup_attached, teardown_unplug),
        cmocka_unit_test(test_smsc_registers_unreadable_fail_attach),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
