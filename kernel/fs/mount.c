// SPDX-License-Identifier: MIT
/*
 * The mounted volume: lib/fat over a block device (include/mote/block.h),
 * mounted at boot from the boot argument fs=NAME[,ro] or by mote_fs_mount.
 * Linked only into images whose service names fs in its service.mk (the
 * feature's sources, mk/board.mk), so the boot hook is there only then.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mote/args.h>
#include <mote/block.h>
#include <mote/error.h>
#include <mote/log.h>
#include <mote/time.h>

#include "kernel/boothook.h"
#include "kernel/fs/fs.h"

#define FS_ARG_MAX   (MOTE_BLOCK_NAME_MAX + sizeof(",ro"))
#define FS_RO_SUFFIX ",ro"

struct fs_state fs;

static int disk_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
    return mote_block_read((unsigned)(uintptr_t)ctx, sector, buf, count);
}

static int disk_write(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
    return mote_block_write((unsigned)(uintptr_t)ctx, sector, buf, count);
}

/* The write order's barriers (lib/fat/fat.h); a device without a cache has nothing to do. */
static int disk_flush(void *ctx)
{
    int err = mote_block_flush((unsigned)(uintptr_t)ctx);
    return err == -EOPNOTSUPP ? 0 : err;
}

/* FAT keeps local time; Mote has no time zone, so it writes UTC. */
static int64_t disk_now(void *ctx)
{
    (void)ctx;
    int64_t ns = mote_wallclock_ns();
    return ns < 0 ? -1 : ns / (int64_t)MOTE_NS_PER_S;
}

static void disk_log(void *ctx, const char *msg)
{
    (void)ctx;
    mote_log(MOTE_LOG_ERROR, "fs: %s: %s (the volume needs fsck.fat)", fs.device, msg);
}

int mote_fs_mount(const char *device, bool read_only)
{
    if (!device || !*device)
        return -EINVAL;
    if (fs.mounted)
        return -EBUSY;
    struct mote_block_info info;
    int dev = mote_block_lookup(device);
    if (dev < 0)
        return dev;
    int err = mote_block_info((unsigned)dev, &info);
    if (err)
        return err;
    snprintf(fs.device, sizeof(fs.device), "%s", device);
    struct fat_disk disk = {
        .ctx = (void *)(uintptr_t)dev,
        .sector_size = info.block_size,
        .sectors = info.blocks,
        .read_only = info.read_only,
        .read = disk_read,
        .write = disk_write,
        .flush = disk_flush,
        .now = disk_now,
        .log = disk_log,
    };
    if ((err = fat_mount(&fs.vol, &disk, read_only)))
        return err;
    fs.mounted = true;
    return 0;
}

int mote_fs_unmount(void)
{
    if (!fs.mounted)
        return -ENODEV;
    for (unsigned i = 0; i < MOTE_FS_OPEN_MAX; i++)
        if (fs.used[i])
            return -EBUSY;
    int err = fat_unmount(&fs.vol);
    fs.mounted = false;
    return err;
}

bool mote_fs_mounted(bool *ro)
{
    if (fs.mounted && ro)
        *ro = fs.vol.read_only;
    return fs.mounted;
}

/* fs=NAME or fs=NAME,ro: mounts before the service starts, and says how it went. */
static void fs_start(const char *bootargs)
{
    char arg[FS_ARG_MAX];
    int err = mote_arg_get(bootargs, "fs", arg, sizeof(arg));
    if (err == -ENOENT)
        return;
    if (err <= 0) {
        mote_log(MOTE_LOG_ERROR, "fs: fs=: expected a block device name such as virtio0p1 or "
                                 "sd0p1, with ,ro for read-only");
        return;
    }
    size_t len = strlen(arg);
    size_t ro_len = strlen(FS_RO_SUFFIX);
    bool ro = len > ro_len && strcmp(arg + len - ro_len, FS_RO_SUFFIX) == 0;
    if (ro)
        arg[len - ro_len] = '\0';
    err = mote_fs_mount(arg, ro);
    if (err == -ENODEV) {
        mote_log(MOTE_LOG_ERROR, "fs: no block device %s (%u devices%s)", arg, mote_block_count(),
                 mote_block_count() ? "" : ": is a disk attached?");
        return;
    }
    if (err) {
        mote_log(MOTE_LOG_ERROR, "fs: %s not mounted: %s", arg, mote_strerror(err));
        return;
    }
    mote_log(MOTE_LOG_INFO, "fs: %s mounted %s: FAT%u, %llu MiB, clusters of %u bytes", arg,
             fs.vol.read_only ? "read-only" : "read-write", (unsigned)fs.vol.fat_bits,
             (unsigned long long)(((uint64_t)fs.vol.clusters * fs.vol.cluster_size) >> 20),
             (unsigned)fs.vol.cluster_size);
}

BOOT_HOOK(fs_hook) = {
    .name = "fs",
    .args = {"fs", NULL},
    .start = fs_start,
};
