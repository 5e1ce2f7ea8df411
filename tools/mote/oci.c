// SPDX-License-Identifier: MIT
/* OCI manifests, configs and image layouts, see oci.h. */
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
#include "tools/mote/tar.h"
#include "tools/mote/util.h"

#define OCI_SCHEMA_VERSION 2
#define DIGEST_PREFIX      "sha256:"
#define DIGEST_PREFIX_LEN  7

__attribute__((format(printf, 2, 3))) static int bad(char *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, SPEC_ERR_LEN, fmt, ap);
    va_end(ap);
    return -EINVAL;
}

static void desc_set(struct oci_desc *d, const char *type, const char *sha256, uint64_t size)
{
    snprintf(d->media_type, sizeof(d->media_type), "%s", type);
    memcpy(d->sha256, sha256, sizeof(d->sha256));
    d->size = size;
    d->tarred = false;
}

static json_t *desc_to_json(const struct oci_desc *d, const char *title)
{
    json_t *o = json_object();
    char digest[DIGEST_PREFIX_LEN + SHA256_HEX_LEN + 1];
    snprintf(digest, sizeof(digest), DIGEST_PREFIX "%s", d->sha256);
    json_set_string(o, "mediaType", d->media_type);
    json_set_string(o, "digest", digest);
    json_set_int(o, "size", (int64_t)d->size);
    if (title) {
        json_t *ann = json_object();
        json_set_string(ann, OCI_TITLE, title);
        json_set(o, "annotations", ann);
    }
    return o;
}

/* The tar layer of a file of the store, with its role and title. */
static int wrap_layer(struct oci_artifact *a, const char *sha256, const char *title,
                      int64_t mtime_s)
{
    char *path = store_blob_path(sha256), hex[SHA256_HEX_LEN + 1];
    size_t i = a->layer_count, len;
    int r = tar_wrap_file(path, title, mtime_s, &a->layer_data[i], &len);
    free(path);
    if (r)
        return r;
    sha256_hex(a->layer_data[i], len, hex);
    desc_set(&a->layers[i], OCI_LAYER_TYPE, hex, len);
    a->layers[i].tarred = true;
    a->layer_count++;
    return 0;
}

static json_t *layer_to_json(const struct oci_desc *d, const char *role, const char *title)
{
    json_t *o = desc_to_json(d, title);
    json_set_string(json_object_get(o, "annotations"), MOTE_LAYER, role);
    return o;
}

