// SPDX-License-Identifier: MIT
/*
 * The volume: the boot sector checked at mount, the metadata sector cache,
 * FAT entries and clusters (allocation, chains, the free count). fat.h
 * explains the write order this file keeps: FAT sectors are cached dirty and
 * written, to every copy, before any directory sector.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fat/internal.h"

/* Boot sector / BPB (fatgen103 "Boot Sector and BPB Structure") */
#define BS_JMP_BOOT         0
#define BPB_BYTS_PER_SEC    11
#define BPB_SEC_PER_CLUS    13
#define BPB_RSVD_SEC_CNT    14
#define BPB_NUM_FATS        16
#define BPB_ROOT_ENT_CNT    17
#define BPB_TOT_SEC16       19
#define BPB_MEDIA           21
#define BPB_FAT_SZ16        22
#define BPB_TOT_SEC32       32
#define BPB_FAT_SZ32        36
#define BPB_EXT_FLAGS       40
#define EXT_FLAGS_NO_MIRROR 0x80 /* only the FAT numbered in the low bits is active */
#define EXT_FLAGS_ACTIVE    0x0f
#define BPB_FS_VER          42
#define BPB_ROOT_CLUS       44
#define BPB_FS_INFO         48
#define BS_SIGNATURE        510 /* 0x55 0xaa */
#define JMP_SHORT           0xeb
#define JMP_NEAR            0xe9
#define MEDIA_MIN           0xf0 /* media descriptors are 0xf0 and 0xf8 .. 0xff */
#define FAT_COPIES_MAX      2

/* FSInfo sector (fatgen103 "FAT32 FSInfo Sector Structure") */
#define FSI_LEAD_SIG   0
#define FSI_STRUC_SIG  484
#define FSI_FREE_COUNT 488
#define FSI_NXT_FREE   492
#define FSI_TRAIL_SIG  508
#define FSI_LEAD       0x41615252u
#define FSI_STRUC      0x61417272u
#define FSI_TRAIL      0xaa550000u

/* Cluster counts that decide the FAT type (fatgen103: the count alone does) */
#define FAT12_MAX_CLUSTERS 4084
#define FAT16_MAX_CLUSTERS 65524
#define FAT32_MAX_CLUSTERS 0x0ffffff5u /* 28-bit entries, below the reserved values */
#define FAT32_MASK         0x0fffffffu
#define FAT12_BAD          0xff7u
#define FAT16_BAD          0xfff7u
#define FAT32_BAD          0x0ffffff7u
#define FIRST_CLUSTER      2
#define CLUSTER_SIZE_MAX   (64 * 1024) /* fatgen103: larger is not FAT */
#define REPORT_MAX         160

