// SPDX-License-Identifier: MIT
/*
 * blockcheck: proves a block device end to end. It prints the first 16 bytes
 * of block 0 (so a test can compare them with the disk file), writes a
 * pattern naming the block into block=N (default 1), reads it back, compares,
 * and exits 0 when they match, 1 when anything failed, 2 for bad arguments.
 * With no block device it says so and exits 1.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/block.h>
#include <mote/mote.h>

#define DEFAULT_BLOCK 1
#define HEAD_BYTES    16

static const char *why(int err)
{
    switch (err) {
    case -ENODEV: return "no such device";
    case -EINVAL: return "block out of range";
    case -ETIMEDOUT: return "the device stopped answering";
    case -EILSEQ: return "CRC error";
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

void service_start(const char *args)
{
    uint64_t block = DEFAULT_BLOCK;
    if (mote_arg_get_u64(args, "block", &block) == -EINVAL) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: block: expected a number");
        mote_exit(2);
    }
    struct mote_block_info info;
    if (mote_block_count() == 0 || mote_block_info(0, &info) != 0) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: no block device (is there a card in the slot?)");
        mote_exit(1);
    }
    mote_log(MOTE_LOG_INFO, "blockcheck: %s, %llu blocks of %u bytes", info.name,
             (unsigned long long)info.blocks, (unsigned)info.block_size);

    uint8_t *out = malloc(info.block_size), *in = malloc(info.block_size);
    if (!out || !in) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: out of memory");
        mote_exit(1);
    }
    int err = mote_block_read(0, 0, in, 1);
    if (err) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: reading block 0: %s (%d)", why(err), err);
        mote_exit(1);
    }
    char hex[2 * HEAD_BYTES + 1];
    for (int i = 0; i < HEAD_BYTES; i++)
        snprintf(hex + 2 * i, 3, "%02x", in[i]);
    mote_log(MOTE_LOG_INFO, "blockcheck: block 0 starts %s", hex);

    fill(out, info.block_size, block);
    err = mote_block_write(0, block, out, 1);
    if (err) {
        mote_log(MOTE_LOG_ERROR, "blockcheck: writing block %llu: %s (%d)",
                 (unsigned long long)block, why(err), err);
        mote_exit(1);
    }
    memset(in, 0, info.block_size);
    err = mote_block_read(0, block, in, 1);
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
