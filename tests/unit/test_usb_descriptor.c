// SPDX-License-Identifier: MIT
/* Unit tests for USB descriptor validation (drivers/usb/descriptor.c): what devices send. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "drivers/usb/descriptor.h"

#define MAX_EPS (2 * USB_MAX_ENDPOINTS)

/* QEMU's usb-net device descriptor (0525:a4a2, two configurations, ep0 64 bytes). */
static const uint8_t usb_net_device[] = {
    18,   USB_DT_DEVICE, 0x00, 0x02, 0x02, 0x00, 0x00, 64, 0x25,
    0x05, 0xa2,          0xa4, 0x00, 0x01, 1,    2,    3,  2,
};

/*
 * A CDC-ECM configuration as usb-net has it: a communication interface
 * (class 2, subclass 6) with its functional descriptors and an interrupt
 * endpoint, a data interface whose alternate setting 0 has no endpoints and
 * setting 1 the two bulk endpoints.
 */
static const uint8_t cdc_ecm_config[] = {
    9,
    USB_DT_CONFIG,
    80,
    0,
    2,
    1,
    0,
    0xc0,
    0x32,
    /* interface 0: CDC communication, Ethernet networking control model */
    9,
    USB_DT_INTERFACE,
    0,
    0,
    1,
    0x02,
    0x06,
    0x00,
    0,
    5,
    0x24,
    0x00,
    0x10,
    0x01, /* header */
    5,
    0x24,
    0x06,
    0x00,
    0x01, /* union */
    13,
    0x24,
    0x0f,
    4,
    0,
    0,
    0,
    0,
    0xea,
    0x05,
    0,
    0,
    0, /* Ethernet networking */
    7,
    USB_DT_ENDPOINT,
    0x81,
    0x03,
    16,
    0,
    32, /* notification */
    /* interface 1: data, setting 0 without endpoints, setting 1 with them */
    9,
    USB_DT_INTERFACE,
    1,
    0,
    0,
    0x0a,
    0,
    0,
    0,
    9,
    USB_DT_INTERFACE,
    1,
    1,
    2,
    0x0a,
    0,
    0,
    0,
    7,
    USB_DT_ENDPOINT,
    0x82,
    0x02,
    64,
    0,
    0,
    7,
    USB_DT_ENDPOINT,
    0x02,
    0x02,
    64,
    0,
    0,
};

static void test_device_descriptor_fields_are_read(void **state)
{
    (void)state;
    struct usb_device_desc d;
    assert_int_equal(usb_desc_ep0_size(usb_net_device, USB_DT_DEVICE_HEAD), 64);
    assert_int_equal(usb_desc_device(usb_net_device, sizeof(usb_net_device), &d), 0);
    assert_int_equal(d.vendor, 0x0525);
    assert_int_equal(d.product, 0xa4a2);
    assert_int_equal(d.dev_class, 2);
    assert_int_equal(d.num_configurations, 2);
    assert_int_equal(d.i_product, 2);
}

static void test_device_descriptor_bad_ep0_size_or_short_is_rejected(void **state)
{
    (void)state;
    uint8_t d[sizeof(usb_net_device)];
    struct usb_device_desc out;
    memcpy(d, usb_net_device, sizeof(d));
    d[7] = 7;
    assert_int_equal(usb_desc_ep0_size(d, sizeof(d)), -EINVAL);
    assert_int_equal(usb_desc_device(d, sizeof(d), &out), -EINVAL);
    assert_int_equal(usb_desc_ep0_size(usb_net_device, 7), -EINVAL);
    assert_int_equal(usb_desc_device(usb_net_device, 17, &out), -EINVAL);
    memcpy(d, usb_net_device, sizeof(d));
    d[1] = USB_DT_CONFIG;
    assert_int_equal(usb_desc_ep0_size(d, sizeof(d)), -EINVAL);
    memcpy(d, usb_net_device, sizeof(d));
    d[17] = 0; /* no configuration at all */
    assert_int_equal(usb_desc_device(d, sizeof(d), &out), -EINVAL);
}

