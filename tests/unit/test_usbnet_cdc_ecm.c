// SPDX-License-Identifier: MIT
/*
 * Unit tests for the CDC-ECM driver (drivers/usb/net/cdc_ecm.c, usbnet.c,
 * framing.c) against a model of QEMU's usb-net as USB CDC 1.2 / ECM 1.2
 * describe such a device: an RNDIS configuration (value 2) listed before the
 * CDC-ECM one (value 1), MAC in iMACAddress, data interface alternate setting
 * 1 with the bulk pair, 64-byte packets, NETWORK_CONNECTION notifications.
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

#define EP_NOTIFY 0x81
#define EP_IN     0x82
#define EP_OUT    0x02
#define MPS       64

/* ECM 1.2 §5.4: the CDC-ECM configuration, value 1, iMACAddress string 15. */
static const uint8_t ecm_config[] = {
    9,  2,    80,        0,    2,    1,    7, 0xc0, 50, /* configuration: 80 bytes, 2 interfaces,
                                                           value 1 */
    9,  4,    0,         0,    1,    2,    6, 0,    5,  /* interface 0: CDC, ECM, one endpoint */
    5,  0x24, 0x00,      0x10, 0x01,                    /* header functional descriptor, CDC 1.10 */
    5,  0x24, 0x06,      0,    1,                       /* union: control 0, subordinate 1 */
    13, 0x24, 0x0f,      15,   0,    0,    0, 0,    0xea, 0x05,
    0,  0,    0,                                       /* ethernet: iMAC 15, 1514 */
    7,  5,    EP_NOTIFY, 3,    16,   0,    9,          /* interrupt IN, 16 bytes */
    9,  4,    1,         0,    0,    0x0a, 0, 0,    6, /* interface 1 alt 0: data, no endpoints */
    9,  4,    1,         1,    2,    0x0a, 0, 0,    6, /* interface 1 alt 1: data, the bulk pair */
    7,  5,    EP_IN,     2,    MPS,  0,    0,          /* bulk IN */
    7,  5,    EP_OUT,    2,    MPS,  0,    0,          /* bulk OUT */
};

/* An RNDIS configuration, value 2: CDC class, subclass 2 (ACM), vendor protocol. */
static const uint8_t rndis_config[] = {
    9,    2, 67,   0,    2,     2,         8,   0xc0, 50,   9, 4, 0,      0,    1,    2, 2,    0xff,
    4,    5, 0x24, 0x00, 0x10,  0x01,      5,   0x24, 0x01, 0, 1, 4,      0x24, 0x02, 0, 5,    0x24,
    0x06, 0, 1,    7,    5,     EP_NOTIFY, 3,   8,    0,    9, 9, 4,      1,    0,    2, 0x0a, 0,
    0,    6, 7,    5,    EP_IN, 2,         MPS, 0,    0,    7, 5, EP_OUT, 2,    MPS,  0, 0,
};

static const uint8_t mac_expected[6] = {0x40, 0x54, 0x00, 0x12, 0x34, 0x57};

/* ---- the device model ---- */

static struct {
    uint8_t alt[2];
    int filter; /* -1: never set */
    unsigned get_config, halt_cleared;
    bool stall_in;
    unsigned fail_in, fail_notify; /* bulk-in / notification transfers still to fail (-EPROTO) */
    unsigned fail_clear;           /* CLEAR_FEATURE(ENDPOINT_HALT) requests still to stall */
    struct fake_wire wire;         /* frames waiting to go to the host */
    uint8_t note[16];
    size_t note_len;
    bool note_pending;
    uint8_t out[16][1600];
    size_t out_len[16];
    bool out_zlp[16];
    unsigned nout;
} m;

