/* SPDX-License-Identifier: MIT */
/*
 * What every board provides to the kernel (one implementation per
 * platform/<board>/). kernel_main calls these in order; see docs/porting.md.
 */
#ifndef PLATFORM_PLATFORM_H
#define PLATFORM_PLATFORM_H

#include <stdint.h>

#include "kernel/memregion.h"

#define BOARD_MAX_RAM    4
#define BOARD_MAX_VIRTIO 32

struct virtio_slot {
    uint64_t base, size;
    unsigned intid;
};

struct board {
    const char *model; /* "QEMU virt" */
    unsigned cpus;
    struct mem_range ram[BOARD_MAX_RAM];
    unsigned ram_count;
    const char *bootargs; /* never NULL */
    const uint8_t *rng_seed;
    int rng_seed_len;
    struct virtio_slot virtio[BOARD_MAX_VIRTIO];
    unsigned virtio_count;
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
 * with the MMU on and the DTB mapped.
 * Returns 0, or a negative errno naming what is missing (the console is up
 * from the first step on, so the kernel can say what failed).
 */
int platform_init(const void *fdt, struct board *board);

/*
 * Starts the drivers of devices found after the kernel read its boot
 * arguments and seeded its random source (virt: the virtio-mmio slots).
 * Maps what it needs, so it runs before the W^X check. Logs, never fails.
 */
void platform_probe(struct board *board);

#endif
