// SPDX-License-Identifier: MIT
/*
 * CDC-ECM class driver (USB CDC 1.2 and its ECM 1.2 subclass): QEMU's
 * `usb-net` (0525:a4a2), e.g. with -M raspi3b
 *     -device usb-net,netdev=n0 -netdev user,id=n0
 * That device has two configurations, RNDIS (value 2, listed first) and
 * CDC-ECM (value 1); match picks the one with an ECM interface. The data interface's alternate
 * setting 0 has no endpoints (ECM §3.3), so attach selects the one with the bulk pair, sets the
 * packet filter, reads the MAC from the iMACAddress string and binds the device as the network
 * device (usbnet.c). A frame is one bulk transfer, without FCS; one filling its last packet exactly
 * ends with a zero-length packet, which the host controller driver adds (usb_transfer.zero_packet).
 * Link state comes from NETWORK_CONNECTION notifications on the interrupt endpoint. Not supported:
 * multicast filters (all multicast is accepted), statistics requests, power filters.
 */
#include <errno.h>
#include <string.h>

#include <mote/log.h>

#include "drivers/usb/net/framing.h"
#include "drivers/usb/net/usbnet.h"
#include "drivers/usb/usb.h"

/* clang-format off */
#define USB_CLASS_COMM           0x02 /* CDC 1.2 Table 4 */
#define CDC_SUBCLASS_ECM         0x06 /* Table 4 */
#define CDC_PROTOCOL_NONE        0x00 /* Table 5 */

/* ECM 1.2 Table 6: class-specific requests */
#define ECM_SET_ETHERNET_PACKET_FILTER 0x43
#define   ECM_PACKET_TYPE_ALL_MULTICAST  0x0002
#define   ECM_PACKET_TYPE_DIRECTED       0x0004
#define   ECM_PACKET_TYPE_BROADCAST      0x0008
/* clang-format on */

#define ECM_CONTROL_MS     500
#define ECM_MAC_STRING_LEN 32   /* 12 hex digits, and room to see a longer, wrong one */
#define ECM_RX_LEN         1536 /* a frame (1514, 1518 tagged) in a max_packet multiple */

static const struct usbnet_chip ecm_chip;

/* Is there a configuration with a CDC-ECM function? Its value, or 0. */
static int ecm_match(struct usb_device *dev)
{
    return usb_find_interface(dev, USB_CLASS_COMM, CDC_SUBCLASS_ECM, CDC_PROTOCOL_NONE, NULL);
}

static int ecm_mac(struct usb_device *dev, uint8_t index, uint8_t mac[USBNET_MAC_LEN])
{
    char str[ECM_MAC_STRING_LEN];
    int n = usb_get_string(dev, index, str, sizeof(str));
    if (n < 0)
        return n;
    return usbnet_parse_mac(str, mac);
}

static int ecm_attach(struct usb_device *dev)
{
    struct cdc_ecm_info info;
    int err = dev->config ? cdc_ecm_parse_config(dev->config, dev->config_len, &info) : -ENOENT;
    if (err) {
        mote_log(MOTE_LOG_WARN, "cdc-ecm: configuration %u has no ECM function (%d)",
                 dev->configuration, err);
        return err;
    }
    err = usb_set_interface(dev, info.data_iface, info.data_alt);
    if (err < 0) {
        mote_log(MOTE_LOG_WARN, "cdc-ecm: SET_INTERFACE %u alt %u failed (%d)", info.data_iface,
                 info.data_alt, err);
        return err;
    }
    uint8_t mac[USBNET_MAC_LEN];
    err = ecm_mac(dev, info.mac_string, mac);
    if (err) {
        mote_log(MOTE_LOG_WARN, "cdc-ecm: no MAC in string %u (%d)", info.mac_string, err);
        return err;
    }
    struct usb_setup filter = {
        .request_type = USB_DIR_OUT | USB_TYPE_CLASS | USB_RECIP_INTERFACE,
        .request = ECM_SET_ETHERNET_PACKET_FILTER,
        .value = ECM_PACKET_TYPE_DIRECTED | ECM_PACKET_TYPE_BROADCAST |
                 ECM_PACKET_TYPE_ALL_MULTICAST, /* IPv6 neighbour discovery, mDNS */
        .index = info.comm_iface,
    };
    err = usb_control(dev, &filter, NULL, ECM_CONTROL_MS);
    if (err < 0) /* optional for the device (ECM §6.2.4): it then passes what it likes */
        mote_log(MOTE_LOG_INFO, "cdc-ecm: packet filter not taken (%d)", err);

    struct usbnet_bind how = {
        .in = usb_find_endpoint(dev, info.ep_in),
        .out = usb_find_endpoint(dev, info.ep_out),
        .intr = info.ep_notify ? usb_find_endpoint(dev, info.ep_notify) : NULL,
        .rx_len = ECM_RX_LEN,
        /*
         * ECM says a host assumes "disconnected" until told, but a device that
         * never notifies (QEMU before 7.2) would then never carry a frame: up
         * until a NETWORK_CONNECTION says otherwise.
         */
        .link_up = true,
    };
    return usbnet_bind(dev, &ecm_chip, mac, &how);
}

static void ecm_detach(struct usb_device *dev)
{
    usbnet_unbind(dev);
}

/* The notification endpoint: NETWORK_CONNECTION gives the link; others are of no use here. */
static int ecm_interrupt(const uint8_t *buf, size_t len)
{
    struct cdc_note note;
    if (cdc_ecm_parse_notification(buf, len, &note) != 0)
        return -EINVAL;
    if (note.kind == CDC_NOTE_LINK)
        return note.link_up ? USBNET_LINK_UP : USBNET_LINK_DOWN;
    return USBNET_LINK_SAME;
}

static const struct usbnet_chip ecm_chip = {
    .name = "cdc-ecm",
    .rx_transfers = 8, /* at full speed a transfer is a frame: keep several waiting */
    .rx_spares = 16,
    .rx_parse = cdc_ecm_rx_parse,
    .interrupt = ecm_interrupt,
};

const struct usb_driver cdc_ecm_driver = {
    .name = "cdc-ecm",
    .match = ecm_match,
    .attach = ecm_attach,
    .detach = ecm_detach,
};
