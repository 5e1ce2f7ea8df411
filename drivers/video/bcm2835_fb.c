// SPDX-License-Identifier: MIT
/*
 * BCM2835 framebuffer through the VideoCore mailbox property interface (the
 * Raspberry Pi firmware wiki, "Mailbox property interface", framebuffer tags
 * 0x0004xxxx): one message sets the physical and virtual size, the depth, the
 * pixel order and the offset, allocates the buffer and reads the pitch back.
 * The buffer lives in VideoCore memory; the ARM writes it directly. No
 * double buffering, no palette modes.
 *   QEMU: -M raspi3b (bcm2835-fb); its monitor's screendump shows it
 */
#include "drivers/video/bcm2835_fb.h"

#include <errno.h>
#include <stdint.h>

#include "drivers/mbox/bcm2835_mbox.h"

#define FB_DEPTH_BITS 32
#define FB_PIXEL_RGB  1  /* 0x00RRGGBB in each word */
#define FB_ALIGNMENT  16 /* bytes, asked of the allocation */

enum { TAG_PHYS, TAG_VIRT, TAG_OFFSET, TAG_DEPTH, TAG_ORDER, TAG_ALLOCATE, TAG_PITCH, TAG_COUNT };

int bcm2835_fb_init(uint32_t width, uint32_t height, struct framebuffer *fb)
{
    struct mbox_tag tags[TAG_COUNT] = {
        [TAG_PHYS] = {.id = MBOX_TAG_FB_SET_PHYS_SIZE, .words = 2, .value = {width, height}},
        [TAG_VIRT] = {.id = MBOX_TAG_FB_SET_VIRT_SIZE, .words = 2, .value = {width, height}},
        [TAG_OFFSET] = {.id = MBOX_TAG_FB_SET_VIRT_OFFSET, .words = 2, .value = {0, 0}},
        [TAG_DEPTH] = {.id = MBOX_TAG_FB_SET_DEPTH, .words = 1, .value = {FB_DEPTH_BITS}},
        [TAG_ORDER] = {.id = MBOX_TAG_FB_SET_PIXEL_ORDER, .words = 1, .value = {FB_PIXEL_RGB}},
        [TAG_ALLOCATE] = {.id = MBOX_TAG_FB_ALLOCATE, .words = 2, .value = {FB_ALIGNMENT, 0}},
        [TAG_PITCH] = {.id = MBOX_TAG_FB_GET_PITCH, .words = 1},
    };
    int err = mbox_call(tags, TAG_COUNT);
    if (err)
        return err;
    uint32_t bus = tags[TAG_ALLOCATE].value[0], size = tags[TAG_ALLOCATE].value[1];
    fb->width = tags[TAG_PHYS].value[0];
    fb->height = tags[TAG_PHYS].value[1];
    fb->pitch = tags[TAG_PITCH].value[0];
    /* The firmware's answer is checked whole: a buffer that wraps the bus or is
     * smaller than the lines it claims would have the console write past it. */
    if (!bus || !size || size > UINT32_MAX - bus || tags[TAG_DEPTH].value[0] != FB_DEPTH_BITS ||
        fb->width == 0 || fb->height == 0 || fb->pitch < (uint64_t)fb->width * FB_BYTES_PER_PIXEL ||
        (uint64_t)fb->pitch * fb->height > size)
        return -ENODEV;
    fb->base = mbox_bus_to_phys(bus);
    fb->size = size;
    return 0;
}
