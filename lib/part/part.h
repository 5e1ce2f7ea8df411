/* SPDX-License-Identifier: MIT */
/*
 * Partition tables: the MBR (primary entries and the logical partitions of an
 * extended one) and the GPT (UEFI specification 2.10 §5.3), read from a disk
 * through a callback. Portable, no OS calls, built and fuzzed on the host.
 *
 * Nothing on the disk is trusted: every entry is checked against the disk's
 * size and (GPT) the usable range, the GPT header and entry array against
 * their CRC-32; a GPT whose primary header or entries fail falls back to the
 * backup at the disk's last block. An entry that fails a check is counted in
 * rejected and left out; walks over the disk (GPT entries, the chain of
 * extended boot records) are bounded.
 */
#ifndef LIB_PART_PART_H
#define LIB_PART_PART_H

#include <stdbool.h>
#include <stdint.h>

#define PART_MAX 16 /* partitions kept from one table (more are counted in skipped) */

#define PART_BLOCK_MIN 512 /* block sizes the parser takes: 512 .. 4096, a power of two */
#define PART_BLOCK_MAX 4096

enum part_scheme {
    PART_SCHEME_NONE, /* no partition table (a file system on the whole disk, or blank) */
    PART_SCHEME_MBR,
    PART_SCHEME_GPT,
};

struct part_entry {
    unsigned number;  /* as Linux numbers them: MBR 1-4 primary, 5.. logical; GPT index + 1 */
    uint64_t first;   /* first block */
    uint64_t count;   /* blocks */
    uint8_t mbr_type; /* MBR: the type byte (0x0c FAT32 LBA...); GPT: 0 */
};

struct part_table {
    enum part_scheme scheme;
    unsigned count; /* entries in part[] */
    struct part_entry part[PART_MAX];
    unsigned rejected;    /* entries that failed a check */
    unsigned skipped;     /* valid entries beyond PART_MAX */
    bool gpt_backup_used; /* the primary GPT was bad; the backup was used */
    bool gpt_bad;         /* a protective MBR, but neither GPT copy is valid */
};

/* Reads block lba (block_size bytes) into buf. Returns 0 or a negative errno. */
typedef int (*part_read_fn)(void *ctx, uint64_t lba, void *buf);

/*
 * Reads the partition table of a disk of blocks blocks of block_size bytes
 * into *table, through read(ctx, ...) and scratch (block_size bytes). Returns
 * 0 (also for no table: scheme NONE, count 0); -EINVAL for a block size it
 * does not take; or the error of a read that failed.
 */
int part_scan(part_read_fn read, void *ctx, uint32_t block_size, uint64_t blocks, void *scratch,
              struct part_table *table);

#endif
