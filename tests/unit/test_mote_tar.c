// SPDX-License-Identifier: MIT
/*
 * Unit tests for `mote save`/`mote load`'s tar handling (tools/mote/tar.c):
 * a layout written is extracted again byte for byte, and hostile tars (links,
 * "..", absolute paths, names that are not a layout's, a member twice) are
 * refused before anything lands outside the target folder.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "tools/mote/spec.h"
#include "tools/mote/tar.h"
#include "tools/mote/util.h"

#define H1 "1111111111111111111111111111111111111111111111111111111111111111"

static char root[64];

static int setup(void **state)
{
    (void)state;
    snprintf(root, sizeof(root), "/tmp/mote-tar-XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return dir_remove_tree(root);
}

static char *in_root(const char *rel)
{
    return xasprintf("%s/%s", root, rel);
}

static void write_file(const char *rel, const char *text)
{
    char *p = in_root(rel);
    assert_int_equal(file_write_atomic(p, text, strlen(text)), 0);
    free(p);
}

static void test_written_layout_extracts_the_same(void **state)
{
    (void)state;
    char *blobs = in_root("src/blobs/sha256"), *tar = in_root("a.tar"), *dst = in_root("dst");
    assert_int_equal(dir_create(blobs), 0);
    assert_int_equal(dir_create(dst), 0);
    write_file("src/oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}");
    write_file("src/index.json", "{}");
    write_file("src/blobs/sha256/" H1, "blob");
    char *src = in_root("src"), err[SPEC_ERR_LEN] = "";
    assert_int_equal(tar_write_layout(src, tar, 1700000000), 0);
    if (tar_extract_layout(tar, dst, err) != 0)
        fail_msg("%s", err);
    char *got, *p = in_root("dst/blobs/sha256/" H1);
    assert_int_equal(file_read(p, &got, NULL), 0);
    assert_string_equal(got, "blob");
    free(got);
    free(p);
    /* The same layout gives the same bytes. */
    char *tar2 = in_root("b.tar"), *x, *y;
    size_t xl, yl;
    assert_int_equal(tar_write_layout(src, tar2, 1700000000), 0);
    assert_int_equal(file_read(tar, &x, &xl), 0);
    assert_int_equal(file_read(tar2, &y, &yl), 0);
    assert_int_equal(xl, yl);
    assert_memory_equal(x, y, xl);
    free(x);
    free(y);
    free(tar2);
    free(src);
    free(blobs);
    free(tar);
    free(dst);
}

/* A tar of one member (name, type, link target or NULL, content). */
static char *hostile_tar(const char *name, mode_t type, const char *link, const char *name2)
{
    static int n;
    char *rel = xasprintf("hostile%d.tar", n++), *path = in_root(rel);
    free(rel);
    struct archive *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    assert_int_equal(archive_write_open_filename(a, path), ARCHIVE_OK);
    for (int i = 0; i < (name2 ? 2 : 1); i++) {
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, i ? name2 : name);
        archive_entry_set_filetype(e, type);
        archive_entry_set_perm(e, 0644);
        if (link && type == AE_IFLNK)
            archive_entry_set_symlink(e, link);
        else if (link)
            archive_entry_set_hardlink(e, link);
        archive_entry_set_size(e, type == AE_IFREG && !link ? 4 : 0);
        archive_write_header(a, e);
        if (type == AE_IFREG && !link)
            archive_write_data(a, "data", 4);
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return path;
}

static void expect_refused(char *tar, const char *why)
{
    char *dst = xasprintf("%s.d", tar), err[SPEC_ERR_LEN] = "";
    assert_int_equal(dir_create(dst), 0);
    assert_int_equal(tar_extract_layout(tar, dst, err), -EINVAL);
    if (!strstr(err, why))
        fail_msg("expected an error with '%s', got '%s'", why, err);
    free(dst);
    free(tar);
}

static void test_hostile_tars_are_refused(void **state)
{
    (void)state;
    expect_refused(hostile_tar("oci-layout", AE_IFLNK, "/etc/passwd", NULL), "links are refused");
    expect_refused(hostile_tar("blobs/sha256/" H1, AE_IFREG, "/etc/passwd", NULL),
                   "links are refused");
    expect_refused(hostile_tar("../evil", AE_IFREG, NULL, NULL), "does not belong");
    expect_refused(hostile_tar("/tmp/evil", AE_IFREG, NULL, NULL), "does not belong");
    expect_refused(hostile_tar("blobs/sha256/../../x", AE_IFREG, NULL, NULL), "does not belong");
    expect_refused(hostile_tar("blobs/sha256/abc", AE_IFREG, NULL, NULL), "does not belong");
    expect_refused(hostile_tar("dev", AE_IFCHR, NULL, NULL), "not a file or folder");
    expect_refused(hostile_tar("index.json", AE_IFREG, NULL, "./index.json"), "twice");
    char *junk = in_root("junk.tar");
    assert_int_equal(file_write_atomic(junk, "not a tar at all", 16), 0);
    expect_refused(junk, "not a tar file");
    /* Nothing was written outside the folders the tars were extracted into. */
    char *evil = in_root("evil");
    assert_false(path_exists(evil));
    free(evil);
}

static void test_member_names(void **state)
{
    (void)state;
    assert_true(tar_member_allowed("oci-layout"));
    assert_true(tar_member_allowed("./index.json"));
    assert_true(tar_member_allowed("blobs/sha256/" H1));
    assert_false(tar_member_allowed("blobs/sha256/" H1 "/x"));
    assert_false(tar_member_allowed("blobs/sha512/" H1));
    assert_false(tar_member_allowed("index.json/"));
    assert_false(tar_member_allowed("././index.json"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_written_layout_extracts_the_same),
        cmocka_unit_test(test_hostile_tars_are_refused),
        cmocka_unit_test(test_member_names),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
