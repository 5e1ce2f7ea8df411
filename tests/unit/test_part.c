// SPDX-License-Identifier: MIT
/*
 * Unit tests for the partition table parser (lib/part) and CRC-32
 * (lib/crc32), on disk images built here in memory: MBRs with primary,
 * extended and broken entries, GPTs with a good primary, a corrupt primary
 * (the backup takes over), both corrupt, and entries outside the usable range.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/crc32/crc32.h"
#include "lib/part/part.h"

#define BS          512
#define DISK_BLOCKS 4096

struct disk {
    uint8_t *data;
    uint64_t blocks;
    uint32_t bs;
    int fail_lba; /* a block whose read fails with -EIO; -1: none */
};

static int disk_read(void *ctx, uint64_t lba, void *buf)
{
    struct disk *d = ctx;
    if (lba >= d->blocks || (int64_t)lba == d->fail_lba)
        return -EIO;
    memcpy(buf, d->data + lba * d->bs, d->bs);
    return 0;
}

static struct disk *disk_new(uint64_t blocks, uint32_t bs)
{
    struct disk *d = calloc(1, sizeof(*d));
    d->data = calloc(blocks, bs);
    d->blocks = blocks;
    d->bs = bs;
    d->fail_lba = -1;
    return d;
}

static void disk_free(struct disk *d)
{
    free(d->data);
    free(d);
}

static int scan(struct disk *d, struct part_table *t)
{
    uint8_t *scratch = malloc(d->bs);
    int err = part_scan(disk_read, d, d->bs, d->blocks, scratch, t);
    free(scratch);
    return err;
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

/* Writes MBR-style entry i (0..3) into the block at lba, with the signature. */
static void mbr_entry(struct disk *d, uint64_t lba, unsigned i, uint8_t type, uint32_t first,
                      uint32_t count)
{
    uint8_t *b = d->data + lba * d->bs;
    uint8_t *e = b + 446 + 16 * i;
    e[0] = 0;
    e[4] = type;
    put32(e + 8, first);
    put32(e + 12, count);
    b[510] = 0x55;
    b[511] = 0xaa;
}

static void test_crc32_check_value(void **state)
{
    (void)state;
    /* The CRC-32 catalogue's check value for "123456789". */
    assert_int_equal(crc32_update(0, "123456789", 9), 0xcbf43926u);
    /* In pieces, the same. */
    assert_int_equal(crc32_update(crc32_update(0, "1234", 4), "56789", 5), 0xcbf43926u);
}

static void test_part_no_table_on_blank_disk_or_fat_boot_sector(void **state)
{
    (void)state;
    struct disk *d = disk_new(DISK_BLOCKS, BS);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_SCHEME_NONE);
    assert_int_equal(t.count, 0);
    /* A FAT boot sector: signature, but boot code where the entries would be. */
    memset(d->data + 446, 'x', 64);
    d->data[510] = 0x55;
    d->data[511] = 0xaa;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_SCHEME_NONE);
    disk_free(d);
}

static void test_part_mbr_primary_partitions_keep_their_slot_numbers(void **state)
{
    (void)state;
    struct disk *d = disk_new(DISK_BLOCKS, BS);
    mbr_entry(d, 0, 0, 0x0c, 2048, 1024);
    mbr_entry(d, 0, 2, 0x83, 3072, 1024);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_SCHEME_MBR);
    assert_int_equal(t.count, 2);
    assert_int_equal(t.part[0].number, 1);
    assert_int_equal(t.part[0].first, 2048);
    assert_int_equal(t.part[0].count, 1024);
    assert_int_equal(t.part[0].mbr_type, 0x0c);
    assert_int_equal(t.part[1].number, 3);
    assert_int_equal(t.part[1].first, 3072);
    assert_int_equal(t.rejected, 0);
    disk_free(d);
}

static void test_part_mbr_entries_beyond_the_disk_are_rejected(void **state)
{
    (void)state;
    struct disk *d = disk_new(DISK_BLOCKS, BS);
    mbr_entry(d, 0, 0, 0x0c, 2048, 1024);
    mbr_entry(d, 0, 1, 0x83, 3072, 2000);       /* ends past block 4095 */
    mbr_entry(d, 0, 2, 0x83, 0, 10);            /* overlaps the MBR itself */
    mbr_entry(d, 0, 3, 0x83, 0xffffff00u, 512); /* starts past the end */
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.count, 1);
    assert_int_equal(t.part[0].number, 1);
    assert_int_equal(t.rejected, 3);
    disk_free(d);
}

