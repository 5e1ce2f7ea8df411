// SPDX-License-Identifier: MIT
/* Image manifests in the store, see image.h. */
#include "tools/mote/image.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/mote/oci.h"
#include "tools/mote/sha256.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

json_t *image_to_json(const struct image *img)
{
    char created[TIME_STR_LEN + 1];
    spec_format_time(img->created_ns, created);
    json_t *o = json_object();
    json_set_string(o, "name", img->name);
    json_set_string(o, "tag", img->tag);
    json_set_string(o, "board", img->board.name);
    json_set(o, "qemu", board_to_json(&img->board));
    json_set_string(o, "service", img->service);
    json_set_int(o, "size", (int64_t)img->size);
    json_set_string(o, "sha256", img->sha256);
    json_set_int(o, "elf_size", (int64_t)img->elf_size);
    json_set_string(o, "elf_sha256", img->elf_sha256);
    json_set_int(o, "dtb_size", (int64_t)img->dtb_size);
    json_set_string(o, "dtb_sha256", img->dtb_sha256);
    json_set_string(o, "created", created);
    json_set_int(o, "build_ms", img->build_ms);
    json_set_bool(o, "debug", img->debug);
    json_set_string(o, "args", img->args);
    json_set_string(o, "source", img->source);
    return o;
}

static int copy_field(const json_t *j, const char *key, char *out, size_t max, char *err,
                      size_t err_len)
{
    const char *s = json_get_string(j, key);
    if (!s || strlen(s) > max) {
        snprintf(err, err_len, "field '%s' is missing or not a string of at most %zu characters",
                 key, max);
        return -EINVAL;
    }
    strcpy(out, s);
    return 0;
}

int image_from_json(const json_t *j, struct image *img, char *err, size_t err_len)
{
    char spec_err[SPEC_ERR_LEN];
    struct image_ref parsed;
    int64_t size, elf_size, build_ms = 0;
    const char *created, *args, *source;
    memset(img, 0, sizeof(*img));
    if (!json_is_object(j)) {
        snprintf(err, err_len, "expected a JSON object");
        return -EINVAL;
    }
    if (copy_field(j, "name", img->name, REF_NAME_MAX, err, err_len) ||
        copy_field(j, "tag", img->tag, REF_TAG_MAX, err, err_len) ||
        copy_field(j, "service", img->service, SERVICE_NAME_MAX, err, err_len) ||
        copy_field(j, "sha256", img->sha256, 64, err, err_len) ||
        copy_field(j, "elf_sha256", img->elf_sha256, 64, err, err_len))
        return -EINVAL;
    char *ref = xasprintf("%s:%s", img->name, img->tag);
    int bad = image_ref_parse(ref, &parsed, spec_err);
    free(ref);
    if (bad) {
        snprintf(err, err_len, "%s", spec_err);
        return -EINVAL;
    }
    /* Stored under its familiar name only, so one image has one file. */
    if (strcmp(parsed.name, img->name) != 0) {
        snprintf(err, err_len, "name '%s' is not in its familiar form '%s'", img->name,
                 parsed.name);
        return -EINVAL;
    }
    if (!sha256_is_hex(img->sha256) || !sha256_is_hex(img->elf_sha256)) {
        snprintf(err, err_len, "sha256 and elf_sha256 must be 64 lowercase hex digits");
        return -EINVAL;
    }
    if (board_from_json(json_object_get(j, "qemu"), json_get_string(j, "board"), &img->board, err,
                        err_len))
        return -EINVAL;
    if (json_get_int(j, "size", &size) || size < 0 || json_get_int(j, "elf_size", &elf_size) ||
        elf_size < 0) {
        snprintf(err, err_len, "size and elf_size must be byte counts");
        return -EINVAL;
    }
    json_get_int(j, "build_ms", &build_ms);
    created = json_get_string(j, "created");
    if (!created || spec_parse_time(created, &img->created_ns) != 0) {
        snprintf(err, err_len, "created must be an RFC 3339 time");
        return -EINVAL;
    }
    int64_t dtb_size = 0;
    const char *dtb = json_get_string(j, "dtb_sha256");
    if (dtb && *dtb && !sha256_is_hex(dtb)) {
        snprintf(err, err_len, "dtb_sha256 must be empty or 64 lowercase hex digits");
        return -EINVAL;
    }
    if (dtb && *dtb && (json_get_int(j, "dtb_size", &dtb_size) || dtb_size < 0)) {
        snprintf(err, err_len, "dtb_size must be a byte count");
        return -EINVAL;
    }
    snprintf(img->dtb_sha256, sizeof(img->dtb_sha256), "%s", dtb ? dtb : "");
    img->dtb_size = (uint64_t)dtb_size;
    img->size = (uint64_t)size;
    img->elf_size = (uint64_t)elf_size;
    img->build_ms = build_ms;
    img->debug = json_get_bool(j, "debug", false);
    args = json_get_string(j, "args");
    source = json_get_string(j, "source");
    img->args = xstrdup(args ? args : "");
    img->source = xstrdup(source ? source : "");
    return 0;
}

/*
 * images/<name>/<tag>.json, the name's '/' written as '+' (which no
 * reference has), so every repository is one folder.
 */
static char *name_dir(const char *name)
{
    char *dir = store_path("images/%s", name);
    for (char *p = dir + strlen(dir) - strlen(name); *p; p++)
        if (*p == '/')
            *p = '+';
    return dir;
}

static char *manifest_path(const char *name, const char *tag)
{
    char *dir = name_dir(name), *path = xasprintf("%s/%s.json", dir, tag);
    free(dir);
    return path;
}

