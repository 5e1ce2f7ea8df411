/* SPDX-License-Identifier: MIT */
/*
 * Block devices (include/mote/block.h): drivers register here, and hand each
 * finished request back with block_complete; kernel/block.c runs the
 * callbacks from the event loop. A request's range is checked against the
 * device before the driver sees it.
 */
#ifndef KERNEL_BLOCK_H
#define KERNEL_BLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include <mote/block.h>

#define BLOCK_MAX_DEVICES  16
#define BLOCK_MAX_INFLIGHT 64 /* requests queued or in flight, all devices together */

enum block_op {
    BLOCK_OP_READ,
    BLOCK_OP_WRITE,
    BLOCK_OP_FLUSH,
};

struct block_dev;

/* One request, from submit to completion. The driver may use drv while it holds it. */
struct block_req {
    struct block_dev *dev; /* the device that carries it out (a partition's disk) */
    enum block_op op;
    uint64_t lba; /* in dev's blocks */
    void *buf;
    uint32_t count;
    mote_block_fn done; /* NULL: a synchronous request, finished is its flag */
    void *ctx;
    int result;
    volatile bool finished;
    struct block_req *next; /* the completion list */
    uint64_t drv;           /* the driver's own (virtio-blk: when it was sent) */
};

/* What a block driver provides. */
struct block_dev {
    struct mote_block_info info;
    /*
     * Starts req (its range checked, its op allowed). Returns 0 when accepted:
     * the driver calls block_complete(req, result) once, later or before
     * returning. Or a negative errno (-EAGAIN: no room now) with no completion.
     */
    int (*submit)(struct block_dev *dev, struct block_req *req);
    /*
     * Collects what the device finished, without waiting for an interrupt, and
     * fails requests it held too long: the synchronous calls spin on it. NULL
     * for a driver that completes every request inside submit.
     */
    void (*poll)(struct block_dev *dev);
    void *priv;
};

/* Adds dev (which must stay valid). Returns its number, or -ENOSPC. */
int block_register(struct block_dev *dev);

/*
 * Adds a whole disk, then reads its partition table (kernel/partition.c) and
 * adds each partition as a device "<name>p<n>". Start-up context: the table
 * is read synchronously. Returns the disk's number, or -ENOSPC.
 */
int block_register_disk(struct block_dev *disk);

/*
 * The driver is done with req: result 0 or a negative errno. Event-loop
 * context (or inside submit); the callback runs from the event loop.
 */
void block_complete(struct block_req *req, int result);

/* The registered device number n, or NULL. */
struct block_dev *block_dev_get(unsigned n);

#endif
