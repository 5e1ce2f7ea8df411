// SPDX-License-Identifier: MIT
/*
 * Parsers and header writers of the USB Ethernet drivers (framing.h). Sources:
 * USB 2.0 §9.6 (standard descriptors), USB CDC 1.2 §5.2.3 and §6.3 and the
 * ECM 1.2 subclass §5.4 and §6.3 (functional descriptors, notifications), the
 * LAN9514 and LAN7800 datasheets (TX command and RX status/command words).
 */
#include "drivers/usb/net/framing.h"

#include <errno.h>

#include "lib/args/number.h"

/* clang-format off */
/* USB 2.0 Table 9-5: descriptor types; CDC 1.2 Table 12 */
#define DESC_CONFIGURATION   2
#define DESC_INTERFACE       4
#define DESC_ENDPOINT        5
#define DESC_CS_INTERFACE    0x24
#define DESC_HDR_LEN         2    /* bLength, bDescriptorType */
#define CONFIG_DESC_LEN      9
#define   CONFIG_TOTAL_LEN     2  /* wTotalLength */
#define   CONFIG_VALUE         5  /* bConfigurationValue */
#define IFACE_DESC_LEN       9
#define   IFACE_NUMBER         2
#define   IFACE_ALT            3
#define   IFACE_CLASS          5
#define   IFACE_SUBCLASS       6
#define EP_DESC_LEN          7
#define   EP_ADDRESS           2
#define   EP_ATTRIBUTES        3
#define     EP_TYPE_MASK         0x03
#define     EP_TYPE_BULK         2
#define     EP_TYPE_INTERRUPT    3
#define   EP_MAX_PACKET        4
#define     EP_MAX_PACKET_MASK   0x07ff
#define   EP_INTERVAL          6
#define EP_DIR_IN            0x80

/* CDC 1.2 Table 4 and 6, ECM 1.2 Table 3 */
#define CDC_CLASS_COMM       0x02
#define CDC_SUBCLASS_ECM     0x06
#define CDC_CLASS_DATA       0x0a
#define CDC_FUNC_SUBTYPE     2    /* bDescriptorSubtype */
#define CDC_FUNC_UNION       0x06
#define   UNION_DESC_LEN       5
#define   UNION_MASTER         3  /* bControlInterface */
#define   UNION_SLAVE0         4  /* bSubordinateInterface0 */
#define CDC_FUNC_ETHERNET    0x0f
#define   ETHER_DESC_LEN       13
#define   ETHER_MAC_STRING     3  /* iMACAddress */
#define   ETHER_MAX_SEGMENT    8  /* wMaxSegmentSize */

/* CDC 1.2 §6.3, ECM 1.2 §6.3: notifications, an 8-byte header like a setup packet */
#define NOTE_HDR_LEN            8
#define NOTE_REQUEST_TYPE       0xa1 /* device to host, class, interface */
#define NOTE_CODE               1
#define NOTE_VALUE              2
#define NOTE_LENGTH             6
#define NOTE_NETWORK_CONNECTION 0x00
#define NOTE_SPEED_CHANGE       0x2a
#define NOTE_SPEED_LEN          8    /* DLBitRate, ULBitRate */

/* LAN9514 datasheet §6.5: TX command A/B; §6.6: the RX status word */
#define SMSC_TX_CMD_A_FIRST_SEG  0x00002000u
#define SMSC_TX_CMD_A_LAST_SEG   0x00001000u
#define SMSC_TX_CMD_A_BUF_SIZE   0x000007ffu
#define SMSC_TX_CMD_B_PKT_LEN    0x000007ffu
#define SMSC_RX_STS_FF           0x40000000u /* filtering fail */
#define SMSC_RX_STS_FL_MASK      0x3fff0000u /* frame length, FCS included */
#define SMSC_RX_STS_FL_SHIFT     16
#define SMSC_RX_STS_ES           0x00008000u /* error summary */
#define SMSC_RX_ALIGN            4           /* each record starts 4-byte aligned */