static int model_control(const struct usb_setup *s, uint8_t *data)
{
    if (s->request_type == (USB_DIR_IN | USB_TYPE_STANDARD | USB_RECIP_DEVICE) &&
        s->request == USB_REQ_GET_DESCRIPTOR && s->value >> 8 == 2) {
        const uint8_t *c = (s->value & 0xff) == 0 ? rndis_config : ecm_config;
        size_t len = (s->value & 0xff) == 0 ? sizeof(rndis_config) : sizeof(ecm_config);
        if ((s->value & 0xff) > 1)
            return -EPIPE;
        m.get_config++;
        size_t n = s->length < len ? s->length : len;
        memcpy(data, c, n);
        return (int)n;
    }
    if (s->request_type == (USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_ENDPOINT) &&
        s->request == USB_REQ_CLEAR_FEATURE && s->value == 0) {
        if (m.fail_clear) {
            m.fail_clear--;
            return -EPIPE;
        }
        m.halt_cleared++;
        m.stall_in = false;
        return 0;
    }
    if (s->request_type == (USB_DIR_OUT | USB_TYPE_STANDARD | USB_RECIP_INTERFACE) &&
        s->request == USB_REQ_SET_INTERFACE && s->index < 2) {
        m.alt[s->index] = (uint8_t)s->value;
        return 0;
    }
    if (s->request_type == (USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_INTERFACE) &&
        s->request == 0x43 && s->index == 0) {
        m.filter = s->value;
        return 0;
    }
    return -EPIPE;
}

static int model_in(uint8_t ep, uint8_t *buf, size_t room)
{
    /* A device gone quiet on the bus: every transaction errors (no handshake). */
    if (ep == EP_IN && m.fail_in) {
        m.fail_in--;
        return -EPROTO;
    }
    if (ep == EP_NOTIFY && m.fail_notify) {
        m.fail_notify--;
        return -EPROTO;
    }
    if (ep == EP_NOTIFY && m.note_pending) {
        m.note_pending = false;
        memcpy(buf, m.note, m.note_len);
        return (int)m.note_len;
    }
    if (ep == EP_IN && m.stall_in)
        return -EPIPE;
    /* ECM §3.3.1: bulk data flows only in alternate setting 1 */
    if (ep == EP_IN && m.wire.count && m.alt[1] == 1) {
        unsigned i = m.wire.head;
        fake_wire_pop(&m.wire);
        if (m.wire.len[i] > room)
            return -EOVERFLOW; /* babble: the host controller reports it so */
        memcpy(buf, m.wire.frame[i], m.wire.len[i]);
        return (int)m.wire.len[i];
    }
    return -EAGAIN;
}

static void model_out(const uint8_t *buf, size_t len, bool zlp)
{
    if (m.nout < 16) {
        memcpy(m.out[m.nout], buf, len);
        m.out_len[m.nout] = len;
        m.out_zlp[m.nout++] = zlp;
    }
}

static const char *model_string(uint8_t index)
{
    return index == 15 ? "405400123457" : NULL;
}

static const struct fake_model model = {
    .control = model_control,
    .bulk_out = model_out,
    .in = model_in,
    .string = model_string,
};

static void frame_make(uint8_t *f, size_t len, uint8_t seed)
{
    memcpy(f, mac_expected, 6);
    for (size_t i = 6; i < len; i++)
        f[i] = (uint8_t)(seed + i);
}

static void notify(uint8_t code, uint16_t value, const uint8_t *data, uint16_t dlen)
{
    uint8_t n[16] = {0xa1, code, (uint8_t)value, (uint8_t)(value >> 8),
                     0,    0,    (uint8_t)dlen,  (uint8_t)(dlen >> 8)};
    if (dlen)
        memcpy(n + 8, data, dlen);
    memcpy(m.note, n, 8u + dlen);
    m.note_len = 8u + dlen;
    m.note_pending = true;
}

/* ---- fixtures ---- */

static void plug(void)
{
    memset(&m, 0, sizeof(m));
    m.filter = -1;
    fake_usb_plug(0x0525, 0xa4a2, 2, ecm_config, sizeof(ecm_config), &model);
    fake_usb_config(rndis_config, sizeof(rndis_config));
    fake_usb_config(ecm_config, sizeof(ecm_config));
    fake_dev.speed = USB_SPEED_FULL;
}

