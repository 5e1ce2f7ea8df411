// SPDX-License-Identifier: MIT
/*
 * BCM2835 VideoCore mailbox 0/1 (registers: the Raspberry Pi firmware wiki,
 * "Mailboxes", and Linux drivers/mailbox/bcm2835-mailbox.c for the layout at
 * 0x7e00b880), property channel 8 only. A message is a 16-byte aligned buffer
 * in RAM; the ARM writes its bus address plus the channel into mailbox 1, the
 * VideoCore answers in place and posts the same word back in mailbox 0. Polled:
 * Mote asks at boot and from the framebuffer set-up, never from an interrupt.
 *   QEMU: -M raspi3b (bcm2835-mbox, bcm2835-property)
 */
#include "drivers/mbox/bcm2835_mbox.h"
#include "drivers/mbox/property.h"

#include <errno.h>
#include <string.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/mmio.h"
#include "drivers/timer/generic_timer.h"

/* clang-format off */
#define MBOX0_READ   0x00 /* VideoCore -> ARM */
#define MBOX0_STATUS 0x18
#define   MBOX_STATUS_FULL  (1u << 31)
#define   MBOX_STATUS_EMPTY (1u << 30)
#define MBOX1_WRITE  0x20 /* ARM -> VideoCore */
#define MBOX1_STATUS 0x38
#define   MBOX_CHANNEL_MASK 0xfu
#define MBOX_CHANNEL_PROPERTY 8
/* clang-format on */

#define MSG_WORDS  64 /* 256 bytes: room for a handful of tags (drivers/mbox/property.c) */
#define TIMEOUT_NS 100000000ull
#define CACHE_LINE 64

static uintptr_t base;
static uint32_t ram_alias; /* where ARM RAM appears on the VideoCore bus */
static uint32_t msg[MSG_WORDS] __attribute__((aligned(CACHE_LINE)));

/* The VideoCore reads and writes RAM behind the ARM's caches. */
static void cache_clean(const void *p, size_t len)
{
    for (uintptr_t a = (uintptr_t)p & ~(uintptr_t)(CACHE_LINE - 1); a < (uintptr_t)p + len;
         a += CACHE_LINE)
        __asm__ volatile("dc cvac, %0" ::"r"(a) : "memory");
    dsb(sy);
}

static void cache_invalidate(const void *p, size_t len)
{
    for (uintptr_t a = (uintptr_t)p & ~(uintptr_t)(CACHE_LINE - 1); a < (uintptr_t)p + len;
         a += CACHE_LINE)
        __asm__ volatile("dc ivac, %0" ::"r"(a) : "memory");
    dsb(sy);
}

static int wait_status(uint32_t reg, uint32_t busy_bit)
{
    uint64_t deadline = gtimer_now_ns() + TIMEOUT_NS;
    while (mmio_read32(base + reg) & busy_bit)
        if (gtimer_now_ns() > deadline)
            return -ETIMEDOUT;
    return 0;
}

static int transact(uint32_t bus_addr)
{
    if (wait_status(MBOX1_STATUS, MBOX_STATUS_FULL))
        return -ETIMEDOUT;
    mmio_write32(base + MBOX1_WRITE, bus_addr | MBOX_CHANNEL_PROPERTY);
    for (;;) {
        if (wait_status(MBOX0_STATUS, MBOX_STATUS_EMPTY))
            return -ETIMEDOUT;
        uint32_t answer = mmio_read32(base + MBOX0_READ);
        if ((answer & MBOX_CHANNEL_MASK) == MBOX_CHANNEL_PROPERTY)
            return (answer & ~MBOX_CHANNEL_MASK) == bus_addr ? 0 : -EIO;
        /* another channel's message: not Mote's, drop it */
    }
}

void mbox_init(uintptr_t mbox_base, uint32_t ram_bus_alias)
{
    base = mbox_base;
    ram_alias = ram_bus_alias;
}

int mbox_call(struct mbox_tag *tags, size_t ntags)
{
    if (!base)
        return -ENODEV;
    int words = mbox_property_build(msg, MSG_WORDS, tags, ntags);
    if (words < 0)
        return words;
    cache_clean(msg, sizeof(msg));
    int err = transact(ram_alias | (uint32_t)(uintptr_t)msg);
    cache_invalidate(msg, sizeof(msg));
    return err ? err : mbox_property_parse(msg, MSG_WORDS, tags, ntags);
}

int mbox_tag_call(uint32_t id, uint32_t *value, uint32_t words)
{
    struct mbox_tag tag = {.id = id, .words = words};
    if (words > MBOX_TAG_MAX_WORDS)
        return -EINVAL;
    memcpy(tag.value, value, words * 4);
    int err = mbox_call(&tag, 1);
    if (err == 0)
        memcpy(value, tag.value, words * 4);
    return err;
}

uintptr_t mbox_bus_to_phys(uint32_t bus_addr)
{
    return bus_addr & ~ram_alias;
}
