// SPDX-License-Identifier: MIT
/*
 * Files and the operations on paths: open, read, write, seek, truncate,
 * close; stat, mkdir, unlink, rmdir, rename; directory handles. The write
 * order of fat.h is kept here: data first, then the FAT (fat_flush_fat),
 * then the directory entry.
 */
#include <errno.h>
#include <string.h>

#include "lib/fat/internal.h"

#define OPEN_FLAGS         (MOTE_FS_RDWR | MOTE_FS_CREATE | MOTE_FS_EXCL | MOTE_FS_TRUNC | MOTE_FS_APPEND)
#define WRITE_ONLY_FLAGS   (MOTE_FS_CREATE | MOTE_FS_TRUNC | MOTE_FS_APPEND)
#define DOTDOT_SLOT        1    /* ".." is a directory's second entry */
#define DEPTH_MAX          4096 /* bound on the walk up through ".." entries */
#define INT32_MAXV         0x7fffffff
#define FAT_IO_SECTORS_MAX 256 /* one device request: 128 KiB of 512-byte sectors */

static bool same_loc(const struct fat_loc *a, const struct fat_loc *b)
{
    return a->dir_cluster == b->dir_cluster && a->slot == b->slot;
}

/* Another handle on the entry at loc: any, or (writer) one that conflicts with a writer. */
static struct fat_file *open_at(struct fat_volume *vol, const struct fat_loc *loc,
                                const struct fat_file *except)
{
    for (struct fat_file *f = vol->open; f; f = f->next)
        if (f != except && !f->node.is_root && same_loc(&f->node.loc, loc))
            return f;
    return NULL;
}

static void link_open(struct fat_volume *vol, struct fat_file *f)
{
    f->vol = vol;
    f->next = vol->open;
    vol->open = f;
}

static void unlink_open(struct fat_file *f)
{
    for (struct fat_file **p = &f->vol->open; *p; p = &(*p)->next)
        if (*p == f) {
            *p = f->next;
            return;
        }
}

int fat_open(struct fat_volume *vol, const char *path, int flags, struct fat_file *f)
{
    if ((flags & ~OPEN_FLAGS) || !(flags & MOTE_FS_RDWR) ||
        ((flags & WRITE_ONLY_FLAGS) && !(flags & MOTE_FS_WRITE)))
        return -EINVAL;
    if ((flags & MOTE_FS_WRITE) && vol->read_only)
        return -EROFS;
    memset(f, 0, sizeof(*f));
    int err = fat_path_resolve(vol, path, &f->node);
    if (err == 0) {
        if ((flags & MOTE_FS_CREATE) && (flags & MOTE_FS_EXCL))
            return -EEXIST;
        if (f->node.attr & ATTR_DIRECTORY)
            return -EISDIR;
        if ((flags & MOTE_FS_WRITE) && (f->node.attr & ATTR_READ_ONLY))
            return -EACCES;
        struct fat_file *other = open_at(vol, &f->node.loc, NULL);
        if (other && ((flags & MOTE_FS_WRITE) || (other->flags & MOTE_FS_WRITE)))
            return -EBUSY; /* one writer, or any number of readers */
        /* The whole chain once: a loop or a short chain is refused before any read. */
        if ((err = fat_chain_check(vol, f->node.first_cluster, f->node.size, f->node.name)))
            return err;
    } else if (err == -ENOENT && (flags & MOTE_FS_CREATE)) {
        struct fat_node parent;
        char last[MOTE_FS_NAME_MAX + 1];
        if ((err = fat_path_parent(vol, path, &parent, last)))
            return err;
        err = fat_dir_add(vol, fat_node_dir_cluster(vol, &parent), last, ATTR_ARCHIVE, 0, 0,
                          &f->node);
        if (err)
            return err;
    } else {
        return err;
    }
    f->flags = flags;
    link_open(vol, f);
    if ((flags & MOTE_FS_TRUNC) && f->node.size > 0 && (err = fat_truncate(f, 0))) {
        unlink_open(f);
        return err;
    }
    return 0;
}

/* The cluster holding byte pos of f, existing clusters only (-ENOENT past the chain). */
static int file_cluster(struct fat_file *f, uint32_t pos, uint32_t *cl)
{
    struct fat_volume *vol = f->vol;
    if (f->node.first_cluster == 0)
        return -ENOENT;
    int err = fat_walk(vol, f->node.first_cluster, pos / vol->cluster_size, &f->cur_index,
                       &f->cur_cluster);
    if (err)
        return err;
    *cl = f->cur_cluster;
    return 0;
}

