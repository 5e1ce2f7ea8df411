// SPDX-License-Identifier: MIT
/*
 * fscheck: drives the file API from the boot arguments and prints each
 * result on the console, for tests/system/test_fs*.py, which check the disk
 * image afterwards with mtools and fsck.fat. The volume is mounted by the
 * boot argument fs=. do= picks the exercise:
 *   list    every directory and file: "fscheck: file PATH SIZE FNV1A32" and
 *           "fscheck: dir PATH", then "fscheck: listed N files"
 *   write   files of many sizes (across sector and cluster boundaries), long
 *           names, nested directories, a rename across directories and a
 *           delete; "fscheck: wrote PATH SIZE SEED" for each file left
 *   power   writes files under /pROUND (round=) one after another forever,
 *           "fscheck: closed PATH SIZE SEED" once each is closed
 *   fill    writes /fill until the volume is full, then deletes it
 *   rofs    tries to create a file (on a read-only volume: -EROFS)
 *   bench   writes size= MiB (default 16) to /bench.bin in chunk= KiB pieces
 *           (default 64) and closes it, reads it back, then creates files=
 *           (default 200) files of 1 KiB and deletes them, each timed by the
 *           monotonic clock: "fscheck: bench PHASE N UNITS in NS ns" (bench/fs_io.py)
 * Content: byte i of a file with seed s is (i * 31 + s * 7 + (i >> 8)) & 0xff.
 * Exits 0 when every step did what it should, 1 otherwise, 2 for bad arguments.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/args.h>
#include <mote/error.h>
#include <mote/fs.h>
#include <mote/log.h>
#include <mote/system.h>
#include <mote/time.h>

#define ARG_MAX        16
#define CHUNK          4096
#define FNV_OFFSET     2166136261u
#define FNV_PRIME      16777619u
#define LIST_DEPTH_MAX 8
#define POWER_FILES    100000
#define POWER_SIZE_MAX 20000

static uint8_t chunk[CHUNK];
static unsigned failures;

static uint8_t content(uint32_t i, uint32_t seed)
{
    return (uint8_t)(i * 31 + seed * 7 + (i >> 8));
}

static void fail(const char *what, const char *path, int err)
{
    mote_log(MOTE_LOG_ERROR, "fscheck: %s %s: %s (%d)", what, path, mote_strerror(err), err);
    failures++;
}

/* Writes size bytes of seed's content to path in pieces of step bytes; prints what. */
static int write_file(const char *path, uint32_t size, uint32_t seed, uint32_t step,
                      const char *what)
{
    int fd = mote_fs_open(path, MOTE_FS_WRITE | MOTE_FS_CREATE | MOTE_FS_TRUNC);
    if (fd < 0) {
        fail("open", path, fd);
        return fd;
    }
    for (uint32_t done = 0; done < size;) {
        uint32_t n = size - done < step ? size - done : step;
        if (n > CHUNK)
            n = CHUNK;
        for (uint32_t i = 0; i < n; i++)
            chunk[i] = content(done + i, seed);
        int32_t w = mote_fs_write(fd, chunk, n);
        if (w != (int32_t)n) {
            fail("write", path, w < 0 ? w : -EIO);
            mote_fs_close(fd);
            return w < 0 ? w : -EIO;
        }
        done += n;
    }
    int err = mote_fs_close(fd);
    if (err) {
        fail("close", path, err);
        return err;
    }
    printf("fscheck: %s %s %u %u\n", what, path, (unsigned)size, (unsigned)seed);
    return 0;
}