int oci_artifact_build(const struct image *img, struct oci_artifact *a)
{
    memset(a, 0, sizeof(*a));
    char titles[OCI_LAYERS_MAX][SERVICE_NAME_MAX + 8];
    static const char *const roles[] = {"kernel", "elf", "dtb"};
    const char *files[] = {img->sha256, img->elf_sha256, img->dtb_sha256};
    int64_t mtime_s = img->created_ns / 1000000000;
    snprintf(titles[0], sizeof(titles[0]), "%s.img", img->service);
    snprintf(titles[1], sizeof(titles[1]), "%s.elf", img->service);
    snprintf(titles[2], sizeof(titles[2]), "bootargs.dtb");
    for (size_t i = 0; i < OCI_LAYERS_MAX && files[i][0]; i++) {
        int r = wrap_layer(a, files[i], titles[i], mtime_s);
        if (r) {
            oci_artifact_free(a);
            return r;
        }
    }
    char hex[SHA256_HEX_LEN + 1], created[TIME_STR_LEN + 1];
    spec_format_time(img->created_ns, created);
    json_t *mote = image_to_json(img);
    /* The names are the store's and the registry's, not the image's: without them the same
     * image has the same digest under every tag, as docker's images do. */
    json_object_del(mote, "name");
    json_object_del(mote, "tag");
    json_t *config = json_object(), *labels = json_object(), *inner = json_object(),
           *rootfs = json_object(), *diff_ids = json_array();
    json_set_string(config, "created", created);
    json_set_string(config, "architecture", MOTE_ARCH);
    /* No operating system: the image is its own kernel. */
    json_set_string(config, "os", "none");
    json_set_string(labels, MOTE_BOARD, img->board.name);
    json_set(inner, "Labels", labels);
    json_set(config, "config", inner);
    json_set_string(rootfs, "type", "layers");
    /* Uncompressed layers: each layer's diff_id is its digest. */
    for (size_t i = 0; i < a->layer_count; i++) {
        char d[DIGEST_PREFIX_LEN + SHA256_HEX_LEN + 1];
        snprintf(d, sizeof(d), DIGEST_PREFIX "%s", a->layers[i].sha256);
        json_array_append_new(diff_ids, json_str(d));
    }
    json_set(rootfs, "diff_ids", diff_ids);
    json_set(config, "rootfs", rootfs);
    json_set(config, MOTE_CONFIG_KEY, mote);
    a->config = json_text(config, false);
    a->config_len = strlen(a->config);
    json_decref(config);
    sha256_hex(a->config, a->config_len, hex);
    desc_set(&a->config_desc, OCI_CONFIG_TYPE, hex, a->config_len);

    json_t *m = json_object(), *layers = json_array(), *ann = json_object();
    json_set_int(m, "schemaVersion", OCI_SCHEMA_VERSION);
    json_set_string(m, "mediaType", OCI_MANIFEST_TYPE);
    /* OCI 1.1: what the artifact is, for registries and tools that list by it. */
    json_set_string(m, "artifactType", MOTE_ARTIFACT);
    json_set(m, "config", desc_to_json(&a->config_desc, NULL));
    for (size_t i = 0; i < a->layer_count; i++)
        json_array_append_new(layers, layer_to_json(&a->layers[i], roles[i], titles[i]));
    json_set(m, "layers", layers);
    json_set_string(ann, OCI_CREATED, created);
    json_set_string(ann, MOTE_BOARD, img->board.name);
    json_set_string(ann, "io.mote.image.architecture", MOTE_ARCH);
    json_set(m, "annotations", ann);
    a->manifest = json_text(m, false);
    a->manifest_len = strlen(a->manifest);
    json_decref(m);
    sha256_hex(a->manifest, a->manifest_len, hex);
    desc_set(&a->manifest_desc, OCI_MANIFEST_TYPE, hex, a->manifest_len);
    return 0;
}

void oci_artifact_free(struct oci_artifact *a)
{
    free(a->config);
    free(a->manifest);
    a->config = a->manifest = NULL;
    for (size_t i = 0; i < OCI_LAYERS_MAX; i++) {
        free(a->layer_data[i]);
        a->layer_data[i] = NULL;
    }
}

/* Fills d from a descriptor object. Returns 0 or -EINVAL with a message. */
static int desc_parse(const json_t *j, const char *what, uint64_t max_size, struct oci_desc *d,
                      char *err)
{
    const char *type = json_get_string(j, "mediaType"), *digest = json_get_string(j, "digest");
    int64_t size;
    if (!type || !digest || json_get_int(j, "size", &size) != 0 || size < 0)
        return bad(err, "the %s descriptor lacks mediaType, digest or size", what);
    if (strlen(type) >= sizeof(d->media_type))
        return bad(err, "the %s descriptor's mediaType is too long", what);
    if (strncmp(digest, DIGEST_PREFIX, DIGEST_PREFIX_LEN) != 0 ||
        !sha256_is_hex(digest + DIGEST_PREFIX_LEN))
        return bad(err, "the %s descriptor's digest '%.80s' is not sha256:<64 hex digits>", what,
                   digest);
    if ((uint64_t)size > max_size)
        return bad(err, "the %s is %lld bytes, more than a Mote image's %llu", what,
                   (long long)size, (unsigned long long)max_size);
    desc_set(d, type, digest + DIGEST_PREFIX_LEN, (uint64_t)size);
    return 0;
}

