// SPDX-License-Identifier: MIT
/*
 * Directories: walking their slots (long-name slots assembled and checked
 * against their 8.3 entry's checksum, or ignored), finding a name, adding
 * and removing entries (a directory grows by a zeroed cluster), paths and
 * the FAT date format.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fat/internal.h"

#define SFN_TRIES_MAX   99999 /* ~1 .. ~99999: a directory this crowded gets -ENOSPC */
#define DOS_EPOCH_YEAR  1980
#define SECONDS_PER_DAY 86400
#define DOS_DATE_MIN    ((0 << 9) | (1 << 5) | 1) /* 1980-01-01 */

static bool is_root_dir(const struct fat_volume *vol, uint32_t dir)
{
    return dir == 0 && vol->fat_bits != 32;
}

uint32_t fat_node_dir_cluster(const struct fat_volume *vol, const struct fat_node *node)
{
    if (node->is_root)
        return vol->fat_bits == 32 ? vol->root_cluster : 0;
    return node->first_cluster;
}

/* The sector and byte offset of slot pos->slot; -ENOENT past the directory's end. */
static int slot_locate(struct fat_volume *vol, struct fat_dir_pos *pos, uint64_t *sector,
                       uint32_t *off)
{
    uint64_t byte = (uint64_t)pos->slot * FAT_DIRENT_SIZE;
    if (is_root_dir(vol, pos->first)) {
        if (pos->slot >= vol->root_entries)
            return -ENOENT;
        *sector = vol->root_start + byte / vol->sector_size;
        *off = (uint32_t)(byte % vol->sector_size);
        return 0;
    }
    if (pos->slot >= FAT_DIR_MAX_SLOTS)
        return -ENOENT;
    uint32_t index = (uint32_t)(byte / vol->cluster_size);
    int err = fat_walk(vol, pos->first, index, &pos->cl_index, &pos->cl);
    if (err)
        return err;
    uint32_t in = (uint32_t)(byte % vol->cluster_size);
    *sector = fat_cluster_sector(vol, pos->cl) + in / vol->sector_size;
    *off = in % vol->sector_size;
    return 0;
}

static int slot_get(struct fat_volume *vol, struct fat_dir_pos *pos, uint64_t *sector, uint8_t **p)
{
    uint32_t off;
    int err = slot_locate(vol, pos, sector, &off);
    if (err)
        return err;
    uint8_t *buf;
    if ((err = fat_cache_get(vol, *sector, &buf)))
        return err;
    *p = buf + off;
    return 0;
}

/* Whether slot is the last one of its sector (sectors are whole within clusters). */
static bool sector_ends(const struct fat_volume *vol, uint32_t slot)
{
    return (uint64_t)(slot + 1) * FAT_DIRENT_SIZE % vol->sector_size == 0;
}

struct lfn_state {
    uint16_t units[LFN_MAX_SLOTS * LFN_CHARS];
    int count;  /* slots in the name, 0 when none is being assembled */
    int expect; /* the next slot's ordinal */
    uint8_t sum;
    uint32_t first_slot;
};

static void lfn_slot(struct lfn_state *l, const uint8_t *p, uint32_t slot)
{
    int ord = p[LFN_ORD] & LFN_ORD_MASK;
    if (p[LFN_ORD] & LFN_LAST) {
        if (ord == 0 || ord > LFN_MAX_SLOTS) {
            l->count = 0;
            return;
        }
        l->count = ord;
        l->expect = ord;
        l->sum = p[LFN_CHKSUM];
        l->first_slot = slot;
    } else if (l->count == 0 || ord != l->expect || p[LFN_CHKSUM] != l->sum) {
        l->count = 0; /* out of sequence: an orphan, ignored as Windows does */
        return;
    }
    uint16_t *u = l->units + (ord - 1) * LFN_CHARS;
    for (int i = 0; i < 5; i++)
        u[i] = get16(p + LFN_NAME1 + 2 * i);
    for (int i = 0; i < 6; i++)
        u[5 + i] = get16(p + LFN_NAME2 + 2 * i);
    for (int i = 0; i < 2; i++)
        u[11 + i] = get16(p + LFN_NAME3 + 2 * i);
    l->expect = ord - 1;
}

