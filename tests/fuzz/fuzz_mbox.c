// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the VideoCore firmware's answers to mailbox property
 * messages (drivers/mbox/property.c), and the framebuffer driver that trusts
 * them most (drivers/video/bcm2835_fb.c). The fake mailbox below answers the
 * way the firmware does (response codes set, values echoed), then applies the
 * input as patches to the answer's words. Checked: an accepted answer never
 * claims more bytes than a tag's buffer, and an accepted framebuffer holds
 * every line it claims (the console writes width * 4 bytes per line).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/mbox/property.h"
#include "drivers/video/bcm2835_fb.h"

#define MSG_WORDS     64
#define MSG_CODE      1
#define RESPONSE_OK   0x80000000u
#define TAG_RESPONSE  (1u << 31)
#define PATCH_BYTES   5 /* a word index, then the word */
#define RAM_BUS_ALIAS 0xc0000000u
#define FB_SCENARIO   0 /* else a generic tag list */

static const uint8_t *patches;
static size_t patches_len;

/* The firmware: answers in place, then the input rewrites words of the answer. */
int mbox_call(struct mbox_tag *tags, size_t ntags)
{
    uint32_t msg[MSG_WORDS];
    int words = mbox_property_build(msg, MSG_WORDS, tags, ntags);
    if (words < 0)
        return words;
    msg[MSG_CODE] = RESPONSE_OK;
    for (size_t i = 0, w = 2; i < ntags; w += 3 + tags[i].words, i++)
        msg[w + 2] = TAG_RESPONSE | tags[i].words * 4;
    for (size_t p = 0; p + PATCH_BYTES <= patches_len; p += PATCH_BYTES) {
        uint32_t v;
        memcpy(&v, patches + p + 1, sizeof(v));
        msg[patches[p] % (unsigned)words] = v;
    }
    int err = mbox_property_parse(msg, MSG_WORDS, tags, ntags);
    if (err == 0)
        for (size_t i = 0; i < ntags; i++)
            if (tags[i].answer_len > tags[i].words * 4)
                abort();
    if (err != 0 && err != -EIO)
        abort();
    return err;
}

uintptr_t mbox_bus_to_phys(uint32_t bus_addr)
{
    return bus_addr & ~RAM_BUS_ALIAS;
}

static void check_framebuffer(uint32_t width, uint32_t height)
{
    struct framebuffer fb;
    if (bcm2835_fb_init(width, height, &fb) != 0)
        return;
    if (fb.width == 0 || fb.height == 0 || (uint64_t)fb.width * FB_BYTES_PER_PIXEL > fb.pitch ||
        (uint64_t)fb.pitch * fb.height > fb.size)
        abort();
}

static void check_tags(const uint8_t *data, size_t size)
{
    struct mbox_tag tags[4];
    size_t n = 0;
    memset(tags, 0, sizeof(tags));
    /* Each tag: an id byte and a word count (0..MAX, and one beyond to check refusals). */
    while (n < 4 && size >= 2) {
        tags[n].id = MBOX_TAG_BOARD_MODEL + data[0];
        tags[n].words = data[1] % (MBOX_TAG_MAX_WORDS + 2);
        n++;
        data += 2;
        size -= 2;
    }
    int err = mbox_call(tags, n);
    if (err == -EINVAL) {
        for (size_t i = 0; i < n; i++)
            if (tags[i].words > MBOX_TAG_MAX_WORDS)
                return;
        abort(); /* refused although every tag fits */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 9)
        return 0;
    uint32_t width, height;
    memcpy(&width, data + 1, sizeof(width));
    memcpy(&height, data + 5, sizeof(height));
    patches = data + 9;
    patches_len = size - 9;
    if (data[0] % 2 == FB_SCENARIO)
        check_framebuffer(width, height);
    else
        check_tags(data + 1, 8);
    return 0;
}
