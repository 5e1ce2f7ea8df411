// SPDX-License-Identifier: MIT
/*
 * lib/fat on FAT12, FAT16 and FAT32 images made by mkfs.fat: files and
 * directories put there by mtools read back byte for byte; what lib/fat
 * writes reads back byte for byte with mtools and fsck.fat -n finds it clean.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "lib/fat/internal.h"
#include "tests/unit/fat_disk.h"

struct fixture {
    int bits;
    unsigned kib;
    const char *mkfs_extra;
    struct fat_test_disk d;
    struct fat_disk disk;
    struct fat_volume vol;
};

static struct fixture fat12 = {.bits = 12, .kib = 2048};
static struct fixture fat16 = {.bits = 16, .kib = 16384};
static struct fixture fat32 = {.bits = 32, .kib = 40960, .mkfs_extra = "-s 1"};
static struct fixture fat32_small = {.bits = 32, .kib = 131072, .mkfs_extra = "-s 8"};

/* Sizes around sector and cluster boundaries (clusters: 2 KiB on FAT12/16, 512 B on FAT32). */
static const size_t sizes[] = {0, 1, 100, 511, 512, 513, 2047, 2048, 2049, 4096, 6000, 70000};

static int setup(void **state)
{
    struct fixture *fx = *state;
    fat_test_mkfs(&fx->d, fx->bits, fx->kib, fx->mkfs_extra);
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    fat_test_remove(&fx->d);
    return 0;
}

static void mount(struct fixture *fx, bool ro)
{
    fat_test_open(&fx->d, &fx->disk, ro);
    assert_int_equal(fat_mount(&fx->vol, &fx->disk, ro), 0);
}

static void unmount(struct fixture *fx)
{
    assert_int_equal(fat_unmount(&fx->vol), 0);
    fat_test_close(&fx->d);
}

static void check_file(struct fixture *fx, const char *path, size_t len, unsigned seed)
{
    struct fat_file f;
    uint8_t *want = malloc(len + 1), *got = malloc(len + 16);
    fat_test_fill(want, len, seed);
    assert_int_equal(fat_open(&fx->vol, path, MOTE_FS_READ, &f), 0);
    /* Odd-sized reads cross sector and cluster boundaries. */
    size_t done = 0;
    int32_t n;
    while ((n = fat_read(&f, got + done, 777)) > 0)
        done += (size_t)n;
    assert_int_equal(n, 0);
    assert_int_equal(done, len);
    assert_memory_equal(got, want, len);
    assert_int_equal(fat_close(&f), 0);
    free(want);
    free(got);
}

static void test_fat_reads_what_mtools_wrote(void **state)
{
    struct fixture *fx = *state;
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
        assert_int_equal(fat_test_sh("mcopy -i %s %s ::/F%zu.BIN", fx->d.path,
                                     fat_test_host_file(sizes[i], (unsigned)i), sizes[i]),
                         0);
    assert_int_equal(fat_test_sh("mmd -i %s '::/A long directory name' "
                                 "'::/A long directory name/nested.dir'",
                                 fx->d.path),
                     0);
    assert_int_equal(fat_test_sh("mcopy -i %s %s '::/A long directory name/nested.dir/"
                                 "Readings of the day, 2024.csv'",
                                 fx->d.path, fat_test_host_file(5000, 99)),
                     0);
    mount(fx, true);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        char path[32];
        snprintf(path, sizeof(path), "/f%zu.bin", sizes[i]); /* case does not matter */
        check_file(fx, path, sizes[i], (unsigned)i);
    }
    check_file(fx, "A LONG directory name/./nested.dir/readings of the day, 2024.csv", 5000, 99);

    struct fat_file d;
    struct mote_fs_dirent ent;
    assert_int_equal(fat_opendir(&fx->vol, "/a long directory name", &d), 0);
    assert_int_equal(fat_readdir(&d, &ent), 1);
    assert_string_equal(ent.name, "nested.dir");
    assert_true(ent.st.is_dir);
    assert_int_equal(fat_readdir(&d, &ent), 0);
    assert_int_equal(fat_close(&d), 0);

    struct mote_fs_stat st;
    assert_int_equal(fat_stat(&fx->vol, "/F70000.BIN", &st), 0);
    assert_int_equal(st.size, 70000);
    assert_false(st.is_dir);
    assert_int_equal(fat_stat(&fx->vol, "/nothing", &st), -ENOENT);
    assert_int_equal(fat_stat(&fx->vol, "/F1.BIN/x", &st), -ENOTDIR);
    assert_int_equal(fat_stat(&fx->vol, "/../F1.BIN", &st), -EINVAL);
    unmount(fx);
}