static int setup_attached(void **state)
{
    (void)state;
    plug();
    fake_dev.configuration = 1;
    /* The core lists what the configuration has; alt 1's endpoints included. */
    fake_usb_endpoint(EP_NOTIFY, USB_XFER_INTERRUPT, 16, 0);
    fake_usb_endpoint(EP_IN, USB_XFER_BULK, MPS, 1);
    fake_usb_endpoint(EP_OUT, USB_XFER_BULK, MPS, 1);
    if (cdc_ecm_driver.attach(&fake_dev) != 0)
        return -1;
    fake_net_start();
    fake_net_clear();
    return 0;
}

static int teardown_unplug(void **state)
{
    (void)state;
    return fake_unplug_teardown(&cdc_ecm_driver);
}

/* ---- pure parsing ---- */

static void test_ecm_config_parse_finds_the_ecm_function(void **state)
{
    (void)state;
    struct cdc_ecm_info info;
    assert_int_equal(cdc_ecm_parse_config(ecm_config, sizeof(ecm_config), &info), 0);
    assert_int_equal(info.config_value, 1);
    assert_int_equal(info.comm_iface, 0);
    assert_int_equal(info.data_iface, 1);
    assert_int_equal(info.data_alt, 1);
    assert_int_equal(info.mac_string, 15);
    assert_int_equal(info.max_segment, 1514);
    assert_int_equal(info.ep_in, EP_IN);
    assert_int_equal(info.ep_out, EP_OUT);
    assert_int_equal(info.ep_notify, EP_NOTIFY);
    assert_int_equal(info.in_max_packet, MPS);
    assert_int_equal(cdc_ecm_parse_config(rndis_config, sizeof(rndis_config), &info), -ENOENT);
}

static void test_ecm_config_parse_rejects_malformed_descriptors(void **state)
{
    (void)state;
    struct cdc_ecm_info info;
    uint8_t bad[sizeof(ecm_config)];
    /* Every truncation: wTotalLength then lies about the bytes there are. */
    for (size_t len = 0; len < sizeof(ecm_config); len++)
        assert_int_equal(cdc_ecm_parse_config(ecm_config, len, &info), -EINVAL);
    memcpy(bad, ecm_config, sizeof(bad));
    bad[9] = 0; /* a descriptor of length 0 would never end */
    assert_int_equal(cdc_ecm_parse_config(bad, sizeof(bad), &info), -EINVAL);
    memcpy(bad, ecm_config, sizeof(bad));
    bad[sizeof(bad) - 7] = 8; /* the last descriptor runs past wTotalLength */
    assert_int_equal(cdc_ecm_parse_config(bad, sizeof(bad), &info), -EINVAL);
    memcpy(bad, ecm_config, sizeof(bad));
    bad[31] = 0; /* iMACAddress 0: no MAC, no ECM */
    assert_int_equal(cdc_ecm_parse_config(bad, sizeof(bad), &info), -ENOENT);
}

