/* SPDX-License-Identifier: MIT */
/*
 * Images as OCI image layouts (OCI Image Layout and Image Manifest
 * specifications, v1.0): a folder with oci-layout, index.json and
 * blobs/sha256/<digest>. The manifest's config is the image's own manifest
 * (image.h) and its two layers are the bootable image and the ELF, each with
 * Mote's media type, so a registry stores them as it stores any artifact.
 */
#ifndef TOOLS_MOTE_OCI_H
#define TOOLS_MOTE_OCI_H

#include "tools/mote/image.h"

#define OCI_MANIFEST_TYPE "application/vnd.oci.image.manifest.v1+json"
#define OCI_INDEX_TYPE    "application/vnd.oci.image.index.v1+json"
#define MOTE_CONFIG_TYPE  "application/vnd.mote.image.config.v1+json"
#define MOTE_KERNEL_TYPE  "application/vnd.mote.image.kernel.v1"
#define MOTE_ELF_TYPE     "application/vnd.mote.image.elf.v1"
#define MOTE_DTB_TYPE     "application/vnd.mote.image.dtb.v1"
#define OCI_REF_NAME      "org.opencontainers.image.ref.name"
#define OCI_TITLE         "org.opencontainers.image.title"
#define OCI_CREATED       "org.opencontainers.image.created"
#define MOTE_REF          "io.mote.image.ref" /* NAME:TAG, as the store names it */

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
