/* SPDX-License-Identifier: MIT */
/*
 * Certificates and keys as mbedTLS's parsers take them (net/tls_pem.c): its
 * PEM parser wants the text NUL-terminated with the NUL counted in the
 * length; files embedded by the build or passed at boot are not. Portable:
 * also built for the host (tests/unit/test_tls_pem.c, tests/fuzz/fuzz_tls_pem.c).
 */
#ifndef NET_TLS_PEM_H
#define NET_TLS_PEM_H

#include <stdbool.h>
#include <stddef.h>

/* The largest certificate chain or key accepted: a long chain of RSA-4096 certificates fits. */
#define TLS_BLOB_MAX (64 * 1024)

struct tls_blob {
    unsigned char *data; /* a copy, or NULL */
    size_t len;          /* what to pass to mbedTLS with data */
};

/* Whether data (len bytes) is PEM text: it holds a "-----BEGIN " line. */
bool tls_is_pem(const void *data, size_t len);

/*
 * Copies data (len bytes, PEM or DER) into *out for mbedTLS: PEM with a NUL
 * added after its last byte (unless it ends in one) and counted in out->len,
 * DER as it is. Returns 0, -EINVAL if data is NULL, len is 0 or over
 * TLS_BLOB_MAX, or PEM text has a NUL before its end, -ENOMEM.
 */
int tls_blob_make(const void *data, size_t len, struct tls_blob *out);

/* Frees out's copy (a zeroed blob is fine); the bytes are wiped first: they may be a key. */
void tls_blob_free(struct tls_blob *blob);

#endif
