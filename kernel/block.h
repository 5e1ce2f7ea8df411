/* SPDX-License-Identifier: MIT */
/* Block devices (include/mote/block.h): drivers register here. */
#ifndef KERNEL_BLOCK_H
#define KERNEL_BLOCK_H

#include <stdint.h>

#include <mote/block.h>

#define BLOCK_MAX_DEVICES 4

/* What a block driver provides; the range is checked before any call. */
struct block_dev {
    struct mote_block_info info;
    int (*read)(struct block_dev *dev, uint64_t lba, void *buf, uint32_t count);
    int (*write)(struct block_dev *dev, uint64_t lba, const void *buf, uint32_t count);
};

/* Adds dev (which must stay valid). Returns its number, or -ENOSPC. */
int block_register(struct block_dev *dev);

#endif