static void write_file(struct fixture *fx, const char *path, size_t len, unsigned seed,
                       size_t chunk)
{
    struct fat_file f;
    uint8_t *buf = malloc(len + 1);
    fat_test_fill(buf, len, seed);
    assert_int_equal(fat_open(&fx->vol, path, MOTE_FS_WRITE | MOTE_FS_CREATE | MOTE_FS_TRUNC, &f),
                     0);
    for (size_t done = 0; done < len;) {
        size_t n = len - done < chunk ? len - done : chunk;
        assert_int_equal(fat_write(&f, buf + done, (uint32_t)n), (int32_t)n);
        done += n;
    }
    assert_int_equal(fat_close(&f), 0);
    free(buf);
}

static void expect_on_host(struct fixture *fx, const char *path, size_t len, unsigned seed)
{
    uint8_t *buf = malloc(len + 1);
    fat_test_fill(buf, len, seed);
    if (!fat_test_mtype_equals(&fx->d, path, buf, len))
        fail_msg("mtools reads %s differently from the %zu bytes written", path, len);
    free(buf);
}

static void test_fat_writes_what_mtools_and_fsck_accept(void **state)
{
    struct fixture *fx = *state;
    mount(fx, false);
    char path[300];
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        snprintf(path, sizeof(path), "/file %zu bytes.dat", sizes[i]);
        write_file(fx, path, sizes[i], (unsigned)(100 + i), 1000 + i);
    }
    assert_int_equal(fat_mkdir(&fx->vol, "/logs"), 0);
    assert_int_equal(fat_mkdir(&fx->vol, "/logs/2024 November"), 0);
    assert_int_equal(fat_mkdir(&fx->vol, "/logs/2024 November"), -EEXIST);
    assert_int_equal(fat_mkdir(&fx->vol, "/logs/2024 November/deeper"), 0);
    write_file(fx, "/logs/2024 November/deeper/readings.csv", 9000, 7, 4096);
    write_file(fx, "/CONFIG.TXT", 300, 8, 300);
    write_file(fx, "/lower.txt", 10, 9, 10);
    write_file(fx, "/Makefile", 20, 10, 20);
    /* Many files in one directory: it grows past its first cluster. */
    for (unsigned i = 0; i < 40; i++) {
        snprintf(path, sizeof(path), "/logs/a rather long file name number %u.log", i);
        write_file(fx, path, 100 + i, 200 + i, 64);
    }
    /* Rename across directories, then delete. */
    assert_int_equal(fat_rename(&fx->vol, "/CONFIG.TXT", "/logs/app configuration.txt"), 0);
    assert_int_equal(fat_rename(&fx->vol, "/lower.txt", "/LOWER.TXT"), 0);
    assert_int_equal(fat_rename(&fx->vol, "/logs/2024 November", "/archive"), 0);
    assert_int_equal(fat_rename(&fx->vol, "/archive", "/archive/deeper/x"), -EINVAL);
    assert_int_equal(fat_unlink(&fx->vol, "/file 2049 bytes.dat"), 0);
    assert_int_equal(fat_unlink(&fx->vol, "/file 2049 bytes.dat"), -ENOENT);
    assert_int_equal(fat_rmdir(&fx->vol, "/archive"), -ENOTEMPTY);
    assert_int_equal(fat_mkdir(&fx->vol, "/empty"), 0);
    assert_int_equal(fat_rmdir(&fx->vol, "/empty"), 0);
    unmount(fx);

    assert_int_equal(fat_test_fsck(&fx->d), 0);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        snprintf(path, sizeof(path), "/file %zu bytes.dat", sizes[i]);
        if (sizes[i] != 2049)
            expect_on_host(fx, path, sizes[i], (unsigned)(100 + i));
    }
    expect_on_host(fx, "/archive/deeper/readings.csv", 9000, 7);
    expect_on_host(fx, "/logs/app configuration.txt", 300, 8);
    expect_on_host(fx, "/LOWER.TXT", 10, 9);
    expect_on_host(fx, "/Makefile", 20, 10);
    for (unsigned i = 0; i < 40; i++) {
        snprintf(path, sizeof(path), "/logs/a rather long file name number %u.log", i);
        expect_on_host(fx, path, 100 + i, 200 + i);
    }
    assert_int_not_equal(
        fat_test_sh("mdir -i %s '::/file 2049 bytes.dat' >/dev/null 2>&1", fx->d.path), 0);
    /* The 8.3 names generated for long ones are what Windows would pick. */
    assert_int_equal(fat_test_sh("mdir -i %s ::/logs | grep -q 'ARATHE~1 LOG'", fx->d.path), 0);
    assert_int_equal(fat_test_sh("mdir -i %s ::/ | grep -q '^MAKEFILE *20'", fx->d.path), 0);
}