/* LAN7800 datasheet §7.7: TX command A/B, RX command A/B/C */
#define LAN78XX_TX_CMD_A_FCS     0x00400000u /* the MAC appends the FCS */
#define LAN78XX_TX_CMD_A_LEN     0x000fffffu
#define LAN78XX_RX_CMD_A_RED     0x00400000u /* receive error detected */
#define LAN78XX_RX_CMD_A_LEN     0x00003fffu /* frame length, FCS included */
#define LAN78XX_RX_ALIGN         4
/* clang-format on */

/* Longest frame a device may hand us: a VLAN-tagged one, with its FCS. */
#define RX_FRAME_MAX_FCS (USBNET_FRAME_MAX + USBNET_VLAN_TAG_LEN + USBNET_FCS_LEN)
#define RX_FRAME_MIN_FCS (USBNET_ETH_HLEN + USBNET_FCS_LEN)

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/*
 * Checks that the descriptors of a configuration chain exactly within its
 * wTotalLength (no bLength below 2, none running past the end). Returns the
 * bytes to walk, or -EINVAL.
 */
static int config_span(const uint8_t *cfg, size_t len)
{
    if (len < CONFIG_DESC_LEN || cfg[0] < CONFIG_DESC_LEN || cfg[1] != DESC_CONFIGURATION)
        return -EINVAL;
    size_t total = get16(cfg + CONFIG_TOTAL_LEN);
    if (total < CONFIG_DESC_LEN || total > len)
        return -EINVAL;
    for (size_t off = 0; off < total;) {
        if (total - off < DESC_HDR_LEN || cfg[off] < DESC_HDR_LEN || cfg[off] > total - off)
            return -EINVAL;
        off += cfg[off];
    }
    return (int)total;
}

/* First pass: the ECM Communications interface, its Union and Ethernet descriptors, its notify
 * endpoint. */
static bool find_comm(const uint8_t *cfg, size_t total, struct cdc_ecm_info *info)
{
    bool in_comm = false, have_comm = false, have_union = false, have_ether = false;
    for (size_t off = 0; off < total; off += cfg[off]) {
        const uint8_t *d = cfg + off;
        uint8_t dlen = d[0];
        if (d[1] == DESC_INTERFACE && dlen >= IFACE_DESC_LEN) {
            if (have_comm && in_comm && d[IFACE_NUMBER] != info->comm_iface)
                in_comm = false;
            if (!have_comm && d[IFACE_CLASS] == CDC_CLASS_COMM &&
                d[IFACE_SUBCLASS] == CDC_SUBCLASS_ECM) {
                have_comm = in_comm = true;
                info->comm_iface = d[IFACE_NUMBER];
            }
        } else if (in_comm && d[1] == DESC_CS_INTERFACE && dlen > CDC_FUNC_SUBTYPE) {
            if (d[CDC_FUNC_SUBTYPE] == CDC_FUNC_UNION && dlen >= UNION_DESC_LEN &&
                d[UNION_MASTER] == info->comm_iface) {
                info->data_iface = d[UNION_SLAVE0];
                have_union = true;
            } else if (d[CDC_FUNC_SUBTYPE] == CDC_FUNC_ETHERNET && dlen >= ETHER_DESC_LEN) {
                info->mac_string = d[ETHER_MAC_STRING];
                info->max_segment = get16(d + ETHER_MAX_SEGMENT);
                have_ether = true;
            }
        } else if (in_comm && d[1] == DESC_ENDPOINT && dlen >= EP_DESC_LEN &&
                   (d[EP_ATTRIBUTES] & EP_TYPE_MASK) == EP_TYPE_INTERRUPT &&
                   (d[EP_ADDRESS] & EP_DIR_IN) && !info->ep_notify) {
            info->ep_notify = d[EP_ADDRESS];
            info->notify_max_packet = get16(d + EP_MAX_PACKET) & EP_MAX_PACKET_MASK;
            info->notify_interval = d[EP_INTERVAL];
        }
    }
    return have_comm && have_union && have_ether && info->mac_string != 0;
}

