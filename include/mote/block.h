/* SPDX-License-Identifier: MIT */
/*
 * Block devices: virtio-blk on virt ("virtio0", "virtio1"...), the SD card on
 * the Raspberry Pi ("sd0"), and one device per partition the disk's MBR or GPT
 * names ("virtio0p1", "sd0p1"), range-checked against its disk. Devices are
 * numbered from 0 in the order they were found: whole disks first, each
 * followed by its partitions.
 *
 * The API is asynchronous: mote_block_submit_* queue a request and return at
 * once; the completion callback runs later from the event loop (never from
 * inside the submit call, never from an interrupt) with the request's result.
 * Several requests may be in flight on one device; they may complete in any
 * order, and writes reach the medium in no set order until a flush completes.
 * The synchronous calls (mote_block_read, _write, _flush) are for start-up
 * code: they wait for their own request, leaving the others' callbacks to the
 * event loop. Not for interrupt context.
 *
 * Errors (negative errno values), from a submit call or in a completion:
 *   -ENODEV     no such device (or it failed and was taken out of service)
 *   -EINVAL     a NULL buffer or callback, count 0, or a range beyond the end
 *   -EROFS      a write to a read-only device
 *   -EAGAIN     too many requests in flight: submit again after a completion
 *   -ETIMEDOUT  the device stopped answering
 *   -EILSEQ     the data or a response failed its CRC (SD card)
 *   -EOPNOTSUPP the device does not support the operation
 *   -EIO        any other error the device reports
 */
#ifndef MOTE_BLOCK_H
#define MOTE_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#define MOTE_BLOCK_NAME_MAX 16

struct mote_block_info {
    char name[MOTE_BLOCK_NAME_MAX]; /* "sd0", "virtio0", "virtio0p1" */
    uint64_t blocks;                /* capacity in blocks */
    uint32_t block_size;            /* bytes per block (512 for SD cards) */
    bool read_only;                 /* writes fail with -EROFS */
    uint64_t first_block;           /* a partition: where it starts on its disk; else 0 */
};

/*
 * A completion: ctx as given to the submit call, result 0 or a negative errno
 * (above). Runs from the event loop; it may submit new requests.
 */
typedef void (*mote_block_fn)(void *ctx, int result);

/* How many block devices the board has (0 when none, e.g. no card in the slot). */
unsigned mote_block_count(void);

/* Fills *info for device dev. Returns 0, or -ENODEV if there is no such device. */
int mote_block_info(unsigned dev, struct mote_block_info *info);

/* The number of the device called name ("virtio0p1"). Returns it (>= 0), or -ENODEV. */
int mote_block_lookup(const char *name);

/*
 * Queues a read of count blocks from block lba on into buf (count * block_size
 * bytes, which must stay valid until done runs). Returns 0 when queued, and
 * then done(ctx, result) runs exactly once later; or a negative errno (above)
 * at once, and then done never runs.
 */
int mote_block_submit_read(unsigned dev, uint64_t lba, void *buf, uint32_t count,
                           mote_block_fn done, void *ctx);

/* Queues a write of count blocks from buf to block lba on. As mote_block_submit_read. */
int mote_block_submit_write(unsigned dev, uint64_t lba, const void *buf, uint32_t count,
                            mote_block_fn done, void *ctx);

/*
 * Queues a flush: done runs when every write completed before this call is on
 * the medium (a device without a write cache completes it at once). As
 * mote_block_submit_read otherwise.
 */
int mote_block_submit_flush(unsigned dev, mote_block_fn done, void *ctx);

/*
 * Reads count blocks from block lba on into buf, waiting for the result.
 * Returns 0 or a negative errno (above).
 */
int mote_block_read(unsigned dev, uint64_t lba, void *buf, uint32_t count);

/* Writes count blocks from buf to block lba on, waiting. Returns as mote_block_read. */
int mote_block_write(unsigned dev, uint64_t lba, const void *buf, uint32_t count);

/* Flushes the device's write cache, waiting. Returns as mote_block_read. */
int mote_block_flush(unsigned dev);

#endif
