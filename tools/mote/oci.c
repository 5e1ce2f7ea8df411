// SPDX-License-Identifier: MIT
/* OCI image layouts, see oci.h. */
#include "tools/mote/oci.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/mote/json.h"
#include "tools/mote/sha256.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

#define OCI_JSON_MAX (1024 * 1024) /* index, manifest and config are small; more is not ours */

struct blob {
    char sha256[65];
    uint64_t size;
};

static void descriptor(struct json_writer *w, const char *media_type, const struct blob *b,
                       const char *title)
{
    char digest[80];
    snprintf(digest, sizeof(digest), "sha256:%s", b->sha256);
    json_begin_object(w);
    json_member_string(w, "mediaType", media_type);
    json_member_string(w, "digest", digest);
    json_member_int(w, "size", (int64_t)b->size);
    if (title) {
        json_key(w, "annotations");
        json_begin_object(w);
        json_member_string(w, OCI_TITLE, title);
        json_end_object(w);
    }
    json_end_object(w);
}

/* Writes data as a blob of the layout; b gets its digest and size. */
static int put_blob(const char *dir, const char *data, size_t len, struct blob *b)
{
    sha256_hex(data, len, b->sha256);
    b->size = len;
    char *path = xasprintf("%s/blobs/sha256/%s", dir, b->sha256);
    int err = file_write_atomic(path, data, len);
    free(path);
    return err;
}

static int put_file(const char *dir, const char *sha256, uint64_t size, struct blob *b)
{
    char *src = store_blob_path(sha256), *dst = xasprintf("%s/blobs/sha256/%s", dir, sha256);
    int err = link(src, dst) == 0 ? 0 : file_copy(src, dst);
    free(src);
    free(dst);
    memcpy(b->sha256, sha256, sizeof(b->sha256));
    b->size = size;
    return err;
}

int oci_write_layout(const struct image *img, const char *dir)
{
    char *blobs = xasprintf("%s/blobs/sha256", dir);
    int err = dir_create(blobs);
    free(blobs);
    if (err)
        return err;
    struct strbuf sb = STRBUF_INIT;
    struct json_writer w;
    struct blob config, kernel, elf, dtb, manifest;
    char created[TIME_STR_LEN + 1], title[SERVICE_NAME_MAX + 8],
        ref[IMAGE_NAME_MAX + IMAGE_TAG_MAX + 2];
    spec_format_time(img->created_ns, created);
    snprintf(ref, sizeof(ref), "%s:%s", img->name, img->tag);

    json_writer_init(&w, &sb, false);
    image_to_json(img, &w);
    err = put_blob(dir, sb.s, sb.len, &config);
    if (!err)
        err = put_file(dir, img->sha256, img->size, &kernel);
    if (!err)
        err = put_file(dir, img->elf_sha256, img->elf_size, &elf);
    if (!err && img->dtb_sha256[0])
        err = put_file(dir, img->dtb_sha256, img->dtb_size, &dtb);
    if (err)
        goto out;

    sb_reset(&sb);
    json_writer_init(&w, &sb, false);
    json_begin_object(&w);
    json_member_int(&w, "schemaVersion", 2);
    json_member_string(&w, "mediaType", OCI_MANIFEST_TYPE);
    json_key(&w, "config");
    descriptor(&w, MOTE_CONFIG_TYPE, &config, NULL);
    json_key(&w, "layers");
    json_begin_array(&w);
    snprintf(title, sizeof(title), "%s.img", img->service);
    descriptor(&w, MOTE_KERNEL_TYPE, &kernel, title);
    snprintf(title, sizeof(title), "%s.elf", img->service);
    descriptor(&w, MOTE_ELF_TYPE, &elf, title);
    if (img->dtb_sha256[0])
        descriptor(&w, MOTE_DTB_TYPE, &dtb, "bootargs.dtb");
    json_end_array(&w);
    json_key(&w, "annotations");
    json_begin_object(&w);
    json_member_string(&w, OCI_CREATED, created);
    json_end_object(&w);
    json_end_object(&w);
    if ((err = put_blob(dir, sb.s, sb.len, &manifest)))
        goto out;

    char digest[80];
    snprintf(digest, sizeof(digest), "sha256:%s", manifest.sha256);
    sb_reset(&sb);
    json_writer_init(&w, &sb, true);
    json_begin_object(&w);
    json_member_int(&w, "schemaVersion", 2);
    json_member_string(&w, "mediaType", OCI_INDEX_TYPE);
    json_key(&w, "manifests");
    json_begin_array(&w);
    json_begin_object(&w);
    json_member_string(&w, "mediaType", OCI_MANIFEST_TYPE);
    json_member_string(&w, "digest", digest);
    json_member_int(&w, "size", (int64_t)manifest.size);
    json_key(&w, "annotations");
    json_begin_object(&w);
    json_member_string(&w, OCI_REF_NAME, img->tag);
    json_member_string(&w, MOTE_REF, ref);
    json_end_object(&w);
    json_end_object(&w);
    json_end_array(&w);
    json_end_object(&w);
    sb_addc(&sb, '\n');
    char *path = xasprintf("%s/index.json", dir);
    err = file_write_atomic(path, sb.s, sb.len);
    free(path);
    if (!err) {
        static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}\n";
        path = xasprintf("%s/oci-layout", dir);
        err = file_write_atomic(path, layout, sizeof(layout) - 1);
        free(path);
    }