/* Second pass: the Data interface's alternate setting that has a bulk IN and a bulk OUT. */
static bool find_data(const uint8_t *cfg, size_t total, struct cdc_ecm_info *info)
{
    bool in_data = false;
    uint8_t in = 0, out = 0;
    uint16_t in_mps = 0, out_mps = 0;
    for (size_t off = 0; off < total; off += cfg[off]) {
        const uint8_t *d = cfg + off;
        if (d[1] == DESC_INTERFACE && d[0] >= IFACE_DESC_LEN) {
            in_data = d[IFACE_NUMBER] == info->data_iface && d[IFACE_CLASS] == CDC_CLASS_DATA;
            in = out = 0;
            if (in_data)
                info->data_alt = d[IFACE_ALT];
        } else if (in_data && d[1] == DESC_ENDPOINT && d[0] >= EP_DESC_LEN &&
                   (d[EP_ATTRIBUTES] & EP_TYPE_MASK) == EP_TYPE_BULK) {
            uint16_t mps = get16(d + EP_MAX_PACKET) & EP_MAX_PACKET_MASK;
            if (mps == 0)
                continue; /* no data could ever move: not an endpoint to use */
            if ((d[EP_ADDRESS] & EP_DIR_IN) && !in) {
                in = d[EP_ADDRESS];
                in_mps = mps;
            } else if (!(d[EP_ADDRESS] & EP_DIR_IN) && !out) {
                out = d[EP_ADDRESS];
                out_mps = mps;
            }
            if (in && out) {
                info->ep_in = in;
                info->ep_out = out;
                info->in_max_packet = in_mps;
                info->out_max_packet = out_mps;
                return true;
            }
        }
    }
    return false;
}

int cdc_ecm_parse_config(const uint8_t *cfg, size_t len, struct cdc_ecm_info *info)
{
    int total = config_span(cfg, len);
    if (total < 0)
        return total;
    *info = (struct cdc_ecm_info){.config_value = cfg[CONFIG_VALUE]};
    if (!find_comm(cfg, (size_t)total, info) || !find_data(cfg, (size_t)total, info))
        return -ENOENT;
    return 0;
}

int usbnet_parse_mac(const char *hex, uint8_t mac[USBNET_MAC_LEN])
{
    if (number_parse_hex_bytes(hex, mac, USBNET_MAC_LEN) < 0)
        return -EINVAL;
    return hex[2 * USBNET_MAC_LEN] == '\0' ? 0 : -EINVAL;
}

int cdc_ecm_parse_notification(const uint8_t *buf, size_t len, struct cdc_note *note)
{
    if (len < NOTE_HDR_LEN || buf[0] != NOTE_REQUEST_TYPE)
        return -EINVAL;
    uint16_t data_len = get16(buf + NOTE_LENGTH);
    if (data_len > len - NOTE_HDR_LEN)
        return -EINVAL;
    *note = (struct cdc_note){.kind = CDC_NOTE_OTHER};
    switch (buf[NOTE_CODE]) {
    case NOTE_NETWORK_CONNECTION:
        if (data_len != 0)
            return -EINVAL;
        note->kind = CDC_NOTE_LINK;
        note->link_up = get16(buf + NOTE_VALUE) != 0;
        break;
    case NOTE_SPEED_CHANGE:
        if (data_len != NOTE_SPEED_LEN)
            return -EINVAL;
        note->kind = CDC_NOTE_SPEED;
        note->down_bps = get32(buf + NOTE_HDR_LEN);
        note->up_bps = get32(buf + NOTE_HDR_LEN + 4);
        break;
    default: break;
    }
    return 0;
}

