/* SPDX-License-Identifier: MIT */
/* What the files of lib/fat share; the engine's API is fat.h. */
#ifndef LIB_FAT_INTERNAL_H
#define LIB_FAT_INTERNAL_H

#include <stdint.h>

#include "lib/fat/fat.h"

#define FAT_DIRENT_SIZE   32
#define FAT_DIR_MAX_SLOTS 65536 /* fatgen103: a directory holds at most 65536 entries */
#define FAT_SFN_LEN       11    /* 8 + 3, space padded */
#define FAT_SFN_BASE      8

/* Directory entry fields (fatgen103 "Directory Structure") */
#define DIR_NAME        0
#define DIR_ATTR        11
#define DIR_NTRES       12 /* Windows NT: bit 3 base lower case, bit 4 extension lower case */
#define DIR_CRT_TIME    14
#define DIR_CRT_DATE    16
#define DIR_ACC_DATE    18
#define DIR_FST_CLUS_HI 20
#define DIR_WRT_TIME    22
#define DIR_WRT_DATE    24
#define DIR_FST_CLUS_LO 26
#define DIR_FILE_SIZE   28

#define NTRES_BASE_LOWER 0x08
#define NTRES_EXT_LOWER  0x10

#define ATTR_READ_ONLY 0x01
#define ATTR_HIDDEN    0x02
#define ATTR_SYSTEM    0x04
#define ATTR_VOLUME_ID 0x08
#define ATTR_DIRECTORY 0x10
#define ATTR_ARCHIVE   0x20
#define ATTR_LONG_NAME 0x0f /* read-only|hidden|system|volume: a long-name slot */
#define ATTR_LONG_MASK 0x3f

#define SLOT_FREE     0xe5 /* first name byte of a deleted entry */
#define SLOT_END      0x00 /* first name byte: this and every later slot are free */
#define SLOT_KANJI_E5 0x05 /* a name really starting with 0xe5 */

/* Long-name slot (LFN specification) */
#define LFN_ORD       0
#define LFN_NAME1     1 /* 5 UTF-16 units */
#define LFN_ATTR      11
#define LFN_TYPE      12
#define LFN_CHKSUM    13
#define LFN_NAME2     14 /* 6 units */
#define LFN_FST_CLUS  26
#define LFN_NAME3     28 /* 2 units */
#define LFN_LAST      0x40
#define LFN_ORD_MASK  0x3f
#define LFN_CHARS     13
#define LFN_MAX_SLOTS 20 /* 255 units / 13 */

/* Little-endian field access. */
static inline uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}
static inline uint32_t get32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static inline void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}
static inline void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

