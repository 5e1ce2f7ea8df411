// SPDX-License-Identifier: MIT
/*
 * MBR and GPT partition tables, see part.h. Sources: the MBR layout as IBM PC
 * DOS 2.0 set it (and the extended boot record chain of DOS 3.3), the GPT
 * from the UEFI specification 2.10 §5.2 (protective MBR) and §5.3 (header,
 * entry array, backup copy).
 */
#include "lib/part/part.h"

#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "lib/crc32/crc32.h"

/* The MBR (§5.2.1 of UEFI describes it too) */
#define MBR_TABLE_OFF 446 /* four 16-byte entries */
#define MBR_ENTRIES   4
#define MBR_ENTRY_LEN 16
#define MBR_SIG_OFF   510 /* 0x55 0xaa */
#define MBR_SIG0      0x55
#define MBR_SIG1      0xaa
/* clang-format off */
#define   MBRE_STATUS   0   /* 0x80 bootable, 0x00 not; anything else: not an MBR */
#define     MBRE_STATUS_BOOT 0x80
#define   MBRE_TYPE     4
#define   MBRE_LBA      8   /* first block, little-endian 32 bits */
#define   MBRE_COUNT    12  /* blocks */
/* clang-format on */
#define MBR_TYPE_EMPTY      0x00
#define MBR_TYPE_EXT_CHS    0x05 /* extended partition (DOS) */
#define MBR_TYPE_EXT_LBA    0x0f /* extended partition (Windows, LBA) */
#define MBR_TYPE_EXT_LINUX  0x85 /* extended partition (Linux) */
#define MBR_TYPE_PROTECTIVE 0xee /* the disk has a GPT */
#define MBR_FIRST_LOGICAL   5    /* Linux numbers logical partitions from 5 */
#define EBR_MAX             64   /* extended boot records followed at most */

/* The GPT header (UEFI 2.10 §5.3.2, table 5.5) */
#define GPT_HEADER_LBA       1
#define GPT_SIGNATURE        "EFI PART"
#define GPT_SIGNATURE_LEN    8
#define GPT_HDR_SIZE         12 /* bytes of the header the CRC covers */
#define GPT_HDR_CRC          16
#define GPT_HDR_MY_LBA       24
#define GPT_HDR_FIRST_USABLE 40
#define GPT_HDR_LAST_USABLE  48
#define GPT_HDR_ENTRIES_LBA  72
#define GPT_HDR_NUM_ENTRIES  80
#define GPT_HDR_ENTRY_SIZE   84
#define GPT_HDR_ENTRIES_CRC  88
#define GPT_HDR_MIN_SIZE     92
#define GPT_ENTRIES_MAX      1024 /* more than any tool writes (128 is usual) */
/* One entry (table 5.6) */
#define GPT_ENTRY_MIN_SIZE 128
#define GPTE_TYPE_GUID     0 /* 16 bytes; all zero: unused */
#define GPTE_GUID_LEN      16
#define GPTE_FIRST_LBA     32
#define GPTE_LAST_LBA      40

struct scan {
    part_read_fn read;
    void *ctx;
    uint32_t block_size;
    uint64_t blocks;
    uint8_t *buf;
};

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
    return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

static int read_block(struct scan *s, uint64_t lba)
{
    return s->read(s->ctx, lba, s->buf);
}

/* Keeps a checked partition, or counts it when the table is full. */
static void keep(struct part_table *t, unsigned number, uint64_t first, uint64_t count,
                 uint8_t type)
{
    if (t->count == PART_MAX) {
        t->skipped++;
        return;
    }
    t->part[t->count++] =
        (struct part_entry){.number = number, .first = first, .count = count, .mbr_type = type};
}

/* A non-empty range [first, first + count) that lies within [lo, hi). */
static bool range_ok(uint64_t first, uint64_t count, uint64_t lo, uint64_t hi)
{
    return count > 0 && first >= lo && first < hi && count <= hi - first;
}

static bool is_extended(uint8_t type)
{
    return type == MBR_TYPE_EXT_CHS || type == MBR_TYPE_EXT_LBA || type == MBR_TYPE_EXT_LINUX;
}

