// SPDX-License-Identifier: MIT
/*
 * The Pi 3's screen as a late driver (the "fb" feature, board.mk): a
 * framebuffer from the firmware with a text console on it, a mirror of the
 * serial console from the moment it starts. Boot argument fbcon=off leaves
 * the screen alone. Linked only into the images whose service asks for it.
 */
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>

#include "arch/aarch64/mmu.h"
#include "drivers/video/bcm2835_fb.h"
#include "drivers/video/fbcon.h"
#include "drivers/video/font.h"
#include "kernel/console.h"
#include "platform/platform.h"

#define FB_WIDTH   640 /* the framebuffer console: 80 x 30 characters of 8 x 16 */
#define FB_HEIGHT  480
#define FB_ARG_MAX 8

static int fb_start(const struct board *board)
{
    char val[FB_ARG_MAX];
    if (mote_arg_get(board->bootargs, "fbcon", val, sizeof(val)) >= 0 && strcmp(val, "off") == 0)
        return 0;
    struct framebuffer fb;
    int err = bcm2835_fb_init(FB_WIDTH, FB_HEIGHT, &fb);
    if (err) {
        mote_log(MOTE_LOG_WARN, "framebuffer: the firmware gave none (%d); no screen console", err);
        return 0;
    }
    const struct console_dev *con = NULL;
    if (mmu_map(fb.base, fb.size, MMU_DEVICE) != 0 || !(con = fbcon_init(&fb, &font_console)) ||
        console_add(con) != 0) {
        mote_log(MOTE_LOG_WARN, "framebuffer: at 0x%08llx cannot be used; no screen console",
                 (unsigned long long)fb.base);
        return 0;
    }
    mote_log(MOTE_LOG_INFO, "framebuffer: %ux%u, 32 bits at 0x%08llx; console %ux%u, font %ux%u",
             (unsigned)fb.width, (unsigned)fb.height, (unsigned long long)fb.base, fbcon_columns(),
             fbcon_rows(), (unsigned)font_console.width, (unsigned)font_console.height);
    return 0;
}

static const struct board_driver fb = {.name = "framebuffer", .start = fb_start};
BOARD_DRIVER(fb);