/* The long name assembled for 8.3 entry sfn, if complete and its checksum matches. */
static bool lfn_name(struct lfn_state *l, const uint8_t *sfn, char *out)
{
    if (l->count == 0 || l->expect != 0 || l->sum != fat_name_checksum(sfn))
        return false;
    int len = 0, max = l->count * LFN_CHARS;
    while (len < max && l->units[len] != 0)
        len++;
    return fat_name_from_utf16(l->units, len, out) > 0;
}

int fat_dir_next(struct fat_volume *vol, struct fat_dir_pos *pos, struct fat_node *node)
{
    struct lfn_state lfn;
    lfn.count = 0;
    for (;; pos->slot++) {
        uint64_t sector;
        uint8_t *p;
        int err = slot_get(vol, pos, &sector, &p);
        if (err == -ENOENT)
            return 0;
        if (err)
            return err;
        if (p[DIR_NAME] == SLOT_END)
            return 0;
        if (p[DIR_NAME] == SLOT_FREE) {
            lfn.count = 0;
            continue;
        }
        uint8_t attr = p[DIR_ATTR];
        if ((attr & ATTR_LONG_MASK) == ATTR_LONG_NAME) {
            lfn_slot(&lfn, p, pos->slot);
            continue;
        }
        if ((attr & ATTR_VOLUME_ID) || p[DIR_NAME] == '.') {
            lfn.count = 0; /* the volume label, "." and ".." */
            continue;
        }
        memset(node, 0, sizeof(*node));
        fat_name_sfn_text(p + DIR_NAME, p[DIR_NTRES], node->short_name);
        if (!lfn_name(&lfn, p + DIR_NAME, node->name))
            strcpy(node->name, node->short_name);
        node->loc.dir_cluster = pos->first;
        node->loc.slot = pos->slot;
        node->loc.first_slot = lfn.count && lfn.expect == 0 ? lfn.first_slot : pos->slot;
        node->attr = attr;
        node->first_cluster = get16(p + DIR_FST_CLUS_LO);
        if (vol->fat_bits == 32)
            node->first_cluster |= (uint32_t)get16(p + DIR_FST_CLUS_HI) << 16;
        node->size = get32(p + DIR_FILE_SIZE);
        node->wtime = get16(p + DIR_WRT_TIME);
        node->wdate = get16(p + DIR_WRT_DATE);
        pos->slot++;
        return 1;
    }
}

/* What an entry claims, checked before anything follows it. */
static int node_check(struct fat_volume *vol, const struct fat_node *node)
{
    uint32_t cl = node->first_cluster;
    if (cl != 0 && !fat_cluster_ok(vol, cl)) {
        fat_report(vol, "\"%s\" starts at cluster %u, outside the volume", node->name,
                   (unsigned)cl);
        return -EUCLEAN;
    }
    if (node->attr & ATTR_DIRECTORY) {
        if (cl == 0) {
            fat_report(vol, "directory \"%s\" has no cluster", node->name);
            return -EUCLEAN;
        }
        return 0;
    }
    if (node->size > 0 && cl == 0) {
        fat_report(vol, "\"%s\" has %u bytes and no cluster", node->name, (unsigned)node->size);
        return -EUCLEAN;
    }
    if ((uint64_t)node->size > (uint64_t)vol->clusters * vol->cluster_size) {
        fat_report(vol, "\"%s\" claims %u bytes, more than the volume", node->name,
                   (unsigned)node->size);
        return -EUCLEAN;
    }
    return 0;
}

int fat_dir_lookup(struct fat_volume *vol, uint32_t dir, const char *name, struct fat_node *node)
{
    struct fat_dir_pos pos = {.first = dir};
    int r;
    while ((r = fat_dir_next(vol, &pos, node)) == 1)
        if (fat_name_equal(node->name, name) || fat_name_equal(node->short_name, name))
            return node_check(vol, node);
    return r == 0 ? -ENOENT : r;
}

