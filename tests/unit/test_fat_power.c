// SPDX-License-Identifier: MIT
/*
 * Power loss at every write: lib/fat runs one scenario (files written across
 * cluster boundaries, a directory made, a rename across directories, an
 * append, a delete) on a disk that stops taking writes after the Nth sector,
 * for every N until the scenario finishes. Whatever reached the disk must be
 * repairable by fsck.fat -a into a volume fsck.fat -n finds clean, with every
 * file closed before the cut intact (read back by mtools) under its name, or
 * for a rename cut in the middle, under one of its two names.
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

#define FILES_MAX 16

struct expect {
    char path[64];
    char alt[64]; /* a rename in progress: either name will do */
    uint32_t size;
    unsigned seed;
    bool gone; /* deleted: need not be there */
};

struct run {
    struct fat_volume vol;
    struct expect files[FILES_MAX];
    unsigned count;
};

static struct expect *expect_add(struct run *r, const char *path, uint32_t size, unsigned seed)
{
    struct expect *e = &r->files[r->count++];
    memset(e, 0, sizeof(*e));
    snprintf(e->path, sizeof(e->path), "%s", path);
    e->size = size;
    e->seed = seed;
    return e;
}

static int put(struct run *r, const char *path, uint32_t size, unsigned seed, bool append_half)
{
    static uint8_t buf[20000];
    fat_test_fill(buf, size, seed);
    struct fat_file f;
    int err = fat_open(&r->vol, path, MOTE_FS_WRITE | MOTE_FS_CREATE | MOTE_FS_TRUNC, &f);
    if (err)
        return err;
    uint32_t first = append_half ? size / 2 : size;
    int32_t n = fat_write(&f, buf, first);
    err = fat_close(&f);
    if (n != (int32_t)first || err)
        return n < 0 ? n : -EIO;
    if (append_half) {
        /* Closed once with half: from here the half is what must survive. */
        expect_add(r, path, first, seed);
        if ((err = fat_open(&r->vol, path, MOTE_FS_WRITE | MOTE_FS_APPEND, &f)))
            return err;
        n = fat_write(&f, buf + first, size - first);
        err = fat_close(&f);
        if (n != (int32_t)(size - first) || err)
            return n < 0 ? n : -EIO;
        r->files[r->count - 1].size = size;
        return 0;
    }
    expect_add(r, path, size, seed);
    return 0;
}

/* The scenario; stops at the first error (the cut). */
static void scenario(struct run *r)
{
    int err;
    if ((err = put(r, "/first file.txt", 3000, 1, false)))
        return;
    if ((err = fat_mkdir(&r->vol, "/Sub directory")))
        return;
    if ((err = put(r, "/Sub directory/readings.csv", 9000, 2, true)))
        return;
    if ((err = put(r, "/SHORT.TXT", 100, 3, false)))
        return;
    struct expect *moved = &r->files[r->count - 1];
    snprintf(moved->alt, sizeof(moved->alt), "/Sub directory/renamed short.txt");
    if ((err = fat_rename(&r->vol, "/SHORT.TXT", "/Sub directory/renamed short.txt")))
        return;
    snprintf(moved->path, sizeof(moved->path), "/Sub directory/renamed short.txt");
    moved->alt[0] = '\0';
    struct expect *doomed = &r->files[0];
    doomed->gone = true; /* from the call on, either outcome is right */
    if ((err = fat_unlink(&r->vol, "/first file.txt")))
        return;
    if ((err = put(r, "/last one with a long name.bin", 5000, 4, false)))
        return;
    fat_sync(&r->vol);
}

static bool file_ok(struct fat_test_disk *d, const struct expect *e)
{
    uint8_t *buf = malloc(e->size + 1);
    fat_test_fill(buf, e->size, e->seed);
    bool ok = fat_test_mtype_equals(d, e->path, buf, e->size) ||
              (e->alt[0] && fat_test_mtype_equals(d, e->alt, buf, e->size));
    free(buf);
    return ok;
}

static void test_fat_power_cut_at_every_write_loses_no_closed_file(void **state)
{
    (void)state;
    struct fat_test_disk pristine, d;
    fat_test_mkfs(&pristine, 12, 1024, NULL);
    unsigned cuts = 0;
    for (unsigned n = 1;; n++) {
        d = pristine;
        if ((size_t)snprintf(d.path, sizeof(d.path), "%.200s.cut", pristine.path) >= sizeof(d.path))
            fail_msg("image path too long");
        assert_int_equal(fat_test_sh("cp %s %s", pristine.path, d.path), 0);
        struct fat_disk disk;
        struct run r;
        memset(&r, 0, sizeof(r));
        fat_test_open(&d, &disk, false);
        d.fail_after = n;
        assert_int_equal(fat_mount(&r.vol, &disk, false), 0);
        scenario(&r);
        bool finished = d.writes < n;
        r.vol.open = NULL; /* a file left open by the cut is abandoned, as by the machine */
        fat_unmount(&r.vol);
        fat_test_close(&d);
        int st = fat_test_sh("fsck.fat -a %s >/dev/null 2>&1", d.path);
        if (st != 0 && st != 1)
            fail_msg("cut after %u writes: fsck.fat -a could not repair (status %d)", n, st);
        if (fat_test_fsck(&d) != 0)
            fail_msg("cut after %u writes: not clean after fsck.fat -a", n);
        for (unsigned i = 0; i < r.count; i++)
            if (!r.files[i].gone && !file_ok(&d, &r.files[i]))
                fail_msg("cut after %u writes: %s (%u bytes, closed before the cut) is not intact",
                         n, r.files[i].path, (unsigned)r.files[i].size);
        fat_test_remove(&d);
        cuts++;
        if (finished)
            break;
    }
    print_message("%u cuts\n", cuts);
    assert_true(cuts > 20);
    fat_test_remove(&pristine);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fat_power_cut_at_every_write_loses_no_closed_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
