// SPDX-License-Identifier: MIT
/* Block devices for services (include/mote/block.h), see kernel/block.h. */
#include "kernel/block.h"

#include <errno.h>
#include <stddef.h>

static struct block_dev *devices[BLOCK_MAX_DEVICES];
static unsigned count;

int block_register(struct block_dev *dev)
{
    if (count == BLOCK_MAX_DEVICES)
        return -ENOSPC;
    devices[count] = dev;
    return (int)count++;
}

unsigned mote_block_count(void)
{
    return count;
}

int mote_block_info(unsigned dev, struct mote_block_info *info)
{
    if (dev >= count)
        return -ENODEV;
    if (info)
        *info = devices[dev]->info;
    return 0;
}

static int check(unsigned dev, uint64_t lba, const void *buf, uint32_t n)
{
    if (dev >= count)
        return -ENODEV;
    if (!buf || n == 0 || lba >= devices[dev]->info.blocks || n > devices[dev]->info.blocks - lba)
        return -EINVAL;
    return 0;
}

int mote_block_read(unsigned dev, uint64_t lba, void *buf, uint32_t n)
{
    int err = check(dev, lba, buf, n);
    return err ? err : devices[dev]->read(devices[dev], lba, buf, n);
}

int mote_block_write(unsigned dev, uint64_t lba, const void *buf, uint32_t n)
{
    int err = check(dev, lba, buf, n);
    return err ? err : devices[dev]->write(devices[dev], lba, buf, n);
}
