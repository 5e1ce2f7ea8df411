/* SPDX-License-Identifier: MIT */
/*
 * The VideoCore mailbox property interface: what the firmware knows about the
 * board (model, revision, serial, MAC, memory split, clocks) and what it does
 * for the ARM (power domains, framebuffer). Tags and layouts: the Raspberry Pi
 * firmware wiki, "Mailbox property interface".
 */
#ifndef DRIVERS_MBOX_BCM2835_MBOX_H
#define DRIVERS_MBOX_BCM2835_MBOX_H

#include <stddef.h>
#include <stdint.h>

/* clang-format off */
#define MBOX_TAG_FIRMWARE_REVISION 0x00000001
#define MBOX_TAG_BOARD_MODEL       0x00010001
#define MBOX_TAG_BOARD_REVISION    0x00010002
#define MBOX_TAG_MAC_ADDRESS       0x00010003
#define MBOX_TAG_BOARD_SERIAL      0x00010004
#define MBOX_TAG_ARM_MEMORY        0x00010005
#define MBOX_TAG_VC_MEMORY         0x00010006
#define MBOX_TAG_GET_POWER_STATE   0x00020001
#define MBOX_TAG_SET_POWER_STATE   0x00028001
#define   MBOX_POWER_ON   (1u << 0)
#define   MBOX_POWER_WAIT (1u << 1)
#define   MBOX_POWER_NO_DEVICE (1u << 1) /* in the answer */
#define MBOX_TAG_GET_CLOCK_RATE    0x00030002
/* Framebuffer tags (drivers/video/) */
#define MBOX_TAG_FB_ALLOCATE       0x00040001
#define MBOX_TAG_FB_GET_PITCH      0x00040008
#define MBOX_TAG_FB_SET_PHYS_SIZE  0x00048003
#define MBOX_TAG_FB_SET_VIRT_SIZE  0x00048004
#define MBOX_TAG_FB_SET_DEPTH      0x00048005
#define MBOX_TAG_FB_SET_PIXEL_ORDER 0x00048006
#define MBOX_TAG_FB_SET_VIRT_OFFSET 0x00048009
/* clang-format on */

/* Clock ids of MBOX_TAG_GET_CLOCK_RATE */
enum mbox_clock {
    MBOX_CLOCK_EMMC = 1,
    MBOX_CLOCK_UART = 2,
    MBOX_CLOCK_ARM = 3,
    MBOX_CLOCK_CORE = 4,
};

/* Power domain ids of MBOX_TAG_SET_POWER_STATE */
enum mbox_power_device {
    MBOX_POWER_SD = 0,
    MBOX_POWER_UART0 = 1,
    MBOX_POWER_UART1 = 2,
    MBOX_POWER_USB = 3,
};

#define MBOX_TAG_MAX_WORDS 8 /* the largest value buffer of one tag Mote sends */

/* One tag of a property message: id, value buffer size in words, the values. */
struct mbox_tag {
    uint32_t id;
    uint32_t words;                     /* value buffer size (request and answer), <= MAX */
    uint32_t value[MBOX_TAG_MAX_WORDS]; /* request in, answer out */
    uint32_t answer_len;                /* bytes the firmware answered with */
};

/*
 * Uses the mailbox at base (mapped as device memory); ram_bus_alias is where
 * ARM RAM appears on the VideoCore's bus (0xc0000000, uncached, on the BCM2837).
 */
void mbox_init(uintptr_t base, uint32_t ram_bus_alias);

/*
 * Sends one property message with ntags tags and waits for the answer, which
 * replaces each tag's value. Returns 0, -ENODEV before mbox_init, -EINVAL for
 * a tag larger than MBOX_TAG_MAX_WORDS or a message that does not fit,
 * -ETIMEDOUT when the firmware does not answer, -EIO when it reports an error
 * or leaves a tag unanswered.
 */
int mbox_call(struct mbox_tag *tags, size_t ntags);

/* One tag with words value words (in and out). Returns as mbox_call. */
int mbox_tag_call(uint32_t id, uint32_t *value, uint32_t words);

/* ARM physical address of a VideoCore bus address (framebuffer pointers). */
uintptr_t mbox_bus_to_phys(uint32_t bus_addr);

#endif
