// SPDX-License-Identifier: MIT
/*
 * The Linux side of bench/blk_io.py: what services/blockbench does on Mote,
 * on Linux's /dev/vda. Writes size=MiB from offset 0 in chunk=KiB writes,
 * fdatasync, then reads the range back and checks every chunk (the same bytes
 * as blockbench's fill). mode=direct: O_DIRECT, one request at a time, as
 * blockbench with inflight=1; mode=buffered: through the page cache, so the
 * kernel's writeback and readahead keep many requests in flight (the cache is
 * dropped before the read). Prints the same lines as blockbench:
 *   blockbench: write BYTES bytes in NS ns
 *   blockbench: read BYTES bytes in NS ns
 * mode=files: the small-file series of services/fsbench on the vfat partition
 * /dev/vda1 (mounted on /mnt): files=N files of size=BYTES created in
 * /mnt/fsbench (each written, fsync'd and closed, as a Mote close flushes),
 * read back after the cache is dropped, deleted, then syncfs; printed as
 *   fsbench: create|read|delete N files in NS ns
 * Then it powers the machine off (it runs as the guest's last program).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define KIB          1024ull
#define MIB          (1024ull * 1024ull)
#define DIRECT_ALIGN 4096

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void fill(uint8_t *buf, uint64_t len, uint64_t c)
{
    for (uint64_t i = 0; i < len; i += sizeof(uint64_t)) {
        uint64_t v = c * 0x9e3779b97f4a7c15ull + i;
        memcpy(buf + i, &v, sizeof(v));
    }
}

static void off(int code)
{
    fflush(stdout);
    sync();
    if (code)
        printf("blockbench: failed\n");
    fflush(stdout);
    reboot(RB_POWER_OFF);
    exit(code);
}

static uint64_t arg(int argc, char **argv, const char *key, uint64_t dflt)
{
    size_t n = strlen(key);
    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], key, n) == 0 && argv[i][n] == '=')
            return strtoull(argv[i] + n + 1, NULL, 10);
    return dflt;
}

static void drop_caches(void)
{
    sync();
    int dc = open("/proc/sys/vm/drop_caches", O_WRONLY);
    if (dc >= 0) {
        (void)!write(dc, "3\n", 2);
        close(dc);
    }
}

static void fail(const char *what, const char *path)
{
    printf("fsbench: %s %s: ", what, path);
    fflush(stdout);
    perror("");
    off(1);
}

static void report(const char *phase, uint64_t files, uint64_t t0)
{
    printf("fsbench: %s %llu files in %llu ns\n", phase, (unsigned long long)files,
           (unsigned long long)(now_ns() - t0));
}

/* The small-file series: what services/fsbench does, on Linux's vfat. */
static void files_series(uint64_t files, uint64_t size)
{
    if (mount("/dev/vda1", "/mnt", "vfat", 0, NULL) != 0)
        fail("mounting", "/dev/vda1");
    mkdir("/mnt/fsbench", 0755);
    uint8_t *buf = malloc(size), *want = malloc(size);
    char path[64];
    uint64_t t0 = now_ns();
    for (uint64_t n = 0; n < files; n++) {
        snprintf(path, sizeof(path), "/mnt/fsbench/file%llu.dat", (unsigned long long)n);
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0)
            fail("creating", path);
        for (uint64_t i = 0; i < size; i++)
            buf[i] = (uint8_t)(n * 7 + i);
        if (write(fd, buf, size) != (ssize_t)size || fsync(fd) != 0 || close(fd) != 0)
            fail("writing", path);
    }
    report("create", files, t0);
    drop_caches();
    t0 = now_ns();
    for (uint64_t n = 0; n < files; n++) {
        snprintf(path, sizeof(path), "/mnt/fsbench/file%llu.dat", (unsigned long long)n);
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            fail("opening", path);
        for (uint64_t i = 0; i < size; i++)
            want[i] = (uint8_t)(n * 7 + i);
        if (read(fd, buf, size) != (ssize_t)size || memcmp(buf, want, size) != 0)
            fail("reading back", path);
        close(fd);
    }
    report("read", files, t0);
    t0 = now_ns();
    for (uint64_t n = 0; n < files; n++) {
        snprintf(path, sizeof(path), "/mnt/fsbench/file%llu.dat", (unsigned long long)n);
        if (unlink(path) != 0)
            fail("deleting", path);
    }
    int dir = open("/mnt", O_RDONLY);
    if (dir < 0 || syncfs(dir) != 0)
        fail("syncing", "/mnt");
    report("delete", files, t0);
    off(0);
}

int main(int argc, char **argv)
{
    uint64_t mib = arg(argc, argv, "size", 16), chunk = arg(argc, argv, "chunk", 64) * KIB;
    int direct = 1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "mode=buffered") == 0)
            direct = 0;
        if (strcmp(argv[i], "mode=files") == 0)
            files_series(arg(argc, argv, "files", 200), arg(argc, argv, "size", 1024));
    }
    int fd = open("/dev/vda", O_RDWR | (direct ? O_DIRECT : 0));
    if (fd < 0) {
        perror("blockbench: /dev/vda");
        off(1);
    }
    uint8_t *buf, *want;
    if (posix_memalign((void **)&buf, DIRECT_ALIGN, chunk) ||
        posix_memalign((void **)&want, DIRECT_ALIGN, chunk))
        off(1);
    uint64_t chunks = mib * MIB / chunk;
    printf("blockbench: /dev/vda, %llu chunks of %llu bytes, %s\n", (unsigned long long)chunks,
           (unsigned long long)chunk, direct ? "O_DIRECT" : "buffered");
    uint64_t t0 = now_ns();
    for (uint64_t c = 0; c < chunks; c++) {
        fill(buf, chunk, c);
        if (pwrite(fd, buf, chunk, (off_t)(c * chunk)) != (ssize_t)chunk) {
            perror("blockbench: write");
            off(1);
        }
    }
    if (fdatasync(fd)) {
        perror("blockbench: fdatasync");
        off(1);
    }
    printf("blockbench: write %llu bytes in %llu ns\n", (unsigned long long)(chunks * chunk),
           (unsigned long long)(now_ns() - t0));
    if (!direct) {
        posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED); /* read from the disk, not the cache */
        int dc = open("/proc/sys/vm/drop_caches", O_WRONLY);
        if (dc >= 0) {
            (void)!write(dc, "3\n", 2);
            close(dc);
        }
    }
    t0 = now_ns();
    for (uint64_t c = 0; c < chunks; c++) {
        if (pread(fd, buf, chunk, (off_t)(c * chunk)) != (ssize_t)chunk) {
            perror("blockbench: read");
            off(1);
        }
        fill(want, chunk, c);
        if (memcmp(want, buf, chunk) != 0) {
            printf("blockbench: chunk %llu reads back different\n", (unsigned long long)c);
            off(1);
        }
    }
    printf("blockbench: read %llu bytes in %llu ns\n", (unsigned long long)(chunks * chunk),
           (unsigned long long)(now_ns() - t0));
    off(0);
}
