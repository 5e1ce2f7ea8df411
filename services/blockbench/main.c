// SPDX-License-Identifier: MIT
/*
 * blockbench: sequential throughput of a block device, the Mote side of
 * bench/blk_io.py (bench/linux/blk_linux.c is the Linux side, doing the same).
 * Writes size=MiB (default 16) from block 0 of dev=NAME (default the first
 * device) in chunk=KiB requests (default 64) with inflight=K of them out at
 * once (default 1), flushes, then reads the same range back the same way and
 * checks the start of every chunk (which names it). Prints
 *   blockbench: write BYTES bytes in NS ns
 *   blockbench: read BYTES bytes in NS ns
 * and exits 0; 1 when a request fails or the data read differs; 2 for bad
 * arguments. The times are the guest's monotonic clock, from the first
 * submit to the last completion (the write's including the flush).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/block.h>
#include <mote/mote.h>

#define DEFAULT_MIB      16
#define DEFAULT_CHUNK_KB 64
#define INFLIGHT_MAX     32
#define KIB              1024u
#define MIB              (1024u * 1024u)
#define CHECK_BYTES      64 /* of each chunk read back, compared (blk_linux.c: the same) */

struct slot {
    uint8_t *buf;
    uint64_t chunk; /* which chunk it carries */
};

static struct {
    unsigned dev;
    uint32_t block_size, chunk_blocks, chunk_bytes;
    uint64_t chunks, next, done;
    unsigned inflight, busy;
    bool reading;
    uint64_t start_ns;
    struct slot slots[INFLIGHT_MAX];
} bb;

static void on_done(void *ctx, int result);

/* The bytes of chunk c: differ from chunk to chunk, so a misplaced one is seen. */
static void fill(uint8_t *buf, uint64_t c)
{
    for (uint32_t i = 0; i < bb.chunk_bytes; i += sizeof(uint64_t)) {
        uint64_t v = c * 0x9e3779b97f4a7c15ull + i;
        memcpy(buf + i, &v, sizeof(v));
    }
}

static void fail(const char *what, int err)
{
    mote_log(MOTE_LOG_ERROR, "blockbench: %s: error %d", what, err);
    mote_exit(1);
}

static void submit(struct slot *s)
{
    if (bb.next == bb.chunks)
        return;
    s->chunk = bb.next++;
    uint64_t lba = s->chunk * bb.chunk_blocks;
    int err;
    if (bb.reading) {
        err = mote_block_submit_read(bb.dev, lba, s->buf, bb.chunk_blocks, on_done, s);
    } else {
        fill(s->buf, s->chunk);
        err = mote_block_submit_write(bb.dev, lba, s->buf, bb.chunk_blocks, on_done, s);
    }
    if (err)
        fail(bb.reading ? "submitting a read" : "submitting a write", err);
    bb.busy++;
}

static void start_phase(bool reading)
{
    bb.reading = reading;
    bb.next = bb.done = 0;
    bb.start_ns = mote_time_ns();
    for (unsigned i = 0; i < bb.inflight; i++)
        submit(&bb.slots[i]);
}

static void on_flushed(void *ctx, int result)
{
    (void)ctx;
    if (result)
        fail("flush", result);
    mote_log(MOTE_LOG_INFO, "blockbench: write %llu bytes in %llu ns",
             (unsigned long long)(bb.chunks * bb.chunk_bytes),
             (unsigned long long)(mote_time_ns() - bb.start_ns));
    start_phase(true);
}

static void on_done(void *ctx, int result)
{
    struct slot *s = ctx;
    bb.busy--;
    if (result)
        fail(bb.reading ? "read" : "write", result);
    if (bb.reading) {
        /* The check is part of reading it back, as on Linux (blk_linux.c). */
        uint8_t *want = bb.slots[INFLIGHT_MAX - 1].buf;
        fill(want, s->chunk);
        /* The chunk's first bytes name it: enough to catch a misplaced or stale chunk
           without timing libc's memcmp (picolibc's and glibc's differ) instead of the disk. */
        if (memcmp(want, s->buf, CHECK_BYTES) != 0) {
            mote_log(MOTE_LOG_ERROR, "blockbench: chunk %llu reads back different",
                     (unsigned long long)s->chunk);
            mote_exit(1);
        }
    }
    bb.done++;
    submit(s);
    if (bb.done < bb.chunks)
        return;
    if (!bb.reading) {
        int err = mote_block_submit_flush(bb.dev, on_flushed, NULL);
        if (err)
            fail("submitting the flush", err);
        return;
    }
    mote_log(MOTE_LOG_INFO, "blockbench: read %llu bytes in %llu ns",
             (unsigned long long)(bb.chunks * bb.chunk_bytes),
             (unsigned long long)(mote_time_ns() - bb.start_ns));
    mote_exit(0);
}

void service_start(const char *args)
{
    uint64_t mib = DEFAULT_MIB, chunk_kb = DEFAULT_CHUNK_KB, inflight = 1;
    if (mote_arg_get_u64(args, "size", &mib) == -EINVAL ||
        mote_arg_get_u64(args, "chunk", &chunk_kb) == -EINVAL ||
        mote_arg_get_u64(args, "inflight", &inflight) == -EINVAL || mib == 0 || chunk_kb == 0 ||
        chunk_kb > KIB || inflight == 0 || inflight >= INFLIGHT_MAX) {
        mote_log(MOTE_LOG_ERROR, "blockbench: expected size=MiB chunk=1..1024 (KiB) "
                                 "inflight=1..31");
        mote_exit(2);
    }
    char name[MOTE_BLOCK_NAME_MAX];
    int dev = 0;
    if (mote_arg_get(args, "dev", name, sizeof(name)) >= 0)
        dev = mote_block_lookup(name);
    struct mote_block_info info;
    if (dev < 0 || mote_block_info((unsigned)dev, &info) != 0) {
        mote_log(MOTE_LOG_ERROR, "blockbench: no block device");
        mote_exit(1);
    }
    bb.dev = (unsigned)dev;
    bb.block_size = info.block_size;
    bb.chunk_bytes = (uint32_t)(chunk_kb * KIB);
    if (bb.chunk_bytes % info.block_size) {
        mote_log(MOTE_LOG_ERROR, "blockbench: chunk must be a multiple of the block size (%u)",
                 (unsigned)info.block_size);
        mote_exit(2);
    }
    bb.chunk_blocks = bb.chunk_bytes / info.block_size;
    bb.chunks = mib * MIB / bb.chunk_bytes;
    if (bb.chunks * bb.chunk_blocks > info.blocks) {
        mote_log(MOTE_LOG_ERROR, "blockbench: %s is smaller than %llu MiB", info.name,
                 (unsigned long long)mib);
        mote_exit(2);
    }
    bb.inflight = (unsigned)inflight;
    /* One buffer per request, and the last slot's as the scratch for the read check. */
    for (unsigned i = 0; i < INFLIGHT_MAX; i++)
        if (i < bb.inflight || i == INFLIGHT_MAX - 1) {
            bb.slots[i].buf = malloc(bb.chunk_bytes);
            if (!bb.slots[i].buf) {
                mote_log(MOTE_LOG_ERROR, "blockbench: out of memory");
                mote_exit(1);
            }
        }
    mote_log(MOTE_LOG_INFO, "blockbench: %s, %llu chunks of %u bytes, %u in flight", info.name,
             (unsigned long long)bb.chunks, (unsigned)bb.chunk_bytes, bb.inflight);
    start_phase(false);
}
