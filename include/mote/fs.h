/* SPDX-License-Identifier: MIT */
/*
 * Files: one FAT12/16/32 volume (long names included) on a block device,
 * mounted at boot by the boot argument fs=NAME[,ro] (fs=virtio0p1,
 * fs=sd0p1,ro) or by the service with mote_fs_mount. A service that calls
 * these names fs (and block) in its service.mk: service_uses := block fs.
 *
 * Paths are absolute or relative to the root, '/' separated ("/etc/app.conf"
 * and "etc/app.conf" are the same file); "." components are skipped and ".."
 * is refused (-EINVAL): there is no current directory, and a path can never
 * climb out of where a server meant it to stay. Names are UTF-8 (kept as
 * UTF-16 in the long name, as Windows and Linux do), compared without regard
 * to ASCII case, as FAT does. Every call is synchronous: it
 * returns when the blocks it needed are read or written. None may be called
 * from interrupt context.
 *
 * Errors common to every call that takes a path or a handle:
 *   -ENODEV        no volume is mounted (no fs= argument, or its mount failed)
 *   -EINVAL        a NULL or empty argument, a ".." component, a bad flag
 *   -ENAMETOOLONG  a component longer than MOTE_FS_NAME_MAX bytes, or a path
 *                  longer than MOTE_FS_PATH_MAX
 *   -ENOENT        a component of the path does not exist
 *   -ENOTDIR       a component before the last is a file
 *   -EBADF         a handle that is not open (or not for what is asked)
 *   -EIO           the device failed a read or a write
 *   -EUCLEAN       the volume is corrupt where the call looked (a cluster
 *                  number out of range, a chain loop, a cross-link, a size
 *                  beyond its chain): logged, never followed; fsck.fat repairs
 *   -EROFS         a change asked of a volume mounted read-only (or on a
 *                  read-only device)
 *   -ENOSPC        no free cluster left (or the root directory of FAT12/16,
 *                  which cannot grow, is full)
 *
 * Write ordering (docs/storage.md): data and the clusters' FAT entries reach
 * the device before the directory entry that makes them part of a file, and
 * mote_fs_close and mote_fs_sync flush the device. A power cut therefore
 * never loses or damages a file closed (or synced) before it; at worst it
 * leaves clusters that fsck.fat frees, and the file open at the cut keeps
 * the size it had at its last sync.
 */
#ifndef MOTE_FS_H
#define MOTE_FS_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A corrupt volume. picolibc has no EUCLEAN (Linux's "structure needs
 * cleaning", which Linux's FAT driver returns for the same); its errno.h
 * leaves the numbers from 2000 on to users. */
#ifndef EUCLEAN
#define EUCLEAN 2000
#endif

#define MOTE_FS_NAME_MAX 255 /* bytes in one name: a VFAT long name's limit */
#define MOTE_FS_PATH_MAX 1024
#define MOTE_FS_OPEN_MAX 16          /* files and directories open at once */
#define MOTE_FS_FILE_MAX 0xffffffffu /* FAT's size field is 32 bits */

/* mote_fs_open flags: at least one of READ and WRITE. */
#define MOTE_FS_READ   0x01
#define MOTE_FS_WRITE  0x02
#define MOTE_FS_RDWR   (MOTE_FS_READ | MOTE_FS_WRITE)
#define MOTE_FS_CREATE 0x04 /* create the file if it does not exist (needs WRITE) */
#define MOTE_FS_EXCL   0x08 /* with CREATE: -EEXIST if it exists */
#define MOTE_FS_TRUNC  0x10 /* empty it on open (needs WRITE) */
#define MOTE_FS_APPEND 0x20 /* every write goes to the end (needs WRITE) */

/* mote_fs_seek whence */
#define MOTE_FS_SEEK_SET 0
#define MOTE_FS_SEEK_CUR 1
#define MOTE_FS_SEEK_END 2

struct mote_fs_stat {
    uint32_t size; /* bytes (0 for a directory) */
    bool is_dir;
    bool read_only;  /* FAT's read-only attribute */
    int64_t mtime_s; /* last change, seconds since 1970 (FAT keeps local time
                        with 2 s steps; Mote writes UTC); 0 when never set */
};

struct mote_fs_dirent {
    char name[MOTE_FS_NAME_MAX + 1]; /* the long name, else the 8.3 name */
    struct mote_fs_stat st;
};

struct mote_fs_statfs {
    uint64_t total_bytes;  /* the data area: clusters * cluster_size */
    uint64_t free_bytes;   /* counted from the FAT (FSInfo is only a hint) */
    uint32_t cluster_size; /* bytes */
    uint8_t fat_bits;      /* 12, 16 or 32 */
    bool read_only;
};