static void test_ecm_notifications_parse(void **state)
{
    (void)state;
    struct cdc_note n;
    uint8_t up[8] = {0xa1, 0x00, 1, 0, 0, 0, 0, 0};
    assert_int_equal(cdc_ecm_parse_notification(up, sizeof(up), &n), 0);
    assert_int_equal(n.kind, CDC_NOTE_LINK);
    assert_true(n.link_up);
    up[2] = 0;
    assert_int_equal(cdc_ecm_parse_notification(up, sizeof(up), &n), 0);
    assert_false(n.link_up);
    uint8_t speed[16] = {0xa1, 0x2a, 0, 0, 0, 0, 8, 0, 0x00, 0xe1, 0xf5, 0x05, 0x80, 0x96, 0x98, 0};
    assert_int_equal(cdc_ecm_parse_notification(speed, sizeof(speed), &n), 0);
    assert_int_equal(n.kind, CDC_NOTE_SPEED);
    assert_int_equal(n.down_bps, 100000000);
    assert_int_equal(n.up_bps, 10000000);
    /* short, wrong request type, data shorter than wLength, connection with data */
    assert_int_equal(cdc_ecm_parse_notification(up, 7, &n), -EINVAL);
    up[0] = 0x21;
    assert_int_equal(cdc_ecm_parse_notification(up, sizeof(up), &n), -EINVAL);
    assert_int_equal(cdc_ecm_parse_notification(speed, 12, &n), -EINVAL);
    uint8_t conn_data[9] = {0xa1, 0x00, 1, 0, 0, 0, 1, 0, 0};
    assert_int_equal(cdc_ecm_parse_notification(conn_data, sizeof(conn_data), &n), -EINVAL);
}

static void test_ecm_mac_string_parse(void **state)
{
    (void)state;
    uint8_t mac[6];
    assert_int_equal(usbnet_parse_mac("405400123457", mac), 0);
    assert_memory_equal(mac, mac_expected, 6);
    assert_int_equal(usbnet_parse_mac("40540012345", mac), -EINVAL);
    assert_int_equal(usbnet_parse_mac("4054001234577", mac), -EINVAL);
    assert_int_equal(usbnet_parse_mac("40540012345g", mac), -EINVAL);
    assert_int_equal(usbnet_parse_mac("", mac), -EINVAL);
}

static void count_frame(void *ctx, uint8_t *frame, size_t len)
{
    (void)frame;
    *(size_t *)ctx = len;
}

static void test_ecm_rx_parse_one_frame_per_transfer(void **state)
{
    (void)state;
    uint8_t buf[2000] = {0};
    struct usbnet_rx_count c = {0};
    size_t got = 0;
    cdc_ecm_rx_parse(buf, 60, count_frame, &got, &c);
    assert_int_equal(got, 60);
    cdc_ecm_rx_parse(buf, 13, count_frame, &got, &c);   /* shorter than an Ethernet header */
    cdc_ecm_rx_parse(buf, 1519, count_frame, &got, &c); /* ran into the next frame */
    assert_int_equal(c.frames, 1);
    assert_int_equal(c.errors, 1);
    assert_int_equal(c.malformed, 1);
}

/* ---- the driver against the model ---- */

static void test_ecm_match_picks_the_ecm_configuration(void **state)
{
    (void)state;
    plug();
    assert_int_equal(cdc_ecm_driver.match(&fake_dev), 1); /* not RNDIS's 2, listed first */
    assert_int_equal(smsc95xx_driver.match(&fake_dev), 0);
    assert_int_equal(lan78xx_driver.match(&fake_dev), 0);
}

static void test_ecm_attach_configures_the_device_and_registers(void **state)
{
    (void)state;
    assert_int_equal(m.alt[1], 1);
    assert_int_equal(m.filter, 0x0e); /* directed, broadcast, all multicast */
    assert_non_null(fake_net.dev);
    assert_int_equal(fake_net.registered, 1);
    assert_memory_equal(fake_net.dev->mac, mac_expected, 6);
    assert_int_equal(fake_net.dev->mtu, 1500);
    assert_true(fake_net.dev->link_up);
    assert_true(fake_usb_queued(EP_IN) >= 4); /* frames find room between completions */
    assert_int_equal(fake_usb_queued(EP_NOTIFY), 1);
}

