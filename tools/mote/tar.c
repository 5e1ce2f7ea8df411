// SPDX-License-Identifier: MIT
/* OCI layouts as tar files through libarchive, see tar.h. */
#include "tools/mote/tar.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/mote/sha256.h"
#include "tools/mote/spec.h"
#include "tools/mote/strbuf.h"
#include "tools/mote/util.h"

#define FILE_MODE   0644
#define DIR_MODE    0755
#define COPY_CHUNK  65536
#define BLOCK_BYTES 10240 /* tar's record size */
#define BLOBS_DIR   "blobs/sha256/"

__attribute__((format(printf, 2, 3))) static int bad(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, SPEC_ERR_LEN, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

int tar_member_allowed(const char *name)
{
    if (strncmp(name, "./", 2) == 0)
        name += 2;
    static const char *const fixed[] = {"",       "oci-layout",   "index.json", "blobs",
                                        "blobs/", "blobs/sha256", BLOBS_DIR};
    for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
        if (strcmp(name, fixed[i]) == 0)
            return 1;
    return strncmp(name, BLOBS_DIR, strlen(BLOBS_DIR)) == 0 &&
           sha256_is_hex(name + strlen(BLOBS_DIR));
}

/* Adds one member: a folder (path NULL) or the file at path. */
static int add_member(struct archive *a, const char *name, const char *path, int64_t mtime_s);

static la_ssize_t on_memory_write(struct archive *a, void *arg, const void *buf, size_t len)
{
    (void)a;
    sb_add(arg, buf, len);
    return (la_ssize_t)len;
}

int tar_wrap_file(const char *path, const char *name, int64_t mtime_s, char **data, size_t *len)
{
    struct strbuf sb = STRBUF_INIT;
    struct archive *a = archive_write_new();
    int r = 0;
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a, BLOCK_BYTES) != ARCHIVE_OK ||
        archive_write_open2(a, &sb, NULL, on_memory_write, NULL, NULL) != ARCHIVE_OK)
        r = -EIO;
    if (!r)
        r = add_member(a, name, path, mtime_s);
    if (archive_write_close(a) != ARCHIVE_OK && !r)
        r = -EIO;
    archive_write_free(a);
    if (r) {
        sb_free(&sb);
        return r;
    }
    *data = sb.s;
    *len = sb.len;
    return 0;
}