int oci_manifest_parse(const char *text, size_t len, uint64_t max_blob, struct oci_manifest *m,
                       char *err)
{
    char msg[160];
    memset(m, 0, sizeof(*m));
    if (len > OCI_JSON_MAX)
        return bad(err, "the manifest is larger than %d bytes", OCI_JSON_MAX);
    json_t *j = json_parse_text(text, len, msg, sizeof(msg));
    if (!j)
        return bad(err, "the manifest is not valid JSON: %s", msg);
    int r = -EINVAL;
    int64_t schema;
    const char *type = json_get_string(j, "mediaType");
    const json_t *layers = json_object_get(j, "layers");
    if (!json_is_object(j) || json_get_int(j, "schemaVersion", &schema) != 0 ||
        schema != OCI_SCHEMA_VERSION || !json_is_array(layers)) {
        bad(err, "the manifest is not an image manifest: expected schemaVersion 2 and layers");
        goto out;
    }
    if (type && strcmp(type, OCI_MANIFEST_TYPE) != 0) {
        bad(err, "the manifest's mediaType is %.100s; a Mote image's is %s", type,
            OCI_MANIFEST_TYPE);
        goto out;
    }
    if (desc_parse(json_object_get(j, "config"), "config", OCI_JSON_MAX, &m->config, err))
        goto out;
    const char *artifact = json_get_string(j, "artifactType");
    /* Tools that copy images (skopeo 1.9) drop artifactType: its absence is no refusal, the
     * layers' roles and the config's "mote" member say what the image is. */
    if (strcmp(m->config.media_type, MOTE_CONFIG_TYPE) != 0 &&
        (strcmp(m->config.media_type, OCI_CONFIG_TYPE) != 0 ||
         (artifact && strcmp(artifact, MOTE_ARTIFACT) != 0))) {
        bad(err,
            "not a Mote image: its artifactType is %.100s and its config of type %.100s; "
            "a Mote image's are %s and %s",
            artifact ? artifact : "(none)", m->config.media_type, MOTE_ARTIFACT, OCI_CONFIG_TYPE);
        goto out;
    }
    if (json_array_size(layers) > OCI_LAYERS_MAX) {
        bad(err, "the manifest has %zu layers; a Mote image has at most %d",
            json_array_size(layers), OCI_LAYERS_MAX);
        goto out;
    }
    for (size_t i = 0; i < json_array_size(layers); i++) {
        struct oci_desc d;
        if (desc_parse(json_array_get(layers, i), "layer", max_blob, &d, err))
            goto out;
        const char *role =
            json_get_string(json_object_get(json_array_get(layers, i), "annotations"), MOTE_LAYER);
        struct oci_desc *slot = NULL;
        static const char *const by_position[] = {"kernel", "elf", "dtb"};
        if (strncmp(d.media_type, OCI_LAYER_TYPE, strlen(OCI_LAYER_TYPE)) == 0 &&
            (strcmp(d.media_type + strlen(OCI_LAYER_TYPE), "") == 0 ||
             strcmp(d.media_type + strlen(OCI_LAYER_TYPE), "+gzip") == 0)) {
            /* skopeo copy recompresses layers (tar+gzip) and drops their annotations: then
             * the order mote writes them in says which is which. */
            if (!role)
                role = by_position[i];
            d.tarred = true;
            slot = strcmp(role, "kernel") == 0 ? &m->kernel
                   : strcmp(role, "elf") == 0  ? &m->elf
                   : strcmp(role, "dtb") == 0  ? &m->dtb
                                               : NULL;
        } else {
            slot = strcmp(d.media_type, MOTE_KERNEL_TYPE) == 0 ? &m->kernel
                   : strcmp(d.media_type, MOTE_ELF_TYPE) == 0  ? &m->elf
                   : strcmp(d.media_type, MOTE_DTB_TYPE) == 0  ? &m->dtb
                                                               : NULL;
        }
        if (!slot) {
            bad(err,
                "the manifest has a layer of type %.100s (%s %.20s), which a Mote image has not",
                d.media_type, MOTE_LAYER, role ? role : "absent");
            goto out;
        }
        if (slot->sha256[0]) {
            bad(err, "the manifest has two %s layers",
                slot == &m->kernel ? "kernel"
                : slot == &m->elf  ? "elf"
                                   : "dtb");
            goto out;
        }
        *slot = d;
    }
    if (!m->kernel.sha256[0] || !m->elf.sha256[0]) {
        bad(err, "not a Mote image: expected a kernel and an elf layer (%s annotations)",
            MOTE_LAYER);
        goto out;
    }
    const char *board = json_get_string(json_object_get(j, "annotations"), MOTE_BOARD);
    if (board && strlen(board) < sizeof(m->board))
        strcpy(m->board, board);
    r = 0;
out:
    json_decref(j);
    return r;
}