out:
    sb_free(&sb);
    return err;
}

__attribute__((format(printf, 2, 3))) static int bad(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, SPEC_ERR_LEN, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

/*
 * Checks a descriptor (its media type, if want_type) against the blob it names and
 * gives the blob's path. Returns 0 or -EINVAL with a message.
 */
static int check_blob(const char *dir, const struct json *d, const char *want_type, char **path,
                      char *err)
{
    const char *type = json_get_string(d, "mediaType"), *digest = json_get_string(d, "digest");
    int64_t size;
    if (!type || !digest || json_get_int(d, "size", &size) != 0 || size < 0)
        return bad(err, "a descriptor lacks mediaType, digest or size");
    if (want_type && strcmp(type, want_type) != 0)
        return bad(err, "expected a descriptor of type %s, found %s", want_type, type);
    if (strncmp(digest, "sha256:", 7) != 0 || !sha256_is_hex(digest + 7))
        return bad(err, "digest %s is not sha256:<64 hex digits>", digest);
    char *p = xasprintf("%s/blobs/sha256/%s", dir, digest + 7), got[65];
    struct stat st;
    uint64_t got_size;
    if (lstat(p, &st) != 0 || !S_ISREG(st.st_mode) || sha256_file(p, got, &got_size) != 0) {
        free(p);
        return bad(err, "blob %s is missing", digest);
    }
    if (strcmp(got, digest + 7) != 0 || got_size != (uint64_t)size) {
        free(p);
        return bad(err,
                   "blob %s is damaged: its content has digest sha256:%s and %llu bytes, "
                   "the descriptor says %lld",
                   digest, got, (unsigned long long)got_size, (long long)size);
    }
    *path = p;
    return 0;
}

static struct json *read_json(const char *path, const char *what, char *err)
{
    char *text, msg[160];
    size_t len;
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > OCI_JSON_MAX ||
        file_read(path, &text, &len) != 0) {
        bad(err, "%s is missing, not a file or larger than %d bytes", what, OCI_JSON_MAX);
        return NULL;
    }
    struct json *j = json_parse(text, len, msg, sizeof(msg));
    free(text);
    if (!j)
        bad(err, "%s is not valid JSON: %s", what, msg);
    return j;
}

/* The layer of media type type, or NULL. */
static const struct json *layer(const struct json *layers, const char *type)
{
    for (size_t i = 0; layers && layers->type == JSON_ARRAY && i < layers->count; i++) {
        const char *t = json_get_string(layers->items[i], "mediaType");
        if (t && strcmp(t, type) == 0)
            return layers->items[i];
    }
    return NULL;
}

