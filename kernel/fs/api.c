// SPDX-License-Identifier: MIT
/*
 * include/mote/fs.h over lib/fat: paths go to the engine as they are, open
 * files and directories are handles into a small fixed table.
 */
#include <errno.h>
#include <stdint.h>

#include "kernel/fs/fs.h"

#define INT32_LIMIT 0x7fffffffu

static int handle_new(void)
{
    for (int i = 0; i < MOTE_FS_OPEN_MAX; i++)
        if (!fs.used[i])
            return i;
    return -EMFILE;
}

static struct fat_file *handle(int fd)
{
    if (!fs.mounted || fd < 0 || fd >= MOTE_FS_OPEN_MAX || !fs.used[fd])
        return NULL;
    return &fs.files[fd];
}

static int path_ok(const char *path)
{
    if (!fs.mounted)
        return -ENODEV;
    return path && *path ? 0 : -EINVAL;
}

int mote_fs_open(const char *path, int flags)
{
    int err = path_ok(path);
    if (err)
        return err;
    int fd = handle_new();
    if (fd < 0)
        return fd;
    if ((err = fat_open(&fs.vol, path, flags, &fs.files[fd])))
        return err;
    fs.used[fd] = true;
    return fd;
}

int32_t mote_fs_read(int fd, void *buf, size_t len)
{
    struct fat_file *f = handle(fd);
    if (!f)
        return -EBADF;
    if (!buf && len)
        return -EINVAL;
    return fat_read(f, buf, len > INT32_LIMIT ? INT32_LIMIT : (uint32_t)len);
}

int32_t mote_fs_write(int fd, const void *buf, size_t len)
{
    struct fat_file *f = handle(fd);
    if (!f)
        return -EBADF;
    if (!buf && len)
        return -EINVAL;
    return fat_write(f, buf, len > INT32_LIMIT ? INT32_LIMIT : (uint32_t)len);
}

int64_t mote_fs_seek(int fd, int64_t offset, int whence)
{
    struct fat_file *f = handle(fd);
    return f ? fat_seek(f, offset, whence) : -EBADF;
}

int mote_fs_truncate(int fd, uint32_t size)
{
    struct fat_file *f = handle(fd);
    return f ? fat_truncate(f, size) : -EBADF;
}

int mote_fs_fsync(int fd)
{
    struct fat_file *f = handle(fd);
    return f ? fat_fsync(f) : -EBADF;
}

int mote_fs_close(int fd)
{
    struct fat_file *f = handle(fd);
    if (!f)
        return -EBADF;
    int err = fat_close(f);
    fs.used[fd] = false;
    return err;
}

int mote_fs_fstat(int fd, struct mote_fs_stat *st)
{
    struct fat_file *f = handle(fd);
    if (!f)
        return -EBADF;
    if (!st)
        return -EINVAL;
    fat_fstat(f, st);
    return 0;
}

int mote_fs_stat(const char *path, struct mote_fs_stat *st)
{
    int err = path_ok(path);
    if (err)
        return err;
    return st ? fat_stat(&fs.vol, path, st) : -EINVAL;
}

int mote_fs_rename(const char *from, const char *to)
{
    int err = path_ok(from);
    if (!err)
        err = path_ok(to);
    return err ? err : fat_rename(&fs.vol, from, to);
}

int mote_fs_unlink(const char *path)
{
    int err = path_ok(path);
    return err ? err : fat_unlink(&fs.vol, path);
}

int mote_fs_mkdir(const char *path)
{
    int err = path_ok(path);
    return err ? err : fat_mkdir(&fs.vol, path);
}

int mote_fs_rmdir(const char *path)
{
    int err = path_ok(path);
    return err ? err : fat_rmdir(&fs.vol, path);
}

int mote_fs_opendir(const char *path)
{
    int err = path_ok(path);
    if (err)
        return err;
    int fd = handle_new();
    if (fd < 0)
        return fd;
    if ((err = fat_opendir(&fs.vol, path, &fs.files[fd])))
        return err;
    fs.used[fd] = true;
    return fd;
}

int mote_fs_readdir(int dh, struct mote_fs_dirent *ent)
{
    struct fat_file *d = handle(dh);
    if (!d)
        return -EBADF;
    return ent ? fat_readdir(d, ent) : -EINVAL;
}

int mote_fs_statfs(struct mote_fs_statfs *st)
{
    if (!fs.mounted)
        return -ENODEV;
    return st ? fat_statfs(&fs.vol, st) : -EINVAL;
}

int mote_fs_sync(void)
{
    return fs.mounted ? fat_sync(&fs.vol) : -ENODEV;
}
