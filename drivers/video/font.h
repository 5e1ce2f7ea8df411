/* SPDX-License-Identifier: MIT */
/*
 * A bitmap console font: one glyph per printable ASCII character, rows top to
 * bottom, bytes_per_row bytes per row, the leftmost pixel in the top bit.
 * font_console is generated at build time by scripts/psf2c.py from a Linux
 * console font of Debian's console-setup-linux (see the board's board.mk).
 */
#ifndef DRIVERS_VIDEO_FONT_H
#define DRIVERS_VIDEO_FONT_H

#include <stdint.h>

struct font {
    uint8_t width, height, bytes_per_row;
    uint8_t first, last;   /* the characters glyphs holds */
    const uint8_t *glyphs; /* (last - first + 1) * height * bytes_per_row bytes */
};

extern const struct font font_console;

#endif