int oci_read_layout(const char *dir, struct image *img, char **kernel, char **elf, char **dtb,
                    char *err)
{
    int r = -EINVAL;
    char *path = xasprintf("%s/oci-layout", dir), *manifest_path = NULL, *config_path = NULL;
    struct json *layout = read_json(path, "oci-layout", err), *index = NULL, *manifest = NULL,
                *config = NULL;
    free(path);
    *kernel = *elf = *dtb = NULL;
    memset(img, 0, sizeof(*img));
    if (!layout)
        goto out;
    const char *version = json_get_string(layout, "imageLayoutVersion");
    if (!version || strncmp(version, "1.", 2) != 0) {
        bad(err, "oci-layout: expected imageLayoutVersion 1.x");
        goto out;
    }
    path = xasprintf("%s/index.json", dir);
    index = read_json(path, "index.json", err);
    free(path);
    if (!index)
        goto out;
    int64_t schema;
    const struct json *manifests = json_get(index, "manifests");
    if (json_get_int(index, "schemaVersion", &schema) != 0 || schema != 2 || !manifests ||
        manifests->type != JSON_ARRAY) {
        bad(err, "index.json: expected schemaVersion 2 and a manifests array");
        goto out;
    }
    if (manifests->count != 1) {
        bad(err,
            "index.json lists %zu manifests; mote load takes a layout of one image (as "
            "mote save writes)",
            manifests->count);
        goto out;
    }
    const struct json *desc = manifests->items[0];
    if (check_blob(dir, desc, OCI_MANIFEST_TYPE, &manifest_path, err) ||
        !(manifest = read_json(manifest_path, "the image manifest", err)))
        goto out;
    const struct json *cfg_desc = json_get(manifest, "config"),
                      *layers = json_get(manifest, "layers");
    const struct json *kernel_desc = layer(layers, MOTE_KERNEL_TYPE),
                      *elf_desc = layer(layers, MOTE_ELF_TYPE),
                      *dtb_desc = layer(layers, MOTE_DTB_TYPE);
    if (!cfg_desc || !kernel_desc || !elf_desc) {
        bad(err,
            "the manifest is not a Mote image's: expected a config of type %s and layers "
            "of types %s and %s",
            MOTE_CONFIG_TYPE, MOTE_KERNEL_TYPE, MOTE_ELF_TYPE);
        goto out;
    }
    if (check_blob(dir, cfg_desc, MOTE_CONFIG_TYPE, &config_path, err) ||
        !(config = read_json(config_path, "the image config", err)) ||
        check_blob(dir, kernel_desc, NULL, kernel, err) ||
        check_blob(dir, elf_desc, NULL, elf, err) ||
        (dtb_desc && check_blob(dir, dtb_desc, NULL, dtb, err)))
        goto out;
    char msg[SPEC_ERR_LEN];
    if (image_from_json(config, img, msg, sizeof(msg)) != 0) {
        bad(err, "the image config is not valid: %s", msg);
        goto out;
    }
    /* The config names the files by digest too: both must agree. */
    if (strcmp(json_get_string(kernel_desc, "digest") + 7, img->sha256) != 0 ||
        strcmp(json_get_string(elf_desc, "digest") + 7, img->elf_sha256) != 0 ||
        strcmp(dtb_desc ? json_get_string(dtb_desc, "digest") + 7 : "", img->dtb_sha256) != 0) {
        bad(err, "the image config's sha256, elf_sha256 and dtb_sha256 do not match the layers");
        goto out;
    }
    const char *ref = json_get_string(json_get(desc, "annotations"), MOTE_REF);
    char name[IMAGE_NAME_MAX + 1], tag[IMAGE_TAG_MAX + 1];
    if (ref && spec_parse_image_ref(ref, name, tag, NULL) == 0) {
        memcpy(img->name, name, sizeof(name));
        memcpy(img->tag, tag, sizeof(tag));
    }
    r = 0;
out:
    if (r) {
        image_free(img);
        free(*kernel);
        free(*elf);
        free(*dtb);
        *kernel = *elf = *dtb = NULL;
    }
    free(manifest_path);
    free(config_path);
    json_free(layout);
    json_free(index);
    json_free(manifest);
    json_free(config);
    return r;
}