static void test_config_header_bounds_total_length(void **state)
{
    (void)state;
    uint16_t total;
    uint8_t value;
    assert_int_equal(usb_desc_config_head(cdc_ecm_config, 9, &total, &value), 0);
    assert_int_equal(total, sizeof(cdc_ecm_config));
    assert_int_equal(value, 1);
    uint8_t h[9];
    memcpy(h, cdc_ecm_config, 9);
    h[2] = 8, h[3] = 0; /* shorter than the header itself */
    assert_int_equal(usb_desc_config_head(h, 9, &total, &value), -EINVAL);
    h[2] = 0x01, h[3] = 0x10; /* 4097: more than Mote reads */
    assert_int_equal(usb_desc_config_head(h, 9, &total, &value), -EINVAL);
    assert_int_equal(usb_desc_config_head(h, 8, &total, &value), -EINVAL);
}

static void test_cdc_ecm_config_yields_every_endpoint_of_every_setting(void **state)
{
    (void)state;
    struct usb_endpoint ep[MAX_EPS];
    unsigned n = 0;
    assert_int_equal(usb_desc_config(cdc_ecm_config, sizeof(cdc_ecm_config), ep, MAX_EPS, &n), 0);
    assert_int_equal(n, 3);
    assert_int_equal(ep[0].address, 0x81);
    assert_int_equal(ep[0].type, USB_XFER_INTERRUPT);
    assert_int_equal(ep[0].max_packet, 16);
    assert_int_equal(ep[0].interval, 32);
    assert_int_equal(ep[0].interface, 0);
    assert_int_equal(ep[1].address, 0x82);
    assert_int_equal(ep[1].type, USB_XFER_BULK);
    assert_int_equal(ep[1].interface, 1);
    assert_int_equal(ep[2].address, 0x02);
    assert_int_equal(usb_desc_find_interface(cdc_ecm_config, sizeof(cdc_ecm_config), 2, 6, 0), 0);
    assert_int_equal(usb_desc_find_interface(cdc_ecm_config, sizeof(cdc_ecm_config), 0x0a, 0, 0),
                     1);
    assert_int_equal(usb_desc_find_interface(cdc_ecm_config, sizeof(cdc_ecm_config), 2, 2, 0xff),
                     -ENOENT);
}

/* Copies the CDC-ECM configuration, changes one byte, and validates it. */
static int config_with(size_t off, uint8_t value, size_t len)
{
    uint8_t c[sizeof(cdc_ecm_config)];
    struct usb_endpoint ep[MAX_EPS];
    unsigned n;
    memcpy(c, cdc_ecm_config, sizeof(c));
    c[off] = value;
    return usb_desc_config(c, len, ep, MAX_EPS, &n);
}

#define NOTIFY_EP 41 /* offset of the notification endpoint descriptor */
#define DATA_ALT1 57 /* offset of the data interface's setting 1 */

static void test_malformed_configs_are_rejected(void **state)
{
    (void)state;
    const size_t len = sizeof(cdc_ecm_config);
    assert_int_equal(config_with(0, 9, len), 0); /* the unchanged one passes */
    /* wTotalLength is not what was read */
    assert_int_equal(config_with(2, 70, len), -EINVAL);
    assert_int_equal(config_with(2, 79, len - 1), -EINVAL);
    /* a descriptor of length 0 (would never advance) or 1, or running past the end */
    assert_int_equal(config_with(9, 0, len), -EINVAL);
    assert_int_equal(config_with(9, 1, len), -EINVAL);
    assert_int_equal(config_with(DATA_ALT1 + 9, 60, len), -EINVAL);
    /* a short interface or endpoint descriptor */
    assert_int_equal(config_with(NOTIFY_EP, 6, len), -EINVAL);
    /* endpoint number 0, reserved address bits, packet size 0 or above 1024, control type */
    assert_int_equal(config_with(NOTIFY_EP + 2, 0x80, len), -EINVAL);
    assert_int_equal(config_with(NOTIFY_EP + 2, 0x91, len), -EINVAL);
    assert_int_equal(config_with(NOTIFY_EP + 4, 0, len), -EINVAL);
    assert_int_equal(config_with(NOTIFY_EP + 5, 0x04, len), -EINVAL);
    assert_int_equal(config_with(NOTIFY_EP + 3, 0x00, len), -EINVAL);
    /* more distinct interfaces than bNumInterfaces */
    assert_int_equal(config_with(4, 1, len), -EINVAL);
    /* an interface number beyond what Mote tracks */
    assert_int_equal(config_with(DATA_ALT1 + 2, 40, len), -EINVAL);
}

