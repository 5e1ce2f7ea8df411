/* SPDX-License-Identifier: MIT */
/*
 * What every board provides to the kernel (one implementation per
 * platform/<board>/). kernel_main calls these in order; see docs/porting.md.
 */
#ifndef PLATFORM_PLATFORM_H
#define PLATFORM_PLATFORM_H

#include <stdint.h>

#include "kernel/memregion.h"

#define BOARD_MAX_RAM 4

struct board {
    const char *model; /* "QEMU virt" */
    unsigned cpus;
    struct mem_range ram[BOARD_MAX_RAM];
    unsigned ram_count;
    const char *bootargs; /* never NULL */
    const uint8_t *rng_seed;
    int rng_seed_len;
};

/*
 * Where the DTB is: boot_x0 when it holds a valid one, else where this board's
 * loader leaves it. Runs with the MMU off. Returns NULL if there is none.
 */
void *platform_find_dtb(uint64_t boot_x0);

/*
 * Fills ram with up to max RAM ranges (before the heap and devices exist);
 * returns how many. fdt is NULL when there is no DTB; 0 ranges stops the boot.
 */
unsigned platform_ram(const void *fdt, struct mem_range *ram, unsigned max);

/*
 * Reads the DTB (NULL when there is none), maps and brings up console,
 * interrupt controller, timer, RTC and power control, and fills *board. Runs
 * with the MMU on and the DTB mapped. fdt is the DTB platform_ram read, which
 * kernel_main may have moved whole since (to the heap's top): what a board
 * keeps of it must be offsets, as virt's index keeps.
 * Returns 0, or a negative errno naming what is missing (the console is up
 * from the first step on, so the kernel can say what failed).
 */
int platform_init(const void *fdt, struct board *board);

/*
 * A late driver: one the kernel starts after it has read its boot arguments
 * and seeded its random source (virt: the virtio-mmio slots; the Pi: the SD
 * card, the framebuffer console). Its file registers it with BOARD_DRIVER,
 * so it is started exactly when it is linked in: board.mk names the sources
 * behind each feature, and an image links those of the features its service
 * uses (services/<name>/service.mk, service_uses). Nothing lists them by hand.
 */
struct board_driver {
    const char *name; /* for the log: "sd" */
    /*
     * Starts the device(s); may map memory (it runs before the W^X check).
     * Returns 0, or a negative errno that platform_probe logs (the boot goes on).
     * A device that is simply absent is not an error: log it and return 0.
     */
    int (*start)(const struct board *board);
};

/* Registers a static struct board_driver drv, in the image's table of late drivers. */
#define BOARD_DRIVER(drv)                               \
    static const struct board_driver *const drv##_entry \
        __attribute__((used, section("board_drivers"))) = &drv

/*
 * Starts every late driver linked into the image (BOARD_DRIVER), in link
 * order. Logs, never fails (platform/probe.c; the same for every board).
 */
void platform_probe(const struct board *board);

#endif