static void list(const char *path, int depth, unsigned *files)
{
    int dh = mote_fs_opendir(path);
    if (dh < 0) {
        fail("opendir", path, dh);
        return;
    }
    static struct mote_fs_dirent ent;
    char child[MOTE_FS_PATH_MAX + 1];
    int r;
    while ((r = mote_fs_readdir(dh, &ent)) == 1) {
        snprintf(child, sizeof(child), "%s/%s", strcmp(path, "/") ? path : "", ent.name);
        if (ent.st.is_dir) {
            printf("fscheck: dir %s\n", child);
            if (depth < LIST_DEPTH_MAX)
                list(child, depth + 1, files);
            continue;
        }
        int fd = mote_fs_open(child, MOTE_FS_READ);
        if (fd < 0) {
            fail("open", child, fd);
            continue;
        }
        uint32_t hash = FNV_OFFSET, size = 0;
        int32_t n;
        while ((n = mote_fs_read(fd, chunk, sizeof(chunk))) > 0) {
            for (int32_t i = 0; i < n; i++)
                hash = (hash ^ chunk[i]) * FNV_PRIME;
            size += (uint32_t)n;
        }
        if (n < 0)
            fail("read", child, n);
        mote_fs_close(fd);
        printf("fscheck: file %s %u %08x\n", child, (unsigned)size, (unsigned)hash);
        (*files)++;
    }
    if (r < 0)
        fail("readdir", path, r);
    mote_fs_close(dh);
}

static void do_write(void)
{
    static const uint32_t sizes[] = {0,    1,    511,  512,  513,   2047,  2048,
                                     2049, 4096, 4097, 6000, 65536, 100000};
    char path[128];
    int err;
    for (unsigned i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        snprintf(path, sizeof(path), "/size %u.bin", (unsigned)sizes[i]);
        write_file(path, sizes[i], i, 1000 + i, "wrote");
    }
    if ((err = mote_fs_mkdir("/Data")) || (err = mote_fs_mkdir("/Data/Readings of November")))
        fail("mkdir", "/Data/Readings of November", err);
    write_file("/Data/Readings of November/sensor-0001.csv", 30000, 40, 777, "wrote");
    write_file("/CONFIG.INI", 200, 41, 200, "wrote");
    for (unsigned i = 0; i < 30; i++) {
        snprintf(path, sizeof(path), "/Data/a file with quite a long name, number %u.txt", i);
        write_file(path, 50 + i * 10, 50 + i, 64, "wrote");
    }
    /* A rename across directories and a delete, which the host must see done. */
    write_file("/moving.tmp", 3000, 42, 3000, "made");
    if ((err = mote_fs_rename("/moving.tmp", "/Data/Readings of November/moved here.dat")))
        fail("rename", "/moving.tmp", err);
    else
        printf("fscheck: wrote /Data/Readings of November/moved here.dat 3000 42\n");
    write_file("/deleted.bin", 5000, 43, 5000, "made");
    if ((err = mote_fs_unlink("/deleted.bin")))
        fail("unlink", "/deleted.bin", err);
    else
        printf("fscheck: deleted /deleted.bin\n");
    /* Growing a file past its cluster, opened again for appending. */
    write_file("/grown.log", 1000, 44, 1000, "made");
    int fd = mote_fs_open("/grown.log", MOTE_FS_WRITE | MOTE_FS_APPEND);
    for (uint32_t i = 0; i < 9000; i++)
        chunk[i % CHUNK] = content(1000 + i, 44);
    if (fd < 0) {
        fail("open", "/grown.log", fd);
    } else {
        /* The content continues: bytes 1000 .. 9999 of seed 44, in three writes. */
        for (uint32_t at = 1000; at < 10000; at += 3000) {
            for (uint32_t i = 0; i < 3000; i++)
                chunk[i] = content(at + i, 44);
            int32_t w = mote_fs_write(fd, chunk, 3000);
            if (w != 3000)
                fail("append", "/grown.log", w < 0 ? w : -EIO);
        }
        if ((err = mote_fs_close(fd)))
            fail("close", "/grown.log", err);
        printf("fscheck: wrote /grown.log 10000 44\n");
    }
    if ((err = mote_fs_sync()))
        fail("sync", "/", err);
    printf("fscheck: write done, %u failures\n", failures);
}

