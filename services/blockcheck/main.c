// SPDX-License-Identifier: MIT
/*
 * blockcheck: proves a block device end to end, for the system tests.
 *
 * Default: prints the first 16 bytes of block 0 (so a test can compare them
 * with the disk file), writes a pattern naming the block into block=N
 * (default 1), reads it back, compares, and exits 0 when they match, 1 when
 * anything failed, 2 for bad arguments. With no block device it says so and
 * exits 1. dev=NAME picks the device ("virtio0p1"; default: the first).
 *
 * copy=COUNT src=A dst=B [inflight=K]: copies COUNT blocks from block A to
 * block B through the asynchronous API, one block per request with up to K
 * (default 8) requests in flight, then flushes, so the host can cmp the two
 * ranges. A block whose read or write fails is reported and skipped; the copy
 * goes on, and the exit status is 1 if any failed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/block.h>
#include <mote/mote.h>

#define DEFAULT_BLOCK    1
#define DEFAULT_INFLIGHT 8
#define INFLIGHT_MAX     64
#define HEAD_BYTES       16

static const char *why(int err)
{
    switch (err) {
    case -ENODEV: return "no such device";
    case -EINVAL: return "block out of range";
    case -EROFS: return "the device is read-only";
    case -ETIMEDOUT: return "the device stopped answering";
    case -EILSEQ: return "CRC error";
    case -EOPNOTSUPP: return "not supported by the device";
    case -EAGAIN: return "too many requests in flight";
    default: return "device error";
    }
}

/* The pattern: a line naming the block, then bytes counting from the block number. */
static void fill(uint8_t *buf, uint32_t size, uint64_t block)
{
    int n = snprintf((char *)buf, size, "Mote blockcheck block %llu\n", (unsigned long long)block);
    for (uint32_t i = (uint32_t)n; i < size; i++)
        buf[i] = (uint8_t)(block + i);
}

/* The copy: each in-flight slot reads one block, then writes it, then takes the next. */
struct copy_slot {
    uint8_t *buf;
    uint64_t index; /* block offset within the copy */
    bool writing;
};

static struct {
    unsigned dev;
    uint32_t block_size;
    uint64_t src, dst, count;
    uint64_t next; /* next block offset to start */
    unsigned busy; /* slots with a request out */
    unsigned peak; /* the most requests out at once */
    uint64_t copied, failed;
    struct copy_slot slots[INFLIGHT_MAX];
} copy;

static void copy_done(void *ctx, int result);

static void copy_finish(void *ctx, int result)
{
    (void)ctx;
    if (result) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: flush: %s (%d)", why(result), result);
        mote_exit(1);
    }
    mote_log(MOTE_LOG_INFO,
             "blockcheck: copied %llu blocks from %llu to %llu, %u in flight at most, %llu "
             "failed, flushed",
             (unsigned long long)copy.copied, (unsigned long long)copy.src,
             (unsigned long long)copy.dst, copy.peak, (unsigned long long)copy.failed);
    mote_exit(copy.failed ? 1 : 0);
}

/* Starts the next block's read on slot s, or ends the copy when nothing is left. */
static void copy_next(struct copy_slot *s)
{
    while (copy.next < copy.count) {
        s->index = copy.next++;
        s->writing = false;
        int err = mote_block_submit_read(copy.dev, copy.src + s->index, s->buf, 1, copy_done, s);
        if (err == 0) {
            copy.busy++;
            if (copy.busy > copy.peak)
                copy.peak = copy.busy;
            return;
        }
        mote_log(MOTE_LOG_ERROR, "blockcheck: reading block %llu: %s (%d)",
                 (unsigned long long)(copy.src + s->index), why(err), err);
        copy.failed++;
    }
    if (copy.busy == 0) {
        int err = mote_block_submit_flush(copy.dev, copy_finish, NULL);
        if (err)
            copy_finish(NULL, err);
    }
}

static void copy_done(void *ctx, int result)
{
    struct copy_slot *s = ctx;
    copy.busy--;
    uint64_t block = (s->writing ? copy.dst : copy.src) + s->index;
    if (result) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: %s block %llu: %s (%d)",
                 s->writing ? "writing" : "reading", (unsigned long long)block, why(result),
                 result);
        copy.failed++;
    } else if (!s->writing) {
        s->writing = true;
        int err = mote_block_submit_write(copy.dev, copy.dst + s->index, s->buf, 1, copy_done, s);
        if (err == 0) {
            copy.busy++;
            return;
        }
        mote_log(MOTE_LOG_ERROR, "blockcheck: writing block %llu: %s (%d)",
                 (unsigned long long)(copy.dst + s->index), why(err), err);
        copy.failed++;
    } else {
        copy.copied++;
    }
    copy_next(s);
}

