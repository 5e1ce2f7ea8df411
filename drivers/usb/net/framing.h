/* SPDX-License-Identifier: MIT */
/*
 * The pure parts of the USB Ethernet drivers: what they read from the device
 * (configuration descriptors, notifications, bulk-in aggregates) and the
 * headers they put before a frame on bulk-out. No kernel calls, so the host
 * unit tests and the fuzz target (tests/fuzz/fuzz_usbnet_rx.c) link this file
 * alone. Everything parsed here comes from the device and is checked against
 * the bytes actually received before use; a bad record is counted, never
 * trusted.
 */
#ifndef DRIVERS_USB_NET_FRAMING_H
#define DRIVERS_USB_NET_FRAMING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define USBNET_MAC_LEN      6
#define USBNET_ETH_HLEN     14
#define USBNET_FRAME_MAX    1514 /* Ethernet frame without FCS or VLAN tag: MTU 1500 */
#define USBNET_FCS_LEN      4
#define USBNET_VLAN_TAG_LEN 4

/* A frame found in a bulk-in transfer; it points into the caller's buffer. */
typedef void (*usbnet_frame_fn)(void *ctx, uint8_t *frame, size_t len);

/* What a receive parser found, added to by every call. */
struct usbnet_rx_count {
    uint64_t frames;    /* good frames handed to the callback */
    uint64_t errors;    /* frames the device flagged (CRC, runt, too long): dropped */
    uint64_t malformed; /* framing that does not add up (lengths, bounds): the rest dropped */
};

/* ---- CDC-ECM (USB Class Definitions for Communications Devices 1.2, ECM 1.2) ---- */

/* What a configuration offers for CDC-ECM, from its descriptors. */
struct cdc_ecm_info {
    uint8_t config_value;  /* bConfigurationValue */
    uint8_t comm_iface;    /* the Communications interface (class 2, subclass 6) */
    uint8_t data_iface;    /* its Data interface (from the Union descriptor) */
    uint8_t data_alt;      /* the Data interface's alternate setting with the bulk pair */
    uint8_t mac_string;    /* iMACAddress: string index of 12 hex digits */
    uint16_t max_segment;  /* wMaxSegmentSize */
    uint8_t ep_in, ep_out; /* bulk endpoint addresses of data_alt */
    uint8_t ep_notify;     /* interrupt IN endpoint of comm_iface, 0 if none */
    uint16_t in_max_packet, out_max_packet, notify_max_packet;
    uint8_t notify_interval;
};

/*
 * Reads one configuration descriptor set (the configuration descriptor and
 * everything after it, len bytes). Returns 0 and fills info if it carries a
 * usable CDC-ECM function, -ENOENT if it does not, -EINVAL if its descriptors
 * are malformed (lengths past the end, a wTotalLength that lies).
 */
int cdc_ecm_parse_config(const uint8_t *cfg, size_t len, struct cdc_ecm_info *info);

/* Parses a MAC written as 12 hex digits (iMACAddress). Returns 0 or -EINVAL. */
int usbnet_parse_mac(const char *hex, uint8_t mac[USBNET_MAC_LEN]);

enum cdc_note_kind {
    CDC_NOTE_OTHER, /* a notification the driver has no use for */
    CDC_NOTE_LINK,  /* NETWORK_CONNECTION: link_up */
    CDC_NOTE_SPEED, /* CONNECTION_SPEED_CHANGE: up_bps, down_bps */
};

struct cdc_note {
    enum cdc_note_kind kind;
    bool link_up;
    uint32_t up_bps, down_bps;
};

/*
 * Parses what the notification endpoint sent (len bytes, one notification).
 * Returns 0 and fills note, or -EINVAL for a malformed one (short, wrong
 * request type, wLength not matching the data).
 */
int cdc_ecm_parse_notification(const uint8_t *buf, size_t len, struct cdc_note *note);

/*
 * One bulk-in transfer is one frame, without FCS (ECM 1.2 §3.3.1): calls fn
 * for it if its length is an Ethernet frame's, else counts it.
 */
void cdc_ecm_rx_parse(uint8_t *buf, size_t len, usbnet_frame_fn fn, void *ctx,
                      struct usbnet_rx_count *count);

/* ---- SMSC LAN9512/LAN9514 (LAN9514 datasheet rev. 1.0, §6 "Ethernet frame formats") ---- */

#define SMSC95XX_TX_HDR_LEN 8 /* TX command A and B */
#define SMSC95XX_RX_STS_LEN 4 /* the RX status word before each frame */

/* Writes TX command words A and B for one frame of len bytes sent as one buffer. */
void smsc95xx_tx_header(uint8_t hdr[SMSC95XX_TX_HDR_LEN], size_t len);

/*
 * Walks a bulk-in transfer of len bytes (several frames when the device
 * aggregates), calling fn for each good frame (without its FCS). Counts into
 * *count; stops at the first record whose length does not fit.
 */
void smsc95xx_rx_parse(uint8_t *buf, size_t len, usbnet_frame_fn fn, void *ctx,
                       struct usbnet_rx_count *count);

/* ---- Microchip LAN7800 (LAN7800 datasheet DS00001992, §7.7 "RX/TX command words") ---- */

#define LAN78XX_TX_HDR_LEN 8  /* TX command A and B */
#define LAN78XX_RX_HDR_LEN 10 /* RX command A, B and C */

void lan78xx_tx_header(uint8_t hdr[LAN78XX_TX_HDR_LEN], size_t len);

/* As smsc95xx_rx_parse, for the LAN7800's RX command A/B/C framing. */
void lan78xx_rx_parse(uint8_t *buf, size_t len, usbnet_frame_fn fn, void *ctx,
                      struct usbnet_rx_count *count);

#endif