int32_t fat_read(struct fat_file *f, void *buf, uint32_t len)
{
    struct fat_volume *vol = f->vol;
    if (f->is_dir || !(f->flags & MOTE_FS_READ))
        return -EBADF;
    if (len > INT32_MAXV)
        len = INT32_MAXV;
    if (f->pos >= f->node.size)
        return 0;
    if (len > f->node.size - f->pos)
        len = f->node.size - f->pos;
    uint8_t *out = buf;
    uint32_t done = 0;
    while (done < len) {
        uint32_t cl;
        int err = file_cluster(f, f->pos, &cl);
        if (err == -ENOENT) {
            fat_report(vol, "\"%s\" is %u bytes but its chain ends before byte %u", f->node.name,
                       (unsigned)f->node.size, (unsigned)f->pos);
            err = -EUCLEAN;
        }
        if (err)
            return done ? (int32_t)done : err;
        uint32_t in = f->pos % vol->cluster_size;
        uint64_t sector = fat_cluster_sector(vol, cl) + in / vol->sector_size;
        uint32_t off = in % vol->sector_size;
        uint32_t want = len - done;
        if (off == 0 && want >= vol->sector_size) {
            /* Whole sectors straight into the caller's buffer, through the clusters
             * that follow this one on the disk: one request for the run. */
            uint32_t n = (vol->cluster_size - in) / vol->sector_size;
            uint32_t max = want / vol->sector_size;
            if (max > FAT_IO_SECTORS_MAX)
                max = FAT_IO_SECTORS_MAX;
            while (n < max) {
                uint32_t next;
                if (fat_next(vol, f->cur_cluster, &next) || next != f->cur_cluster + 1)
                    break;
                f->cur_cluster = next;
                f->cur_index++;
                n += vol->cluster_sectors;
            }
            if (n > max)
                n = max;
            if ((err = fat_data_read(vol, sector, out + done, n)))
                return done ? (int32_t)done : err;
            done += n * vol->sector_size;
            f->pos += n * vol->sector_size;
            continue;
        }
        if ((err = fat_data_read(vol, sector, vol->scratch, 1)))
            return done ? (int32_t)done : err;
        uint32_t n = vol->sector_size - off;
        if (n > want)
            n = want;
        memcpy(out + done, vol->scratch + off, n);
        done += n;
        f->pos += n;
    }
    return (int32_t)done;
}

/* The cluster for byte pos, allocating (and linking) clusters up to it. */
static int file_cluster_alloc(struct fat_file *f, uint32_t pos, uint32_t *cl)
{
    struct fat_volume *vol = f->vol;
    int err = file_cluster(f, pos, cl);
    if (err != -ENOENT)
        return err;
    uint32_t index = pos / vol->cluster_size;
    if (f->node.first_cluster == 0) {
        if ((err = fat_alloc(vol, 0, cl)))
            return err;
        f->node.first_cluster = *cl;
        f->cur_index = 0;
        f->cur_cluster = *cl;
        f->dirty = true;
    }
    if (!f->cur_cluster || f->cur_index > index) {
        f->cur_index = 0;
        f->cur_cluster = f->node.first_cluster;
    }
    /* Walk to the chain's last cluster, then add clusters up to index. */
    for (;;) {
        uint32_t next;
        if (f->cur_index == index) {
            *cl = f->cur_cluster;
            return 0;
        }
        if ((err = fat_next(vol, f->cur_cluster, &next)))
            return err;
        if (next == FAT_EOC && (err = fat_alloc(vol, f->cur_cluster, &next)))
            return err;
        f->cur_cluster = next;
        f->cur_index++;
        if (f->cur_index >= vol->clusters)
            return -EUCLEAN;
    }
}

