// SPDX-License-Identifier: MIT
/*
 * Framebuffer text console: the console's bytes drawn as glyphs of a bitmap
 * font, light grey on black, wrapping at the right edge and scrolling the
 * whole screen up a text row at the bottom. Understands "\r", "\n", "\b" and
 * "\t"; other control bytes are ignored, bytes beyond ASCII drawn as "?" (one
 * per UTF-8 character). Writes are polled like a UART's, so the crash report
 * reaches the screen too. The framebuffer is device memory, so every access is
 * an aligned word store or load, never memcpy or memset (whose wide or
 * cache-zeroing instructions device memory does not take).
 */
#include "drivers/video/fbcon.h"

#include <stddef.h>

#define TAB_WIDTH      8
#define UTF8_CONT_MASK 0xc0u
#define UTF8_CONT      0x80u /* 10xxxxxx: a continuation byte */
#define ASCII_LAST     0x7f
#define REPLACEMENT    '?'

static struct {
    struct framebuffer fb;
    const struct font *font;
    unsigned cols, rows;
    unsigned col, row;
} con;

static volatile uint32_t *line_ptr(unsigned y)
{
    return (volatile uint32_t *)(con.fb.base + (uintptr_t)y * con.fb.pitch);
}

static void fill_lines(unsigned y, unsigned count, uint32_t colour)
{
    for (unsigned l = y; l < y + count; l++) {
        volatile uint32_t *p = line_ptr(l);
        for (unsigned x = 0; x < con.fb.width; x++)
            p[x] = colour;
    }
}

static void draw(unsigned col, unsigned row, uint8_t c)
{
    const struct font *f = con.font;
    if (c < f->first || c > f->last)
        c = REPLACEMENT;
    const uint8_t *g = f->glyphs + (size_t)(c - f->first) * f->height * f->bytes_per_row;
    for (unsigned y = 0; y < f->height; y++, g += f->bytes_per_row) {
        volatile uint32_t *p = line_ptr(row * f->height + y) + col * f->width;
        for (unsigned x = 0; x < f->width; x++) {
            unsigned bit = (g[x / 8] >> (7 - x % 8)) & 1u;
            p[x] = bit ? FBCON_FOREGROUND : FBCON_BACKGROUND;
        }
    }
}

static void scroll(void)
{
    unsigned text_lines = con.rows * con.font->height;
    for (unsigned y = con.font->height; y < text_lines; y++) {
        volatile uint32_t *dst = line_ptr(y - con.font->height), *src = line_ptr(y);
        for (unsigned x = 0; x < con.fb.width; x++)
            dst[x] = src[x];
    }
    fill_lines(text_lines - con.font->height, con.font->height, FBCON_BACKGROUND);
}

static void newline(void)
{
    con.col = 0;
    if (con.row + 1 < con.rows)
        con.row++;
    else
        scroll();
}

static void put(uint8_t c)
{
    if (con.col == con.cols)
        newline();
    draw(con.col++, con.row, c);
}

static void fbcon_write_byte(uint8_t c)
{
    switch (c) {
    case '\r': con.col = 0; return;
    case '\n': newline(); return;
    case '\b':
        if (con.col > 0)
            con.col--;
        return;
    case '\t':
        do
            put(' ');
        while (con.col % TAB_WIDTH && con.col < con.cols);
        return;
    default: break;
    }
    if (c > ASCII_LAST) {
        if ((c & UTF8_CONT_MASK) != UTF8_CONT)
            put(REPLACEMENT);
        return;
    }
    if (c >= ' ' && c < ASCII_LAST)
        put(c);
}

static const struct console_dev fbcon_console = {
    .name = "fbcon",
    .write_byte = fbcon_write_byte,
};

const struct console_dev *fbcon_init(const struct framebuffer *fb, const struct font *font)
{
    if (!font->width || !font->height || fb->width < font->width || fb->height < font->height)
        return NULL;
    con.fb = *fb;
    con.font = font;
    con.cols = fb->width / font->width;
    con.rows = fb->height / font->height;
    con.col = con.row = 0;
    fill_lines(0, fb->height, FBCON_BACKGROUND);
    return &fbcon_console;
}

unsigned fbcon_columns(void)
{
    return con.cols;
}

unsigned fbcon_rows(void)
{
    return con.rows;
}
