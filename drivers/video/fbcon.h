/* SPDX-License-Identifier: MIT */
#ifndef DRIVERS_VIDEO_FBCON_H
#define DRIVERS_VIDEO_FBCON_H

#include "drivers/video/bcm2835_fb.h"
#include "drivers/video/font.h"
#include "kernel/console.h"

#define FBCON_FOREGROUND 0x00e0e0e0u /* light grey */
#define FBCON_BACKGROUND 0x00000000u /* black */

/*
 * A text console on fb (mapped as device memory) in font: clears the screen
 * and returns the console device, for console_add(). Returns NULL when the
 * screen cannot hold one character.
 */
const struct console_dev *fbcon_init(const struct framebuffer *fb, const struct font *font);

/* Columns and rows of the text console (0 before fbcon_init). */
unsigned fbcon_columns(void);
unsigned fbcon_rows(void);

#endif