void fat_report(struct fat_volume *vol, const char *fmt, ...)
{
    char msg[REPORT_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (vol->disk.log)
        vol->disk.log(vol->disk.ctx, msg);
}

bool fat_cluster_ok(const struct fat_volume *vol, uint32_t cl)
{
    return cl >= FIRST_CLUSTER && cl - FIRST_CLUSTER < vol->clusters;
}

uint64_t fat_cluster_sector(const struct fat_volume *vol, uint32_t cl)
{
    return vol->data_start + (uint64_t)(cl - FIRST_CLUSTER) * vol->cluster_sectors;
}

int fat_device_flush(struct fat_volume *vol)
{
    return vol->disk.flush ? vol->disk.flush(vol->disk.ctx) : 0;
}

static int disk_read(struct fat_volume *vol, uint64_t sector, void *buf, uint32_t count)
{
    int err = vol->disk.read(vol->disk.ctx, sector, buf, count);
    return err < 0 ? -EIO : 0;
}

static int disk_write(struct fat_volume *vol, uint64_t sector, const void *buf, uint32_t count)
{
    int err = vol->disk.write(vol->disk.ctx, sector, buf, count);
    if (err == -EROFS)
        return -EROFS;
    return err < 0 ? -EIO : 0;
}

static bool is_fat_sector(const struct fat_volume *vol, uint64_t sector)
{
    return sector >= vol->fat_start && sector < vol->fat_start + vol->fat_sectors;
}

/* A FAT sector of the active copy goes to every copy that is kept. */
static int slot_writeback(struct fat_volume *vol, struct fat_cache_slot *s)
{
    if (!s->dirty)
        return 0;
    uint64_t rel = s->sector - vol->fat_start;
    for (unsigned i = 0; i < vol->fats; i++) {
        unsigned copy = vol->fats == 1 ? vol->active_fat : i;
        int err =
            disk_write(vol, vol->fat_start + (uint64_t)copy * vol->fat_sectors + rel, s->buf, 1);
        if (err)
            return err;
    }
    s->dirty = false;
    return 0;
}

int fat_flush_fat(struct fat_volume *vol)
{
    bool wrote = false;
    for (unsigned i = 0; i < FAT_CACHE_SECTORS; i++) {
        struct fat_cache_slot *s = &vol->cache[i];
        if (s->valid && s->dirty) {
            int err = slot_writeback(vol, s);
            if (err)
                return err;
            wrote = true;
        }
    }
    vol->fat_linked = false;
    return wrote ? fat_device_flush(vol) : 0;
}

/*
 * Sectors are cached as the active FAT's numbers: a read of FAT sector k
 * loads the active copy (FAT 0 unless FAT32 turned mirroring off).
 */
int fat_cache_get(struct fat_volume *vol, uint64_t sector, uint8_t **buf)
{
    struct fat_cache_slot *victim = NULL;
    vol->stamp++;
    for (unsigned i = 0; i < FAT_CACHE_SECTORS; i++) {
        struct fat_cache_slot *s = &vol->cache[i];
        if (s->valid && s->sector == sector) {
            s->stamp = vol->stamp;
            *buf = s->buf;
            return 0;
        }
        if (!victim || !s->valid || (victim->valid && s->stamp < victim->stamp))
            victim = s;
    }
    if (victim->valid && victim->dirty) {
        int err = slot_writeback(vol, victim);
        if (err)
            return err;
    }
    victim->valid = false;
    uint64_t from = sector;
    if (is_fat_sector(vol, sector))
        from += (uint64_t)vol->active_fat * vol->fat_sectors;
    int err = disk_read(vol, from, victim->buf, 1);
    if (err)
        return err;
    victim->sector = sector;
    victim->valid = true;
    victim->dirty = false;
    victim->stamp = vol->stamp;
    *buf = victim->buf;
    return 0;
}

static struct fat_cache_slot *cache_slot(struct fat_volume *vol, uint64_t sector)
{
    for (unsigned i = 0; i < FAT_CACHE_SECTORS; i++)
        if (vol->cache[i].valid && vol->cache[i].sector == sector)
            return &vol->cache[i];
    return NULL;
}

int fat_dir_sector_write(struct fat_volume *vol, uint64_t sector)
{
    struct fat_cache_slot *s = cache_slot(vol, sector);
    if (!s)
        return -EIO; /* a caller's bug: the sector must be in the cache */
    /* Allocations first, so no entry names a cluster the disk's FAT calls free;
     * frees alone wait for the next barrier (a cut leaves lost clusters). */
    int err = vol->fat_linked ? fat_flush_fat(vol) : 0;
    return err ? err : disk_write(vol, sector, s->buf, 1);
}

int fat_data_write(struct fat_volume *vol, uint64_t sector, const void *buf, uint32_t count)
{
    for (unsigned i = 0; i < FAT_CACHE_SECTORS; i++) {
        struct fat_cache_slot *s = &vol->cache[i];
        if (s->valid && s->sector >= sector && s->sector - sector < count)
            s->valid = false; /* was a directory's sector before its cluster was reused */
    }
    return disk_write(vol, sector, buf, count);
}

int fat_data_read(struct fat_volume *vol, uint64_t sector, void *buf, uint32_t count)
{
    return disk_read(vol, sector, buf, count);
}

/* The byte at offset off of the (active) FAT, through the cache. */
static int fat_byte_ptr(struct fat_volume *vol, uint64_t off, uint8_t **p)
{
    uint8_t *buf;
    int err = fat_cache_get(vol, vol->fat_start + off / vol->sector_size, &buf);
    if (err)
        return err;
    *p = buf + off % vol->sector_size;
    return 0;
}

static void mark_dirty(struct fat_volume *vol, uint64_t off)
{
    struct fat_cache_slot *s = cache_slot(vol, vol->fat_start + off / vol->sector_size);
    if (s)
        s->dirty = true;
}

/* The raw entry of cl (already range checked). FAT12 entries straddle sectors. */
static int fat_raw_get(struct fat_volume *vol, uint32_t cl, uint32_t *value)
{
    uint8_t *p;
    int err;
    if (vol->fat_bits == 12) {
        uint64_t off = cl + cl / 2;
        uint8_t lo, hi;
        if ((err = fat_byte_ptr(vol, off, &p)))
            return err;
        lo = *p;
        if ((err = fat_byte_ptr(vol, off + 1, &p)))
            return err;
        hi = *p;
        uint16_t v = (uint16_t)(lo | hi << 8);
        *value = cl & 1 ? v >> 4 : v & 0xfff;
        return 0;
    }
    uint32_t width = vol->fat_bits / 8;
    if ((err = fat_byte_ptr(vol, (uint64_t)cl * width, &p)))
        return err;
    *value = width == 2 ? get16(p) : get32(p) & FAT32_MASK;
    return 0;
}

static int fat_raw_set(struct fat_volume *vol, uint32_t cl, uint32_t value)
{
    uint8_t *p;
    int err;
    if (vol->fat_bits == 12) {
        uint64_t off = cl + cl / 2;
        if ((err = fat_byte_ptr(vol, off, &p)))
            return err;
        *p = cl & 1 ? (uint8_t)((*p & 0x0f) | (value << 4 & 0xf0)) : (uint8_t)value;
        mark_dirty(vol, off);
        if ((err = fat_byte_ptr(vol, off + 1, &p)))
            return err;
        *p = cl & 1 ? (uint8_t)(value >> 4) : (uint8_t)((*p & 0xf0) | (value >> 8 & 0x0f));
        mark_dirty(vol, off + 1);
        return 0;
    }
    uint32_t width = vol->fat_bits / 8;
    uint64_t off = (uint64_t)cl * width;
    if ((err = fat_byte_ptr(vol, off, &p)))
        return err;
    if (width == 2)
        put16(p, (uint16_t)value);
    else /* the top 4 bits are reserved: kept as they are */
        put32(p, (get32(p) & ~FAT32_MASK) | (value & FAT32_MASK));
    mark_dirty(vol, off);
    return 0;
}

static uint32_t bad_value(const struct fat_volume *vol)
{
    return vol->fat_bits == 12 ? FAT12_BAD : vol->fat_bits == 16 ? FAT16_BAD : FAT32_BAD;
}

int fat_next(struct fat_volume *vol, uint32_t cl, uint32_t *next)
{
    if (!fat_cluster_ok(vol, cl)) {
        fat_report(vol, "cluster %u is outside the volume (2..%u)", (unsigned)cl,
                   (unsigned)(vol->clusters + 1));
        return -EUCLEAN;
    }
    uint32_t v;
    int err = fat_raw_get(vol, cl, &v);
    if (err)
        return err;
    if (v > bad_value(vol)) {
        *next = FAT_EOC;
        return 0;
    }
    if (!fat_cluster_ok(vol, v)) {
        fat_report(vol, "cluster %u links to %#x: %s", (unsigned)cl, (unsigned)v,
                   v == 0                ? "a free cluster"
                   : v == bad_value(vol) ? "a bad cluster"
                                         : "outside the volume");
        return -EUCLEAN;
    }
    *next = v;
    return 0;
}

int fat_set(struct fat_volume *vol, uint32_t cl, uint32_t value)
{
    if (!fat_cluster_ok(vol, cl))
        return -EUCLEAN;
    if (value == FAT_EOC)
        value = vol->fat_bits == 12 ? 0xfff : vol->fat_bits == 16 ? 0xffff : FAT32_MASK;
    vol->fat_linked = true;
    return fat_raw_set(vol, cl, value);
}

int fat_walk(struct fat_volume *vol, uint32_t first, uint32_t index, uint32_t *at_index,
             uint32_t *at)
{
    uint32_t i = 0, cl = first;
    if (*at && *at_index <= index) {
        i = *at_index;
        cl = *at;
    }
    if (!fat_cluster_ok(vol, cl)) {
        fat_report(vol, "chain starts at cluster %u, outside the volume", (unsigned)cl);
        return -EUCLEAN;
    }
    /* A chain cannot be longer than the volume: a longer walk is a loop. */
    if (index > vol->clusters) {
        fat_report(vol, "chain from cluster %u is longer than the volume: a loop", (unsigned)first);
        return -EUCLEAN;
    }
    while (i < index) {
        uint32_t next;
        int err = fat_next(vol, cl, &next);
        if (err)
            return err;
        if (next == FAT_EOC)
            return -ENOENT; /* the caller decides whether that is corruption */
        cl = next;
        i++;
    }
    *at_index = i;
    *at = cl;
    return 0;
}

/*
 * The FAT read for a scan: FAT16/32 in windows of SCAN_SECTORS straight from
 * the disk (a 32 GiB card's FAT is thousands of sectors: one request each
 * would take seconds on an SD card); FAT12, at most 12 sectors, through the cache.
 */
#define SCAN_SECTORS 64

struct scan_window {
    uint8_t *buf;
    uint64_t first; /* FAT sector number of buf's first sector */
    uint32_t count; /* sectors in buf, 0: none yet */
};

static int scan_get(struct fat_volume *vol, struct scan_window *w, uint32_t cl, uint32_t *value)
{
    if (vol->fat_bits == 12)
        return fat_raw_get(vol, cl, value);
    uint32_t width = vol->fat_bits / 8;
    uint64_t off = (uint64_t)cl * width, sector = off / vol->sector_size;
    if (w->count == 0 || sector < w->first || sector >= w->first + w->count) {
        if (!w->buf && !(w->buf = malloc((size_t)SCAN_SECTORS * vol->sector_size)))
            return -ENOMEM;
        uint64_t left = vol->fat_sectors - sector;
        w->first = sector;
        w->count = left < SCAN_SECTORS ? (uint32_t)left : SCAN_SECTORS;
        uint64_t at = vol->fat_start + (uint64_t)vol->active_fat * vol->fat_sectors + sector;
        int err = disk_read(vol, at, w->buf, w->count);
        if (err) {
            w->count = 0;
            return err;
        }
    }
    const uint8_t *p = w->buf + (sector - w->first) * vol->sector_size + off % vol->sector_size;
    *value = width == 2 ? get16(p) : get32(p) & FAT32_MASK;
    return 0;
}

/*
 * One pass over the FAT before the first allocation: counts the free
 * clusters (FSInfo's count is only a hint) and looks for cross-links, two
 * clusters naming the same next one. A volume with a cross-link gets no new
 * allocation: a write would spread the damage to a second file.
 */
static int fat_scan(struct fat_volume *vol)
{
    uint32_t words = (vol->clusters + 31) / 32;
    uint32_t *seen = calloc(words, sizeof(uint32_t));
    if (!seen)
        return -ENOMEM;
    uint32_t free_count = 0;
    struct scan_window w = {0};
    int err = fat_flush_fat(vol); /* the window reads the disk, not the cache */
    for (uint32_t i = 0; i < vol->clusters && !err; i++) {
        uint32_t v;
        if ((err = scan_get(vol, &w, i + FIRST_CLUSTER, &v)))
            break;
        if (v == 0) {
            free_count++;
        } else if (fat_cluster_ok(vol, v)) {
            uint32_t b = v - FIRST_CLUSTER;
            if (seen[b / 32] & 1u << b % 32) {
                fat_report(vol, "cross-linked chains: cluster %u is linked from two clusters",
                           (unsigned)v);
                err = -EUCLEAN;
            }
            seen[b / 32] |= 1u << b % 32;
        }
    }
    free(seen);
    free(w.buf);
    if (err)
        return err;
    if (vol->free_count != FAT_UNKNOWN && vol->free_count != free_count)
        fat_report(vol, "FSInfo said %u free clusters, the FAT has %u", (unsigned)vol->free_count,
                   (unsigned)free_count);
    if (vol->free_count != free_count)
        vol->fsinfo_dirty = vol->fsinfo_sector != 0;
    vol->free_count = free_count;
    vol->scanned = true;
    return 0;
}

int fat_alloc(struct fat_volume *vol, uint32_t prev, uint32_t *out)
{
    if (vol->read_only)
        return -EROFS;
    int err;
    if (!vol->scanned && (err = fat_scan(vol)))
        return err;
    if (vol->free_count == 0)
        return -ENOSPC;
    uint32_t start = fat_cluster_ok(vol, vol->next_free) ? vol->next_free : FIRST_CLUSTER;
    for (uint32_t n = 0; n < vol->clusters; n++) {
        uint32_t cl = FIRST_CLUSTER + (start - FIRST_CLUSTER + n) % vol->clusters;
        uint32_t v;
        if ((err = fat_raw_get(vol, cl, &v)))
            return err;
        if (v != 0)
            continue;
        /* Mark it the end first, then link: a cut between leaves a lost cluster. */
        if ((err = fat_set(vol, cl, FAT_EOC)))
            return err;
        if (prev && (err = fat_set(vol, prev, cl)))
            return err;
        vol->free_count--;
        vol->next_free = cl + 1;
        vol->fsinfo_dirty = vol->fsinfo_sector != 0;
        *out = cl;
        return 0;
    }
    fat_report(vol, "no free cluster found where %u were counted", (unsigned)vol->free_count);
    vol->free_count = 0;
    return -ENOSPC;
}

int fat_chain_check(struct fat_volume *vol, uint32_t first, uint32_t size, const char *name)
{
    uint32_t need = (uint32_t)(((uint64_t)size + vol->cluster_size - 1) / vol->cluster_size);
    if (first == 0)
        return 0;
    uint32_t cl = first;
    for (uint32_t n = 1; n <= vol->clusters; n++) {
        uint32_t next;
        int err = fat_next(vol, cl, &next);
        if (err)
            return err;
        if (next == FAT_EOC) {
            if (n >= need)
                return 0;
            fat_report(vol, "\"%s\" is %u bytes but its chain holds %u clusters of %u", name,
                       (unsigned)size, (unsigned)n, (unsigned)vol->cluster_size);
            return -EUCLEAN;
        }
        cl = next;
    }
    fat_report(vol, "the chain of \"%s\" loops", name);
    return -EUCLEAN;
}

int fat_free_chain(struct fat_volume *vol, uint32_t cl)
{
    for (uint32_t n = 0; n <= vol->clusters; n++) {
        uint32_t next;
        int err = fat_next(vol, cl, &next);
        if (err)
            return err;
        if ((err = fat_raw_set(vol, cl, 0)))
            return err;
        if (vol->scanned)
            vol->free_count++;
        vol->fsinfo_dirty = vol->fsinfo_sector != 0;
        if (next == FAT_EOC)
            return 0;
        cl = next;
    }
    fat_report(vol, "chain loop while freeing");
    return -EUCLEAN;
}

int fat_zero_cluster(struct fat_volume *vol, uint32_t cl)
{
    memset(vol->scratch, 0, vol->sector_size);
    uint64_t s = fat_cluster_sector(vol, cl);
    for (uint32_t i = 0; i < vol->cluster_sectors; i++) {
        int err = fat_data_write(vol, s + i, vol->scratch, 1);
        if (err)
            return err;
    }
    return 0;
}

static bool power_of_two(uint32_t v)
{
    return v && !(v & (v - 1));
}

/* Checks the boot sector in buf and fills vol's geometry; -EUCLEAN with the reason logged. */
static int parse_boot_sector(struct fat_volume *vol, const uint8_t *bs)
{
#define BAD(...)                      \
    do {                              \
        fat_report(vol, __VA_ARGS__); \
        return -EUCLEAN;              \
    } while (0)
    if (bs[BS_SIGNATURE] != 0x55 || bs[BS_SIGNATURE + 1] != 0xaa)
        BAD("no boot sector signature 55 aa: not a FAT volume");
    if (bs[BS_JMP_BOOT] != JMP_SHORT && bs[BS_JMP_BOOT] != JMP_NEAR)
        BAD("boot sector does not start with a jump: not a FAT volume");
    uint32_t bps = get16(bs + BPB_BYTS_PER_SEC);
    if (bps != vol->disk.sector_size)
        BAD("%u bytes per sector on a disk of %u-byte sectors", (unsigned)bps,
            (unsigned)vol->disk.sector_size);
    uint32_t spc = bs[BPB_SEC_PER_CLUS];
    if (!power_of_two(spc) || spc * bps > CLUSTER_SIZE_MAX)
        BAD("%u sectors per cluster: not a power of two up to 64 KiB", (unsigned)spc);
    uint32_t rsvd = get16(bs + BPB_RSVD_SEC_CNT);
    if (rsvd == 0)
        BAD("no reserved sectors");
    uint32_t fats = bs[BPB_NUM_FATS];
    if (fats == 0 || fats > FAT_COPIES_MAX)
        BAD("%u FATs (1 or 2 expected)", (unsigned)fats);
    if (bs[BPB_MEDIA] < MEDIA_MIN)
        BAD("media descriptor %#x", (unsigned)bs[BPB_MEDIA]);
    uint32_t root_entries = get16(bs + BPB_ROOT_ENT_CNT);
    uint64_t total = get16(bs + BPB_TOT_SEC16);
    if (total == 0)
        total = get32(bs + BPB_TOT_SEC32);
    uint32_t fat_size = get16(bs + BPB_FAT_SZ16);
    if (fat_size == 0)
        fat_size = get32(bs + BPB_FAT_SZ32);
    if (fat_size == 0)
        BAD("FAT size 0");
    if (total > vol->disk.sectors)
        BAD("volume of %llu sectors on a disk of %llu", (unsigned long long)total,
            (unsigned long long)vol->disk.sectors);
    uint32_t root_sectors = (root_entries * FAT_DIRENT_SIZE + bps - 1) / bps;
    uint64_t meta = rsvd + (uint64_t)fats * fat_size + root_sectors;
    if (meta >= total)
        BAD("reserved sectors, FATs and root directory (%llu sectors) fill the volume",
            (unsigned long long)meta);
    uint64_t clusters = (total - meta) / spc;
    if (clusters == 0 || clusters > FAT32_MAX_CLUSTERS)
        BAD("%llu clusters", (unsigned long long)clusters);
    /*
     * fatgen103 decides the width by the cluster count alone; Linux and dosfstools
     * call a volume FAT32 when its 16-bit FAT size is 0, and mkfs.fat -F 32 makes
     * such volumes with fewer than 65525 clusters. Both agree on standard volumes;
     * Mote follows Linux on the others, so it reads what Linux and fsck.fat accept.
     */
    if (get16(bs + BPB_FAT_SZ16) == 0)
        vol->fat_bits = 32;
    else if (clusters <= FAT12_MAX_CLUSTERS)
        vol->fat_bits = 12;
    else if (clusters <= FAT16_MAX_CLUSTERS)
        vol->fat_bits = 16;
    else
        BAD("%llu clusters for a 16-bit FAT", (unsigned long long)clusters);
    if (vol->fat_bits == 32) {
        if (root_entries != 0)
            BAD("FAT32 volume with a FAT12/16 root directory");
        if (get16(bs + BPB_FS_VER) != 0)
            BAD("FAT32 version %#x (0 expected)", (unsigned)get16(bs + BPB_FS_VER));
    } else if (root_entries == 0) {
        BAD("FAT%u volume without root directory entries", (unsigned)vol->fat_bits);
    }
    /* The FAT must hold an entry for every cluster. */
    uint64_t entries = (uint64_t)fat_size * bps * 8 / vol->fat_bits;
    if (entries < clusters + FIRST_CLUSTER)
        BAD("FAT of %u sectors is too small for %llu clusters", (unsigned)fat_size,
            (unsigned long long)clusters);

    vol->sector_size = bps;
    vol->cluster_sectors = spc;
    vol->cluster_size = spc * bps;
    vol->clusters = (uint32_t)clusters;
    vol->fat_sectors = fat_size;
    vol->fats = (uint8_t)fats;
    vol->active_fat = 0;
    vol->fat_start = rsvd;
    vol->root_start = rsvd + (uint64_t)fats * fat_size;
    vol->root_entries = root_entries;
    vol->data_start = meta;
    vol->free_count = FAT_UNKNOWN;
    vol->next_free = FIRST_CLUSTER;
    if (vol->fat_bits == 32) {
        uint16_t ext = get16(bs + BPB_EXT_FLAGS);
        if (ext & EXT_FLAGS_NO_MIRROR) {
            if ((ext & EXT_FLAGS_ACTIVE) >= fats)
                BAD("active FAT %u of %u", (unsigned)(ext & EXT_FLAGS_ACTIVE), (unsigned)fats);
            vol->active_fat = ext & EXT_FLAGS_ACTIVE;
            vol->fats = 1; /* only the active one is kept */
        }
        vol->root_cluster = get32(bs + BPB_ROOT_CLUS);
        if (!fat_cluster_ok(vol, vol->root_cluster))
            BAD("root directory cluster %u outside the volume", (unsigned)vol->root_cluster);
        uint32_t fsi = get16(bs + BPB_FS_INFO);
        vol->fsinfo_sector = fsi > 0 && fsi < rsvd ? fsi : 0;
    }
    return 0;
#undef BAD
}

/*
 * FAT[0] holds the media descriptor with every other bit set (fatgen103), as
 * every formatter writes it: a FAT found where the boot sector says is the FAT.
 */
static int check_fat0(struct fat_volume *vol, uint8_t media)
{
    uint8_t *p;
    int err = fat_cache_get(vol, vol->fat_start, &p);
    if (err)
        return err;
    bool ok = p[0] == media && (p[1] & 0x0f) == 0x0f;
    if (vol->fat_bits >= 16)
        ok = ok && p[1] == 0xff;
    if (vol->fat_bits == 32)
        ok = ok && p[2] == 0xff && (p[3] & 0x0f) == 0x0f;
    if (!ok) {
        fat_report(vol,
                   "the FAT does not start with the media descriptor %#x: not where the "
                   "boot sector says",
                   (unsigned)media);
        return -EUCLEAN;
    }
    return 0;
}

/* FSInfo's hints, taken only when they make sense (and the count verified by fat_scan). */
static int read_fsinfo(struct fat_volume *vol)
{
    if (!vol->fsinfo_sector)
        return 0;
    uint8_t *b;
    int err = fat_cache_get(vol, vol->fsinfo_sector, &b);
    if (err)
        return err;
    if (get32(b + FSI_LEAD_SIG) != FSI_LEAD || get32(b + FSI_STRUC_SIG) != FSI_STRUC ||
        get32(b + FSI_TRAIL_SIG) != FSI_TRAIL) {
        vol->fsinfo_sector = 0;
        return 0;
    }
    uint32_t free_count = get32(b + FSI_FREE_COUNT), next = get32(b + FSI_NXT_FREE);
    vol->free_count = free_count <= vol->clusters ? free_count : FAT_UNKNOWN;
    if (fat_cluster_ok(vol, next))
        vol->next_free = next;
    return 0;
}

static int write_fsinfo(struct fat_volume *vol)
{
    if (!vol->fsinfo_dirty || !vol->fsinfo_sector || vol->read_only)
        return 0;
    uint8_t *b;
    int err = fat_cache_get(vol, vol->fsinfo_sector, &b);
    if (err)
        return err;
    put32(b + FSI_FREE_COUNT, vol->scanned ? vol->free_count : FAT_UNKNOWN);
    put32(b + FSI_NXT_FREE, vol->next_free);
    if ((err = fat_dir_sector_write(vol, vol->fsinfo_sector)))
        return err;
    vol->fsinfo_dirty = false;
    return 0;
}

static void release(struct fat_volume *vol)
{
    for (unsigned i = 0; i < FAT_CACHE_SECTORS; i++) {
        free(vol->cache[i].buf);
        vol->cache[i].buf = NULL;
    }
    free(vol->scratch);
    vol->scratch = NULL;
}

int fat_mount(struct fat_volume *vol, const struct fat_disk *disk, bool read_only)
{
    memset(vol, 0, sizeof(*vol));
    vol->disk = *disk;
    vol->read_only = read_only || disk->read_only;
    uint32_t ss = disk->sector_size;
    if (!disk->read || !disk->write || !power_of_two(ss) || ss < 512 || ss > 4096)
        return -EINVAL;
    vol->sector_size = ss;
    for (unsigned i = 0; i < FAT_CACHE_SECTORS; i++)
        if (!(vol->cache[i].buf = malloc(ss)))
            goto nomem;
    if (!(vol->scratch = malloc(ss)))
        goto nomem;
    int err = disk_read(vol, 0, vol->scratch, 1);
    if (!err)
        err = parse_boot_sector(vol, vol->scratch);
    if (!err)
        err = check_fat0(vol, vol->scratch[BPB_MEDIA]);
    if (!err)
        err = read_fsinfo(vol);
    if (err)
        release(vol);
    return err;
nomem:
    release(vol);
    return -ENOMEM;
}

int fat_sync(struct fat_volume *vol)
{
    int err = 0;
    for (struct fat_file *f = vol->open; f; f = f->next) {
        int e = fat_fsync(f);
        if (e && !err)
            err = e;
    }
    if (vol->read_only)
        return err;
    int e = fat_flush_fat(vol);
    if (!e)
        e = write_fsinfo(vol);
    if (!e)
        e = fat_device_flush(vol);
    return err ? err : e;
}

int fat_unmount(struct fat_volume *vol)
{
    if (vol->open)
        return -EBUSY;
    int err = fat_sync(vol);
    release(vol);
    return err;
}

int fat_statfs(struct fat_volume *vol, struct mote_fs_statfs *st)
{
    int err;
    if (!vol->scanned && (err = fat_scan(vol)) && err != -EUCLEAN)
        return err;
    if (!vol->scanned) {
        /* Cross-linked: count the free clusters anyway, for the report. */
        uint32_t n = 0, v;
        for (uint32_t i = 0; i < vol->clusters; i++) {
            if ((err = fat_raw_get(vol, i + FIRST_CLUSTER, &v)))
                return err;
            n += v == 0;
        }
        vol->free_count = n;
    }
    st->cluster_size = vol->cluster_size;
    st->total_bytes = (uint64_t)vol->clusters * vol->cluster_size;
    st->free_bytes = (uint64_t)vol->free_count * vol->cluster_size;
    st->fat_bits = vol->fat_bits;
    st->read_only = vol->read_only;
    return 0;
}