/* The block in s->buf carries the MBR signature and only valid status bytes. */
static bool mbr_valid(const struct scan *s)
{
    if (s->buf[MBR_SIG_OFF] != MBR_SIG0 || s->buf[MBR_SIG_OFF + 1] != MBR_SIG1)
        return false;
    for (unsigned i = 0; i < MBR_ENTRIES; i++) {
        uint8_t status = s->buf[MBR_TABLE_OFF + i * MBR_ENTRY_LEN + MBRE_STATUS];
        if (status != 0 && status != MBRE_STATUS_BOOT)
            return false; /* boot code or a FAT boot sector, not a table */
    }
    return true;
}

/*
 * The logical partitions of the extended partition [ext_first, +ext_count):
 * a chain of extended boot records, each an MBR-shaped block whose first
 * entry is a partition (relative to that record) and whose second points to
 * the next record (relative to the extended partition). Each next record must
 * lie further on, so a loop ends; at most EBR_MAX are followed.
 */
static int mbr_logical(struct scan *s, struct part_table *t, uint64_t ext_first, uint64_t ext_count)
{
    uint64_t ebr = ext_first;
    unsigned number = MBR_FIRST_LOGICAL;
    for (unsigned n = 0; n < EBR_MAX; n++) {
        int err = read_block(s, ebr);
        if (err)
            return err;
        if (!mbr_valid(s)) {
            t->rejected++;
            return 0;
        }
        const uint8_t *e = s->buf + MBR_TABLE_OFF;
        const uint8_t *link = e + MBR_ENTRY_LEN;
        uint64_t first = ebr + le32(e + MBRE_LBA), count = le32(e + MBRE_COUNT);
        if (e[MBRE_TYPE] != MBR_TYPE_EMPTY && count != 0) {
            if (range_ok(first, count, ext_first, ext_first + ext_count))
                keep(t, number, first, count, e[MBRE_TYPE]);
            else
                t->rejected++;
            number++;
        }
        if (!is_extended(link[MBRE_TYPE]) || le32(link + MBRE_COUNT) == 0)
            return 0; /* the last record */
        uint64_t next = ext_first + le32(link + MBRE_LBA);
        if (next <= ebr || next >= ext_first + ext_count) {
            t->rejected++;
            return 0;
        }
        ebr = next;
    }
    t->rejected++; /* a longer chain than any disk needs: ignore the rest */
    return 0;
}

/* The four primary entries of the MBR in s->buf, and any extended partition's logicals. */
static int mbr_scan(struct scan *s, struct part_table *t)
{
    uint8_t table[MBR_ENTRIES * MBR_ENTRY_LEN];
    memcpy(table, s->buf + MBR_TABLE_OFF, sizeof(table)); /* s->buf is reused below */
    t->scheme = PART_SCHEME_MBR;
    bool extended_seen = false;
    for (unsigned i = 0; i < MBR_ENTRIES; i++) {
        const uint8_t *e = table + i * MBR_ENTRY_LEN;
        uint64_t first = le32(e + MBRE_LBA), count = le32(e + MBRE_COUNT);
        if (e[MBRE_TYPE] == MBR_TYPE_EMPTY || count == 0)
            continue;
        if (!range_ok(first, count, 1, s->blocks)) {
            t->rejected++;
            continue;
        }
        if (!is_extended(e[MBRE_TYPE])) {
            keep(t, i + 1, first, count, e[MBRE_TYPE]);
            continue;
        }
        if (extended_seen) { /* DOS allows one; a second could loop back into the first */
            t->rejected++;
            continue;
        }
        extended_seen = true;
        int err = mbr_logical(s, t, first, count);
        if (err)
            return err;
    }
    return 0;
}

/*
 * Checks the GPT header at lba (primary: 1; backup: the last block) and its
 * entry array, and on success fills *t. Returns 1 when valid, 0 when not, or
 * the error of a read that failed.
 */
