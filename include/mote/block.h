/* SPDX-License-Identifier: MIT */
/*
 * Block devices: the SD card on the Raspberry Pi (later virtio-blk on virt).
 * Devices are numbered from 0 in the order the board found them. Reads and
 * writes are synchronous: the call returns when the data is on the device (or
 * in buf), so the event loop waits meanwhile (about a millisecond per block on
 * an SD card). Not for interrupt context.
 */
#ifndef MOTE_BLOCK_H
#define MOTE_BLOCK_H

#include <stdint.h>

#define MOTE_BLOCK_NAME_MAX 16

struct mote_block_info {
    char name[MOTE_BLOCK_NAME_MAX]; /* "sd0" */
    uint64_t blocks;                /* capacity in blocks */
    uint32_t block_size;            /* bytes per block (512 for SD cards) */
};

/* How many block devices the board has (0 when none, e.g. no card in the slot). */
unsigned mote_block_count(void);

/* Fills *info for device dev. Returns 0, or -ENODEV if there is no such device. */
int mote_block_info(unsigned dev, struct mote_block_info *info);

/*
 * Reads count blocks from block lba on into buf (count * block_size bytes).
 * Returns 0; -ENODEV for no such device; -EINVAL for a NULL buf, count 0 or
 * a range beyond the end; -ETIMEDOUT when the device does not answer;
 * -EILSEQ when the data or a response failed its CRC; -EIO for any other
 * error the device reports.
 */
int mote_block_read(unsigned dev, uint64_t lba, void *buf, uint32_t count);

/* Writes count blocks from buf to block lba on. Returns as mote_block_read. */
int mote_block_write(unsigned dev, uint64_t lba, const void *buf, uint32_t count);

#endif
