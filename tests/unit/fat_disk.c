// SPDX-License-Identifier: MIT
/* Disk images for the FAT tests, see fat_disk.h. */
#include "tests/unit/fat_disk.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CMD_MAX 2048

static char tmpdir[128];

static void remove_tmpdir(void)
{
    fat_test_sh("rm -rf %s", tmpdir);
}

static const char *dir(void)
{
    if (!tmpdir[0]) {
        setenv("MTOOLS_SKIP_CHECK", "1", 1); /* mtools: no complaint about unusual geometry */
        snprintf(tmpdir, sizeof(tmpdir), "/tmp/mote-fat-test-XXXXXX");
        if (!mkdtemp(tmpdir)) {
            perror("mkdtemp");
            exit(1);
        }
        atexit(remove_tmpdir);
    }
    return tmpdir;
}

int fat_test_sh(const char *fmt, ...)
{
    char cmd[CMD_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof(cmd), fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

void fat_test_mkfs(struct fat_test_disk *d, int bits, unsigned kib, const char *extra)
{
    static unsigned n;
    memset(d, 0, sizeof(*d));
    d->fd = -1;
    snprintf(d->path, sizeof(d->path), "%s/img%u-%d.img", dir(), n++, bits);
    unlink(d->path);
    if (fat_test_sh("mkfs.fat -C -F %d %s %s %u >/dev/null 2>&1", bits, extra ? extra : "", d->path,
                    kib) != 0) {
        fprintf(stderr, "mkfs.fat -F %d failed\n", bits);
        exit(1);
    }
}

static int disk_read(void *ctx, uint64_t sector, void *buf, uint32_t count)
{
    struct fat_test_disk *d = ctx;
    size_t len = (size_t)count * FAT_TEST_SECTOR;
    return pread(d->fd, buf, len, (off_t)(sector * FAT_TEST_SECTOR)) == (ssize_t)len ? 0 : -EIO;
}

static int disk_write(void *ctx, uint64_t sector, const void *buf, uint32_t count)
{
    struct fat_test_disk *d = ctx;
    if (d->fail_after && d->writes >= d->fail_after)
        return -EIO;
    d->writes += count;
    size_t len = (size_t)count * FAT_TEST_SECTOR;
    return pwrite(d->fd, buf, len, (off_t)(sector * FAT_TEST_SECTOR)) == (ssize_t)len ? 0 : -EIO;
}

static int64_t disk_now(void *ctx)
{
    (void)ctx;
    return 1700000000; /* 2023-11-14 22:13:20 UTC */
}

static void disk_log(void *ctx, const char *msg)
{
    struct fat_test_disk *d = ctx;
    snprintf(d->last_log, sizeof(d->last_log), "%s", msg);
    d->logs++;
}

void fat_test_open(struct fat_test_disk *d, struct fat_disk *disk, bool read_only)
{
    d->fd = open(d->path, read_only ? O_RDONLY : O_RDWR);
    if (d->fd < 0) {
        perror(d->path);
        exit(1);
    }
    struct stat st;
    fstat(d->fd, &st);
    memset(disk, 0, sizeof(*disk));
    disk->ctx = d;
    disk->sector_size = FAT_TEST_SECTOR;
    disk->sectors = (uint64_t)st.st_size / FAT_TEST_SECTOR;
    disk->read_only = read_only;
    disk->read = disk_read;
    disk->write = disk_write;
    disk->now = disk_now;
    disk->log = disk_log;
}

void fat_test_close(struct fat_test_disk *d)
{
    if (d->fd >= 0)
        close(d->fd);
    d->fd = -1;
}

void fat_test_remove(struct fat_test_disk *d)
{
    fat_test_close(d);
    unlink(d->path);
}

void fat_test_fill(uint8_t *buf, size_t len, unsigned seed)
{
    uint32_t x = seed * 2654435761u + 1;
    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        buf[i] = (uint8_t)x;
    }
}

const char *fat_test_host_file(size_t len, unsigned seed)
{
    static char path[256];
    snprintf(path, sizeof(path), "%s/host-%zu-%u", dir(), len, seed);
    uint8_t *buf = malloc(len + 1);
    fat_test_fill(buf, len, seed);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(buf, 1, len, f) != len) {
        perror(path);
        exit(1);
    }
    fclose(f);
    free(buf);
    return path;
}

bool fat_test_mtype_equals(struct fat_test_disk *d, const char *path, const uint8_t *buf,
                           size_t len)
{
    char out[256];
    snprintf(out, sizeof(out), "%s/mtype.out", dir());
    if (fat_test_sh("mcopy -n -i %s '::%s' %s 2>/dev/null", d->path, path, out) != 0)
        return false;
    FILE *f = fopen(out, "rb");
    if (!f)
        return false;
    uint8_t *got = malloc(len + 1);
    size_t n = fread(got, 1, len + 1, f);
    fclose(f);
    bool same = n == len && memcmp(got, buf, len) == 0;
    free(got);
    return same;
}

int fat_test_fsck(struct fat_test_disk *d)
{
    return fat_test_sh("fsck.fat -n %s >%s/fsck.out 2>&1 || { cat %s/fsck.out; exit 1; }", d->path,
                       dir(), dir());
}

void fat_test_poke(struct fat_test_disk *d, uint64_t off, const void *buf, size_t len)
{
    int fd = open(d->path, O_RDWR);
    if (fd < 0 || pwrite(fd, buf, len, (off_t)off) != (ssize_t)len) {
        perror(d->path);
        exit(1);
    }
    close(fd);
}

void fat_test_peek(struct fat_test_disk *d, uint64_t off, void *buf, size_t len)
{
    int fd = open(d->path, O_RDONLY);
    if (fd < 0 || pread(fd, buf, len, (off_t)off) != (ssize_t)len) {
        perror(d->path);
        exit(1);
    }
    close(fd);
}
