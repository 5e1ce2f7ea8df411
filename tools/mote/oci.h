/* SPDX-License-Identifier: MIT */
/*
 * Images as OCI artifacts (OCI Image Manifest and Image Layout
 * specifications, v1.1): the manifest's artifactType says it is a Mote image;
 * its config is a valid OCI image config (architecture arm64, os "none", the
 * board in a label) carrying the image's own manifest (image.h) in its
 * "mote" member, so skopeo and oci-image-tool read it as any image; its
 * layers are tars of one file each (the bootable image, the ELF and, raspi3,
 * the device tree), with an annotation naming the file's role; no container
 * runtime runs it, as the config's os is "none". The manifest's annotations name the board too, so
 * a pull can refuse an image for another board before fetching its layers.
 *
 * The same manifest goes into `mote save` layouts and `mote push`; the same
 * checks read `mote load` layouts and `mote pull` answers (outside input).
 */
#ifndef TOOLS_MOTE_OCI_H
#define TOOLS_MOTE_OCI_H

#include "tools/mote/image.h"

#define OCI_MANIFEST_TYPE "application/vnd.oci.image.manifest.v1+json"
#define OCI_INDEX_TYPE    "application/vnd.oci.image.index.v1+json"
#define OCI_CONFIG_TYPE   "application/vnd.oci.image.config.v1+json"
#define MOTE_CONFIG_TYPE  "application/vnd.mote.image.config.v1+json" /* mote 0.1's saves */
#define MOTE_ARTIFACT     "application/vnd.mote.image.v1" /* the manifest's artifactType */
#define MOTE_CONFIG_KEY   "mote" /* the OCI config's member holding the image's manifest */
#define OCI_LAYER_TYPE    "application/vnd.oci.image.layer.v1.tar"
#define MOTE_LAYER        "io.mote.image.layer" /* a layer's role: kernel, elf or dtb */
#define MOTE_KERNEL_TYPE  "application/vnd.mote.image.kernel.v1" /* mote 0.1's raw layers */
#define MOTE_ELF_TYPE     "application/vnd.mote.image.elf.v1"
#define MOTE_DTB_TYPE     "application/vnd.mote.image.dtb.v1"
#define OCI_REF_NAME      "org.opencontainers.image.ref.name"
#define OCI_TITLE         "org.opencontainers.image.title"
#define OCI_CREATED       "org.opencontainers.image.created"
#define MOTE_REF          "io.mote.image.ref"   /* NAME:TAG, as the store names it */
#define MOTE_BOARD        "io.mote.image.board" /* board.mk's name: virt, raspi3 */
#define MOTE_ARCH         "arm64"               /* OCI's name for AArch64 */
#define OCI_JSON_MAX      (1024 * 1024) /* manifest and config are small; more is not ours */
#define OCI_LAYERS_MAX    3             /* kernel, ELF, device tree */

/* A blob as a descriptor names it. */
struct oci_desc {
    char media_type[96];
    char sha256[65];
    uint64_t size;
    bool tarred; /* a layer that is a tar of its one file (else the file itself, mote 0.1) */
};

/* An image's manifest and config, as pushed or saved. */
struct oci_artifact {
    char *config; /* the config's JSON text */
    size_t config_len;
    char *manifest; /* the manifest's JSON text */
    size_t manifest_len;
    struct oci_desc config_desc, manifest_desc;
    struct oci_desc layers[OCI_LAYERS_MAX];
    char *layer_data[OCI_LAYERS_MAX]; /* each layer's tar */
    size_t layer_count;
};

/* Builds the config, manifest and layers of img from its files in the store. 0 or -errno. */
int oci_artifact_build(const struct image *img, struct oci_artifact *a);
void oci_artifact_free(struct oci_artifact *a);

/* A manifest read from outside, checked: a Mote image's config and layers. */
struct oci_manifest {
    struct oci_desc config;
    struct oci_desc kernel, elf, dtb; /* dtb.size 0 and sha256 "" when there is none */
    char board[32];                   /* from the annotation, "" if absent */
};

/*
 * Parses and checks a manifest: schemaVersion 2, the config of Mote's type,
 * a kernel and an ELF layer (a device tree optional), every descriptor with a
 * sha256 digest and a size within max_blob. Returns 0 or -EINVAL with a
 * one-line message in err (SPEC_ERR_LEN bytes) naming what is wrong.
 */
int oci_manifest_parse(const char *text, size_t len, uint64_t max_blob, struct oci_manifest *m,
                       char *err);

/*
 * The file a downloaded layer blob holds (blob_path itself for a raw layer,
 * or its one member written beside it), checked against the digest and size
 * the config gives for it. Returns the path (free it) or NULL with a message.
 */
char *oci_layer_file(const char *blob_path, const struct oci_desc *d, const char *want_sha256,
                     uint64_t want_size, char *err);

/*
 * Parses the config against the manifest: a valid image manifest whose
 * sha256, elf_sha256 and dtb_sha256 are the raw layers' (tarred layers are
 * checked by oci_layer_file). Fills img (free with
 * image_free). Returns 0 or -EINVAL with a message in err.
 */
int oci_config_parse(const char *text, size_t len, const struct oci_manifest *m, struct image *img,
                     char *err);

/* Writes img (its files from the store) as an OCI layout into the empty folder dir. Returns 0 or
 * -errno. */
int oci_write_layout(const struct image *img, const char *dir);

/*
 * Reads the OCI layout in dir: checks every blob against its digest and size
 * and the config against the layers. Fills img (its name and tag from the
 * layout) and the paths of its files (dtb NULL if the image has none). Returns 0, or -EINVAL with a
 * message in err (SPEC_ERR_LEN bytes).
 */
int oci_read_layout(const char *dir, struct image *img, char **kernel, char **elf, char **dtb,
                    char *err);

#endif