/* Whether an 8.3 name is taken in dir. */
static int sfn_taken(struct fat_volume *vol, uint32_t dir, const uint8_t sfn[FAT_SFN_LEN])
{
    struct fat_dir_pos pos = {.first = dir};
    for (;; pos.slot++) {
        uint64_t sector;
        uint8_t *p;
        int err = slot_get(vol, &pos, &sector, &p);
        if (err == -ENOENT)
            return 0;
        if (err)
            return err;
        if (p[DIR_NAME] == SLOT_END)
            return 0;
        if (p[DIR_NAME] != SLOT_FREE && (p[DIR_ATTR] & ATTR_LONG_MASK) != ATTR_LONG_NAME &&
            memcmp(p + DIR_NAME, sfn, FAT_SFN_LEN) == 0)
            return 1;
    }
}

/* Marks in used the n of every basis~n 8.3 name in dir (fat_name_tail's layout). */
static int tails_used(struct fat_volume *vol, uint32_t dir, const uint8_t basis[FAT_SFN_LEN],
                      uint32_t *used)
{
    uint32_t base_len = 0;
    while (base_len < FAT_SFN_BASE && basis[base_len] != ' ')
        base_len++;
    struct fat_dir_pos pos = {.first = dir};
    for (;; pos.slot++) {
        uint64_t sector;
        uint8_t *p;
        int err = slot_get(vol, &pos, &sector, &p);
        if (err == -ENOENT || (!err && p[DIR_NAME] == SLOT_END))
            return 0;
        if (err)
            return err;
        if (p[DIR_NAME] == SLOT_FREE || (p[DIR_ATTR] & ATTR_LONG_MASK) == ATTR_LONG_NAME ||
            memcmp(p + FAT_SFN_BASE, basis + FAT_SFN_BASE, FAT_SFN_LEN - FAT_SFN_BASE) != 0)
            continue;
        const uint8_t *tilde = memchr(p + DIR_NAME, '~', FAT_SFN_BASE);
        if (!tilde)
            continue;
        uint32_t k = (uint32_t)(tilde - p), n = 0, digits = 0;
        for (uint32_t i = k + 1; i < FAT_SFN_BASE && p[i] != ' '; i++, digits++) {
            if (p[i] < '0' || p[i] > '9' || n > SFN_TRIES_MAX) {
                digits = 0;
                break;
            }
            n = n * 10 + (p[i] - '0');
        }
        uint32_t prefix =
            base_len < FAT_SFN_BASE - 1 - digits ? base_len : FAT_SFN_BASE - 1 - digits;
        if (digits && n >= 1 && n <= SFN_TRIES_MAX && k == prefix && memcmp(p, basis, k) == 0)
            used[n / 32] |= 1u << n % 32;
    }
}

/* Picks the 8.3 name for name: itself if it is one, else a basis with a free ~N tail. */
static int choose_sfn(struct fat_volume *vol, uint32_t dir, const char *name,
                      uint8_t sfn[FAT_SFN_LEN], uint8_t *ntres, bool *need_lfn)
{
    int taken;
    if (fat_name_is_short(name, sfn, ntres)) {
        *need_lfn = false;
        return 0;
    }
    *need_lfn = true;
    *ntres = 0;
    /* A name that is 8.3 but for its mixed case ("Makefile") keeps it, upper-cased. */
    char up[MOTE_FS_NAME_MAX + 1];
    size_t i;
    for (i = 0; name[i] && i < MOTE_FS_NAME_MAX; i++)
        up[i] = name[i] >= 'a' && name[i] <= 'z' ? (char)(name[i] - 'a' + 'A') : name[i];
    up[i] = '\0';
    uint8_t dummy;
    if (fat_name_is_short(up, sfn, &dummy)) {
        if ((taken = sfn_taken(vol, dir, sfn)) <= 0)
            return taken;
    }
    uint8_t basis[FAT_SFN_LEN];
    fat_name_basis(name, basis);
    /* One pass over the directory notes the tails taken for this basis; the
     * smallest free one wins (a pass per candidate made creating n files O(n^3)). */
    uint32_t *used = calloc(SFN_TRIES_MAX / 32 + 1, sizeof(uint32_t));
    if (!used)
        return -ENOMEM;
    int err = tails_used(vol, dir, basis, used);
    uint32_t n = 1;
    while (!err && n <= SFN_TRIES_MAX && (used[n / 32] & 1u << n % 32))
        n++;
    free(used);
    if (err)
        return err;
    if (n > SFN_TRIES_MAX)
        return -ENOSPC;
    memcpy(sfn, basis, FAT_SFN_LEN);
    fat_name_tail(sfn, n);
    return 0;
}