/* Writes len bytes of src (zeros when NULL) at f->pos. Returns the bytes written or an error. */
static int32_t write_bytes(struct fat_file *f, const uint8_t *src, uint32_t len)
{
    struct fat_volume *vol = f->vol;
    uint32_t done = 0;
    while (done < len) {
        uint32_t cl;
        int err = file_cluster_alloc(f, f->pos, &cl);
        if (err)
            return done ? (int32_t)done : err;
        uint32_t in = f->pos % vol->cluster_size;
        uint64_t sector = fat_cluster_sector(vol, cl) + in / vol->sector_size;
        uint32_t off = in % vol->sector_size;
        uint32_t want = len - done;
        uint32_t n;
        if (off == 0 && want >= vol->sector_size && src) {
            /* Whole sectors, through the clusters that follow on the disk (allocation
             * tries the next cluster first): one request for the run. */
            n = (vol->cluster_size - in) / vol->sector_size;
            uint32_t max = want / vol->sector_size;
            if (max > FAT_IO_SECTORS_MAX)
                max = FAT_IO_SECTORS_MAX;
            while (n < max) {
                uint32_t last = f->cur_cluster, next;
                if (file_cluster_alloc(f, f->pos + n * vol->sector_size, &next))
                    break; /* the next round reports it */
                if (next != last + 1)
                    break;
                n += vol->cluster_sectors;
            }
            if (n > max)
                n = max;
            err = fat_data_write(vol, sector, src + done, n);
            n *= vol->sector_size;
        } else {
            n = vol->sector_size - off;
            if (n > want)
                n = want;
            /* Part of a sector: keep what the file holds around it; past the end, zeros. */
            uint32_t sector_start = f->pos - off;
            if (sector_start < f->node.size && !(off == 0 && n == vol->sector_size))
                err = fat_data_read(vol, sector, vol->scratch, 1);
            else
                memset(vol->scratch, 0, vol->sector_size);
            if (!err) {
                if (src)
                    memcpy(vol->scratch + off, src + done, n);
                else
                    memset(vol->scratch + off, 0, n);
                err = fat_data_write(vol, sector, vol->scratch, 1);
            }
        }
        if (err)
            return done ? (int32_t)done : err;
        done += n;
        f->pos += n;
        if (f->pos > f->node.size)
            f->node.size = f->pos;
        f->dirty = true;
    }
    return (int32_t)done;
}

int32_t fat_write(struct fat_file *f, const void *buf, uint32_t len)
{
    if (f->is_dir || !(f->flags & MOTE_FS_WRITE))
        return -EBADF;
    if (f->vol->read_only)
        return -EROFS;
    if (len > INT32_MAXV)
        len = INT32_MAXV;
    if (f->flags & MOTE_FS_APPEND)
        f->pos = f->node.size;
    if (len == 0)
        return 0;
    if (f->pos >= MOTE_FS_FILE_MAX)
        return -EFBIG;
    if (len > MOTE_FS_FILE_MAX - f->pos)
        len = MOTE_FS_FILE_MAX - f->pos;
    if (f->pos > f->node.size) {
        /* A gap left by a seek past the end reads as zeros. */
        uint32_t target = f->pos;
        f->pos = f->node.size;
        int32_t n = write_bytes(f, NULL, target - f->pos);
        if (n < 0)
            return n;
        if (f->pos != target)
            return -ENOSPC;
    }
    return write_bytes(f, buf, len);
}

int64_t fat_seek(struct fat_file *f, int64_t offset, int whence)
{
    if (f->is_dir)
        return -EBADF;
    int64_t base = whence == MOTE_FS_SEEK_SET   ? 0
                   : whence == MOTE_FS_SEEK_CUR ? (int64_t)f->pos
                   : whence == MOTE_FS_SEEK_END ? (int64_t)f->node.size
                                                : -1;
    if (base < 0)
        return -EINVAL;
    if (offset > (int64_t)MOTE_FS_FILE_MAX || offset < -(int64_t)MOTE_FS_FILE_MAX)
        return -EINVAL;
    int64_t pos = base + offset;
    if (pos < 0 || pos > (int64_t)MOTE_FS_FILE_MAX)
        return -EINVAL;
    f->pos = (uint32_t)pos;
    return pos;
}

int fat_fsync(struct fat_file *f)
{
    struct fat_volume *vol = f->vol;
    if (f->is_dir || !f->dirty || vol->read_only)
        return 0;
    int err = fat_flush_fat(vol); /* the clusters before the entry that names them */
    if (!err)
        err = fat_dir_update(vol, &f->node, true);
    if (!err)
        err = fat_device_flush(vol);
    if (!err)
        f->dirty = false;
    return err;
}