static void copy_start(const char *args, unsigned dev, uint32_t block_size, uint64_t count)
{
    uint64_t inflight = DEFAULT_INFLIGHT;
    if (mote_arg_get_u64(args, "src", &copy.src) != 0 ||
        mote_arg_get_u64(args, "dst", &copy.dst) != 0 ||
        mote_arg_get_u64(args, "inflight", &inflight) == -EINVAL || inflight == 0 ||
        inflight > INFLIGHT_MAX) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: copy=COUNT needs src=BLOCK dst=BLOCK and "
                                 "optionally inflight=1..64");
        mote_exit(2);
    }
    copy.dev = dev;
    copy.block_size = block_size;
    copy.count = count;
    for (unsigned i = 0; i < inflight; i++) {
        copy.slots[i].buf = malloc(block_size);
        if (!copy.slots[i].buf) {
            mote_log(MOTE_LOG_ERROR, "blockcheck: out of memory");
            mote_exit(1);
        }
    }
    for (unsigned i = 0; i < inflight; i++)
        copy_next(&copy.slots[i]);
    /* service_start returns; the completions drive the rest from the event loop. */
}

void service_start(const char *args)
{
    uint64_t block = DEFAULT_BLOCK, count = 0;
    if (mote_arg_get_u64(args, "block", &block) == -EINVAL ||
        mote_arg_get_u64(args, "copy", &count) == -EINVAL) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: block, copy: expected a number");
        mote_exit(2);
    }
    char name[MOTE_BLOCK_NAME_MAX];
    int dev = 0;
    if (mote_arg_get(args, "dev", name, sizeof(name)) >= 0) {
        dev = mote_block_lookup(name);
        if (dev < 0) {
            mote_log(MOTE_LOG_ERROR, "blockcheck: no block device %s", name);
            mote_exit(1);
        }
    }
    struct mote_block_info info;
    if (mote_block_count() == 0 || mote_block_info((unsigned)dev, &info) != 0) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: no block device (is there a card in the slot?)");
        mote_exit(1);
    }
    mote_log(MOTE_LOG_INFO, "blockcheck: %s, %llu blocks of %u bytes%s", info.name,
             (unsigned long long)info.blocks, (unsigned)info.block_size,
             info.read_only ? ", read-only" : "");
    if (count) {
        copy_start(args, (unsigned)dev, info.block_size, count);
        return;
    }

    uint8_t *out = malloc(info.block_size), *in = malloc(info.block_size);
    if (!out || !in) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: out of memory");
        mote_exit(1);
    }
    int err = mote_block_read((unsigned)dev, 0, in, 1);
    if (err) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: reading block 0: %s (%d)", why(err), err);
        mote_exit(1);
    }
    char hex[2 * HEAD_BYTES + 1];
    for (int i = 0; i < HEAD_BYTES; i++)
        snprintf(hex + 2 * i, 3, "%02x", in[i]);
    mote_log(MOTE_LOG_INFO, "blockcheck: block 0 starts %s", hex);

    fill(out, info.block_size, block);
    err = mote_block_write((unsigned)dev, block, out, 1);
    if (err == 0)
        err = mote_block_flush((unsigned)dev);
    if (err) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: writing block %llu: %s (%d)",
                 (unsigned long long)block, why(err), err);
        mote_exit(1);
    }
    memset(in, 0, info.block_size);
    err = mote_block_read((unsigned)dev, block, in, 1);
    if (err) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: reading block %llu back: %s (%d)",
                 (unsigned long long)block, why(err), err);
        mote_exit(1);
    }
    if (memcmp(in, out, info.block_size) != 0) {
        mote_log(MOTE_LOG_ERROR,
                 "blockcheck: block %llu reads back different from what was written",
                 (unsigned long long)block);
        mote_exit(1);
    }
    mote_log(MOTE_LOG_INFO, "blockcheck: block %llu written and read back, %u bytes match",
             (unsigned long long)block, (unsigned)info.block_size);
    mote_exit(0);
}