static int load_path(const char *path, struct image *img)
{
    char *text, err[SPEC_ERR_LEN];
    size_t len;
    int r = file_read(path, &text, &len);
    if (r)
        return r;
    json_t *j = json_parse_text(text, len, err, sizeof(err));
    free(text);
    r = j ? image_from_json(j, img, err, sizeof(err)) : -EINVAL;
    json_decref(j);
    return r;
}

int image_load(const char *name, const char *tag, struct image *img)
{
    char *path = manifest_path(name, tag);
    int r = load_path(path, img);
    free(path);
    /* The file is found by its name: it must say the same. */
    if (!r && (strcmp(img->name, name) != 0 || strcmp(img->tag, tag) != 0)) {
        image_free(img);
        r = -EINVAL;
    }
    return r;
}

int image_save(const struct image *img)
{
    char *dir = name_dir(img->name);
    int err = dir_create(dir);
    free(dir);
    if (err)
        return err;
    json_t *j = image_to_json(img);
    char *text = json_text(j, true), *path = manifest_path(img->name, img->tag);
    json_decref(j);
    char *line = xasprintf("%s\n", text);
    err = file_write_atomic(path, line, strlen(line));
    free(line);
    free(text);
    free(path);
    return err;
}

int image_remove(const char *name, const char *tag)
{
    char *path = manifest_path(name, tag);
    int err = unlink(path) == 0 ? 0 : -errno;
    free(path);
    char *dir = name_dir(name);
    rmdir(dir); /* only succeeds once its last tag is gone */
    free(dir);
    return err;
}

void image_free(struct image *img)
{
    free(img->args);
    free(img->source);
    img->args = img->source = NULL;
}

static int by_ref(const void *a, const void *b)
{
    const struct image *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : strcmp(x->tag, y->tag);
}

int image_list(struct image **imgs, size_t *count)
{
    char *root = store_path("images");
    DIR *d = opendir(root);
    *imgs = NULL;
    *count = 0;
    if (!d) {
        int err = -errno;
        free(root);
        return err;
    }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char *sub = xasprintf("%s/%s", root, e->d_name);
        DIR *td = opendir(sub);
        struct dirent *t;
        while (td && (t = readdir(td))) {
            size_t n = strlen(t->d_name);
            if (n <= 5 || strcmp(t->d_name + n - 5, ".json") != 0)
                continue;
            char *path = xasprintf("%s/%s", sub, t->d_name);
            struct image img;
            if (load_path(path, &img) == 0) {
                *imgs = xrealloc(*imgs, (*count + 1) * sizeof(**imgs));
                (*imgs)[(*count)++] = img;
            }
            free(path);
        }
        if (td)
            closedir(td);
        free(sub);
    }
    closedir(d);
    free(root);
    if (*count)
        qsort(*imgs, *count, sizeof(**imgs), by_ref);
    return 0;
}

void image_list_free(struct image *imgs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        image_free(&imgs[i]);
    free(imgs);
}

void image_manifest_digest(const struct image *img, char digest[IMAGE_DIGEST_LEN + 1])
{
    struct oci_artifact a;
    if (oci_artifact_build(img, &a) != 0) {
        snprintf(digest, IMAGE_DIGEST_LEN + 1, "-"); /* its files are gone: no manifest */
        return;
    }
    snprintf(digest, IMAGE_DIGEST_LEN + 1, "sha256:%s", a.manifest_desc.sha256);
    oci_artifact_free(&a);
}

/* The image of repository name whose manifest has digest, into img: 0 or -ENOENT. */
static int find_by_digest(const char *name, const char *digest, struct image *img)
{
    struct image *imgs;
    size_t n;
    int r = -ENOENT;
    if (image_list(&imgs, &n) != 0)
        return r;
    for (size_t i = 0; i < n && r; i++) {
        char d[IMAGE_DIGEST_LEN + 1];
        if (strcmp(imgs[i].name, name) != 0)
            continue;
        image_manifest_digest(&imgs[i], d);
        if (strcmp(d, digest) == 0) {
            *img = imgs[i];
            memset(&imgs[i], 0, sizeof(imgs[i])); /* now img's */
            r = 0;
        }
    }
    image_list_free(imgs, n);
    return r;
}

int image_find(const char *ref, struct image *img, char *err)
{
    struct image_ref r;
    char shown[IMAGE_REF_MAX + REF_DIGEST_MAX + 2];
    if (image_ref_parse(ref, &r, err) != 0)
        return -EINVAL;
    image_ref_format(&r, shown, sizeof(shown));
    int e = r.tag[0] ? image_load(r.name, r.tag, img) : find_by_digest(r.name, r.digest, img);
    if (!e && r.tag[0] && r.digest[0]) {
        char d[IMAGE_DIGEST_LEN + 1];
        image_manifest_digest(img, d);
        if (strcmp(d, r.digest) != 0) {
            image_free(img);
            snprintf(err, SPEC_ERR_LEN, "image %s has digest %s, not %s", shown, d, r.digest);
            return -ENOENT;
        }
    }
    if (e == -ENOENT) {
        snprintf(err, SPEC_ERR_LEN,
                 "no image %s; build it with `mote build`, pull it with `mote pull` or list "
                 "images with `mote images`",
                 shown);
        return -ENOENT;
    }
    if (e) {
        snprintf(err, SPEC_ERR_LEN,
                 "the manifest of image %s is unreadable (%s); remove it "
                 "with `mote rmi -f %s` and build it again",
                 shown, strerror(-e), shown);
        return -EINVAL;
    }
    return 0;
}