int oci_config_parse(const char *text, size_t len, const struct oci_manifest *m, struct image *img,
                     char *err)
{
    char msg[SPEC_ERR_LEN];
    memset(img, 0, sizeof(*img));
    json_t *outer = json_parse_text(text, len, msg, sizeof(msg));
    if (!outer)
        return bad(err, "the image config is not valid JSON: %s", msg);
    /* An OCI config with the image in its "mote" member, or (mote 0.1) the image itself. */
    json_t *j = json_object_get(outer, MOTE_CONFIG_KEY);
    if (!j)
        j = outer;
    const char *arch = json_get_string(outer, "architecture");
    if (arch && strcmp(arch, MOTE_ARCH) != 0) {
        json_decref(outer);
        return bad(err, "the image is for architecture %.40s; Mote images are %s", arch, MOTE_ARCH);
    }
    /* Named after its service until the caller names it (older configs carry a name). */
    const char *service = json_get_string(j, "service");
    if (json_is_object(j) && !json_object_get(j, "name") && service) {
        struct image_ref probe;
        json_set_string(j, "name",
                        image_ref_parse(service, &probe, NULL) == 0 ? probe.name : "image");
        json_set_string(j, "tag", REF_DEFAULT_TAG);
    }
    int r = image_from_json(j, img, msg, sizeof(msg));
    json_decref(outer);
    if (r)
        return bad(err, "the image config is not valid: %s", msg);
    /* The config names the files by digest too: a raw layer's must agree now, a tarred one's
     * when it is unpacked (oci_layer_file). */
    const struct oci_desc *layer[] = {&m->kernel, &m->elf, &m->dtb};
    const char *want[] = {img->sha256, img->elf_sha256, img->dtb_sha256};
    uint64_t want_size[] = {img->size, img->elf_size, img->dtb_size};
    bool agree = (m->dtb.sha256[0] != '\0') == (img->dtb_sha256[0] != '\0');
    for (size_t i = 0; i < OCI_LAYERS_MAX; i++)
        if (!layer[i]->tarred && layer[i]->sha256[0])
            agree &= strcmp(layer[i]->sha256, want[i]) == 0 && layer[i]->size == want_size[i];
    if (!agree) {
        image_free(img);
        return bad(err, "the image config's sha256, elf_sha256 and dtb_sha256 (and sizes) do not "
                        "match the layers");
    }
    return 0;
}

char *oci_layer_file(const char *blob_path, const struct oci_desc *d, const char *want_sha256,
                     uint64_t want_size, char *err)
{
    char *path = d->tarred ? xasprintf("%s.file", blob_path) : xstrdup(blob_path);
    char got[SHA256_HEX_LEN + 1];
    uint64_t got_size;
    if (d->tarred && tar_unwrap_file(blob_path, path, want_size, err) != 0) {
        free(path);
        return NULL;
    }
    if (sha256_file(path, got, &got_size) != 0 || strcmp(got, want_sha256) != 0 ||
        got_size != want_size) {
        bad(err,
            "layer sha256:%.12s holds a file that is not the one the config names "
            "(sha256:%.12s, %llu bytes)",
            d->sha256, want_sha256, (unsigned long long)want_size);
        if (d->tarred)
            unlink(path);
        free(path);
        return NULL;
    }
    return path;
}

/* Writes data as a blob of the layout. */
static int put_blob(const char *dir, const char *data, size_t len, const struct oci_desc *d)
{
    char *path = xasprintf("%s/blobs/sha256/%s", dir, d->sha256);
    int err = file_write_atomic(path, data, len);
    free(path);
    return err;
}