static void test_fat_seek_truncate_append(void **state)
{
    struct fixture *fx = *state;
    mount(fx, false);
    struct fat_file f;
    uint8_t buf[8192], want[12000];
    fat_test_fill(buf, sizeof(buf), 1);
    assert_int_equal(fat_open(&fx->vol, "/t.bin", MOTE_FS_RDWR | MOTE_FS_CREATE, &f), 0);
    assert_int_equal(fat_write(&f, buf, 5000), 5000);
    /* A seek past the end leaves a gap that reads as zeros. */
    assert_int_equal(fat_seek(&f, 7000, MOTE_FS_SEEK_SET), 7000);
    assert_int_equal(fat_write(&f, buf, 1000), 1000);
    memcpy(want, buf, 5000);
    memset(want + 5000, 0, 2000);
    memcpy(want + 7000, buf, 1000);
    assert_int_equal(fat_truncate(&f, 6000), 0);
    assert_int_equal(fat_truncate(&f, 6500), 0); /* grows with zeros */
    memset(want + 6000, 0, 500);
    assert_int_equal(fat_seek(&f, -100, MOTE_FS_SEEK_END), 6400);
    assert_int_equal(fat_seek(&f, -7000, MOTE_FS_SEEK_CUR), -EINVAL);
    assert_int_equal(fat_close(&f), 0);
    assert_int_equal(fat_open(&fx->vol, "/t.bin", MOTE_FS_WRITE | MOTE_FS_APPEND, &f), 0);
    assert_int_equal(fat_write(&f, buf + 100, 3000), 3000);
    memcpy(want + 6500, buf + 100, 3000);
    assert_int_equal(fat_close(&f), 0);
    assert_int_equal(
        fat_open(&fx->vol, "/t.bin", MOTE_FS_WRITE | MOTE_FS_CREATE | MOTE_FS_EXCL, &f), -EEXIST);
    assert_int_equal(fat_open(&fx->vol, "/t.bin", MOTE_FS_READ, &f), 0);
    struct fat_file g;
    assert_int_equal(fat_open(&fx->vol, "/t.bin", MOTE_FS_WRITE, &g), -EBUSY);
    assert_int_equal(fat_unlink(&fx->vol, "/t.bin"), -EBUSY);
    assert_int_equal(fat_unmount(&fx->vol), -EBUSY);
    assert_int_equal(fat_close(&f), 0);
    unmount(fx);
    assert_int_equal(fat_test_fsck(&fx->d), 0);
    if (!fat_test_mtype_equals(&fx->d, "/t.bin", want, 9500))
        fail_msg("mtools reads /t.bin differently");
}