/* volume.c: reports, the sector cache, FAT entries, clusters */
void fat_report(struct fat_volume *vol, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool fat_cluster_ok(const struct fat_volume *vol, uint32_t cl);
uint64_t fat_cluster_sector(const struct fat_volume *vol, uint32_t cl);
/* A metadata sector through the cache; *buf valid until the next cache call. */
int fat_cache_get(struct fat_volume *vol, uint64_t sector, uint8_t **buf);
/* Writes a directory sector already changed in its cache buffer: FAT first (barrier). */
int fat_dir_sector_write(struct fat_volume *vol, uint64_t sector);
/* Writes the dirty FAT sectors to every copy and flushes the device. */
int fat_flush_fat(struct fat_volume *vol);
int fat_device_flush(struct fat_volume *vol);
/* Writes data sectors straight to the disk, dropping any cached copy. */
int fat_data_write(struct fat_volume *vol, uint64_t sector, const void *buf, uint32_t count);
int fat_data_read(struct fat_volume *vol, uint64_t sector, void *buf, uint32_t count);
/* The FAT entry of cluster cl (checked: -EUCLEAN for a bad cluster or value). */
#define FAT_EOC 0x0ffffff8u /* fat_next's "end of chain", whatever the FAT width */
int fat_next(struct fat_volume *vol, uint32_t cl, uint32_t *next);
int fat_set(struct fat_volume *vol, uint32_t cl, uint32_t value);
/* Allocates a free cluster marked end of chain, linked after prev (0: none). */
int fat_alloc(struct fat_volume *vol, uint32_t prev, uint32_t *cl);
/* Walks a file's whole chain: -EUCLEAN (logged) for a loop or a chain shorter than size. */
int fat_chain_check(struct fat_volume *vol, uint32_t first, uint32_t size, const char *name);
/* Frees the chain from cl on (bounded). */
int fat_free_chain(struct fat_volume *vol, uint32_t cl);
/* Writes zeros over cluster cl. */
int fat_zero_cluster(struct fat_volume *vol, uint32_t cl);
/* The cluster at chain position index from first, walking from (*at_index, *at). */
int fat_walk(struct fat_volume *vol, uint32_t first, uint32_t index, uint32_t *at_index,
             uint32_t *at);

/* name.c: names */
/* The 8.3 form of name if it is a plain 8.3 name (upper case, or all lower
 * case in base or extension as NT records in *ntres); else false. */
bool fat_name_is_short(const char *name, uint8_t sfn[FAT_SFN_LEN], uint8_t *ntres);
/* The basis of a generated 8.3 name and a ~n tail (n >= 1). */
void fat_name_basis(const char *name, uint8_t sfn[FAT_SFN_LEN]);
void fat_name_tail(uint8_t sfn[FAT_SFN_LEN], uint32_t n);
uint8_t fat_name_checksum(const uint8_t sfn[FAT_SFN_LEN]);
/* The 8.3 name for display ("README.TXT", lower-cased as ntres says). */
void fat_name_sfn_text(const uint8_t sfn[FAT_SFN_LEN], uint8_t ntres, char *out);
/* UTF-8 name to UTF-16: returns the units or -EINVAL (bad UTF-8, a character
 * FAT forbids) or -ENAMETOOLONG. */
int fat_name_to_utf16(const char *name, uint16_t *out, int max);
/* UTF-16 units to UTF-8 in out (MOTE_FS_NAME_MAX + 1): -EILSEQ when invalid or too long. */
int fat_name_from_utf16(const uint16_t *in, int len, char *out);
/* Whether a and b name the same entry (ASCII case ignored). */
bool fat_name_equal(const char *a, const char *b);

/* dir.c: directories */
struct fat_dir_pos {
    uint32_t first; /* 0: the fixed root */
    uint32_t slot;
    uint32_t cl_index, cl; /* walk cache */
};
/* Finds name in directory dir_cluster (0 = root of FAT12/16 or FAT32's root cluster). */
int fat_dir_lookup(struct fat_volume *vol, uint32_t dir_cluster, const char *name,
                   struct fat_node *node);
/* The next used entry from pos->slot on; returns 1, 0 at the end, or an error. */
int fat_dir_next(struct fat_volume *vol, struct fat_dir_pos *pos, struct fat_node *node);
/* Adds an entry for name (attr, first cluster, size) to dir; fills node. */
int fat_dir_add(struct fat_volume *vol, uint32_t dir_cluster, const char *name, uint8_t attr,
                uint32_t first_cluster, uint32_t size, struct fat_node *node);
/* Marks node's slots free. */
int fat_dir_remove(struct fat_volume *vol, const struct fat_node *node);
/* Rewrites node's 8.3 entry: first cluster, size, times (now when touch). */
int fat_dir_update(struct fat_volume *vol, const struct fat_node *node, bool touch);
/* Resolves path to its node; with parent_out, resolves all but the last
 * component and leaves that name in last (for create). */
int fat_path_resolve(struct fat_volume *vol, const char *path, struct fat_node *node);
int fat_path_parent(struct fat_volume *vol, const char *path, struct fat_node *parent, char *last);
/* The directory cluster a node of a directory names (the root: 0 or root_cluster). */
uint32_t fat_node_dir_cluster(const struct fat_volume *vol, const struct fat_node *node);
void fat_dos_time(struct fat_volume *vol, uint16_t *time, uint16_t *date);
int64_t fat_unix_time(uint16_t time, uint16_t date);

#endif