int oci_write_layout(const struct image *img, const char *dir)
{
    char *blobs = xasprintf("%s/blobs/sha256", dir);
    int err = dir_create(blobs);
    free(blobs);
    if (err)
        return err;
    struct oci_artifact a;
    if ((err = oci_artifact_build(img, &a)))
        return err;
    err = put_blob(dir, a.config, a.config_len, &a.config_desc);
    for (size_t i = 0; !err && i < a.layer_count; i++)
        err = put_blob(dir, a.layer_data[i], a.layers[i].size, &a.layers[i]);
    if (!err)
        err = put_blob(dir, a.manifest, a.manifest_len, &a.manifest_desc);
    if (err)
        goto out;

    char ref[IMAGE_REF_MAX + 1];
    snprintf(ref, sizeof(ref), "%s:%s", img->name, img->tag);
    json_t *index = json_object(), *manifests = json_array(), *desc, *ann = json_object(),
           *platform = json_object();
    json_set_int(index, "schemaVersion", OCI_SCHEMA_VERSION);
    json_set_string(index, "mediaType", OCI_INDEX_TYPE);
    desc = desc_to_json(&a.manifest_desc, NULL);
    json_set_string(ann, OCI_REF_NAME, img->tag);
    json_set_string(ann, MOTE_REF, ref);
    json_set(desc, "annotations", ann);
    /* The image runs on no OS; "none" is what OCI platforms use for bare metal. */
    json_set_string(platform, "architecture", MOTE_ARCH);
    json_set_string(platform, "os", "none");
    json_set(desc, "platform", platform);
    json_array_append_new(manifests, desc);
    json_set(index, "manifests", manifests);
    char *text = json_text(index, true), *line = xasprintf("%s\n", text);
    json_decref(index);
    char *path = xasprintf("%s/index.json", dir);
    err = file_write_atomic(path, line, strlen(line));
    free(path);
    free(line);
    free(text);
    if (!err) {
        static const char layout[] = "{\"imageLayoutVersion\":\"1.0.0\"}\n";
        path = xasprintf("%s/oci-layout", dir);
        err = file_write_atomic(path, layout, sizeof(layout) - 1);
        free(path);
    }
out:
    oci_artifact_free(&a);
    return err;
}

/* The path of the layout's blob d after checking its digest and size, or NULL with a message. */
static char *check_blob(const char *dir, const struct oci_desc *d, char *err)
{
    char *p = xasprintf("%s/blobs/sha256/%s", dir, d->sha256), got[SHA256_HEX_LEN + 1];
    struct stat st;
    uint64_t got_size;
    if (lstat(p, &st) != 0 || !S_ISREG(st.st_mode) || sha256_file(p, got, &got_size) != 0) {
        free(p);
        bad(err, "blob sha256:%s is missing", d->sha256);
        return NULL;
    }
    if (strcmp(got, d->sha256) != 0 || got_size != d->size) {
        free(p);
        bad(err,
            "blob sha256:%s is damaged: its content has digest sha256:%s and %llu bytes, "
            "the descriptor says %llu",
            d->sha256, got, (unsigned long long)got_size, (unsigned long long)d->size);
        return NULL;
    }
    return p;
}

/* The content of a small file of the layout (a NUL after it), or NULL with a message. */
static char *read_small(const char *path, const char *what, size_t *len, char *err)
{
    char *text;
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size > OCI_JSON_MAX ||
        file_read(path, &text, len) != 0) {
        bad(err, "%s is missing, not a file or larger than %d bytes", what, OCI_JSON_MAX);
        return NULL;
    }
    return text;
}

