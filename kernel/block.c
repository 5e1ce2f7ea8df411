// SPDX-License-Identifier: MIT
/*
 * Block devices for services (include/mote/block.h), see kernel/block.h.
 * Asynchronous requests come from a fixed pool (BLOCK_MAX_INFLIGHT), so a
 * service that submits faster than the disk answers gets -EAGAIN instead of
 * growing the heap; a synchronous request lives on its caller's stack.
 * Completions are queued and their callbacks run from one event source, so a
 * callback never runs inside the submit call that queued its request.
 */
#include "kernel/block.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "kernel/event.h"

static struct block_dev *devices[BLOCK_MAX_DEVICES];
static unsigned count;

static struct block_req pool[BLOCK_MAX_INFLIGHT];
static struct block_req *free_reqs;
static bool pool_ready;
/* Finished asynchronous requests, oldest first, waiting for the event loop. */
static struct block_req *done_head, *done_tail;
static int done_event = -1;

static void run_completions(void *arg)
{
    (void)arg;
    while (done_head) {
        struct block_req *req = done_head;
        done_head = req->next;
        if (!done_head)
            done_tail = NULL;
        mote_block_fn fn = req->done;
        void *ctx = req->ctx;
        int result = req->result;
        /* Back to the pool first: the callback may submit the next request. */
        req->next = free_reqs;
        free_reqs = req;
        fn(ctx, result);
    }
}

int block_register(struct block_dev *dev)
{
    if (count == BLOCK_MAX_DEVICES)
        return -ENOSPC;
    if (done_event < 0) {
        done_event = event_source_add(run_completions, NULL);
        if (done_event < 0)
            return done_event;
    }
    devices[count] = dev;
    return (int)count++;
}

struct block_dev *block_dev_get(unsigned n)
{
    return n < count ? devices[n] : NULL;
}

void block_complete(struct block_req *req, int result)
{
    req->result = result;
    if (!req->done) {
        req->finished = true;
        return;
    }
    req->next = NULL;
    if (done_tail)
        done_tail->next = req;
    else
        done_head = req;
    done_tail = req;
    event_raise(done_event);
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

int mote_block_lookup(const char *name)
{
    if (!name)
        return -ENODEV;
    for (unsigned i = 0; i < count; i++)
        if (strncmp(devices[i]->info.name, name, MOTE_BLOCK_NAME_MAX) == 0)
            return (int)i;
    return -ENODEV;
}

/* Checks a request against device n; fills the parts of req every path shares. */
static int prepare(unsigned n, enum block_op op, uint64_t lba, const void *buf, uint32_t blocks,
                   struct block_req *req)
{
    if (n >= count)
        return -ENODEV;
    struct block_dev *dev = devices[n];
    if (op != BLOCK_OP_FLUSH &&
        (!buf || blocks == 0 || lba >= dev->info.blocks || blocks > dev->info.blocks - lba))
        return -EINVAL;
    if (op == BLOCK_OP_WRITE && dev->info.read_only)
        return -EROFS;
    req->dev = dev;
    req->op = op;
    req->lba = lba;
    req->buf = (void *)buf;
    req->count = blocks;
    req->result = 0;
    req->finished = false;
    req->next = NULL;
    return 0;
}

static int submit(unsigned n, enum block_op op, uint64_t lba, const void *buf, uint32_t blocks,
                  mote_block_fn done, void *ctx)
{
    if (!done)
        return n >= count ? -ENODEV : -EINVAL;
    if (!pool_ready) {
        for (unsigned i = 0; i < BLOCK_MAX_INFLIGHT; i++) {
            pool[i].next = free_reqs;
            free_reqs = &pool[i];
        }
        pool_ready = true;
    }
    struct block_req scratch;
    int err = prepare(n, op, lba, buf, blocks, &scratch);
    if (err)
        return err;
    if (!free_reqs)
        return -EAGAIN;
    struct block_req *req = free_reqs;
    free_reqs = req->next;
    *req = scratch;
    req->done = done;
    req->ctx = ctx;
    err = req->dev->submit(req->dev, req);
    if (err) {
        req->next = free_reqs;
        free_reqs = req;
    }
    return err;
}

int mote_block_submit_read(unsigned dev, uint64_t lba, void *buf, uint32_t n, mote_block_fn done,
                           void *ctx)
{
    return submit(dev, BLOCK_OP_READ, lba, buf, n, done, ctx);
}

int mote_block_submit_write(unsigned dev, uint64_t lba, const void *buf, uint32_t n,
                            mote_block_fn done, void *ctx)
{
    return submit(dev, BLOCK_OP_WRITE, lba, buf, n, done, ctx);
}

int mote_block_submit_flush(unsigned dev, mote_block_fn done, void *ctx)
{
    return submit(dev, BLOCK_OP_FLUSH, 0, NULL, 0, done, ctx);
}

/*
 * A synchronous request: submitted like any other, then the driver is polled
 * until this one finishes (the driver's poll fails a request the device holds
 * too long, so this ends). A full queue is waited out the same way.
 */
static int run_sync(unsigned n, enum block_op op, uint64_t lba, const void *buf, uint32_t blocks)
{
    struct block_req req;
    int err = prepare(n, op, lba, buf, blocks, &req);
    if (err)
        return err;
    req.done = NULL;
    req.ctx = NULL;
    struct block_dev *dev = req.dev;
    while ((err = dev->submit(dev, &req)) == -EAGAIN && dev->poll)
        dev->poll(dev);
    if (err)
        return err;
    while (!req.finished && dev->poll)
        dev->poll(dev);
    return req.result;
}

int mote_block_read(unsigned dev, uint64_t lba, void *buf, uint32_t n)
{
    return run_sync(dev, BLOCK_OP_READ, lba, buf, n);
}

int mote_block_write(unsigned dev, uint64_t lba, const void *buf, uint32_t n)
{
    return run_sync(dev, BLOCK_OP_WRITE, lba, buf, n);
}

int mote_block_flush(unsigned dev)
{
    return run_sync(dev, BLOCK_OP_FLUSH, 0, NULL, 0);
}