static void test_ecm_receive_lends_buffers_then_copies(void **state)
{
    (void)state;
    unsigned queued = fake_usb_queued(EP_IN);
    uint8_t f[1514];
    fake_net.keep = true;
    /* 128 bytes: two full packets, which on the wire end with a zero-length packet */
    size_t lens[] = {60, 128, 1514, 64, 1000};
    for (unsigned i = 0; i < 40; i++) {
        frame_make(f, lens[i % 5], (uint8_t)i);
        fake_wire_put(&m.wire, f, lens[i % 5], false);
    }
    fake_usb_run();
    assert_int_equal(fake_net.nframes, 40);
    for (unsigned i = 0; i < 40; i++) {
        frame_make(f, lens[i % 5], (uint8_t)i);
        assert_int_equal(fake_net.frame[i].len, lens[i % 5]);
        assert_memory_equal(fake_net.frame[i].data, f, lens[i % 5]);
    }
    /* Lent while spares last, then copied; the device always has transfers queued. */
    assert_true(fake_net.frame[0].lent);
    assert_false(fake_net.frame[39].lent);
    assert_int_equal(fake_usb_queued(EP_IN), queued);
    unsigned kept = fake_net.nkept;
    assert_true(kept >= 8);
    fake_net_release();
    fake_net_clear();
    frame_make(f, 100, 1);
    fake_wire_put(&m.wire, f, 100, false);
    fake_usb_run();
    assert_int_equal(fake_net.nframes, 1);
    assert_true(fake_net.frame[0].lent); /* buffers given back are lent again */
}

static void test_ecm_receive_counts_bad_transfers(void **state)
{
    (void)state;
    uint8_t f[1600] = {0};
    fake_wire_put(&m.wire, f, 10, false);   /* a runt */
    fake_wire_put(&m.wire, f, 1600, false); /* longer than the transfer: babble */
    fake_wire_put(&m.wire, f, 60, false);
    fake_usb_run();
    assert_int_equal(fake_net.nframes, 1);
    struct mote_net_stats s = fake_net_stats();
    assert_int_equal(s.link.errors, 1);
    assert_int_equal(fake_usb_queued(EP_IN) >= 4, 1); /* the failed transfer went back */
}

static void test_ecm_transmit_ends_full_packets_with_zlp(void **state)
{
    (void)state;
    uint8_t f[1514];
    frame_make(f, 128, 3);
    assert_int_equal(fake_net_send(f, 128), 0);
    frame_make(f, 100, 4);
    assert_int_equal(fake_net_send(f, 100), 0);
    assert_int_equal(fake_net_send(f, 1515), -EMSGSIZE);
    fake_usb_run();
    assert_int_equal(m.nout, 2);
    assert_int_equal(m.out_len[0], 128);
    assert_true(m.out_zlp[0]);
    frame_make(f, 128, 3);
    assert_memory_equal(m.out[0], f, 128);
    assert_int_equal(m.out_len[1], 100);
    assert_false(m.out_zlp[1]);
}

static void test_ecm_transmit_full_then_tx_ready(void **state)
{
    (void)state;
    uint8_t f[60];
    frame_make(f, sizeof(f), 0);
    int err = 0;
    unsigned sent = 0;
    while ((err = fake_net_send(f, sizeof(f))) == 0 && sent < 100)
        sent++;
    assert_int_equal(err, -EAGAIN);
    assert_true(sent >= 4);
    assert_int_equal(fake_net.tx_ready_calls, 0);
    fake_usb_run();
    assert_int_equal(fake_net.tx_ready_calls, 1);
    assert_int_equal(m.nout, sent < 16 ? sent : 16);
    assert_int_equal(fake_net_send(f, sizeof(f)), 0);
}

static void test_ecm_device_that_stops_taking_frames_frees_the_transmit_slots(void **state)
{
    (void)state;
    uint8_t f[60];
    frame_make(f, sizeof(f), 0);
    fake_out_naks = true; /* the device NAKs every bulk-out, for ever */
    unsigned sent = 0, tx_ready_before = fake_net.tx_ready_calls;
    while (fake_net_send(f, sizeof(f)) == 0 && sent < 100)
        sent++;
    fake_usb_run();
    assert_int_equal(fake_net_send(f, sizeof(f)), -EAGAIN);
    /* Their timeout passes: the host controller ends them, the slots come back. */
    assert_int_equal(fake_usb_expire(), sent);
    assert_int_equal(fake_net.tx_ready_calls, tx_ready_before + 1);
    fake_out_naks = false;
    assert_int_equal(fake_net_send(f, sizeof(f)), 0);
    fake_usb_run();
    assert_int_equal(m.nout, 1);
}

