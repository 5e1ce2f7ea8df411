// SPDX-License-Identifier: MIT
/*
 * fsbench: small-file operations on the mounted volume (fs=virtio0p1), the
 * Mote side of bench/blk_io.py's file series (bench/linux/blk_linux.c
 * mode=files does the same on Linux's vfat). Creates files=N (default 200)
 * files of size=BYTES (default 1024) in /fsbench, each written and closed
 * (a close flushes the device, like Linux's fsync before close); reads each
 * back and checks it; deletes each, then syncs. Prints
 *   fsbench: create N files in NS ns
 *   fsbench: read N files in NS ns
 *   fsbench: delete N files in NS ns
 * and exits 0; 1 when an operation fails, 2 for bad arguments.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/args.h>
#include <mote/error.h>
#include <mote/fs.h>
#include <mote/log.h>
#include <mote/system.h>
#include <mote/time.h>

#define DEFAULT_FILES 200
#define DEFAULT_SIZE  1024
#define FILES_MAX     10000
#define SIZE_MAX_B    (1024 * 1024)
#define DIR           "/fsbench"

static void fail(const char *what, const char *path, int err)
{
    mote_log(MOTE_LOG_ERROR, "fsbench: %s %s: %s", what, path, mote_strerror(err));
    mote_exit(1);
}

static void fill(uint8_t *buf, uint32_t size, uint64_t n)
{
    for (uint32_t i = 0; i < size; i++)
        buf[i] = (uint8_t)(n * 7 + i);
}

static void report(const char *phase, uint64_t files, uint64_t start_ns)
{
    mote_log(MOTE_LOG_INFO, "fsbench: %s %llu files in %llu ns", phase, (unsigned long long)files,
             (unsigned long long)(mote_time_ns() - start_ns));
}

void service_start(const char *args)
{
    uint64_t files = DEFAULT_FILES, size = DEFAULT_SIZE;
    if (mote_arg_get_u64(args, "files", &files) == -EINVAL ||
        mote_arg_get_u64(args, "size", &size) == -EINVAL || files == 0 || files > FILES_MAX ||
        size == 0 || size > SIZE_MAX_B) {
        mote_log(MOTE_LOG_ERROR, "fsbench: expected files=1..%d size=1..%d", FILES_MAX, SIZE_MAX_B);
        mote_exit(2);
    }
    uint8_t *buf = malloc(size), *want = malloc(size);
    if (!buf || !want) {
        mote_log(MOTE_LOG_ERROR, "fsbench: out of memory");
        mote_exit(1);
    }
    int err = mote_fs_mkdir(DIR);
    if (err && err != -EEXIST)
        fail("making", DIR, err);
    char path[64];

    uint64_t t0 = mote_time_ns();
    for (uint64_t n = 0; n < files; n++) {
        snprintf(path, sizeof(path), DIR "/file%llu.dat", (unsigned long long)n);
        int fd = mote_fs_open(path, MOTE_FS_WRITE | MOTE_FS_CREATE | MOTE_FS_TRUNC);
        if (fd < 0)
            fail("creating", path, fd);
        fill(buf, (uint32_t)size, n);
        int32_t w = mote_fs_write(fd, buf, size);
        if (w != (int32_t)size)
            fail("writing", path, w < 0 ? w : -ENOSPC);
        err = mote_fs_close(fd);
        if (err)
            fail("closing", path, err);
    }
    report("create", files, t0);

    t0 = mote_time_ns();
    for (uint64_t n = 0; n < files; n++) {
        snprintf(path, sizeof(path), DIR "/file%llu.dat", (unsigned long long)n);
        int fd = mote_fs_open(path, MOTE_FS_READ);
        if (fd < 0)
            fail("opening", path, fd);
        int32_t r = mote_fs_read(fd, buf, size);
        fill(want, (uint32_t)size, n);
        if (r != (int32_t)size || memcmp(buf, want, size) != 0)
            fail("reading back", path, r < 0 ? r : -EIO);
        mote_fs_close(fd);
    }
    report("read", files, t0);

    t0 = mote_time_ns();
    for (uint64_t n = 0; n < files; n++) {
        snprintf(path, sizeof(path), DIR "/file%llu.dat", (unsigned long long)n);
        err = mote_fs_unlink(path);
        if (err)
            fail("deleting", path, err);
    }
    err = mote_fs_sync();
    if (err)
        fail("syncing", "/", err);
    report("delete", files, t0);
    mote_exit(0);
}
