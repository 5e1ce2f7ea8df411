// SPDX-License-Identifier: MIT
/*
 * The Pi 3's SD card slot as a late driver (the "block" feature, board.mk):
 * its power domain on, GPIO 48-53 to the Arasan controller, then the card's
 * identification (drivers/sd/). Linked only into the images whose service
 * uses block devices.
 */
#include <errno.h>

#include <mote/gpio.h>
#include <mote/log.h>

#include "drivers/gpio/bcm2835_gpio.h"
#include "drivers/mbox/bcm2835_mbox.h"
#include "drivers/sd/sdcard.h"
#include "memmap.h"
#include "platform/platform.h"

/* The EMMC clock the firmware set, or 0 when it does not say (sdcard_init then assumes one). */
static uint32_t emmc_clock_hz(void)
{
    uint32_t v[2] = {MBOX_CLOCK_EMMC, 0};
    return mbox_tag_call(MBOX_TAG_GET_CLOCK_RATE, v, 2) == 0 && v[0] == MBOX_CLOCK_EMMC ? v[1] : 0;
}

/*
 * The pins go to the Arasan controller (ALT3), pull-ups on the command and
 * data lines, whatever a loader left: the firmware and U-Boot route them to the
 * SDHOST controller (ALT0). All six pass through input first: QEMU's GPIO
 * model (hw/gpio/bcm2835_gpio.c) moves the card back to the Arasan controller
 * only when all six read as function 0, and on the chip the detour is harmless
 * (no clock runs while the pins float on their pull-ups). No card is not an error.
 */
static int sd_start(const struct board *board)
{
    (void)board;
    uint32_t power[2] = {MBOX_POWER_SD, MBOX_POWER_ON | MBOX_POWER_WAIT};
    if (mbox_tag_call(MBOX_TAG_SET_POWER_STATE, power, 2) != 0 || !(power[1] & MBOX_POWER_ON))
        mote_log(MOTE_LOG_WARN, "sd: the firmware did not confirm the SD card's power");
    for (unsigned pin = RASPI3_GPIO_SD_FIRST; pin <= RASPI3_GPIO_SD_LAST; pin++)
        bcm2835_gpio_set_function(pin, BCM2835_GPIO_FN_INPUT);
    for (unsigned pin = RASPI3_GPIO_SD_FIRST; pin <= RASPI3_GPIO_SD_LAST; pin++) {
        bcm2835_gpio_set_pull(pin, pin == RASPI3_GPIO_SD_FIRST ? MOTE_GPIO_PULL_NONE
                                                               : MOTE_GPIO_PULL_UP);
        bcm2835_gpio_set_function(pin, BCM2835_GPIO_FN_ALT3);
    }
    int err = sdcard_init(RASPI3_EMMC, emmc_clock_hz());
    if (err == -ENODEV)
        mote_log(MOTE_LOG_INFO, "sd: no card in the slot");
    else if (err)
        mote_log(MOTE_LOG_ERROR, "sd: card not usable: %s (%d)",
                 err == -ETIMEDOUT ? "it stopped answering"
                 : err == -EILSEQ  ? "CRC error"
                                   : "not an SD memory card Mote can drive",
                 err);
    return 0;
}

static const struct board_driver sd = {.name = "sd", .start = sd_start};
BOARD_DRIVER(sd);
