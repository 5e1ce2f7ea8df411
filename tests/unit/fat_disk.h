/* SPDX-License-Identifier: MIT */
/*
 * Disk images for the FAT tests: made by mkfs.fat, filled by mtools, read
 * back by mtools and checked by fsck.fat; lib/fat reaches them through a
 * struct fat_disk over the file (tests/unit/fat_disk.c).
 */
#ifndef TESTS_UNIT_FAT_DISK_H
#define TESTS_UNIT_FAT_DISK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/fat/fat.h"

#define FAT_TEST_SECTOR 512

struct fat_test_disk {
    int fd;
    char path[256];
    unsigned writes;     /* sector writes so far */
    unsigned fail_after; /* fail writes after this many (0: never) */
    char last_log[200];
    unsigned logs;
};

/* Runs a shell command; returns its exit status. */
int fat_test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A fresh image of kib KiB in a temporary directory: mkfs.fat -F bits (and extra options). */
void fat_test_mkfs(struct fat_test_disk *d, int bits, unsigned kib, const char *extra);
/* Opens d's image as a struct fat_disk (read_only as asked). */
void fat_test_open(struct fat_test_disk *d, struct fat_disk *disk, bool read_only);
void fat_test_close(struct fat_test_disk *d);
/* Removes the image. */
void fat_test_remove(struct fat_test_disk *d);
/* Deterministic content: byte i of file seed. */
void fat_test_fill(uint8_t *buf, size_t len, unsigned seed);
/* A host file with that content, for mcopy. Returns its path (static buffer). */
const char *fat_test_host_file(size_t len, unsigned seed);
/* Whether mtype of path in the image gives exactly buf. */
bool fat_test_mtype_equals(struct fat_test_disk *d, const char *path, const uint8_t *buf,
                           size_t len);
/* fsck.fat -n on the image: 0 when clean. */
int fat_test_fsck(struct fat_test_disk *d);
/* Raw access to the image for corrupting it. */
void fat_test_poke(struct fat_test_disk *d, uint64_t off, const void *buf, size_t len);
void fat_test_peek(struct fat_test_disk *d, uint64_t off, void *buf, size_t len);

#endif