static void do_power(uint64_t round)
{
    char dir[32], path[64];
    snprintf(dir, sizeof(dir), "/p%llu", (unsigned long long)round);
    int err = mote_fs_mkdir(dir);
    if (err && err != -EEXIST) {
        fail("mkdir", dir, err);
        return;
    }
    printf("fscheck: power round %llu writing\n", (unsigned long long)round);
    for (uint32_t i = 0; i < POWER_FILES; i++) {
        uint32_t seed = (uint32_t)round * 1000 + i;
        uint32_t size = (seed * 2654435761u) % POWER_SIZE_MAX;
        snprintf(path, sizeof(path), "%s/file number %u.bin", dir, (unsigned)i);
        if (write_file(path, size, seed, 1500, "closed"))
            return;
    }
}

static void do_fill(void)
{
    struct mote_fs_statfs sf;
    int err = mote_fs_statfs(&sf);
    if (err) {
        fail("statfs", "/", err);
        return;
    }
    printf("fscheck: %llu bytes free of %llu\n", (unsigned long long)sf.free_bytes,
           (unsigned long long)sf.total_bytes);
    int fd = mote_fs_open("/fill", MOTE_FS_WRITE | MOTE_FS_CREATE | MOTE_FS_TRUNC);
    if (fd < 0) {
        fail("open", "/fill", fd);
        return;
    }
    memset(chunk, 0xa5, sizeof(chunk));
    uint64_t total = 0;
    int32_t w;
    while ((w = mote_fs_write(fd, chunk, sizeof(chunk))) > 0)
        total += (uint64_t)w;
    printf("fscheck: full after %llu bytes: %s\n", (unsigned long long)total, mote_strerror(w));
    if (w != -ENOSPC)
        fail("write", "/fill", w);
    mote_fs_close(fd);
    if ((err = mote_fs_unlink("/fill")))
        fail("unlink", "/fill", err);
    if ((err = mote_fs_statfs(&sf)) == 0)
        printf("fscheck: %llu bytes free after deleting it\n", (unsigned long long)sf.free_bytes);
}

static void do_rofs(void)
{
    bool ro = false;
    printf("fscheck: mounted %s\n",
           mote_fs_mounted(&ro) ? (ro ? "read-only" : "read-write") : "nothing");
    int fd = mote_fs_open("/new.txt", MOTE_FS_WRITE | MOTE_FS_CREATE);
    printf("fscheck: create /new.txt: %s\n", fd < 0 ? mote_strerror(fd) : "created");
    if (fd >= 0)
        mote_fs_close(fd);
    int err = mote_fs_mkdir("/newdir");
    printf("fscheck: mkdir /newdir: %s\n", err < 0 ? mote_strerror(err) : "created");
}

#define BENCH_CHUNK_MAX_KIB 1024
#define SMALL_FILE          1024

static void bench_print(const char *phase, uint64_t n, const char *unit, uint64_t t0)
{
    printf("fscheck: bench %s %llu %s in %llu ns\n", phase, (unsigned long long)n, unit,
           (unsigned long long)(mote_time_ns() - t0));
}