static void test_ecm_notifications_drive_the_link(void **state)
{
    (void)state;
    unsigned changes = fake_net.link_changes;
    notify(0x00, 0, NULL, 0); /* NETWORK_CONNECTION: disconnected */
    fake_usb_run();
    assert_false(fake_net.dev->link_up);
    assert_int_equal(fake_net.link_changes, changes + 1);
    uint8_t speeds[8] = {0};
    notify(0x2a, 0, speeds, 8); /* speed change: nothing for the link */
    fake_usb_run();
    assert_false(fake_net.dev->link_up);
    notify(0x00, 1, NULL, 0);
    fake_usb_run();
    assert_true(fake_net.dev->link_up);
    assert_int_equal(fake_net.link_changes, changes + 2);
    memcpy(m.note, "\x21\x00\x01\x00", 4); /* malformed: wrong request type, too short */
    m.note_len = 4;
    m.note_pending = true;
    fake_usb_run();
    assert_true(fake_net.dev->link_up);
    assert_int_equal(fake_net_stats().rx_malformed, 1);
    assert_int_equal(fake_usb_queued(EP_NOTIFY), 1);
}

static void test_ecm_unplug_and_replug_keep_the_netdev(void **state)
{
    (void)state;
    unsigned dma_before = fake_net.dma_live;
    uint8_t f[60];
    fake_net.keep = true;
    frame_make(f, 60, 9);
    fake_wire_put(&m.wire, f, 60, false);
    fake_usb_run();
    assert_int_equal(fake_net.nkept, 1);
    fake_net.keep = false;

    fake_usb_unplug(&cdc_ecm_driver);
    assert_false(fake_net.dev->link_up);
    assert_int_equal(fake_net_send(f, 60), -ENETDOWN);
    assert_int_equal(fake_net.dma_live, 1); /* only the buffer net/ still holds */
    fake_net_release();
    assert_int_equal(fake_net.dma_live, 0);

    assert_int_equal(setup_attached(state), 0);
    assert_int_equal(fake_net.registered, 1); /* the same netdev: lwIP's netif stays */
    assert_true(fake_net.dev->link_up);
    assert_int_equal(fake_net.dma_live, dma_before);
    fake_wire_put(&m.wire, f, 60, false);
    fake_usb_run();
    assert_int_equal(fake_net.nframes, 1);
    assert_int_equal(fake_net_send(f, 60), 0);
}

static void test_ecm_stalled_bulk_in_is_cleared_and_requeued(void **state)
{
    (void)state;
    unsigned queued = fake_usb_queued(EP_IN);
    m.stall_in = true;
    fake_usb_run();
    assert_int_equal(m.halt_cleared, 1);
    assert_int_equal(fake_usb_queued(EP_IN), queued);
    uint8_t f[60];
    frame_make(f, 60, 7);
    fake_wire_put(&m.wire, f, 60, false);
    fake_usb_run();
    assert_int_equal(fake_net.nframes, 1);
}