static void test_part_mbr_logical_partitions_follow_the_ebr_chain(void **state)
{
    (void)state;
    struct disk *d = disk_new(DISK_BLOCKS, BS);
    mbr_entry(d, 0, 0, 0x0c, 64, 512);
    mbr_entry(d, 0, 1, 0x0f, 1024, 2048); /* extended: 1024..3071 */
    /* EBR at 1024: logical at +64 (1088), next EBR at extended+1024 (2048) */
    mbr_entry(d, 1024, 0, 0x83, 64, 256);
    mbr_entry(d, 1024, 1, 0x05, 1024, 512);
    /* EBR at 2048: logical at +32 (2080), the last */
    mbr_entry(d, 2048, 0, 0x83, 32, 128);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.count, 3);
    assert_int_equal(t.part[1].number, 5);
    assert_int_equal(t.part[1].first, 1088);
    assert_int_equal(t.part[1].count, 256);
    assert_int_equal(t.part[2].number, 6);
    assert_int_equal(t.part[2].first, 2080);
    assert_int_equal(t.rejected, 0);

    /* The second EBR points back at the first: the walk stops, the loop is counted. */
    mbr_entry(d, 2048, 1, 0x05, 0, 512);
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.count, 3);
    assert_int_equal(t.rejected, 1);
    /* A logical partition reaching outside its extended partition is rejected. */
    mbr_entry(d, 2048, 1, 0, 0, 0);
    mbr_entry(d, 2048, 0, 0x83, 32, 2000);
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.count, 2);
    assert_int_equal(t.rejected, 1);
    disk_free(d);
}

/* A GPT entry array of n entries and its header at lba, the header pointing at the array. */
#define GPT_ENTRIES 128
#define GPT_ESIZE   128

static void gpt_header(struct disk *d, uint64_t lba, uint64_t alt, uint64_t entries_lba)
{
    uint8_t *h = d->data + lba * d->bs;
    memset(h, 0, d->bs);
    memcpy(h, "EFI PART", 8);
    put32(h + 8, 0x00010000);
    put32(h + 12, 92);
    put64(h + 24, lba);
    put64(h + 32, alt);
    put64(h + 40, 34);
    put64(h + 48, d->blocks - 34);
    put64(h + 72, entries_lba);
    put32(h + 80, GPT_ENTRIES);
    put32(h + 84, GPT_ESIZE);
    put32(h + 88, crc32_update(0, d->data + entries_lba * d->bs, GPT_ENTRIES * GPT_ESIZE));
    put32(h + 16, crc32_update(0, h, 92));
}

static void gpt_entry(uint8_t *array, unsigned i, uint64_t first, uint64_t last)
{
    uint8_t *e = array + i * GPT_ESIZE;
    memset(e, 0xab, 16); /* any non-zero type GUID */
    put64(e + 32, first);
    put64(e + 40, last);
}

/* A disk with a protective MBR and both GPT copies naming entries 0 and 2. */
static struct disk *gpt_disk(void)
{
    struct disk *d = disk_new(DISK_BLOCKS, BS);
    mbr_entry(d, 0, 0, 0xee, 1, DISK_BLOCKS - 1);
    uint64_t backup_entries = DISK_BLOCKS - 33;
    gpt_entry(d->data + 2 * BS, 0, 2048, 2559);
    gpt_entry(d->data + 2 * BS, 2, 3000, 3999);
    memcpy(d->data + backup_entries * BS, d->data + 2 * BS, GPT_ENTRIES * GPT_ESIZE);
    gpt_header(d, 1, DISK_BLOCKS - 1, 2);
    gpt_header(d, DISK_BLOCKS - 1, 1, backup_entries);
    return d;
}

static void assert_gpt_parts(const struct part_table *t)
{
    assert_int_equal(t->scheme, PART_SCHEME_GPT);
    assert_int_equal(t->count, 2);
    assert_int_equal(t->part[0].number, 1);
    assert_int_equal(t->part[0].first, 2048);
    assert_int_equal(t->part[0].count, 512);
    assert_int_equal(t->part[1].number, 3);
    assert_int_equal(t->part[1].first, 3000);
    assert_int_equal(t->part[1].count, 1000);
}

static void test_part_gpt_primary(void **state)
{
    (void)state;
    struct disk *d = gpt_disk();
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_gpt_parts(&t);
    assert_false(t.gpt_backup_used);
    disk_free(d);
}

static void test_part_gpt_corrupt_primary_header_uses_the_backup(void **state)
{
    (void)state;
    struct disk *d = gpt_disk();
    d->data[BS + 40] ^= 1; /* first usable LBA changed: the header CRC fails */
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_gpt_parts(&t);
    assert_true(t.gpt_backup_used);
    disk_free(d);
}