static void do_bench(uint64_t size_mib, uint64_t chunk_kib, uint64_t files)
{
    uint64_t bytes = size_mib << 20, chunk_len = chunk_kib << 10;
    uint8_t *buf = malloc(chunk_len);
    if (!buf || chunk_kib == 0 || chunk_kib > BENCH_CHUNK_MAX_KIB || bytes > MOTE_FS_FILE_MAX) {
        mote_log(MOTE_LOG_ERROR, "fscheck: bench: chunk= 1..%u KiB, size= below 4 GiB",
                 BENCH_CHUNK_MAX_KIB);
        failures++;
        free(buf);
        return;
    }
    for (uint64_t i = 0; i < chunk_len; i++)
        buf[i] = content((uint32_t)i, 1);
    uint64_t t0 = mote_time_ns();
    int fd = mote_fs_open("/bench.bin", MOTE_FS_WRITE | MOTE_FS_CREATE | MOTE_FS_TRUNC);
    for (uint64_t done = 0; fd >= 0 && done < bytes; done += chunk_len)
        if (mote_fs_write(fd, buf, chunk_len) != (int32_t)chunk_len) {
            fail("write", "/bench.bin", -EIO);
            break;
        }
    if (fd < 0 || mote_fs_close(fd) != 0) {
        fail("open or close", "/bench.bin", fd < 0 ? fd : -EIO);
        free(buf);
        return;
    }
    bench_print("write", bytes, "bytes", t0);
    t0 = mote_time_ns();
    fd = mote_fs_open("/bench.bin", MOTE_FS_READ);
    uint64_t got = 0;
    int32_t n;
    while (fd >= 0 && (n = mote_fs_read(fd, buf, chunk_len)) > 0)
        got += (uint64_t)n;
    if (fd >= 0)
        mote_fs_close(fd);
    if (got != bytes)
        fail("read back", "/bench.bin", -EIO);
    bench_print("read", got, "bytes", t0);
    char path[48];
    t0 = mote_time_ns();
    for (uint64_t i = 0; i < files; i++) {
        snprintf(path, sizeof(path), "/small file %llu.txt", (unsigned long long)i);
        fd = mote_fs_open(path, MOTE_FS_WRITE | MOTE_FS_CREATE | MOTE_FS_TRUNC);
        if (fd < 0 || mote_fs_write(fd, buf, SMALL_FILE) != SMALL_FILE) {
            fail("small file", path, fd < 0 ? fd : -EIO);
            break;
        }
        mote_fs_close(fd);
    }
    bench_print("create", files, "files", t0);
    t0 = mote_time_ns();
    for (uint64_t i = 0; i < files; i++) {
        snprintf(path, sizeof(path), "/small file %llu.txt", (unsigned long long)i);
        int err = mote_fs_unlink(path);
        if (err) {
            fail("unlink", path, err);
            break;
        }
    }
    bench_print("delete", files, "files", t0);
    free(buf);
}

void service_start(const char *args)
{
    char what[ARG_MAX] = "list";
    int err = mote_arg_get(args, "do", what, sizeof(what));
    if (err < 0 && err != -ENOENT) {
        mote_log(MOTE_LOG_ERROR, "fscheck: do: expected list, write, power, fill, rofs or bench");
        mote_exit(2);
    }
    uint64_t round = 0;
    if (mote_arg_get_u64(args, "round", &round) == -EINVAL) {
        mote_log(MOTE_LOG_ERROR, "fscheck: round: expected a number");
        mote_exit(2);
    }
    if (!mote_fs_mounted(NULL) && strcmp(what, "rofs") != 0) {
        mote_log(MOTE_LOG_ERROR, "fscheck: no volume mounted: %s",
                 mote_strerror(mote_fs_open("/", MOTE_FS_READ)));
        mote_exit(1);
    }
    if (strcmp(what, "list") == 0) {
        unsigned files = 0;
        list("/", 0, &files);
        printf("fscheck: listed %u files\n", files);
    } else if (strcmp(what, "write") == 0) {
        do_write();
    } else if (strcmp(what, "power") == 0) {
        do_power(round);
    } else if (strcmp(what, "fill") == 0) {
        do_fill();
    } else if (strcmp(what, "rofs") == 0) {
        do_rofs();
    } else if (strcmp(what, "bench") == 0) {
        uint64_t size = 16, chunk_kib = 64, files = 200;
        if (mote_arg_get_u64(args, "size", &size) == -EINVAL ||
            mote_arg_get_u64(args, "chunk", &chunk_kib) == -EINVAL ||
            mote_arg_get_u64(args, "files", &files) == -EINVAL) {
            mote_log(MOTE_LOG_ERROR, "fscheck: size=, chunk=, files=: expected numbers");
            mote_exit(2);
        }
        do_bench(size, chunk_kib, files);
    } else {
        mote_log(MOTE_LOG_ERROR, "fscheck: do=%s: expected list, write, power, fill, rofs or bench",
                 what);
        mote_exit(2);
    }
    if (mote_fs_mounted(NULL) && (err = mote_fs_unmount()))
        fail("unmount", "/", err);
    mote_exit(failures ? 1 : 0);
}
