/* SPDX-License-Identifier: MIT */
/*
 * Images in the store: a manifest per NAME:TAG (images/<name>/<tag>.json)
 * naming the bootable image and its ELF (with symbols, for gdb) by digest.
 * The manifest's fields are those `mote inspect IMAGE` prints (docs/mote.md).
 */
#ifndef TOOLS_MOTE_IMAGE_H
#define TOOLS_MOTE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/mote/board.h"
#include "tools/mote/json.h"
#include "tools/mote/ref.h"
#include "tools/mote/spec.h"

#define SERVICE_NAME_MAX 64
#define IMAGE_REF_MAX    (REF_NAME_MAX + 1 + REF_TAG_MAX) /* NAME:TAG */

struct image {
    char name[REF_NAME_MAX + 1]; /* the familiar repository name (ref.h): dns, host:5000/team/dns */
    char tag[REF_TAG_MAX + 1];
    struct board_qemu board;            /* its board (board.mk), as QEMU runs it */
    char service[SERVICE_NAME_MAX + 1]; /* the service folder it was built from */
    char sha256[65];                    /* of the bootable image (.img) */
    uint64_t size;
    char elf_sha256[65]; /* of the ELF with symbols */
    uint64_t elf_size;
    char dtb_sha256[65]; /* the device tree QEMU boots it with (raspi3: bootargs.dtb), or "" */
    uint64_t dtb_size;
    int64_t created_ns;
    int64_t build_ms; /* how long the build took; 0 for a loaded image */
    bool debug;       /* built with DEBUG=1: has the GDB stub */
    char *args;       /* the service's default boot arguments; never NULL */
    char *source;     /* the source tree it was built in, or "" */
};

/* Reads the manifest of name:tag. Returns 0, -ENOENT if there is none, -EINVAL if damaged. */
int image_load(const char *name, const char *tag, struct image *img);
/* Writes the manifest (atomically). Call with the store's lock held. Returns 0 or -errno. */
int image_save(const struct image *img);
/* Removes the manifest of name:tag. Call with the lock held. Returns 0 or -errno. */
int image_remove(const char *name, const char *tag);
void image_free(struct image *img);

/* Every image, sorted by name then tag. Returns 0 or -errno. */
int image_list(struct image **imgs, size_t *count);
void image_list_free(struct image *imgs, size_t count);

/* The manifest as a JSON object (what inspect prints and what is stored). A new reference. */
json_t *image_to_json(const struct image *img);
/* Fills img from a manifest object. Returns 0 or -EINVAL naming the bad field in err. */
int image_from_json(const json_t *j, struct image *img, char *err, size_t err_len);

/*
 * Finds a reference (ref.h; NAME@sha256:DIGEST matches the digest of the
 * image's OCI manifest, as a registry names it) for a command: 0, or a
 * one-line message in err and -ENOENT ("no image dns:latest; build it with
 * mote build or list them with mote images") or -EINVAL for a bad reference.
 */
int image_find(const char *ref, struct image *img, char *err);

#define IMAGE_DIGEST_LEN 71 /* "sha256:" and 64 hex digits */
/* The digest of the image's OCI manifest ("sha256:..."), the one push and pull name it by. */
void image_manifest_digest(const struct image *img, char digest[IMAGE_DIGEST_LEN + 1]);

#endif
