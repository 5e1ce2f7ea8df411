// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: what a USB Ethernet adapter sends the host
 * (drivers/usb/net/framing.c). The first byte picks the parser: a LAN9514
 * bulk-in aggregate, a LAN7800 one, a CDC-ECM bulk-in frame, a CDC-ECM
 * notification, or a configuration descriptor set searched for an ECM
 * function; the rest is the input. Checks the contract: every frame handed
 * on lies inside the input and is an Ethernet frame's length; counts add up;
 * a configuration reported usable names endpoints that have a direction.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/usb/net/framing.h"

#define MODES 5

struct span {
    const uint8_t *start;
    size_t len;
    uint64_t frames;
};

static void check_frame(void *ctx, uint8_t *frame, size_t len)
{
    struct span *s = ctx;
    if (frame < s->start || len > s->len || (size_t)(frame - s->start) > s->len - len)
        abort(); /* outside what was received */
    if (len < USBNET_ETH_HLEN || len > USBNET_FRAME_MAX + USBNET_VLAN_TAG_LEN)
        abort();
    s->frames++;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    unsigned mode = data[0] % MODES;
    size_t len = size - 1;
    /* A private, exact-size copy: ASan sees any read past the end. */
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, len);
    struct span s = {buf, len, 0};
    struct usbnet_rx_count count = {0};
    struct cdc_note note;
    struct cdc_ecm_info info;
    switch (mode) {
    case 0: smsc95xx_rx_parse(buf, len, check_frame, &s, &count); break;
    case 1: lan78xx_rx_parse(buf, len, check_frame, &s, &count); break;
    case 2: cdc_ecm_rx_parse(buf, len, check_frame, &s, &count); break;
    case 3:
        if (cdc_ecm_parse_notification(buf, len, &note) == 0 && note.kind > CDC_NOTE_SPEED)
            abort();
        break;
    default:
        if (cdc_ecm_parse_config(buf, len, &info) == 0 &&
            (!(info.ep_in & 0x80) || (info.ep_out & 0x80) || info.mac_string == 0 ||
             info.in_max_packet == 0 || info.out_max_packet == 0))
            abort();
        break;
    }
    if (count.frames != s.frames)
        abort();
    free(buf);
    return 0;
}