/* Adds a zeroed cluster to directory dir after its cluster last; fat.h: zeroed before linked. */
static int dir_grow(struct fat_volume *vol, uint32_t dir, uint32_t last_index)
{
    uint32_t at_index = 0, last = 0, cl;
    int err = fat_walk(vol, dir, last_index, &at_index, &last);
    if (err)
        return err == -ENOENT ? -EUCLEAN : err;
    if ((err = fat_alloc(vol, 0, &cl)))
        return err;
    if ((err = fat_zero_cluster(vol, cl)))
        return err;
    return fat_set(vol, last, cl);
}

/* Finds count free consecutive slots in dir (growing it if it must); *start is the first. */
static int find_slots(struct fat_volume *vol, uint32_t dir, uint32_t count, uint32_t *start)
{
    struct fat_dir_pos pos = {.first = dir};
    uint32_t run = 0;
    for (;; pos.slot++) {
        uint64_t sector;
        uint8_t *p;
        int err = slot_get(vol, &pos, &sector, &p);
        if (err == -ENOENT) {
            if (is_root_dir(vol, dir) || pos.slot >= FAT_DIR_MAX_SLOTS)
                return -ENOSPC;
            uint32_t slots_per_cluster = vol->cluster_size / FAT_DIRENT_SIZE;
            if ((err = dir_grow(vol, dir, pos.slot / slots_per_cluster - 1)))
                return err;
            pos.slot--; /* look at this slot again, in the new cluster */
            continue;
        }
        if (err)
            return err;
        if (p[DIR_NAME] == SLOT_END || p[DIR_NAME] == SLOT_FREE) {
            if (run++ == 0)
                *start = pos.slot;
            if (run == count)
                return 0;
        } else {
            run = 0;
        }
    }
}

/* Writes one slot already changed in the cache when its sector is done. */
static int slot_done(struct fat_volume *vol, uint32_t slot, uint64_t sector, bool last)
{
    return last || sector_ends(vol, slot) ? fat_dir_sector_write(vol, sector) : 0;
}

static void fill_lfn(uint8_t *p, const uint16_t *units, int len, int part, bool last, uint8_t sum)
{
    memset(p, 0, FAT_DIRENT_SIZE);
    p[LFN_ORD] = (uint8_t)(part | (last ? LFN_LAST : 0));
    p[LFN_ATTR] = ATTR_LONG_NAME;
    p[LFN_CHKSUM] = sum;
    uint16_t u[LFN_CHARS];
    for (int i = 0; i < LFN_CHARS; i++) {
        int k = (part - 1) * LFN_CHARS + i;
        u[i] = k < len ? units[k] : k == len ? 0 : 0xffff; /* terminator, then padding */
    }
    for (int i = 0; i < 5; i++)
        put16(p + LFN_NAME1 + 2 * i, u[i]);
    for (int i = 0; i < 6; i++)
        put16(p + LFN_NAME2 + 2 * i, u[5 + i]);
    for (int i = 0; i < 2; i++)
        put16(p + LFN_NAME3 + 2 * i, u[11 + i]);
}

