// SPDX-License-Identifier: MIT
/*
 * The Linux side of bench/blk_io.py: what services/blockbench does on Mote,
 * on Linux's /dev/vda. Writes size=MiB from offset 0 in chunk=KiB writes,
 * fdatasync, then reads the range back and checks the start of every chunk (the same bytes
 * as blockbench's fill). mode=direct: O_DIRECT, one request at a time, as
 * blockbench with inflight=1; mode=buffered: through the page cache, so the
 * kernel's writeback and readahead keep many requests in flight (the cache is
 * dropped before the read). Prints the same lines as blockbench:
 *   blockbench: write BYTES bytes in NS ns
 *   blockbench: read BYTES bytes in NS ns
 * then powers the machine off (it runs as the guest's last program).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/reboot.h>
#include <time.h>
#include <unistd.h>

#define KIB          1024ull
#define MIB          (1024ull * 1024ull)
#define DIRECT_ALIGN 4096
#define CHECK_BYTES  64 /* of each chunk read back, compared (services/blockbench: the same) */

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

int main(int argc, char **argv)
{
    uint64_t mib = arg(argc, argv, "size", 16), chunk = arg(argc, argv, "chunk", 64) * KIB;
    int direct = 1;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "mode=buffered") == 0)
            direct = 0;
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
        if (memcmp(want, buf, CHECK_BYTES) != 0) { /* as blockbench: the start names the chunk */
            printf("blockbench: chunk %llu reads back different\n", (unsigned long long)c);
            off(1);
        }
    }
    printf("blockbench: read %llu bytes in %llu ns\n", (unsigned long long)(chunks * chunk),
           (unsigned long long)(now_ns() - t0));
    off(0);
}
