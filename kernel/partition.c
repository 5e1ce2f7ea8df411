// SPDX-License-Identifier: MIT
/*
 * Partitions as block devices: when a disk registers (block_register_disk),
 * its MBR or GPT is read (lib/part) and every partition that passed the
 * parser's checks becomes a device of its own, "<disk>p<number>", whose
 * requests go to the disk shifted by the partition's first block. The range
 * check against the partition's size happens in kernel/block.c before this
 * shift, so a partition's request can never reach outside it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <mote/log.h>

#include "kernel/block.h"
#include "lib/part/part.h"

struct part_dev {
    struct block_dev dev;
    struct block_dev *disk;
    uint64_t first;
};

static int part_submit(struct block_dev *dev, struct block_req *req)
{
    struct part_dev *p = dev->priv;
    req->dev = p->disk;
    if (req->op != BLOCK_OP_FLUSH)
        req->lba += p->first;
    return p->disk->submit(p->disk, req);
}

static void part_poll(struct block_dev *dev)
{
    struct part_dev *p = dev->priv;
    if (p->disk->poll)
        p->disk->poll(p->disk);
}

static int read_disk(void *ctx, uint64_t lba, void *buf)
{
    return mote_block_read((unsigned)(uintptr_t)ctx, lba, buf, 1);
}

static const char *scheme_name(enum part_scheme s)
{
    return s == PART_SCHEME_GPT ? "GPT" : s == PART_SCHEME_MBR ? "MBR" : "none";
}

/* Reads the table of disk number n and registers its partitions; logs what it found. */
static void partition_scan(unsigned n, struct block_dev *disk)
{
    if (disk->info.block_size < PART_BLOCK_MIN || disk->info.block_size > PART_BLOCK_MAX)
        return; /* no table Mote reads on such a disk */
    void *scratch = malloc(disk->info.block_size);
    struct part_table *t = malloc(sizeof(*t));
    if (!scratch || !t) {
        mote_log(MOTE_LOG_ERROR, "block: %s: no memory to read its partition table",
                 disk->info.name);
        goto out;
    }
    int err = part_scan(read_disk, (void *)(uintptr_t)n, disk->info.block_size, disk->info.blocks,
                        scratch, t);
    if (err) {
        mote_log(MOTE_LOG_ERROR, "block: %s: reading the partition table failed (%d)",
                 disk->info.name, err);
        goto out;
    }
    if (t->gpt_bad)
        mote_log(MOTE_LOG_WARN, "block: %s: protective MBR, but both GPT copies are corrupt",
                 disk->info.name);
    if (t->gpt_backup_used)
        mote_log(MOTE_LOG_WARN, "block: %s: primary GPT corrupt; using the backup",
                 disk->info.name);
    if (t->rejected || t->skipped)
        mote_log(MOTE_LOG_WARN, "block: %s: %u partition entries invalid, %u beyond %u ignored",
                 disk->info.name, t->rejected, t->skipped, PART_MAX);
    for (unsigned i = 0; i < t->count; i++) {
        struct part_dev *p = calloc(1, sizeof(*p));
        if (!p) {
            mote_log(MOTE_LOG_ERROR, "block: %s: no memory for its partitions", disk->info.name);
            break;
        }
        p->disk = disk;
        p->first = t->part[i].first;
        p->dev.priv = p;
        p->dev.submit = part_submit;
        p->dev.poll = part_poll;
        p->dev.info = disk->info;
        p->dev.info.blocks = t->part[i].count;
        p->dev.info.first_block = disk->info.first_block + t->part[i].first;
        snprintf(p->dev.info.name, sizeof(p->dev.info.name), "%sp%u", disk->info.name,
                 t->part[i].number);
        int num = block_register(&p->dev);
        if (num < 0) {
            mote_log(MOTE_LOG_ERROR, "block: %s: no device slot left for %s", disk->info.name,
                     p->dev.info.name);
            free(p);
            break;
        }
        mote_log(MOTE_LOG_INFO, "block: %s: %s partition %u, blocks %llu..%llu", p->dev.info.name,
                 scheme_name(t->scheme), t->part[i].number, (unsigned long long)p->first,
                 (unsigned long long)(p->first + t->part[i].count - 1));
    }
out:
    free(t);
    free(scratch);
}

int block_register_disk(struct block_dev *disk)
{
    int n = block_register(disk);
    if (n >= 0)
        partition_scan((unsigned)n, disk);
    return n;
}