int fat_dir_add(struct fat_volume *vol, uint32_t dir, const char *name, uint8_t attr,
                uint32_t first_cluster, uint32_t size, struct fat_node *node)
{
    uint16_t units[LFN_MAX_SLOTS * LFN_CHARS];
    int len = fat_name_to_utf16(name, units, MOTE_FS_NAME_MAX);
    if (len < 0)
        return len;
    uint8_t sfn[FAT_SFN_LEN], ntres;
    bool need_lfn;
    int err = choose_sfn(vol, dir, name, sfn, &ntres, &need_lfn);
    if (err)
        return err;
    int lfn_slots = need_lfn ? (len + LFN_CHARS - 1) / LFN_CHARS : 0;
    uint32_t start;
    if ((err = find_slots(vol, dir, (uint32_t)lfn_slots + 1, &start)))
        return err;
    uint8_t sum = fat_name_checksum(sfn);
    struct fat_dir_pos pos = {.first = dir};
    uint64_t sector;
    uint8_t *p;
    /* Long-name slots first, the 8.3 entry last: a cut before it leaves orphans fsck.fat drops. */
    for (int i = 0; i < lfn_slots; i++) {
        pos.slot = start + (uint32_t)i;
        if ((err = slot_get(vol, &pos, &sector, &p)))
            return err;
        fill_lfn(p, units, len, lfn_slots - i, i == 0, sum);
        if ((err = slot_done(vol, pos.slot, sector, false)))
            return err;
    }
    pos.slot = start + (uint32_t)lfn_slots;
    if ((err = slot_get(vol, &pos, &sector, &p)))
        return err;
    uint16_t t, d;
    fat_dos_time(vol, &t, &d);
    memset(p, 0, FAT_DIRENT_SIZE);
    memcpy(p + DIR_NAME, sfn, FAT_SFN_LEN);
    p[DIR_ATTR] = attr;
    p[DIR_NTRES] = ntres;
    put16(p + DIR_CRT_TIME, t);
    put16(p + DIR_CRT_DATE, d);
    put16(p + DIR_ACC_DATE, d);
    put16(p + DIR_WRT_TIME, t);
    put16(p + DIR_WRT_DATE, d);
    put16(p + DIR_FST_CLUS_HI, (uint16_t)(first_cluster >> 16));
    put16(p + DIR_FST_CLUS_LO, (uint16_t)first_cluster);
    put32(p + DIR_FILE_SIZE, size);
    if ((err = slot_done(vol, pos.slot, sector, true)))
        return err;
    memset(node, 0, sizeof(*node));
    node->loc.dir_cluster = dir;
    node->loc.first_slot = start;
    node->loc.slot = pos.slot;
    node->attr = attr;
    node->first_cluster = first_cluster;
    node->size = size;
    node->wtime = t;
    node->wdate = d;
    fat_name_sfn_text(sfn, ntres, node->short_name);
    strcpy(node->name, name);
    return 0;
}

int fat_dir_remove(struct fat_volume *vol, const struct fat_node *node)
{
    struct fat_dir_pos pos = {.first = node->loc.dir_cluster};
    /* The 8.3 entry first: a cut after it leaves orphan long-name slots, which fsck.fat drops. */
    for (uint32_t slot = node->loc.slot + 1; slot-- > node->loc.first_slot;) {
        uint64_t sector;
        uint8_t *p;
        pos.slot = slot;
        int err = slot_get(vol, &pos, &sector, &p);
        if (err)
            return err;
        p[DIR_NAME] = SLOT_FREE;
        bool sector_start = (uint64_t)slot * FAT_DIRENT_SIZE % vol->sector_size == 0;
        if (sector_start || slot == node->loc.first_slot)
            if ((err = fat_dir_sector_write(vol, sector)))
                return err;
    }
    return 0;
}

int fat_dir_update(struct fat_volume *vol, const struct fat_node *node, bool touch)
{
    if (node->is_root)
        return 0;
    struct fat_dir_pos pos = {.first = node->loc.dir_cluster, .slot = node->loc.slot};
    uint64_t sector;
    uint8_t *p;
    int err = slot_get(vol, &pos, &sector, &p);
    if (err)
        return err;
    put16(p + DIR_FST_CLUS_HI, vol->fat_bits == 32 ? (uint16_t)(node->first_cluster >> 16) : 0);
    put16(p + DIR_FST_CLUS_LO, (uint16_t)node->first_cluster);
    put32(p + DIR_FILE_SIZE, node->attr & ATTR_DIRECTORY ? 0 : node->size);
    p[DIR_ATTR] = node->attr;
    if (touch) {
        uint16_t t, d;
        fat_dos_time(vol, &t, &d);
        put16(p + DIR_WRT_TIME, t);
        put16(p + DIR_WRT_DATE, d);
        put16(p + DIR_ACC_DATE, d);
    }
    return fat_dir_sector_write(vol, sector);
}