int tar_unwrap_file(const char *tar_path, const char *out_path, uint64_t max, char *err)
{
    struct archive *in = archive_read_new();
    struct archive_entry *e;
    int r = 0, members = 0, st;
    FILE *out = NULL;
    archive_read_support_format_tar(in);
    archive_read_support_filter_gzip(in);
    if (archive_read_open_filename(in, tar_path, COPY_CHUNK) != ARCHIVE_OK) {
        r = bad(err, "a layer is not a tar: %s", archive_error_string(in));
        goto out;
    }
    while ((st = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
        if (++members > 1) {
            r = bad(err, "a layer holds more than one file");
            goto out;
        }
        if (archive_entry_filetype(e) != AE_IFREG || archive_entry_hardlink(e) ||
            archive_entry_size(e) < 0 || (uint64_t)archive_entry_size(e) > max) {
            r = bad(err, "a layer's member is not a file of at most %llu bytes",
                    (unsigned long long)max);
            goto out;
        }
        if (!(out = fopen(out_path, "wb"))) {
            r = bad(err, "cannot write %s: %s", out_path, strerror(errno));
            goto out;
        }
        const void *buf;
        size_t len;
        la_int64_t offset;
        while ((st = archive_read_data_block(in, &buf, &len, &offset)) == ARCHIVE_OK)
            if (fwrite(buf, 1, len, out) != len) {
                r = bad(err, "cannot write %s: %s", out_path, strerror(errno));
                goto out;
            }
        if (st != ARCHIVE_EOF) {
            r = bad(err, "a layer's file is cut short: %s", archive_error_string(in));
            goto out;
        }
    }
    if (st != ARCHIVE_EOF)
        r = bad(err, "a layer is not a tar: %s", archive_error_string(in));
    else if (members == 0)
        r = bad(err, "a layer's tar is empty");
out:
    if (out && fclose(out) != 0 && !r)
        r = bad(err, "cannot write %s", out_path);
    if (r)
        unlink(out_path);
    archive_read_free(in);
    return r;
}

/* Adds one member: a folder (path NULL) or the file at path. */
static int add_member(struct archive *a, const char *name, const char *path, int64_t mtime_s)
{
    struct archive_entry *e = archive_entry_new();
    struct stat st = {0};
    int fd = -1, r = 0;
    if (path && ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st) != 0)) {
        r = -errno;
        goto out;
    }
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, path ? AE_IFREG : AE_IFDIR);
    archive_entry_set_perm(e, path ? FILE_MODE : DIR_MODE);
    archive_entry_set_size(e, path ? st.st_size : 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    archive_entry_set_mtime(e, mtime_s, 0);
    if (archive_write_header(a, e) != ARCHIVE_OK) {
        r = -EIO;
        goto out;
    }
    static char buf[COPY_CHUNK];
    ssize_t n;
    while (path && (n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 || archive_write_data(a, buf, (size_t)n) != n) {
            r = n < 0 ? -errno : -EIO;
            goto out;
        }
    }
out:
    if (fd >= 0)
        close(fd);
    archive_entry_free(e);
    return r;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int tar_write_layout(const char *dir, const char *out, int64_t mtime_s)
{
    char *blobs_path = xasprintf("%s/" BLOBS_DIR, dir),
         *tmp = xasprintf("%s.tmp.%d", out, (int)getpid());
    DIR *d = opendir(blobs_path);
    if (!d) {
        int e = -errno;
        free(blobs_path);
        free(tmp);
        return e;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *de;
    while ((de = readdir(d)))
        if (sha256_is_hex(de->d_name)) {
            names = xrealloc(names, (n + 1) * sizeof(*names));
            names[n++] = xstrdup(de->d_name);
        }
    closedir(d);
    qsort(names, n, sizeof(*names), by_name);

    struct archive *a = archive_write_new();
    int r = 0;
    if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
        archive_write_set_bytes_per_block(a, BLOCK_BYTES) != ARCHIVE_OK ||
        archive_write_open_filename(a, tmp) != ARCHIVE_OK)
        r = -EIO;
    char *p;
    if (!r)
        r = add_member(a, "oci-layout", p = xasprintf("%s/oci-layout", dir), mtime_s), free(p);
    if (!r)
        r = add_member(a, "index.json", p = xasprintf("%s/index.json", dir), mtime_s), free(p);
    if (!r)
        r = add_member(a, "blobs/", NULL, mtime_s);
    if (!r)
        r = add_member(a, BLOBS_DIR, NULL, mtime_s);
    for (size_t i = 0; i < n; i++) {
        char *member = xasprintf(BLOBS_DIR "%s", names[i]);
        if (!r)
            r = add_member(a, member, p = xasprintf("%s%s", blobs_path, names[i]), mtime_s),
            free(p);
        free(member);
        free(names[i]);
    }
    free(names);
    if (archive_write_close(a) != ARCHIVE_OK && !r)
        r = -EIO;
    archive_write_free(a);
    if (!r && rename(tmp, out) != 0)
        r = -errno;
    if (r)
        unlink(tmp);
    free(tmp);
    free(blobs_path);
    return r;
}

/* Checks one member's header against what a layout may hold. */
static int check_entry(struct archive_entry *e, char **seen, int count, int64_t *total, char *err)
{
    const char *name = archive_entry_pathname(e);
    mode_t type = archive_entry_filetype(e);
    if (!name)
        return bad(err, "a member has no name");
    if (archive_entry_hardlink(e) || archive_entry_symlink(e) ||
        (type != AE_IFREG && type != AE_IFDIR))
        return bad(err, "member %.100s is not a file or folder (links are refused)", name);
    if (!tar_member_allowed(name))
        return bad(err, "member %.100s does not belong in an OCI image layout", name);
    if (count == TAR_MAX_MEMBERS || archive_entry_size(e) < 0 ||
        (*total += archive_entry_size(e)) > TAR_MAX_BYTES)
        return bad(err, "the tar holds more than an image (%d members, %lld bytes at most)",
                   TAR_MAX_MEMBERS, TAR_MAX_BYTES);
    const char *bare = strncmp(name, "./", 2) == 0 ? name + 2 : name;
    for (int i = 0; i < count; i++)
        if (strcmp(seen[i], bare) == 0)
            return bad(err, "member %.100s is in the tar twice", name);
    seen[count] = xstrdup(bare);
    return 0;
}

int tar_extract_layout(const char *file, const char *dir, char *err)
{
    struct archive *in = archive_read_new(), *out = archive_write_disk_new();
    char *seen[TAR_MAX_MEMBERS];
    int count = 0, r = 0, cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int64_t total = 0;
    archive_read_support_format_tar(in);
    archive_read_support_filter_gzip(in);
    archive_write_disk_set_options(out, ARCHIVE_EXTRACT_SECURE_NODOTDOT |
                                            ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                            ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
    if (archive_read_open_filename(in, file, COPY_CHUNK) != ARCHIVE_OK) {
        r = bad(err, "%s is not a tar file: %s", file, archive_error_string(in));
        goto out;
    }
    /* The secure flags refuse absolute paths, so names stay relative to dir, entered here
     * (after the tar is open: its own path may be relative). */
    if (cwd < 0 || chdir(dir) != 0) {
        r = bad(err, "cannot enter %s: %s", dir, strerror(errno));
        if (cwd >= 0)
            close(cwd);
        cwd = -1;
        goto out;
    }
    struct archive_entry *e;
    int st;
    while ((st = archive_read_next_header(in, &e)) == ARCHIVE_OK) {
        if ((r = check_entry(e, seen, count, &total, err)))
            goto out;
        count++;
        /* Ownership and modes are ours, not the tar's. */
        archive_entry_set_perm(e, archive_entry_filetype(e) == AE_IFDIR ? DIR_MODE : FILE_MODE);
        if (archive_write_header(out, e) != ARCHIVE_OK) {
            r = bad(err, "cannot write member %.100s: %s", archive_entry_pathname(e),
                    archive_error_string(out));
            goto out;
        }
        const void *buf;
        size_t len;
        la_int64_t offset;
        while ((st = archive_read_data_block(in, &buf, &len, &offset)) == ARCHIVE_OK)
            if (archive_write_data_block(out, buf, len, offset) != ARCHIVE_OK) {
                r = bad(err, "cannot write member %.100s: %s", archive_entry_pathname(e),
                        archive_error_string(out));
                goto out;
            }
        if (st != ARCHIVE_EOF || archive_write_finish_entry(out) != ARCHIVE_OK) {
            r = bad(err, "member %.100s is cut short or unreadable: %s", archive_entry_pathname(e),
                    archive_error_string(in));
            goto out;
        }
    }
    if (st != ARCHIVE_EOF)
        r = bad(err, "%s is not a tar file tar can read: %s", file, archive_error_string(in));
out:
    if (cwd >= 0) {
        if (fchdir(cwd) != 0 && !r)
            r = bad(err, "cannot return to the current folder: %s", strerror(errno));
        close(cwd);
    }
    for (int i = 0; i < count; i++)
        free(seen[i]);
    archive_read_free(in);
    archive_write_free(out);
    return r;
}