static void test_fat_full_volume_and_read_only(void **state)
{
    struct fixture *fx = *state;
    mount(fx, false);
    struct mote_fs_statfs sf;
    assert_int_equal(fat_statfs(&fx->vol, &sf), 0);
    assert_int_equal(sf.fat_bits, fx->bits);
    uint64_t free_before = sf.free_bytes;
    assert_true(free_before > 0 && free_before <= sf.total_bytes);
    struct fat_file f;
    uint8_t buf[65536];
    fat_test_fill(buf, sizeof(buf), 3);
    assert_int_equal(fat_open(&fx->vol, "/fill", MOTE_FS_WRITE | MOTE_FS_CREATE, &f), 0);
    int32_t n;
    uint64_t total = 0;
    while ((n = fat_write(&f, buf, sizeof(buf))) == (int32_t)sizeof(buf))
        total += (uint64_t)n;
    assert_true(n >= 0); /* the short write */
    total += (uint64_t)n;
    assert_int_equal(fat_write(&f, buf, 1), -ENOSPC);
    assert_int_equal(fat_close(&f), 0);
    assert_int_equal(total, free_before);
    assert_int_equal(fat_statfs(&fx->vol, &sf), 0);
    assert_int_equal(sf.free_bytes, 0);
    assert_int_equal(fat_mkdir(&fx->vol, "/nospace"), -ENOSPC);
    assert_int_equal(fat_unlink(&fx->vol, "/fill"), 0);
    assert_int_equal(fat_statfs(&fx->vol, &sf), 0);
    assert_int_equal(sf.free_bytes, free_before);
    write_file(fx, "/ro.txt", 1234, 4, 1234);
    unmount(fx);
    assert_int_equal(fat_test_fsck(&fx->d), 0);

    mount(fx, true);
    assert_int_equal(fat_open(&fx->vol, "/ro.txt", MOTE_FS_WRITE, &f), -EROFS);
    assert_int_equal(fat_open(&fx->vol, "/new", MOTE_FS_WRITE | MOTE_FS_CREATE, &f), -EROFS);
    assert_int_equal(fat_mkdir(&fx->vol, "/d"), -EROFS);
    assert_int_equal(fat_unlink(&fx->vol, "/ro.txt"), -EROFS);
    assert_int_equal(fat_rename(&fx->vol, "/ro.txt", "/x"), -EROFS);
    check_file(fx, "/ro.txt", 1234, 4);
    unmount(fx);
}

/* The first cluster of path, through the engine's own lookup. */
static uint32_t first_cluster(struct fixture *fx, const char *path)
{
    struct fat_node node;
    assert_int_equal(fat_path_resolve(&fx->vol, path, &node), 0);
    return node.first_cluster;
}

/* Writes FAT entry cl = value in every FAT copy of the image. */
static void poke_fat(struct fixture *fx, uint32_t cl, uint32_t value)
{
    struct fat_volume *v = &fx->vol;
    for (unsigned copy = 0; copy < v->fats; copy++) {
        uint64_t base = (v->fat_start + (uint64_t)copy * v->fat_sectors) * v->sector_size;
        if (v->fat_bits == 12) {
            uint8_t b[2];
            uint64_t off = base + cl + cl / 2;
            fat_test_peek(&fx->d, off, b, 2);
            uint16_t w = (uint16_t)(b[0] | b[1] << 8);
            w = cl & 1 ? (uint16_t)((w & 0x000f) | value << 4) : (uint16_t)((w & 0xf000) | value);
            b[0] = (uint8_t)w;
            b[1] = (uint8_t)(w >> 8);
            fat_test_poke(&fx->d, off, b, 2);
        } else {
            uint8_t b[4];
            put32(b, value);
            fat_test_poke(&fx->d, base + (uint64_t)cl * (v->fat_bits / 8), b, v->fat_bits / 8);
        }
    }
}