int fat_truncate(struct fat_file *f, uint32_t size)
{
    struct fat_volume *vol = f->vol;
    if (f->is_dir || !(f->flags & MOTE_FS_WRITE))
        return -EBADF;
    if (vol->read_only)
        return -EROFS;
    if (size > f->node.size) {
        uint32_t pos = f->pos;
        f->pos = f->node.size;
        int32_t n = write_bytes(f, NULL, size - f->node.size);
        f->pos = pos;
        if (n < 0)
            return n;
        return f->node.size == size ? 0 : -ENOSPC;
    }
    if (size == f->node.size)
        return 0;
    /* The entry's new size goes first: a cut after it leaves a long chain fsck.fat trims. */
    uint32_t keep = (size + vol->cluster_size - 1) / vol->cluster_size;
    uint32_t first = f->node.first_cluster, cut = 0, last = 0;
    int err = 0;
    if (first && keep > 0) {
        if ((err = file_cluster(f, (keep - 1) * vol->cluster_size, &last)))
            return err == -ENOENT ? -EUCLEAN : err;
        if ((err = fat_next(vol, last, &cut)))
            return err;
        if (cut == FAT_EOC)
            cut = 0;
    } else if (first) {
        cut = first;
        f->node.first_cluster = 0;
    }
    f->node.size = size;
    f->dirty = true;
    if ((err = fat_fsync(f)))
        return err;
    if (cut) {
        if (keep > 0 && (err = fat_set(vol, last, FAT_EOC)))
            return err;
        if ((err = fat_free_chain(vol, cut)))
            return err;
        if ((err = fat_flush_fat(vol)))
            return err;
    }
    if (f->cur_index >= keep) {
        f->cur_index = 0;
        f->cur_cluster = 0;
    }
    return 0;
}

int fat_close(struct fat_file *f)
{
    int err = fat_fsync(f);
    unlink_open(f);
    return err;
}

static void node_stat(const struct fat_node *node, struct mote_fs_stat *st)
{
    memset(st, 0, sizeof(*st));
    st->is_dir = (node->attr & ATTR_DIRECTORY) != 0;
    st->size = st->is_dir ? 0 : node->size;
    st->read_only = (node->attr & ATTR_READ_ONLY) != 0;
    st->mtime_s = node->is_root ? 0 : fat_unix_time(node->wtime, node->wdate);
}

void fat_fstat(const struct fat_file *f, struct mote_fs_stat *st)
{
    node_stat(&f->node, st);
}

int fat_stat(struct fat_volume *vol, const char *path, struct mote_fs_stat *st)
{
    struct fat_node node;
    int err = fat_path_resolve(vol, path, &node);
    if (!err)
        node_stat(&node, st);
    return err;
}

int fat_opendir(struct fat_volume *vol, const char *path, struct fat_file *d)
{
    memset(d, 0, sizeof(*d));
    int err = fat_path_resolve(vol, path, &d->node);
    if (err)
        return err;
    if (!(d->node.attr & ATTR_DIRECTORY))
        return -ENOTDIR;
    d->is_dir = true;
    link_open(vol, d);
    return 0;
}

int fat_readdir(struct fat_file *d, struct mote_fs_dirent *ent)
{
    if (!d->is_dir)
        return -EBADF;
    struct fat_volume *vol = d->vol;
    struct fat_dir_pos pos = {.first = fat_node_dir_cluster(vol, &d->node),
                              .slot = d->pos,
                              .cl_index = d->cur_index,
                              .cl = d->cur_cluster};
    struct fat_node node;
    int r = fat_dir_next(vol, &pos, &node);
    d->pos = pos.slot;
    d->cur_index = pos.cl_index;
    d->cur_cluster = pos.cl;
    if (r != 1)
        return r;
    strcpy(ent->name, node.name);
    node_stat(&node, &ent->st);
    return 1;
}