static void test_part_gpt_corrupt_primary_entries_uses_the_backup(void **state)
{
    (void)state;
    struct disk *d = gpt_disk();
    d->data[2 * BS + 33] ^= 0x10; /* entry 0's first LBA: the array CRC fails */
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_gpt_parts(&t);
    assert_true(t.gpt_backup_used);
    disk_free(d);
}

static void test_part_gpt_both_copies_corrupt_gives_no_partitions(void **state)
{
    (void)state;
    struct disk *d = gpt_disk();
    d->data[BS] = 'X';
    d->data[(DISK_BLOCKS - 1) * BS + 88] ^= 1;
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_SCHEME_GPT);
    assert_true(t.gpt_bad);
    assert_int_equal(t.count, 0);
    disk_free(d);
}

static void test_part_gpt_entry_outside_usable_range_is_rejected(void **state)
{
    (void)state;
    struct disk *d = gpt_disk();
    gpt_entry(d->data + 2 * BS, 5, 10, 100);    /* before first usable (34) */
    gpt_entry(d->data + 2 * BS, 6, 3000, 2999); /* last before first */
    gpt_header(d, 1, DISK_BLOCKS - 1, 2);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_gpt_parts(&t);
    assert_int_equal(t.rejected, 2);
    disk_free(d);
}

static void test_part_gpt_header_claiming_a_huge_array_is_refused(void **state)
{
    (void)state;
    struct disk *d = gpt_disk();
    uint8_t *h = d->data + BS;
    put32(h + 80, 0xffffffffu); /* entries */
    put32(h + 16, 0);
    put32(h + 16, crc32_update(0, h, 92));
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_true(t.gpt_backup_used); /* the primary was refused, not walked */
    assert_gpt_parts(&t);
    disk_free(d);
}

static void test_part_read_errors_and_bad_block_sizes_are_reported(void **state)
{
    (void)state;
    struct disk *d = gpt_disk();
    struct part_table t;
    d->fail_lba = 0;
    assert_int_equal(scan(d, &t), -EIO);
    d->fail_lba = 2;
    assert_int_equal(scan(d, &t), -EIO);
    uint8_t scratch[BS];
    assert_int_equal(part_scan(disk_read, d, 520, d->blocks, scratch, &t), -EINVAL);
    assert_int_equal(part_scan(disk_read, d, 8192, d->blocks, scratch, &t), -EINVAL);
    disk_free(d);
}

static void test_part_gpt_on_4096_byte_blocks(void **state)
{
    (void)state;
    struct disk *d = disk_new(512, 4096);
    mbr_entry(d, 0, 0, 0xee, 1, 511);
    gpt_entry(d->data + 2 * 4096, 0, 40, 99);
    /* 128 entries of 128 bytes: 4 blocks at 2..5; the backup array at 507..510 */
    memcpy(d->data + 507 * 4096, d->data + 2 * 4096, GPT_ENTRIES * GPT_ESIZE);
    gpt_header(d, 1, 511, 2);
    gpt_header(d, 511, 1, 507);
    struct part_table t;
    assert_int_equal(scan(d, &t), 0);
    assert_int_equal(t.scheme, PART_SCHEME_GPT);
    assert_int_equal(t.count, 1);
    assert_int_equal(t.part[0].first, 40);
    assert_int_equal(t.part[0].count, 60);
    disk_free(d);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_crc32_check_value),
        cmocka_unit_test(test_part_no_table_on_blank_disk_or_fat_boot_sector),
        cmocka_unit_test(test_part_mbr_primary_partitions_keep_their_slot_numbers),
        cmocka_unit_test(test_part_mbr_entries_beyond_the_disk_are_rejected),
        cmocka_unit_test(test_part_mbr_logical_partitions_follow_the_ebr_chain),
        cmocka_unit_test(test_part_gpt_primary),
        cmocka_unit_test(test_part_gpt_corrupt_primary_header_uses_the_backup),
        cmocka_unit_test(test_part_gpt_corrupt_primary_entries_uses_the_backup),
        cmocka_unit_test(test_part_gpt_both_copies_corrupt_gives_no_partitions),
        cmocka_unit_test(test_part_gpt_entry_outside_usable_range_is_rejected),
        cmocka_unit_test(test_part_gpt_header_claiming_a_huge_array_is_refused),
        cmocka_unit_test(test_part_read_errors_and_bad_block_sizes_are_reported),
        cmocka_unit_test(test_part_gpt_on_4096_byte_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