static void test_fat_refuses_corrupt_volumes(void **state)
{
    struct fixture *fx = *state;
    struct fat_file f;
    uint8_t buf[100];
    assert_int_equal(
        fat_test_sh("mcopy -i %s %s ::/LOOP.BIN", fx->d.path, fat_test_host_file(10000, 1)), 0);
    assert_int_equal(
        fat_test_sh("mcopy -i %s %s ::/OTHER.BIN", fx->d.path, fat_test_host_file(10000, 2)), 0);
    assert_int_equal(
        fat_test_sh("mcopy -i %s %s ::/BIG.BIN", fx->d.path, fat_test_host_file(100, 3)), 0);
    mount(fx, false);
    uint32_t loop = first_cluster(fx, "/LOOP.BIN"), other = first_cluster(fx, "/OTHER.BIN");
    uint32_t big = first_cluster(fx, "/BIG.BIN");
    unmount(fx);

    /* A chain that loops back on itself: reads end in -EUCLEAN, never hang. */
    poke_fat(fx, loop + 1, loop);
    /* Two chains merging: a cross-link, found before any allocation. */
    poke_fat(fx, other + 1, loop + 3);
    /* A size far beyond the chain. */
    uint8_t big_size[4];
    put32(big_size, 5000000);
    mount(fx, false);
    struct fat_node node;
    assert_int_equal(fat_path_resolve(&fx->vol, "/BIG.BIN", &node), 0);
    unmount(fx);
    uint64_t sector =
        node.loc.dir_cluster == 0
            ? fx->vol.root_start + node.loc.slot * 32 / 512
            : fat_cluster_sector(&fx->vol, node.loc.dir_cluster) + node.loc.slot * 32 / 512;
    fat_test_poke(&fx->d, sector * 512 + node.loc.slot * 32 % 512 + DIR_FILE_SIZE, big_size, 4);

    mount(fx, false);
    unsigned logs = fx->d.logs;
    assert_int_equal(fat_open(&fx->vol, "/LOOP.BIN", MOTE_FS_READ, &f), -EUCLEAN);
    assert_true(fx->d.logs > logs);
    assert_non_null(strstr(fx->d.last_log, "loops"));
    assert_int_equal(fat_open(&fx->vol, "/BIG.BIN", MOTE_FS_READ, &f), -EUCLEAN);
    assert_non_null(strstr(fx->d.last_log, "5000000 bytes"));
    assert_int_equal(fat_unlink(&fx->vol, "/LOOP.BIN"), -EUCLEAN);
    assert_int_equal(fat_open(&fx->vol, "/new", MOTE_FS_WRITE | MOTE_FS_CREATE, &f), 0);
    assert_int_equal(fat_write(&f, buf, 100), -EUCLEAN);
    assert_non_null(strstr(fx->d.last_log, "cross-link"));
    fat_close(&f);
    (void)big;
    unmount(fx);

    /* An entry whose first cluster is outside the volume. */
    uint8_t far[2] = {0xff, 0xff};
    fat_test_poke(&fx->d, sector * 512 + node.loc.slot * 32 % 512 + DIR_FST_CLUS_LO, far, 2);
    mount(fx, true);
    assert_int_equal(fat_open(&fx->vol, "/BIG.BIN", MOTE_FS_READ, &f), -EUCLEAN);
    unmount(fx);

    /* Boot sectors that are not FAT. */
    uint8_t bs[512], bad[512];
    fat_test_peek(&fx->d, 0, bs, sizeof(bs));
    static const struct {
        unsigned off;
        uint8_t value;
    } breaks[] = {{510, 0},   {0, 0},  {12, 0}, {12, 3},    {13, 3}, {13, 0}, {14, 0},
                  {15, 0xff}, {16, 0}, {16, 9}, {21, 0x12}, {19, 0}, {22, 0}, {36, 0}};
    for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
        memcpy(bad, bs, sizeof(bad));
        bad[breaks[i].off] = breaks[i].value;
        if (breaks[i].off == 22 || breaks[i].off == 36) {
            bad[22] = bad[23] = 0;
            bad[36] = bad[37] = bad[38] = bad[39] = 0;
        }
        if (breaks[i].off == 19) { /* total sectors beyond the disk */
            bad[19] = bad[20] = 0;
            bad[32] = bad[33] = bad[34] = bad[35] = 0xff;
        }
        fat_test_poke(&fx->d, 0, bad, sizeof(bad));
        fat_test_open(&fx->d, &fx->disk, true);
        int err = fat_mount(&fx->vol, &fx->disk, true);
        fat_test_close(&fx->d);
        if (err != -EUCLEAN)
            fail_msg("boot sector byte %u = %#x: mount gave %d, -EUCLEAN expected", breaks[i].off,
                     breaks[i].value, err);
    }
    fat_test_poke(&fx->d, 0, bs, sizeof(bs));
}