/* The one manifest descriptor of index.json, and the ref annotation (or ""). */
static int read_index(const char *dir, struct oci_desc *d, char *ref, size_t ref_len, char *err)
{
    char *path = xasprintf("%s/index.json", dir), msg[160];
    size_t len;
    char *text = read_small(path, "index.json", &len, err);
    free(path);
    if (!text)
        return -EINVAL;
    json_t *index = json_parse_text(text, len, msg, sizeof(msg));
    free(text);
    if (!index)
        return bad(err, "index.json is not valid JSON: %s", msg);
    int64_t schema;
    const json_t *manifests = json_object_get(index, "manifests");
    int r = -EINVAL;
    if (json_get_int(index, "schemaVersion", &schema) != 0 || schema != OCI_SCHEMA_VERSION ||
        !json_is_array(manifests))
        bad(err, "index.json: expected schemaVersion 2 and a manifests array");
    else if (json_array_size(manifests) != 1)
        bad(err,
            "index.json lists %zu manifests; mote load takes a layout of one image (as "
            "mote save writes)",
            json_array_size(manifests));
    else if (!desc_parse(json_array_get(manifests, 0), "manifest", OCI_JSON_MAX, d, err)) {
        const char *name =
            json_get_string(json_object_get(json_array_get(manifests, 0), "annotations"), MOTE_REF);
        snprintf(ref, ref_len, "%s", name && strlen(name) < ref_len ? name : "");
        r = strcmp(d->media_type, OCI_MANIFEST_TYPE) == 0
                ? 0
                : bad(err, "index.json names a %.100s, expected an image manifest (%s)",
                      d->media_type, OCI_MANIFEST_TYPE);
    }
    json_decref(index);
    return r;
}

int oci_read_layout(const char *dir, struct image *img, char **kernel, char **elf, char **dtb,
                    char *err)
{
    int r = -EINVAL;
    char *path = xasprintf("%s/oci-layout", dir), *manifest_path = NULL, *config_path = NULL;
    char *layout_text = NULL, *manifest = NULL, *config = NULL, msg[160];
    char ref[IMAGE_REF_MAX + 1];
    size_t len;
    json_t *layout = NULL;
    *kernel = *elf = *dtb = NULL;
    memset(img, 0, sizeof(*img));
    layout_text = read_small(path, "oci-layout", &len, err);
    free(path);
    if (!layout_text)
        goto out;
    layout = json_parse_text(layout_text, len, msg, sizeof(msg));
    const char *version = json_get_string(layout, "imageLayoutVersion");
    if (!version || strncmp(version, "1.", 2) != 0) {
        bad(err, "oci-layout: expected imageLayoutVersion 1.x");
        goto out;
    }
    struct oci_desc desc;
    struct oci_manifest m;
    if (read_index(dir, &desc, ref, sizeof(ref), err) ||
        !(manifest_path = check_blob(dir, &desc, err)) ||
        !(manifest = read_small(manifest_path, "the image manifest", &len, err)) ||
        oci_manifest_parse(manifest, len, UINT64_MAX, &m, err) ||
        !(config_path = check_blob(dir, &m.config, err)) ||
        !(config = read_small(config_path, "the image config", &len, err)) ||
        oci_config_parse(config, len, &m, img, err))
        goto out;
    char *blob;
    if (!(blob = check_blob(dir, &m.kernel, err)) ||
        !(*kernel = oci_layer_file(blob, &m.kernel, img->sha256, img->size, err))) {
        free(blob);
        image_free(img);
        goto out;
    }
    free(blob);
    if (!(blob = check_blob(dir, &m.elf, err)) ||
        !(*elf = oci_layer_file(blob, &m.elf, img->elf_sha256, img->elf_size, err))) {
        free(blob);
        image_free(img);
        goto out;
    }
    free(blob);
    if (m.dtb.sha256[0] &&
        (!(blob = check_blob(dir, &m.dtb, err)) ||
         !(*dtb = oci_layer_file(blob, &m.dtb, img->dtb_sha256, img->dtb_size, err)))) {
        free(blob);
        image_free(img);
        goto out;
    }
    if (m.dtb.sha256[0])
        free(blob);
    struct image_ref parsed;
    if (ref[0] && image_ref_parse(ref, &parsed, NULL) == 0 && !parsed.digest[0]) {
        snprintf(img->name, sizeof(img->name), "%s", parsed.name);
        snprintf(img->tag, sizeof(img->tag), "%s", parsed.tag);
    }
    r = 0;
out:
    if (r) {
        free(*kernel);
        free(*elf);
        free(*dtb);
        *kernel = *elf = *dtb = NULL;
    }
    json_decref(layout);
    free(layout_text);
    free(manifest);
    free(config);
    free(manifest_path);
    free(config_path);
    return r;
}