static void test_ecm_device_failing_every_transfer_for_a_while_is_recovered(void **state)
{
    (void)state;
    unsigned queued = fake_usb_queued(EP_IN);
    /* Far more failures than the driver takes in a row: every bulk-in and the
     * notification endpoint give up and rest, none is left queued. */
    m.fail_in = 1000;
    m.fail_notify = 1000;
    fake_usb_run();
    assert_int_equal(fake_usb_queued(EP_IN), 0);
    assert_int_equal(fake_usb_queued(EP_NOTIFY), 0);
    /* Still failing when the rest ends: they rest again, and keep being retried. */
    assert_int_equal(fake_timers_fire(), 1);
    assert_int_equal(fake_usb_queued(EP_IN), 0);
    /* The device answers again: after the next rest, everything is queued and frames flow. */
    m.fail_in = 0;
    m.fail_notify = 0;
    assert_int_equal(fake_timers_fire(), 1);
    assert_int_equal(fake_usb_queued(EP_IN), queued);
    assert_int_equal(fake_usb_queued(EP_NOTIFY), 1);
    assert_int_equal(fake_timers_fire(), 0); /* nothing rests any more */
    uint8_t f[60];
    frame_make(f, 60, 8);
    fake_wire_put(&m.wire, f, 60, false);
    fake_usb_run();
    assert_int_equal(fake_net.nframes, 1);
}

static void test_ecm_stalled_bulk_in_whose_clear_fails_is_cleared_again_later(void **state)
{
    (void)state;
    unsigned queued = fake_usb_queued(EP_IN);
    m.stall_in = true;
    m.fail_clear = 1; /* the first CLEAR_FEATURE(ENDPOINT_HALT) stalls too */
    fake_usb_run();
    assert_int_equal(m.halt_cleared, 0);
    assert_int_equal(fake_usb_queued(EP_IN), 0);
    assert_int_equal(fake_timers_fire(), 1);
    assert_int_equal(m.halt_cleared, 1);
    assert_int_equal(fake_usb_queued(EP_IN), queued);
    uint8_t f[60];
    frame_make(f, 60, 9);
    fake_wire_put(&m.wire, f, 60, false);
    fake_usb_run();
    assert_int_equal(fake_net.nframes, 1);
}

static void test_ecm_poll_makes_progress_without_the_loop(void **state)
{
    (void)state;
    uint8_t f[60];
    frame_make(f, 60, 5);
    fake_wire_put(&m.wire, f, 60, false);
    fake_net.dev->poll(fake_net.dev);
    assert_int_equal(fake_net.nframes, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ecm_config_parse_finds_the_ecm_function),
        cmocka_unit_test(test_ecm_config_parse_rejects_malformed_descriptors),
        cmocka_unit_test(test_ecm_notifications_parse),
        cmocka_unit_test(test_ecm_mac_string_parse),
        cmocka_unit_test(test_ecm_rx_parse_one_frame_per_transfer),
        cmocka_unit_test(test_ecm_match_picks_the_ecm_configuration),
        cmocka_unit_test_setup_teardown(test_ecm_attach_configures_the_device_and_registers,
                                        setup_attached, teardown_unplug),
        cmocka_unit_test_setup_teardown(test_ecm_receive_lends_buffers_then_copies, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_ecm_receive_counts_bad_transfers, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_ecm_transmit_ends_full_packets_with_zlp,
                                        setup_attached, teardown_unplug),
        cmocka_unit_test_setup_teardown(test_ecm_transmit_full_then_tx_ready, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_ecm_notifications_drive_the_link, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_ecm_unplug_and_replug_keep_the_netdev, setup_attached,
                                        teardown_unplug),
        cmocka_unit_test_setup_teardown(test_ecm_stalled_bulk_in_is_cleared_and_requeued,
                                        setup_attached, teardown_unplug),
        cmocka_unit_test_setup_teardown(
            test_ecm_device_failing_every_transfer_for_a_while_is_recovered, setup_attached,
            teardown_unplug),
        cmocka_unit_test_setup_teardown(
            test_ecm_stalled_bulk_in_whose_clear_fails_is_cleared_again_later, setup_attached,
            teardown_unplug),
        cmocka_unit_test_setup_teardown(
            test_ecm_device_that_stops_taking_frames_frees_the_transmit_slots, setup_attached,
            teardown_unplug),
        cmocka_unit_test_setup_teardown(test_ecm_poll_makes_progress_without_the_loop,
                                        setup_attached, teardown_unplug),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