static void test_fat_names(void **state)
{
    (void)state;
    uint8_t sfn[FAT_SFN_LEN], nt;
    assert_true(fat_name_is_short("README.TXT", sfn, &nt));
    assert_memory_equal(sfn, "README  TXT", 11);
    assert_int_equal(nt, 0);
    assert_true(fat_name_is_short("readme.txt", sfn, &nt));
    assert_int_equal(nt, NTRES_BASE_LOWER | NTRES_EXT_LOWER);
    assert_false(fat_name_is_short("ReadMe.txt", sfn, &nt));
    assert_false(fat_name_is_short("a.b.c", sfn, &nt));
    assert_false(fat_name_is_short("toolongname.txt", sfn, &nt));
    assert_false(fat_name_is_short("a b.txt", sfn, &nt));
    fat_name_basis("A rather long name.html", sfn);
    assert_memory_equal(sfn, "ARATHERLHTM", 11);
    fat_name_tail(sfn, 1);
    assert_memory_equal(sfn, "ARATHE~1HTM", 11);
    fat_name_tail(sfn, 12345);
    assert_memory_equal(sfn, "AR~12345HTM", 11);
    fat_name_basis(".bashrc", sfn);
    assert_memory_equal(sfn, "BASHRC     ", 11);
    fat_name_basis("x+y=z.tar.gz", sfn);
    assert_memory_equal(sfn, "X_Y_ZTARGZ ", 11);
    /* The checksum of the LFN specification's example algorithm. */
    assert_int_equal(fat_name_checksum((const uint8_t *)"README  TXT"), 0x73);
    uint16_t u[300];
    char back[MOTE_FS_NAME_MAX + 1];
    int n = fat_name_to_utf16("Grüße 😀.txt", u, 300);
    assert_int_equal(n, 12);
    assert_int_equal(fat_name_from_utf16(u, n, back), (int)strlen("Grüße 😀.txt"));
    assert_string_equal(back, "Grüße 😀.txt");
    assert_int_equal(fat_name_to_utf16("a:b", u, 300), -EINVAL);
    assert_int_equal(fat_name_to_utf16("bad\xff", u, 300), -EINVAL);
    assert_int_equal(fat_name_to_utf16("trailing.", u, 300), -EINVAL);
    char longname[300];
    memset(longname, 'x', 256);
    longname[256] = '\0';
    assert_int_equal(fat_name_to_utf16(longname, u, 300), -ENAMETOOLONG);
    assert_true(fat_name_equal("Hello.TXT", "hello.txt"));
    assert_false(fat_name_equal("hello", "hello.txt"));
    assert_int_equal(fat_unix_time(0, (44 << 9) | (11 << 5) | 14), 1731542400);
}

/* FAT32's FSInfo is a hint: a wrong free count is found, logged and rewritten right. */
static void test_fat32_fsinfo_is_only_a_hint(void **state)
{
    struct fixture *fx = *state;
    uint8_t bs[512], fsi[4];
    fat_test_peek(&fx->d, 0, bs, sizeof(bs));
    uint32_t fsinfo = get16(bs + 48);
    put32(fsi, 7); /* free count: far too few */
    fat_test_poke(&fx->d, fsinfo * 512 + 488, fsi, 4);
    put32(fsi, 0xfffffff0u); /* next free: outside the volume */
    fat_test_poke(&fx->d, fsinfo * 512 + 492, fsi, 4);
    mount(fx, false);
    struct mote_fs_statfs sf;
    assert_int_equal(fat_statfs(&fx->vol, &sf), 0);
    assert_true(sf.free_bytes > 7ull * sf.cluster_size);
    assert_non_null(strstr(fx->d.last_log, "FSInfo said 7 free clusters"));
    write_file(fx, "/after.bin", 3000, 5, 3000);
    unmount(fx);
    assert_int_equal(fat_test_fsck(&fx->d), 0); /* fsck.fat checks FSInfo's count too */
    fat_test_peek(&fx->d, fsinfo * 512 + 488, fsi, 4);
    assert_int_equal(get32(fsi), sf.free_bytes / sf.cluster_size - 3000 / sf.cluster_size - 1);
}

