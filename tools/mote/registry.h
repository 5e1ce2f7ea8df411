/* SPDX-License-Identifier: MIT */
/*
 * A client of the OCI Distribution Specification (v1.0, the API of Docker's
 * and every other registry) through libcurl: blobs checked with HEAD,
 * uploaded with POST then PUT (monolithic upload, §"Pushing a blob
 * monolithically"), downloaded with GET; manifests put and got with their
 * media type. Authentication as registries ask for it in WWW-Authenticate:
 * Basic with the stored credentials, or Bearer with a token fetched from the
 * realm named there (the Docker token protocol). HTTPS by default, verified
 * against the system's CAs or --ca-file; plain HTTP only when asked, or for a
 * registry on the loopback address that does not speak TLS (as Docker does).
 *
 * Everything a registry sends is outside input: sizes are bounded, digests
 * checked while downloading, and errors reported with the registry's own
 * message when it gives one.
 */
#ifndef TOOLS_MOTE_REGISTRY_H
#define TOOLS_MOTE_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tools/mote/ref.h"

#define REGISTRY_ERR_LEN 1024

struct registry_options {
    const char *ca_file; /* NULL: the system's CAs */
    bool plain_http;     /* http:// instead of https:// */
};

struct registry;

/*
 * A client for the repository of ref (its domain and path), with the
 * credentials `mote login` stored for that domain, if any. Never fails (the
 * first request reports a registry that cannot be reached).
 */
struct registry *registry_open(const struct image_ref *ref, const struct registry_options *opts);
void registry_close(struct registry *r);

/* GET /v2/: checks that the registry answers and the credentials are accepted. 0 or -errno. */
int registry_ping(struct registry *r, char *err);

/* HEAD of a blob: 1 if the registry has it, 0 if not, or -errno with a message. */
int registry_blob_exists(struct registry *r, const char *sha256, char *err);

/* Uploads a blob from memory (data) or from the file at path. 0 or -errno with a message. */
int registry_blob_put(struct registry *r, const char *sha256, const void *data, size_t len,
                      const char *path, char *err);

/*
 * Downloads a blob into the file at path (created; removed again on failure),
 * refusing more than size bytes and content whose digest is not sha256.
 * progress is called with the bytes so far (may be NULL). 0 or -errno.
 */
int registry_blob_get(struct registry *r, const char *sha256, uint64_t size, const char *path,
                      void (*progress)(void *arg, uint64_t done), void *arg, char *err);

/* PUT /v2/<name>/manifests/<reference> with the media type. 0 or -errno with a message. */
int registry_manifest_put(struct registry *r, const char *reference, const char *media_type,
                          const char *data, size_t len, char *err);

/*
 * GET /v2/<name>/manifests/<reference>, accepting media_type; at most max
 * bytes. *data (NUL-terminated, free it) and *len, and the Content-Type into
 * type. 0, -ENOENT if the registry has no such manifest, or -errno.
 */
int registry_manifest_get(struct registry *r, const char *reference, const char *media_type,
                          size_t max, char **data, size_t *len, char type[128], char *err);

/* The registry's base URL ("https://127.0.0.1:5000"), for messages. */
const char *registry_url(const struct registry *r);

#endif
