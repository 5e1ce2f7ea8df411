// SPDX-License-Identifier: MIT
/*
 * The Pi 3's USB as a late driver (the "net" feature, board.mk): the
 * Ethernet port sits on USB, so images whose service uses the network get
 * the USB host stack (drivers/usb/, docs/usb.md). The controller's power
 * domain comes on through the firmware, which says whether it did; the
 * Ethernet class drivers learn the board's MAC and revision from it too.
 * dwc2_init enumerates what is plugged in before returning, so the adapter
 * is a netdev by the time the service starts. Boot argument usb=off leaves
 * USB alone.
 */
#include <errno.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>

#include "drivers/mbox/bcm2835_mbox.h"
#include "drivers/usb/dwc2/dwc2.h"
#include "drivers/usb/net/usbnet.h"
#include "memmap.h"
#include "platform/platform.h"

#define ARG_MAX 8

/* The USB Ethernet class drivers (drivers/usb/net/), told what the firmware knows. */
static void class_drivers_register(void)
{
    uint32_t v[2] = {0, 0};
    if (mbox_tag_call(MBOX_TAG_MAC_ADDRESS, v, 2) == 0) {
        uint8_t mac[USBNET_MAC_LEN];
        memcpy(mac, v, USBNET_MAC_LEN);
        usbnet_set_board_mac(mac);
    }
    v[0] = 0;
    if (mbox_tag_call(MBOX_TAG_BOARD_REVISION, v, 1) == 0)
        usbnet_board_revision(v[0]);
    if (usbnet_init() != 0)
        mote_log(MOTE_LOG_WARN, "usb: Ethernet class drivers not registered");
}

static int usb_start(const struct board *board)
{
    char val[ARG_MAX];
    if (mote_arg_get(board->bootargs, "usb", val, sizeof(val)) >= 0 && strcmp(val, "off") == 0)
        return 0;
    uint32_t power[2] = {MBOX_POWER_USB, MBOX_POWER_ON | MBOX_POWER_WAIT};
    if (mbox_tag_call(MBOX_TAG_SET_POWER_STATE, power, 2) != 0 || !(power[1] & MBOX_POWER_ON) ||
        (power[1] & MBOX_POWER_NO_DEVICE)) {
        mote_log(MOTE_LOG_WARN, "usb: the firmware did not power the USB controller; no USB");
        return -EIO;
    }
    class_drivers_register();
    return dwc2_init(RASPI3_USB, RASPI3_IRQ_USB, RASPI3_BUS_RAM_UNC);
}

static const struct board_driver usb = {.name = "usb", .start = usb_start};
BOARD_DRIVER(usb);
