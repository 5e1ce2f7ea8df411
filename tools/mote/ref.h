/* SPDX-License-Identifier: MIT */
/*
 * Image references as the Docker CLI reads them (the grammar of the
 * distribution project's reference package, which registries and skopeo
 * share):
 *
 *   [DOMAIN[:PORT]/]PATH[:TAG][@sha256:DIGEST]
 *
 *   DOMAIN   labels of [A-Za-z0-9-] separated by '.', or localhost, or an
 *            IPv6 address in brackets; an optional :PORT
 *   PATH     components of [a-z0-9] runs joined by '.', '_', '__' or '-'s,
 *            separated by '/'; lowercase only
 *   TAG      [A-Za-z0-9_] then up to 127 of [A-Za-z0-9_.-]
 *   DIGEST   sha256: and 64 lowercase hex digits
 *
 * Normalisation as Docker does it: the first component is a domain only if it
 * has a '.' or a ':' or is "localhost"; otherwise the domain is docker.io,
 * and a single-component path gets "library/". The familiar name (what mote
 * shows and stores images under) drops "docker.io/" and "library/" again, so
 * `dns` is docker.io/library/dns:latest and is shown as dns.
 */
#ifndef TOOLS_MOTE_REF_H
#define TOOLS_MOTE_REF_H

#include <stdbool.h>

#define REF_NAME_MAX     255 /* the whole repository name, domain included (Docker's limit) */
#define REF_TAG_MAX      128
#define REF_DIGEST_MAX   71 /* "sha256:" and 64 hex digits */
#define REF_DEFAULT_HOST "docker.io"
#define REF_DEFAULT_TAG  "latest"

struct image_ref {
    char domain[REF_NAME_MAX + 1];   /* "docker.io", "127.0.0.1:5000" */
    char path[REF_NAME_MAX + 1];     /* "library/dns", "team/dns" */
    char name[REF_NAME_MAX + 1];     /* familiar: "dns", "127.0.0.1:5000/team/dns" */
    char tag[REF_TAG_MAX + 1];       /* "latest" when neither a tag nor a digest was given */
    char digest[REF_DIGEST_MAX + 1]; /* "sha256:<hex>", or "" */
    bool tagged;                     /* a tag was written (not the default) */
};

/*
 * Parses and normalises s. Returns 0, or -EINVAL with a one-line message in
 * err (SPEC_ERR_LEN bytes, may be NULL) saying what is wrong and what is
 * expected.
 */
int image_ref_parse(const char *s, struct image_ref *r, char *err);

/* The familiar NAME:TAG (or NAME@DIGEST when there is no tag) into buf. */
void image_ref_format(const struct image_ref *r, char *buf, unsigned long len);

#endif