static void root_node(const struct fat_volume *vol, struct fat_node *node)
{
    memset(node, 0, sizeof(*node));
    node->is_root = true;
    node->attr = ATTR_DIRECTORY;
    node->first_cluster = vol->fat_bits == 32 ? vol->root_cluster : 0;
    strcpy(node->name, "/");
}

/* The next component of *path into name; 0 at the end, 1 for a name, or an error. */
static int next_component(const char **path, char *name)
{
    for (;;) {
        const char *p = *path;
        while (*p == '/')
            p++;
        if (!*p)
            return 0;
        const char *end = strchr(p, '/');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        *path = p + len;
        if (len == 1 && p[0] == '.')
            continue;
        if (len == 2 && p[0] == '.' && p[1] == '.')
            return -EINVAL;
        if (len > MOTE_FS_NAME_MAX)
            return -ENAMETOOLONG;
        memcpy(name, p, len);
        name[len] = '\0';
        return 1;
    }
}

static int path_check(const char *path)
{
    if (!path || !*path)
        return -EINVAL;
    return strlen(path) > MOTE_FS_PATH_MAX ? -ENAMETOOLONG : 0;
}

/* Walks path; with last != NULL stops before the last component and leaves it there. */
static int walk(struct fat_volume *vol, const char *path, struct fat_node *node, char *last)
{
    int err = path_check(path);
    if (err)
        return err;
    root_node(vol, node);
    char name[MOTE_FS_NAME_MAX + 1];
    int r = next_component(&path, name);
    while (r == 1) {
        char following[MOTE_FS_NAME_MAX + 1];
        const char *rest = path;
        int more = next_component(&rest, following);
        if (more < 0)
            return more;
        if (last && more == 0) {
            strcpy(last, name);
            return 0;
        }
        if (!(node->attr & ATTR_DIRECTORY))
            return -ENOTDIR;
        if ((err = fat_dir_lookup(vol, fat_node_dir_cluster(vol, node), name, node)))
            return err;
        r = next_component(&path, name);
    }
    if (r < 0)
        return r;
    return last ? -EINVAL : 0; /* the root has no parent */
}

int fat_path_resolve(struct fat_volume *vol, const char *path, struct fat_node *node)
{
    return walk(vol, path, node, NULL);
}

int fat_path_parent(struct fat_volume *vol, const char *path, struct fat_node *parent, char *last)
{
    int err = walk(vol, path, parent, last);
    if (err)
        return err;
    return parent->attr & ATTR_DIRECTORY ? 0 : -ENOTDIR;
}

/* Days since 1970-01-01 of a civil date, and back (Howard Hinnant's algorithms). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = (int64_t)yoe + era * 400 + (*m <= 2);
}

void fat_dos_time(struct fat_volume *vol, uint16_t *time, uint16_t *date)
{
    int64_t now = vol->disk.now ? vol->disk.now(vol->disk.ctx) : -1;
    int64_t y;
    unsigned m, d;
    if (now < 0) {
        *time = 0;
        *date = DOS_DATE_MIN;
        return;
    }
    civil_from_days(now / SECONDS_PER_DAY, &y, &m, &d);
    if (y < DOS_EPOCH_YEAR || y > DOS_EPOCH_YEAR + 127) {
        *time = 0;
        *date = DOS_DATE_MIN;
        return;
    }
    unsigned s = (unsigned)(now % SECONDS_PER_DAY);
    *time = (uint16_t)((s / 3600) << 11 | (s / 60 % 60) << 5 | (s % 60) / 2);
    *date = (uint16_t)((unsigned)(y - DOS_EPOCH_YEAR) << 9 | m << 5 | d);
}

int64_t fat_unix_time(uint16_t time, uint16_t date)
{
    unsigned m = date >> 5 & 0xf, d = date & 0x1f;
    if (m < 1 || m > 12 || d < 1)
        return 0;
    int64_t days = days_from_civil(DOS_EPOCH_YEAR + (date >> 9), m, d);
    return days * SECONDS_PER_DAY + (time >> 11) * 3600 + (time >> 5 & 0x3f) * 60 +
           (time & 0x1f) * 2;
}
