// SPDX-License-Identifier: MIT
/* Image manifests in the store, see image.h. */
#include "tools/mote/image.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tools/mote/sha256.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

void image_to_json(const struct image *img, struct json_writer *w)
{
    char created[TIME_STR_LEN + 1];
    spec_format_time(img->created_ns, created);
    json_begin_object(w);
    json_member_string(w, "name", img->name);
    json_member_string(w, "tag", img->tag);
    json_member_string(w, "board", img->board.name);
    json_key(w, "qemu");
    board_to_json(&img->board, w);
    json_member_string(w, "service", img->service);
    json_member_int(w, "size", (int64_t)img->size);
    json_member_string(w, "sha256", img->sha256);
    json_member_int(w, "elf_size", (int64_t)img->elf_size);
    json_member_string(w, "elf_sha256", img->elf_sha256);
    json_member_int(w, "dtb_size", (int64_t)img->dtb_size);
    json_member_string(w, "dtb_sha256", img->dtb_sha256);
    json_member_string(w, "created", created);
    json_member_int(w, "build_ms", img->build_ms);
    json_member_bool(w, "debug", img->debug);
    json_member_string(w, "args", img->args);
    json_member_string(w, "source", img->source);
    json_end_object(w);
}

static int copy_field(const struct json *j, const char *key, char *out, size_t max, char *err,
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

int image_from_json(const struct json *j, struct image *img, char *err, size_t err_len)
{
    char spec_err[SPEC_ERR_LEN], name[IMAGE_NAME_MAX + 1], tag[IMAGE_TAG_MAX + 1];
    int64_t size, elf_size, build_ms = 0;
    const char *created, *args, *source;
    memset(img, 0, sizeof(*img));
    if (!j || j->type != JSON_OBJECT) {
        snprintf(err, err_len, "expected a JSON object");
        return -EINVAL;
    }
    if (copy_field(j, "name", img->name, IMAGE_NAME_MAX, err, err_len) ||
        copy_field(j, "tag", img->tag, IMAGE_TAG_MAX, err, err_len) ||
        copy_field(j, "service", img->service, SERVICE_NAME_MAX, err, err_len) ||
        copy_field(j, "sha256", img->sha256, 64, err, err_len) ||
        copy_field(j, "elf_sha256", img->elf_sha256, 64, err, err_len))
        return -EINVAL;
    char *ref = xasprintf("%s:%s", img->name, img->tag);
    int bad = spec_parse_image_ref(ref, name, tag, spec_err);
    free(ref);
    if (bad) {
        snprintf(err, err_len, "%s", spec_err);
        return -EINVAL;
    }
    if (!sha256_is_hex(img->sha256) || !sha256_is_hex(img->elf_sha256)) {
        snprintf(err, err_len, "sha256 and elf_sha256 must be 64 lowercase hex digits");
        return -EINVAL;
    }
    if (board_from_json(json_get(j, "qemu"), json_get_string(j, "board"), &img->board, err,
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

static char *manifest_path(const char *name, const char *tag)
{
    return store_path("images/%s/%s.json", name, tag);
}

int image_load(const char *name, const char *tag, struct image *img)
{
    char *path = manifest_path(name, tag), *text, err[256];
    size_t len;
    int r = file_read(path, &text, &len);
    free(path);
    if (r)
        return r;
    struct json *j = json_parse(text, len, err, sizeof(err));
    free(text);
    r = j ? image_from_json(j, img, err, sizeof(err)) : -EINVAL;
    json_free(j);
    return r;
}

int image_save(const struct image *img)
{
    char *dir = store_path("images/%s", img->name);
    int err = dir_create(dir);
    free(dir);
    if (err)
        return err;
    struct strbuf sb = STRBUF_INIT;
    struct json_writer w;
    json_writer_init(&w, &sb, true);
    image_to_json(img, &w);
    sb_addc(&sb, '\n');
    char *path = manifest_path(img->name, img->tag);
    err = file_write_atomic(path, sb.s, sb.len);
    free(path);
    sb_free(&sb);
    return err;
}

int image_remove(const char *name, const char *tag)
{
    char *path = manifest_path(name, tag);
    int err = unlink(path) == 0 ? 0 : -errno;
    free(path);
    char *dir = store_path("images/%s", name);
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
            char *tag = xasprintf("%.*s", (int)(n - 5), t->d_name);
            struct image img;
            if (image_load(e->d_name, tag, &img) == 0) {
                *imgs = xrealloc(*imgs, (*count + 1) * sizeof(**imgs));
                (*imgs)[(*count)++] = img;
            }
            free(tag);
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

int image_find(const char *ref, struct image *img, char *err)
{
    char name[IMAGE_NAME_MAX + 1], tag[IMAGE_TAG_MAX + 1];
    if (spec_parse_image_ref(ref, name, tag, err) != 0)
        return -EINVAL;
    int r = image_load(name, tag, img);
    if (r == -ENOENT) {
        snprintf(err, SPEC_ERR_LEN,
                 "no image %s:%s; build it with `mote build` or list images with `mote images`",
                 name, tag);
        return -ENOENT;
    }
    if (r) {
        snprintf(err, SPEC_ERR_LEN,
                 "the manifest of image %s:%s is unreadable (%s); remove it "
                 "with `mote rmi -f %s:%s` and build it again",
                 name, tag, strerror(-r), name, tag);
        return -EINVAL;
    }
    return 0;
}
