/* SPDX-License-Identifier: MIT */
/*
 * A FAT12/16/32 file system engine with VFAT long names, portable: no
 * hardware, no OS calls but malloc. It reaches its disk through struct
 * fat_disk (the kernel glue kernel/fs/ gives it a block device, the host
 * tests an image file). Specification: Microsoft "FAT: General Overview of
 * On-Disk Format" 1.03 (fatgen103) and "Long File Name Specification".
 *
 * Nothing read from the disk is trusted. The boot sector is checked whole at
 * mount; every cluster number is checked against the volume before use;
 * chains are walked with a bound (the cluster count), so a loop ends in
 * -EUCLEAN rather than forever; a file larger than its chain, an entry
 * pointing outside the volume and a FAT whose chains merge (cross-links,
 * looked for before the first allocation) are -EUCLEAN with a log line.
 *
 * Write order, chosen so that a power cut at any moment leaves a volume that
 * fsck.fat repairs without losing a file closed before the cut:
 *   1. file data is written straight to its clusters;
 *   2. the FAT entries that allocate and link those clusters are written
 *      (every FAT copy), and the device flushed;
 *   3. only then the directory entry with the new first cluster and size,
 *      and the device flushed again (on close, fsync and sync).
 * A cut between 1 and 3 leaves clusters that no entry reaches (fsck.fat frees
 * them) or a chain longer than the size (fsck.fat trims it). A new directory
 * is zeroed and allocated before the parent's entry names it; a delete marks
 * the entries free before it frees the chain; a rename writes the new entry
 * before it frees the old one (a cut between leaves two names for one
 * chain, which fsck.fat reports). Directory sectors are written through at
 * once; FAT sectors are cached and written at those barriers, before any
 * directory sector when they allocate or link clusters (frees alone may wait:
 * a cut before they are written leaves clusters fsck.fat frees).
 *
 * All functions return 0 (or a count) or a negative errno as
 * include/mote/fs.h documents for the call of the same name.
 */
#ifndef LIB_FAT_FAT_H
#define LIB_FAT_FAT_H

#include <stdbool.h>
#include <stdint.h>

#include <mote/fs.h>

#define FAT_CACHE_SECTORS 8

/* The disk: sectors of sector_size bytes, 0 .. sectors-1. */
struct fat_disk {
    void *ctx;
    uint32_t sector_size; /* 512, 1024, 2048 or 4096 */
    uint64_t sectors;
    bool read_only;
    int (*read)(void *ctx, uint64_t sector, void *buf, uint32_t count);
    int (*write)(void *ctx, uint64_t sector, const void *buf, uint32_t count);
    int (*flush)(void *ctx);                 /* NULL when writes are durable at once */
    int64_t (*now)(void *ctx);               /* seconds since 1970, < 0 unknown; or NULL */
    void (*log)(void *ctx, const char *msg); /* corruption reports; or NULL */
};

struct fat_cache_slot {
    uint64_t sector;
    uint32_t stamp; /* last use, for eviction */
    bool valid;
    bool dirty; /* only FAT sectors are ever dirty: directories write through */
    uint8_t *buf;
};

struct fat_file;

struct fat_volume {
    struct fat_disk disk;
    bool read_only;
    uint8_t fat_bits; /* 12, 16, 32 */
    uint32_t sector_size;
    uint32_t cluster_sectors;
    uint32_t cluster_size; /* bytes */
    uint32_t clusters;     /* data clusters: valid numbers are 2 .. clusters + 1 */
    uint32_t fat_sectors;  /* one FAT */
    uint8_t fats;          /* copies written */
    uint8_t active_fat;    /* the copy read (FAT32 with mirroring off) */
    uint64_t fat_start;    /* first sector of FAT 0 */
    uint64_t root_start;   /* FAT12/16: the fixed root directory */
    uint32_t root_entries; /* FAT12/16 */
    uint32_t root_cluster; /* FAT32 */
    uint64_t data_start;
    uint32_t fsinfo_sector; /* FAT32, 0 when none */
    uint32_t free_count;    /* FAT_UNKNOWN until counted */
    uint32_t next_free;     /* where allocation looks first */
    bool scanned;           /* the FAT was checked for cross-links */
    bool fsinfo_dirty;
    bool fat_linked; /* dirty FAT sectors hold clusters an entry may soon name */
    uint32_t stamp;
    struct fat_cache_slot cache[FAT_CACHE_SECTORS];
    uint8_t *scratch;      /* one sector, for zeroing clusters */
    struct fat_file *open; /* list of open files and directories */
};

#define FAT_UNKNOWN 0xffffffffu

/* Where an entry lives: its directory and slot numbers. */
struct fat_loc {
    uint32_t dir_cluster; /* first cluster of the directory; 0 = the fixed root */
    uint32_t first_slot;  /* the first long-name slot (== slot without one) */
    uint32_t slot;        /* the 8.3 entry */
};

struct fat_node {
    struct fat_loc loc;
    bool is_root;
    uint8_t attr;
    uint32_t first_cluster;
    uint32_t size;
    uint16_t wtime, wdate;
    char name[MOTE_FS_NAME_MAX + 1]; /* the long name, else the 8.3 one */
    char short_name[13];             /* the 8.3 name as text: NAME.EXT */
};

struct fat_file {
    struct fat_volume *vol;
    struct fat_file *next;
    struct fat_node node;
    int flags;
    uint32_t pos;
    uint32_t cur_index;   /* the chain position cur_cluster is at */
    uint32_t cur_cluster; /* 0: not known, walk from the start */
    bool dirty;           /* the directory entry is behind (size, first cluster) */
    bool is_dir;
};

int fat_mount(struct fat_volume *vol, const struct fat_disk *disk, bool read_only);
/* Flushes and frees. Returns -EBUSY while a file is open (nothing done). */
int fat_unmount(struct fat_volume *vol);
int fat_sync(struct fat_volume *vol);
int fat_statfs(struct fat_volume *vol, struct mote_fs_statfs *st);

int fat_open(struct fat_volume *vol, const char *path, int flags, struct fat_file *f);
int32_t fat_read(struct fat_file *f, void *buf, uint32_t len);
int32_t fat_write(struct fat_file *f, const void *buf, uint32_t len);
int64_t fat_seek(struct fat_file *f, int64_t offset, int whence);
int fat_truncate(struct fat_file *f, uint32_t size);
int fat_fsync(struct fat_file *f);
int fat_close(struct fat_file *f);
void fat_fstat(const struct fat_file *f, struct mote_fs_stat *st);

int fat_opendir(struct fat_volume *vol, const char *path, struct fat_file *d);
int fat_readdir(struct fat_file *d, struct mote_fs_dirent *ent);

int fat_stat(struct fat_volume *vol, const char *path, struct mote_fs_stat *st);
int fat_mkdir(struct fat_volume *vol, const char *path);
int fat_unlink(struct fat_volume *vol, const char *path);
int fat_rmdir(struct fat_volume *vol, const char *path);
int fat_rename(struct fat_volume *vol, const char *from, const char *to);

#endif