void cdc_ecm_rx_parse(uint8_t *buf, size_t len, usbnet_frame_fn fn, void *ctx,
                      struct usbnet_rx_count *count)
{
    if (len > USBNET_FRAME_MAX + USBNET_VLAN_TAG_LEN) {
        count->malformed++; /* more than wMaxSegmentSize: the transfer ran into the next frame */
        return;
    }
    if (len < USBNET_ETH_HLEN) {
        count->errors++;
        return;
    }
    count->frames++;
    fn(ctx, buf, len);
}

void smsc95xx_tx_header(uint8_t hdr[SMSC95XX_TX_HDR_LEN], size_t len)
{
    /* One buffer per frame: first and last segment at once. */
    put32(hdr, ((uint32_t)len & SMSC_TX_CMD_A_BUF_SIZE) | SMSC_TX_CMD_A_FIRST_SEG |
                   SMSC_TX_CMD_A_LAST_SEG);
    put32(hdr + 4, (uint32_t)len & SMSC_TX_CMD_B_PKT_LEN);
}

/* Hands a received frame (FCS still on) to fn, or counts why not. */
static void rx_deliver(uint8_t *frame, size_t len_fcs, bool device_error, usbnet_frame_fn fn,
                       void *ctx, struct usbnet_rx_count *count)
{
    if (device_error || len_fcs < RX_FRAME_MIN_FCS) {
        count->errors++;
        return;
    }
    count->frames++;
    fn(ctx, frame, len_fcs - USBNET_FCS_LEN);
}

static size_t align_pad(size_t off, size_t align)
{
    return (align - off % align) % align;
}

void smsc95xx_rx_parse(uint8_t *buf, size_t len, usbnet_frame_fn fn, void *ctx,
                       struct usbnet_rx_count *count)
{
    size_t off = 0;
    while (off < len) {
        if (len - off < SMSC95XX_RX_STS_LEN) {
            count->malformed++;
            return;
        }
        uint32_t sts = get32(buf + off);
        size_t flen = (sts & SMSC_RX_STS_FL_MASK) >> SMSC_RX_STS_FL_SHIFT;
        off += SMSC95XX_RX_STS_LEN;
        if (flen == 0 || flen > RX_FRAME_MAX_FCS || flen > len - off) {
            count->malformed++; /* the rest cannot be found without this length */
            return;
        }
        rx_deliver(buf + off, flen, sts & (SMSC_RX_STS_ES | SMSC_RX_STS_FF), fn, ctx, count);
        off += flen;
        /* The last record needs no padding; between records it is always there. */
        off += align_pad(off, SMSC_RX_ALIGN);
    }
}

void lan78xx_tx_header(uint8_t hdr[LAN78XX_TX_HDR_LEN], size_t len)
{
    put32(hdr, ((uint32_t)len & LAN78XX_TX_CMD_A_LEN) | LAN78XX_TX_CMD_A_FCS);
    put32(hdr + 4, 0); /* command B: no segmentation offload, no VLAN tag insertion */
}

void lan78xx_rx_parse(uint8_t *buf, size_t len, usbnet_frame_fn fn, void *ctx,
                      struct usbnet_rx_count *count)
{
    size_t off = 0;
    while (off < len) {
        if (len - off < LAN78XX_RX_HDR_LEN) {
            count->malformed++;
            return;
        }
        uint32_t cmd_a = get32(buf + off);
        size_t flen = cmd_a & LAN78XX_RX_CMD_A_LEN;
        off += LAN78XX_RX_HDR_LEN;
        if (flen == 0 || flen > RX_FRAME_MAX_FCS || flen > len - off) {
            count->malformed++;
            return;
        }
        rx_deliver(buf + off, flen, cmd_a & LAN78XX_RX_CMD_A_RED, fn, ctx, count);
        off += flen;
        off += align_pad(off, LAN78XX_RX_ALIGN);
    }
}