static void test_endpoint_before_any_interface_is_rejected(void **state)
{
    (void)state;
    const uint8_t c[] = {
        9, USB_DT_CONFIG,    25, 0, 1, 1, 0, 0x80, 50, 7, USB_DT_ENDPOINT, 0x81, 3, 8, 0, 10,
        9, USB_DT_INTERFACE, 0,  0, 1, 3, 1, 1,    0,
    };
    struct usb_endpoint ep[MAX_EPS];
    unsigned n;
    assert_int_equal(usb_desc_config(c, sizeof(c), ep, MAX_EPS, &n), -EINVAL);
}

static void test_endpoints_beyond_room_are_rejected(void **state)
{
    (void)state;
    struct usb_endpoint ep[2];
    unsigned n;
    assert_int_equal(usb_desc_config(cdc_ecm_config, sizeof(cdc_ecm_config), ep, 2, &n), -EINVAL);
}

static void test_string_descriptor_becomes_ascii(void **state)
{
    (void)state;
    const uint8_t s[] = {10, USB_DT_STRING, 'Q', 0, 'E', 0, 0xe9, 0, 'U', 0};
    char out[16];
    assert_int_equal(usb_desc_string(s, sizeof(s), out, sizeof(out)), 4);
    assert_string_equal(out, "QE?U");
    assert_int_equal(usb_desc_string(s, sizeof(s), out, 3), 2);
    assert_string_equal(out, "QE");
    const uint8_t odd[] = {9, USB_DT_STRING, 'Q', 0, 'E', 0, 'M', 0, 'U'};
    assert_int_equal(usb_desc_string(odd, sizeof(odd), out, sizeof(out)), -EINVAL);
    assert_int_equal(usb_desc_string(s, 8, out, sizeof(out)), -EINVAL); /* longer than read */
    const uint8_t empty[] = {2, USB_DT_STRING};
    assert_int_equal(usb_desc_string(empty, sizeof(empty), out, sizeof(out)), 0);
    assert_string_equal(out, "");
}

static void test_hub_descriptor_port_count_is_bounded(void **state)
{
    (void)state;
    uint8_t h[] = {9, USB_DT_HUB, 8, 0x0a, 0x00, 0x01, 0x00, 0x00, 0xff};
    uint8_t ports;
    uint16_t ms;
    assert_int_equal(usb_desc_hub(h, sizeof(h), &ports, &ms), 0);
    assert_int_equal(ports, 8);
    assert_int_equal(ms, 2);
    h[2] = 0;
    assert_int_equal(usb_desc_hub(h, sizeof(h), &ports, &ms), -EINVAL);
    h[2] = USB_HUB_MAX_PORTS + 1;
    assert_int_equal(usb_desc_hub(h, sizeof(h), &ports, &ms), -EINVAL);
    h[2] = 4;
    assert_int_equal(usb_desc_hub(h, 8, &ports, &ms), -EINVAL);
    h[1] = USB_DT_CONFIG;
    assert_int_equal(usb_desc_hub(h, sizeof(h), &ports, &ms), -EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_device_descriptor_fields_are_read),
        cmocka_unit_test(test_device_descriptor_bad_ep0_size_or_short_is_rejected),
        cmocka_unit_test(test_config_header_bounds_total_length),
        cmocka_unit_test(test_cdc_ecm_config_yields_every_endpoint_of_every_setting),
        cmocka_unit_test(test_malformed_configs_are_rejected),
        cmocka_unit_test(test_endpoint_before_any_interface_is_rejected),
        cmocka_unit_test(test_endpoints_beyond_room_are_rejected),
        cmocka_unit_test(test_string_descriptor_becomes_ascii),
        cmocka_unit_test(test_hub_descriptor_port_count_is_bounded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