static int gpt_try(struct scan *s, uint64_t lba, struct part_table *t)
{
    int err = read_block(s, lba);
    if (err)
        return err;
    const uint8_t *h = s->buf;
    if (memcmp(h, GPT_SIGNATURE, GPT_SIGNATURE_LEN) != 0)
        return 0;
    uint32_t size = le32(h + GPT_HDR_SIZE);
    if (size < GPT_HDR_MIN_SIZE || size > s->block_size)
        return 0;
    uint32_t crc = le32(h + GPT_HDR_CRC);
    static const uint8_t zero[4];
    uint32_t c = crc32_update(0, h, GPT_HDR_CRC);
    c = crc32_update(c, zero, sizeof(zero)); /* the CRC is computed with its own field zero */
    c = crc32_update(c, h + GPT_HDR_CRC + sizeof(zero), size - GPT_HDR_CRC - sizeof(zero));
    if (c != crc || le64(h + GPT_HDR_MY_LBA) != lba)
        return 0;
    uint64_t first_usable = le64(h + GPT_HDR_FIRST_USABLE);
    uint64_t last_usable = le64(h + GPT_HDR_LAST_USABLE);
    uint64_t entries_lba = le64(h + GPT_HDR_ENTRIES_LBA);
    uint32_t num = le32(h + GPT_HDR_NUM_ENTRIES);
    uint32_t esize = le32(h + GPT_HDR_ENTRY_SIZE);
    uint32_t entries_crc = le32(h + GPT_HDR_ENTRIES_CRC);
    /* Entry sizes are 128 * 2^n (§5.3.2): with a power-of-two block, none straddles a block. */
    if (esize < GPT_ENTRY_MIN_SIZE || (esize & (esize - 1)) || esize > s->block_size ||
        num > GPT_ENTRIES_MAX)
        return 0;
    if (first_usable > last_usable || last_usable >= s->blocks)
        return 0;
    uint32_t per_block = s->block_size / esize;
    uint64_t entry_blocks = ((uint64_t)num + per_block - 1) / per_block;
    /* The array lies on the disk and clear of this header. */
    if (entries_lba <= GPT_HEADER_LBA || entries_lba >= s->blocks ||
        entry_blocks > s->blocks - entries_lba ||
        (lba >= entries_lba && lba < entries_lba + entry_blocks))
        return 0;

    struct part_table found = {.scheme = PART_SCHEME_GPT};
    uint32_t ecrc = 0;
    for (uint64_t b = 0; b < entry_blocks; b++) {
        err = read_block(s, entries_lba + b);
        if (err)
            return err;
        uint32_t in_block = num - (uint32_t)(b * per_block);
        if (in_block > per_block)
            in_block = per_block;
        ecrc = crc32_update(ecrc, s->buf, (size_t)in_block * esize);
        for (uint32_t i = 0; i < in_block; i++) {
            const uint8_t *e = s->buf + (size_t)i * esize;
            static const uint8_t unused[GPTE_GUID_LEN];
            if (memcmp(e + GPTE_TYPE_GUID, unused, GPTE_GUID_LEN) == 0)
                continue;
            uint64_t first = le64(e + GPTE_FIRST_LBA), last = le64(e + GPTE_LAST_LBA);
            unsigned number = (unsigned)(b * per_block + i + 1);
            if (first < first_usable || last > last_usable || first > last)
                found.rejected++;
            else
                keep(&found, number, first, last - first + 1, 0);
        }
    }
    if (ecrc != entries_crc)
        return 0;
    *t = found;
    return 1;
}

/* The protective MBR said GPT: the primary, or else the backup at the last block. */
static int gpt_scan(struct scan *s, struct part_table *t)
{
    int ok = gpt_try(s, GPT_HEADER_LBA, t);
    if (ok != 0)
        return ok < 0 ? ok : 0;
    ok = gpt_try(s, s->blocks - 1, t);
    if (ok < 0)
        return ok;
    if (ok) {
        t->gpt_backup_used = true;
        return 0;
    }
    *t = (struct part_table){.scheme = PART_SCHEME_GPT, .gpt_bad = true};
    return 0;
}

int part_scan(part_read_fn read, void *ctx, uint32_t block_size, uint64_t blocks, void *scratch,
              struct part_table *table)
{
    *table = (struct part_table){.scheme = PART_SCHEME_NONE};
    if (!read || !scratch || block_size < PART_BLOCK_MIN || block_size > PART_BLOCK_MAX ||
        (block_size & (block_size - 1)))
        return -EINVAL;
    if (blocks <= GPT_HEADER_LBA)
        return 0; /* too small for any table */
    struct scan s = {
        .read = read, .ctx = ctx, .block_size = block_size, .blocks = blocks, .buf = scratch};
    int err = read_block(&s, 0);
    if (err)
        return err;
    if (!mbr_valid(&s))
        return 0;
    for (unsigned i = 0; i < MBR_ENTRIES; i++)
        if (s.buf[MBR_TABLE_OFF + i * MBR_ENTRY_LEN + MBRE_TYPE] == MBR_TYPE_PROTECTIVE)
            return gpt_scan(&s, table);
    return mbr_scan(&s, table);
}
