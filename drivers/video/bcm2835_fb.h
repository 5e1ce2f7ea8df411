/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_VIDEO_BCM2835_FB_H
#define DRIVERS_VIDEO_BCM2835_FB_H

#include <stdint.h>

#define FB_BYTES_PER_PIXEL 4

/* A linear 32-bit framebuffer: pixel (x, y) is the word at base + y * pitch + 4 * x. */
struct framebuffer {
    uintptr_t base; /* ARM physical address */
    uint32_t width, height;
    uint32_t pitch; /* bytes per line */
    uint32_t size;  /* bytes */
};

/*
 * Asks the firmware (mailbox, drivers/mbox) for a width x height framebuffer
 * of 32-bit pixels (0x00RRGGBB) and fills *fb; does not map it. Returns 0,
 * the mailbox's error, or -ENODEV when the firmware gives no buffer (no
 * display, or a size it refuses).
 */
int bcm2835_fb_init(uint32_t width, uint32_t height, struct framebuffer *fb);

#endif
