// SPDX-License-Identifier: MIT
/*
 * Fuzz target: lib/fat mounts a fuzzed disk, walks every directory, reads
 * every file, then writes, renames and deletes. The disk is sparse, so a
 * small input can describe a FAT32 volume of tens of MiB: the input is a
 * 4-byte little-endian sector count, then records of a 4-byte sector number
 * and its 512 bytes; every other sector reads as zeros. Writes land in the
 * same table (up to OVERLAY_MAX sectors, then fail with -EIO, which the
 * engine must survive too). Seeds: tests/fuzz/fat_seed.py turns images made
 * by mkfs.fat and mtools into this form (mk/fuzz.mk).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fat/fat.h"

#define SECTOR      512
#define SECTORS_MAX (1u << 18) /* 128 MiB: room for FAT32's 65525 clusters of 512 bytes */
#define RECORDS_MAX 512
#define OVERLAY_MAX (RECORDS_MAX + 256)
#define DEPTH_MAX   4
#define ENTRIES_MAX 64
#define READ_MAX    (256 * 1024)

struct sparse {
    uint32_t count;
    uint32_t sector[OVERLAY_MAX];
    uint8_t *data[OVERLAY_MAX];
};

static uint8_t *find(struct sparse *s, uint64_t sector)
{
    for (uint32_t i = s->count; i-- > 0;)
        if (s->sector[i] == sector)
            return s->data[i];
    return NULL;
}

static int disk_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *d = find(ctx, sector + i);
        if (d)
            memcpy((uint8_t *)buf + i * SECTOR, d, SECTOR);
        else
            memset((uint8_t *)buf + i * SECTOR, 0, SECTOR);
    }
    return 0;
}

static int disk_write(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
    struct sparse *s = ctx;
    for (uint32_t i = 0; i < count; i++) {
        uint8_t *d = find(s, sector + i);
        if (!d) {
            if (s->count == OVERLAY_MAX)
                return -EIO;
            d = s->data[s->count] = malloc(SECTOR);
            s->sector[s->count++] = (uint32_t)(sector + i);
        }
        memcpy(d, (const uint8_t *)buf + i * SECTOR, SECTOR);
    }
    return 0;
}

static uint8_t readbuf[4096];

static void walk(struct fat_volume *vol, const char *path, int depth)
{
    struct fat_file d;
    if (depth > DEPTH_MAX || fat_opendir(vol, path, &d) != 0)
        return;
    struct mote_fs_dirent ent;
    char child[MOTE_FS_PATH_MAX + 1];
    for (int n = 0; n < ENTRIES_MAX; n++) {
        int r = fat_readdir(&d, &ent);
        if (r == -EUCLEAN)
            continue;
        if (r != 1)
            break;
        if ((size_t)snprintf(child, sizeof(child), "%s/%s", path, ent.name) >= sizeof(child))
            continue;
        struct mote_fs_stat st;
        fat_stat(vol, child, &st);
        if (ent.st.is_dir) {
            walk(vol, child, depth + 1);
            continue;
        }
        struct fat_file f;
        if (fat_open(vol, child, MOTE_FS_READ, &f) == 0) {
            uint32_t total = 0;
            int32_t got;
            while (total < READ_MAX && (got = fat_read(&f, readbuf, sizeof(readbuf))) > 0)
                total += (uint32_t)got;
            fat_close(&f);
        }
    }
    fat_close(&d);
}

static void change(struct fat_volume *vol)
{
    struct fat_file f;
    if (fat_open(vol, "/fuzz output with a long name.txt",
                 MOTE_FS_RDWR | MOTE_FS_CREATE | MOTE_FS_TRUNC, &f) == 0) {
        memset(readbuf, 'x', sizeof(readbuf));
        fat_write(&f, readbuf, 3000);
        fat_seek(&f, 9000, MOTE_FS_SEEK_SET);
        fat_write(&f, readbuf, 100);
        fat_truncate(&f, 1000);
        fat_close(&f);
    }
    fat_mkdir(vol, "/new dir");
    fat_rename(vol, "/fuzz output with a long name.txt", "/new dir/moved.txt");
    fat_unlink(vol, "/new dir/moved.txt");
    fat_rmdir(vol, "/new dir");
    struct mote_fs_statfs sf;
    fat_statfs(vol, &sf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct sparse s;
    if (size < 4)
        return 0;
    s.count = 0;
    uint32_t sectors = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
                       (uint32_t)data[3] << 24;
    sectors = sectors % SECTORS_MAX + 1;
    for (size_t at = 4; at + 4 + SECTOR <= size && s.count < RECORDS_MAX; at += 4 + SECTOR) {
        uint32_t sector = ((uint32_t)data[at] | (uint32_t)data[at + 1] << 8 |
                           (uint32_t)data[at + 2] << 16 | (uint32_t)data[at + 3] << 24) %
                          sectors;
        s.data[s.count] = malloc(SECTOR);
        memcpy(s.data[s.count], data + at + 4, SECTOR);
        s.sector[s.count++] = sector;
    }
    struct fat_disk disk = {
        .ctx = &s,
        .sector_size = SECTOR,
        .sectors = sectors,
        .read = disk_read,
        .write = disk_write,
    };
    struct fat_volume vol;
    if (fat_mount(&vol, &disk, false) == 0) {
        walk(&vol, "", 0);
        change(&vol);
        walk(&vol, "/", 0);
        fat_unmount(&vol);
    }
    for (uint32_t i = 0; i < s.count; i++)
        free(s.data[i]);
    return 0;
}