/* Builds a "." or ".." entry for a new directory. */
static void dot_entry(struct fat_volume *vol, uint8_t *p, const char *name, uint32_t cl)
{
    uint16_t t, d;
    fat_dos_time(vol, &t, &d);
    memset(p, 0, FAT_DIRENT_SIZE);
    memset(p + DIR_NAME, ' ', FAT_SFN_LEN);
    memcpy(p + DIR_NAME, name, strlen(name));
    p[DIR_ATTR] = ATTR_DIRECTORY;
    put16(p + DIR_CRT_TIME, t);
    put16(p + DIR_CRT_DATE, d);
    put16(p + DIR_ACC_DATE, d);
    put16(p + DIR_WRT_TIME, t);
    put16(p + DIR_WRT_DATE, d);
    put16(p + DIR_FST_CLUS_HI, vol->fat_bits == 32 ? (uint16_t)(cl >> 16) : 0);
    put16(p + DIR_FST_CLUS_LO, (uint16_t)cl);
}

/* The cluster a ".." entry names for parent: 0 for the root (fatgen103). */
static uint32_t dotdot_cluster(const struct fat_node *parent)
{
    return parent->is_root ? 0 : parent->first_cluster;
}

/* Looks up last in parent: -EEXIST if it is there, 0 if not. */
static int must_not_exist(struct fat_volume *vol, const struct fat_node *parent, const char *last,
                          struct fat_node *found)
{
    int err = fat_dir_lookup(vol, fat_node_dir_cluster(vol, parent), last, found);
    return err == 0 ? -EEXIST : err == -ENOENT ? 0 : err;
}

int fat_mkdir(struct fat_volume *vol, const char *path)
{
    struct fat_node parent, node;
    char last[MOTE_FS_NAME_MAX + 1];
    int err = fat_path_parent(vol, path, &parent, last);
    if (err)
        return err == -EINVAL && fat_path_resolve(vol, path, &node) == 0 ? -EEXIST : err;
    if ((err = must_not_exist(vol, &parent, last, &node)))
        return err;
    if (vol->read_only)
        return -EROFS;
    uint16_t units[LFN_MAX_SLOTS * LFN_CHARS];
    if ((err = fat_name_to_utf16(last, units, MOTE_FS_NAME_MAX)) < 0)
        return err;
    /* The new directory's cluster, zeroed with "." and "..", is on disk and allocated
     * before the parent names it. */
    uint32_t cl;
    if ((err = fat_alloc(vol, 0, &cl)))
        return err;
    if ((err = fat_zero_cluster(vol, cl)))
        goto undo;
    memset(vol->scratch, 0, vol->sector_size);
    dot_entry(vol, vol->scratch, ".", cl);
    dot_entry(vol, vol->scratch + FAT_DIRENT_SIZE, "..", dotdot_cluster(&parent));
    if ((err = fat_data_write(vol, fat_cluster_sector(vol, cl), vol->scratch, 1)))
        goto undo;
    if ((err = fat_flush_fat(vol)))
        return err;
    err = fat_dir_add(vol, fat_node_dir_cluster(vol, &parent), last, ATTR_DIRECTORY, cl, 0, &node);
    if (!err)
        return fat_device_flush(vol);
undo:
    fat_free_chain(vol, cl);
    fat_flush_fat(vol);
    return err;
}

static int remove_node(struct fat_volume *vol, const struct fat_node *node)
{
    /* The entry goes first; the freed FAT entries reach the disk at the next
     * barrier (a cut before leaves lost clusters, which fsck.fat frees). */
    int err = fat_dir_remove(vol, node);
    if (!err && node->first_cluster)
        err = fat_free_chain(vol, node->first_cluster);
    return err;
}

int fat_unlink(struct fat_volume *vol, const char *path)
{
    struct fat_node node;
    int err = fat_path_resolve(vol, path, &node);
    if (err)
        return err;
    if (node.attr & ATTR_DIRECTORY)
        return -EISDIR;
    if (vol->read_only)
        return -EROFS;
    if (node.attr & ATTR_READ_ONLY)
        return -EACCES;
    if (open_at(vol, &node.loc, NULL))
        return -EBUSY;
    return remove_node(vol, &node);
}

int fat_rmdir(struct fat_volume *vol, const char *path)
{
    struct fat_node node, child;
    int err = fat_path_resolve(vol, path, &node);
    if (err)
        return err;
    if (!(node.attr & ATTR_DIRECTORY))
        return -ENOTDIR;
    if (node.is_root || open_at(vol, &node.loc, NULL))
        return -EBUSY;
    if (vol->read_only)
        return -EROFS;
    struct fat_dir_pos pos = {.first = node.first_cluster};
    int r = fat_dir_next(vol, &pos, &child);
    if (r < 0)
        return r;
    if (r == 1)
        return -ENOTEMPTY;
    return remove_node(vol, &node);
}

