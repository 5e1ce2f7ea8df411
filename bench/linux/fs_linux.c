// SPDX-License-Identifier: MIT
/*
 * The Linux side of bench/fs_io.py: the same file work as services/fscheck
 * do=bench, on a vfat volume Linux mounted at DIR. Each phase ends with its
 * data on the disk, as Mote's close does: the big file is fsync'ed before its
 * close, the page cache is dropped before it is read (Mote has none), every
 * small file is fsync'ed, and the deletes end with syncfs. Prints
 * "fscheck: bench PHASE N UNITS in NS ns" by CLOCK_MONOTONIC, as Mote does.
 * Usage: fs_linux DIR SIZE_MIB CHUNK_KIB FILES
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define SMALL_FILE 1024

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void report(const char *phase, unsigned long long n, const char *unit, uint64_t t0)
{
    printf("fscheck: bench %s %llu %s in %llu ns\n", phase, n, unit,
           (unsigned long long)(now_ns() - t0));
    fflush(stdout);
}

static void die(const char *what, const char *path)
{
    printf("fs_linux: %s %s failed\n", what, path);
    fflush(stdout);
    exit(1);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: fs_linux DIR SIZE_MIB CHUNK_KIB FILES\n");
        return 2;
    }
    const char *dir = argv[1];
    unsigned long long bytes = strtoull(argv[2], NULL, 10) << 20;
    size_t chunk = (size_t)strtoul(argv[3], NULL, 10) << 10;
    unsigned long files = strtoul(argv[4], NULL, 10);
    uint8_t *buf = malloc(chunk);
    char path[512];
    if (!buf || chunk == 0)
        die("malloc", "");
    for (size_t i = 0; i < chunk; i++) /* services/fscheck's content, seed 1 */
        buf[i] = (uint8_t)(i * 31 + 7 + (i >> 8));

    snprintf(path, sizeof(path), "%s/bench.bin", dir);
    uint64_t t0 = now_ns();
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die("open", path);
    for (unsigned long long done = 0; done < bytes; done += chunk)
        if (write(fd, buf, chunk) != (ssize_t)chunk)
            die("write", path);
    if (fsync(fd) || close(fd))
        die("fsync", path);
    report("write", bytes, "bytes", t0);

    sync();
    int drop = open("/proc/sys/vm/drop_caches", O_WRONLY);
    if (drop < 0 || write(drop, "3\n", 2) != 2)
        die("drop_caches", "");
    close(drop);
    t0 = now_ns();
    fd = open(path, O_RDONLY);
    unsigned long long got = 0;
    ssize_t n;
    while (fd >= 0 && (n = read(fd, buf, chunk)) > 0)
        got += (unsigned long long)n;
    if (fd < 0 || got != bytes)
        die("read", path);
    close(fd);
    report("read", got, "bytes", t0);

    t0 = now_ns();
    for (unsigned long i = 0; i < files; i++) {
        snprintf(path, sizeof(path), "%s/small file %lu.txt", dir, i);
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || write(fd, buf, SMALL_FILE) != SMALL_FILE || fsync(fd) || close(fd))
            die("small file", path);
    }
    report("create", files, "files", t0);
    t0 = now_ns();
    for (unsigned long i = 0; i < files; i++) {
        snprintf(path, sizeof(path), "%s/small file %lu.txt", dir, i);
        if (unlink(path))
            die("unlink", path);
    }
    fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0 || syncfs(fd))
        die("syncfs", dir);
    close(fd);
    report("delete", files, "files", t0);
    return 0;
}
