// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: USB descriptors (drivers/usb/descriptor.c), which come
 * from devices: the first byte picks the parser, the rest is the descriptor.
 * Checks the contract beyond "no crash" (ASan, UBSan): an accepted
 * configuration's endpoints have a number 1..15, a packet size 1..1024 and
 * no reserved bits, each address once; a string is NUL-terminated within
 * its buffer; a hub has 1..USB_HUB_MAX_PORTS ports.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/usb/descriptor.h"

#define MAX_EPS    (2 * USB_MAX_ENDPOINTS)
#define STRING_OUT 40

static void check_config(const uint8_t *d, size_t n)
{
    struct usb_endpoint ep[MAX_EPS];
    unsigned count = 0;
    if (usb_desc_config(d, n, ep, MAX_EPS, &count) != 0)
        return;
    if (count > MAX_EPS)
        abort();
    for (unsigned i = 0; i < count; i++) {
        if (USB_EP_NUM(ep[i].address) == 0 || (ep[i].address & USB_EP_RESERVED_BITS) ||
            ep[i].max_packet == 0 || ep[i].max_packet > USB_EP_MAX_PACKET_MAX ||
            ep[i].type == USB_XFER_CONTROL)
            abort();
        for (unsigned j = 0; j < i; j++)
            if (ep[j].address == ep[i].address)
                abort();
    }
    int iface = usb_desc_find_interface(d, n, d[n - 1], d[n / 2], d[0]);
    if (iface < -ENOENT || iface > UINT8_MAX)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t *d = data + 1;
    size_t n = size - 1;
    /* A copy of exactly n bytes, so ASan sees any read past the descriptor. */
    uint8_t *copy = malloc(n ? n : 1);
    if (!copy)
        return 0;
    memcpy(copy, d, n);
    switch (data[0] % 5) {
    case 0: {
        struct usb_device_desc dev;
        int mps = usb_desc_ep0_size(copy, n);
        if (mps >= 0 && mps != 8 && mps != 16 && mps != 32 && mps != 64)
            abort();
        if (usb_desc_device(copy, n, &dev) == 0 && dev.num_configurations == 0)
            abort();
        break;
    }
    case 1: {
        uint16_t total;
        uint8_t value;
        if (usb_desc_config_head(copy, n, &total, &value) == 0 &&
            (total < USB_DT_CONFIG_SIZE || total > USB_CONFIG_MAX_LEN))
            abort();
        break;
    }
    case 2: check_config(copy, n); break;
    case 3: {
        char out[STRING_OUT];
        int len = usb_desc_string(copy, n, out, sizeof(out));
        if (len >= (int)sizeof(out) || (len >= 0 && strlen(out) != (size_t)len))
            abort();
        break;
    }
    default: {
        uint8_t ports;
        uint16_t ms;
        if (usb_desc_hub(copy, n, &ports, &ms) == 0 && (ports == 0 || ports > USB_HUB_MAX_PORTS))
            abort();
        break;
    }
    }
    free(copy);
    return 0;
}