/* FAT32 by its 16-bit FAT size being 0, with fewer than 65525 clusters: mkfs.fat -F 32
 * makes it (with a warning), Linux and fsck.fat accept it, so Mote does (mtools does not). */
static void test_fat32_with_few_clusters_is_fat32(void **state)
{
    struct fixture *fx = *state;
    mount(fx, false);
    assert_int_equal(fx->vol.fat_bits, 32);
    assert_true(fx->vol.clusters < 65525);
    write_file(fx, "/a file on a small FAT32.bin", 70000, 6, 4096);
    unmount(fx);
    assert_int_equal(fat_test_fsck(&fx->d), 0);
    mount(fx, true);
    check_file(fx, "/A FILE ON A SMALL FAT32.BIN", 70000, 6);
    unmount(fx);
}

/* The documented errors of the calls that take a path. */
static void test_fat_errors_as_documented(void **state)
{
    struct fixture *fx = *state;
    assert_int_equal(fat_test_sh("mmd -i %s ::/dir && mcopy -i %s %s ::/RO.TXT && "
                                 "mattrib -i %s +r ::/RO.TXT",
                                 fx->d.path, fx->d.path, fat_test_host_file(10, 1), fx->d.path),
                     0);
    mount(fx, false);
    struct fat_file f;
    char name[300], path[1100];
    memset(name, 'n', 256);
    name[0] = '/';
    name[256] = '\0'; /* a 255-byte name */
    write_file(fx, name, 10, 2, 10);
    name[256] = 'n';
    name[257] = '\0';
    assert_int_equal(fat_open(&fx->vol, name, MOTE_FS_WRITE | MOTE_FS_CREATE, &f), -ENAMETOOLONG);
    memset(path, 'a', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    for (size_t i = 0; i < sizeof(path) - 1; i += 10)
        path[i] = '/';
    assert_int_equal(fat_open(&fx->vol, path, MOTE_FS_READ, &f), -ENAMETOOLONG);
    assert_int_equal(fat_open(&fx->vol, "/", MOTE_FS_READ, &f), -EISDIR);
    assert_int_equal(fat_open(&fx->vol, "/dir", MOTE_FS_READ, &f), -EISDIR);
    assert_int_equal(fat_open(&fx->vol, "/RO.TXT", MOTE_FS_WRITE, &f), -EACCES);
    assert_int_equal(fat_unlink(&fx->vol, "/RO.TXT"), -EACCES);
    assert_int_equal(fat_open(&fx->vol, "/RO.TXT", 0, &f), -EINVAL);
    assert_int_equal(fat_open(&fx->vol, "/RO.TXT", MOTE_FS_READ | MOTE_FS_TRUNC, &f), -EINVAL);
    assert_int_equal(fat_open(&fx->vol, "/a:b", MOTE_FS_WRITE | MOTE_FS_CREATE, &f), -EINVAL);
    assert_int_equal(fat_open(&fx->vol, "/no/such", MOTE_FS_WRITE | MOTE_FS_CREATE, &f), -ENOENT);
    assert_int_equal(fat_opendir(&fx->vol, "/RO.TXT", &f), -ENOTDIR);
    assert_int_equal(fat_unlink(&fx->vol, "/dir"), -EISDIR);
    assert_int_equal(fat_rmdir(&fx->vol, "/RO.TXT"), -ENOTDIR);
    assert_int_equal(fat_rmdir(&fx->vol, "/"), -EBUSY);
    assert_int_equal(fat_mkdir(&fx->vol, "/"), -EEXIST);
    assert_int_equal(fat_mkdir(&fx->vol, "/dir/../x"), -EINVAL);
    assert_int_equal(fat_rename(&fx->vol, "/RO.TXT", "/dir"), -EEXIST);
    assert_int_equal(fat_rename(&fx->vol, "/dir", "/dir/inside"), -EINVAL);
    assert_int_equal(fat_rename(&fx->vol, "/", "/x"), -EBUSY);
    assert_int_equal(fat_opendir(&fx->vol, "/dir", &f), 0);
    assert_int_equal(fat_rmdir(&fx->vol, "/dir"), -EBUSY);
    assert_int_equal(fat_read(&f, name, 1), -EBADF);
    assert_int_equal(fat_close(&f), 0);
    assert_int_equal(fat_open(&fx->vol, "/RO.TXT", MOTE_FS_READ, &f), 0);
    assert_int_equal(fat_write(&f, "x", 1), -EBADF);
    assert_int_equal(fat_truncate(&f, 0), -EBADF);
    assert_int_equal(fat_seek(&f, 0, 7), -EINVAL);
    assert_int_equal(fat_close(&f), 0);
    unmount(fx);
    assert_int_equal(fat_test_fsck(&fx->d), 0);
}

/* FAT12/16's root directory has a fixed size: when it is full, -ENOSPC. */
static void test_fat_full_root_directory(void **state)
{
    struct fixture *fx = *state;
    mount(fx, false);
    uint32_t slots = fx->vol.root_entries;
    struct fat_file f;
    char path[32];
    uint32_t made = 0;
    int err = 0;
    for (; made <= slots; made++) {
        snprintf(path, sizeof(path), "/F%u", (unsigned)made);
        if ((err = fat_open(&fx->vol, path, MOTE_FS_WRITE | MOTE_FS_CREATE, &f)))
            break;
        assert_int_equal(fat_close(&f), 0);
    }
    assert_int_equal(err, -ENOSPC);
    assert_int_equal(made, slots);
    assert_int_equal(fat_mkdir(&fx->vol, "/one more"), -ENOSPC);
    assert_int_equal(fat_unlink(&fx->vol, "/F7"), 0);
    assert_int_equal(fat_open(&fx->vol, "/F7 again", MOTE_FS_WRITE | MOTE_FS_CREATE, &f),
                     -ENOSPC); /* a long name needs two slots */
    assert_int_equal(fat_open(&fx->vol, "/G7", MOTE_FS_WRITE | MOTE_FS_CREATE, &f), 0);
    assert_int_equal(fat_close(&f), 0);
    unmount(fx);
    assert_int_equal(fat_test_fsck(&fx->d), 0);
}

#define PER_FAT(fn)                                                            \
    cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, &fat12),     \
        cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, &fat16), \
        cmocka_unit_test_prestate_setup_teardown(fn, setup, teardown, &fat32)

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fat_names),
        PER_FAT(test_fat_reads_what_mtools_wrote),
        PER_FAT(test_fat_writes_what_mtools_and_fsck_accept),
        PER_FAT(test_fat_seek_truncate_append),
        PER_FAT(test_fat_full_volume_and_read_only),
        PER_FAT(test_fat_refuses_corrupt_volumes),
        PER_FAT(test_fat_errors_as_documented),
        cmocka_unit_test_prestate_setup_teardown(test_fat_full_root_directory, setup, teardown,
                                                 &fat12),
        cmocka_unit_test_prestate_setup_teardown(test_fat_full_root_directory, setup, teardown,
                                                 &fat16),
        cmocka_unit_test_prestate_setup_teardown(test_fat32_fsinfo_is_only_a_hint, setup, teardown,
                                                 &fat32),
        cmocka_unit_test_prestate_setup_teardown(test_fat32_with_few_clusters_is_fat32, setup,
                                                 teardown, &fat32_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