/*
 * Mounts the FAT volume on block device device ("virtio0p1", "sd0"), read-only
 * if read_only (or if the device is). The boot argument fs= does this before
 * service_start. Returns 0; -EBUSY if a volume is mounted; -ENODEV for no
 * such device; -EUCLEAN for a boot sector that is not a sane FAT one (logged
 * with the reason); -EIO; -ENOMEM.
 */
int mote_fs_mount(const char *device, bool read_only);

/* Flushes and unmounts. Returns 0, -ENODEV when none is mounted, -EBUSY while
 * a file or directory is open, or -EIO (the volume is unmounted anyway). */
int mote_fs_unmount(void);

/* Whether a volume is mounted (and, if so and ro is not NULL, *ro = read-only). */
bool mote_fs_mounted(bool *ro);

/*
 * Opens the file path with flags (MOTE_FS_*). Returns a handle >= 0; the
 * common errors; -EISDIR for a directory; -EEXIST (CREATE|EXCL and it
 * exists); -EACCES to write a file with FAT's read-only attribute; -EMFILE
 * when MOTE_FS_OPEN_MAX are open; -ENOSPC when CREATE needs a directory
 * entry and there is no room; -EBUSY to open for writing a file that is open,
 * or any file open for writing (one writer or any number of readers).
 */
int mote_fs_open(const char *path, int flags);

/* Reads up to len bytes at the handle's position, which advances. Returns the
 * bytes read (0 at the end of the file), -EBADF (not open for reading), -EIO,
 * -EUCLEAN. len above INT32_MAX is read as INT32_MAX. */
int32_t mote_fs_read(int fd, void *buf, size_t len);

/*
 * Writes len bytes at the handle's position (at the end with APPEND), growing
 * the file as needed; a gap left by a seek past the end reads as zeros.
 * Returns len; fewer bytes when the volume fills (then -ENOSPC on the next
 * call); -EBADF; -EFBIG past MOTE_FS_FILE_MAX; -EIO; -EUCLEAN; -EROFS.
 * The bytes are on the device when the call returns; the file's new size is
 * in its directory entry after mote_fs_close, mote_fs_sync or mote_fs_fsync.
 */
int32_t mote_fs_write(int fd, const void *buf, size_t len);

/* Moves the position (MOTE_FS_SEEK_*; past the end is allowed). Returns the
 * new position, -EBADF, or -EINVAL (before 0, beyond MOTE_FS_FILE_MAX, bad whence). */
int64_t mote_fs_seek(int fd, int64_t offset, int whence);

/* Sets the file's size to size (cutting, or growing with zeros). Returns 0,
 * -EBADF (not open for writing), -EFBIG, -ENOSPC, -EIO, -EUCLEAN. */
int mote_fs_truncate(int fd, uint32_t size);

/* Writes the file's directory entry and flushes the device. Returns 0 or -EIO. */
int mote_fs_fsync(int fd);

/* Like mote_fs_fsync for a file, then frees the handle (even on -EIO). Returns 0,
 * -EBADF, -EIO. */
int mote_fs_close(int fd);

/* Fills *st for the file or directory path ("/" is the root). Common errors. */
int mote_fs_stat(const char *path, struct mote_fs_stat *st);

/* Fills *st for an open handle. Returns 0 or -EBADF. */
int mote_fs_fstat(int fd, struct mote_fs_stat *st);

/*
 * Renames from to to, also across directories. Returns 0; the common errors;
 * -EEXIST if to exists; -EBUSY if from is open; -EINVAL to move a directory
 * into itself.
 */
int mote_fs_rename(const char *from, const char *to);

/* Deletes the file path. Returns 0; common errors; -EISDIR for a directory;
 * -EBUSY if it is open; -EACCES for FAT's read-only attribute. */
int mote_fs_unlink(const char *path);

/* Creates the directory path. Returns 0; common errors; -EEXIST. */
int mote_fs_mkdir(const char *path);

/* Deletes the empty directory path. Returns 0; common errors; -ENOTDIR;
 * -ENOTEMPTY; -EBUSY (open, or the root). */
int mote_fs_rmdir(const char *path);

/* Opens the directory path for mote_fs_readdir. Returns a handle >= 0 (which
 * mote_fs_close frees), the common errors, -EMFILE. */
int mote_fs_opendir(const char *path);

/* The next entry of directory handle dh into *ent ("." and ".." skipped).
 * Returns 1 for an entry, 0 at the end, -EBADF, -EIO, -EUCLEAN. */
int mote_fs_readdir(int dh, struct mote_fs_dirent *ent);

/* Fills *st for the mounted volume. Returns 0, -ENODEV, -EIO, -EUCLEAN. */
int mote_fs_statfs(struct mote_fs_statfs *st);

/* Writes every open file's directory entry, the FAT32 FSInfo hint and flushes
 * the device. Returns 0, -ENODEV, -EIO. */
int mote_fs_sync(void);

#endif
