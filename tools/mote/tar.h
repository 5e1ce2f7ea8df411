/* SPDX-License-Identifier: MIT */
/*
 * OCI image layouts as tar files (`mote save`, `mote load`), through
 * libarchive (Debian libarchive-dev). A tar to load is outside input: every
 * member is checked before it is written, and written with libarchive's
 * secure extraction (no "..", no absolute path, nothing through a symlink).
 */
#ifndef TOOLS_MOTE_TAR_H
#define TOOLS_MOTE_TAR_H

#include <stddef.h>
#include <stdint.h>

#define TAR_MAX_BYTES   (1024ll * 1024 * 1024) /* a Mote image is KiB to MiB: refuse a huge tar */
#define TAR_MAX_MEMBERS 64

/*
 * Writes the layout in dir (oci-layout, index.json, blobs/sha256/...) as a
 * POSIX tar at out, the same bytes for the same layout: members sorted, owner
 * 0, mode 0644/0755, every time mtime_s. Returns 0 or -errno; on failure out
 * is not left behind.
 */
int tar_write_layout(const char *dir, const char *out, int64_t mtime_s);

/*
 * Extracts the tar at file into the empty folder dir. Only regular files and
 * folders named as in a layout of one image (oci-layout, index.json,
 * blobs/sha256/<64 hex>), each once, at most TAR_MAX_MEMBERS and
 * TAR_MAX_BYTES in all; links of any kind are refused. Returns 0 or -EINVAL
 * with a one-line message in err (SPEC_ERR_LEN bytes).
 */
int tar_extract_layout(const char *file, const char *dir, char *err);

/*
 * A tar of one file (the file at path, as member name, owner 0, mode 0644,
 * time mtime_s) in memory, the same bytes for the same file: an OCI layer.
 * Returns 0 with *data (free it) and *len, or -errno.
 */
int tar_wrap_file(const char *path, const char *name, int64_t mtime_s, char **data, size_t *len);

/*
 * Writes the one regular file of the tar at tar_path (an OCI layer from
 * outside) to out_path: refused (-EINVAL with a message in err) unless the
 * tar holds exactly one member, a regular file of at most max bytes.
 */
int tar_unwrap_file(const char *tar_path, const char *out_path, uint64_t max, char *err);

/* 1 if name may be a member of an OCI layout of one image ("./" allowed first), else 0. */
int tar_member_allowed(const char *name);

#endif