/* Whether directory cluster dir is cl or inside it, walking up through ".." entries. */
static int dir_inside(struct fat_volume *vol, uint32_t dir, uint32_t cl)
{
    uint32_t root = vol->fat_bits == 32 ? vol->root_cluster : 0;
    for (unsigned depth = 0; depth < DEPTH_MAX; depth++) {
        if (dir == cl)
            return 1;
        if (dir == root || dir == 0)
            return 0;
        if (!fat_cluster_ok(vol, dir))
            return -EUCLEAN;
        uint8_t *buf;
        int err = fat_cache_get(vol, fat_cluster_sector(vol, dir), &buf);
        if (err)
            return err;
        const uint8_t *p = buf + DOTDOT_SLOT * FAT_DIRENT_SIZE;
        if (memcmp(p + DIR_NAME, "..         ", FAT_SFN_LEN) != 0) {
            fat_report(vol, "directory at cluster %u has no \"..\" entry", (unsigned)dir);
            return -EUCLEAN;
        }
        dir = get16(p + DIR_FST_CLUS_LO);
        if (vol->fat_bits == 32)
            dir |= (uint32_t)get16(p + DIR_FST_CLUS_HI) << 16;
    }
    fat_report(vol, "directories nested deeper than %u: a loop", DEPTH_MAX);
    return -EUCLEAN;
}

/* Points a moved directory's ".." at its new parent. */
static int set_dotdot(struct fat_volume *vol, uint32_t dir, uint32_t parent_cl)
{
    uint64_t sector = fat_cluster_sector(vol, dir);
    uint8_t *buf;
    int err = fat_cache_get(vol, sector, &buf);
    if (err)
        return err;
    uint8_t *p = buf + DOTDOT_SLOT * FAT_DIRENT_SIZE;
    if (memcmp(p + DIR_NAME, "..         ", FAT_SFN_LEN) != 0)
        return 0; /* nothing to fix: fsck.fat will say what is wrong */
    put16(p + DIR_FST_CLUS_HI, vol->fat_bits == 32 ? (uint16_t)(parent_cl >> 16) : 0);
    put16(p + DIR_FST_CLUS_LO, (uint16_t)parent_cl);
    return fat_dir_sector_write(vol, sector);
}

int fat_rename(struct fat_volume *vol, const char *from, const char *to)
{
    struct fat_node node, parent, found;
    char last[MOTE_FS_NAME_MAX + 1];
    int err = fat_path_resolve(vol, from, &node);
    if (err)
        return err;
    if (node.is_root)
        return -EBUSY;
    if ((err = fat_path_parent(vol, to, &parent, last)))
        return err;
    if (vol->read_only)
        return -EROFS;
    if (open_at(vol, &node.loc, NULL))
        return -EBUSY;
    uint32_t to_dir = fat_node_dir_cluster(vol, &parent);
    err = must_not_exist(vol, &parent, last, &found);
    bool same = err == -EEXIST && same_loc(&found.loc, &node.loc);
    if (err && !same)
        return err;
    bool is_dir = node.attr & ATTR_DIRECTORY;
    if (is_dir) {
        int inside = dir_inside(vol, to_dir, node.first_cluster);
        if (inside < 0)
            return inside;
        if (inside)
            return -EINVAL;
    }
    uint16_t units[LFN_MAX_SLOTS * LFN_CHARS];
    if ((err = fat_name_to_utf16(last, units, MOTE_FS_NAME_MAX)) < 0)
        return err;
    struct fat_node added;
    if (same) {
        /* The same entry under another case: its slots are reused, the one case
         * where the old name goes first. */
        if ((err = fat_dir_remove(vol, &node)))
            return err;
        err = fat_dir_add(vol, to_dir, last, node.attr, node.first_cluster, node.size, &added);
    } else {
        /* The new name first: a cut between leaves two names, never none. */
        err = fat_dir_add(vol, to_dir, last, node.attr, node.first_cluster, node.size, &added);
        if (!err)
            err = fat_dir_remove(vol, &node);
    }
    if (!err && is_dir && node.loc.dir_cluster != to_dir)
        err = set_dotdot(vol, node.first_cluster, dotdot_cluster(&parent));
    if (!err)
        err = fat_device_flush(vol);
    return err;
}
