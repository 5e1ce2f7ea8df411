/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 digests of image files, in the store, in OCI layouts and on the
 * wire to a registry, computed by OpenSSL's libcrypto (EVP).
 */
#ifndef TOOLS_MOTE_SHA256_H
#define TOOLS_MOTE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64 /* without the NUL */

/* A digest being computed over data that arrives in pieces (a download). */
struct sha256;

/* A new digest context; ends the program if libcrypto cannot make one. */
struct sha256 *sha256_new(void);
void sha256_update(struct sha256 *s, const void *data, size_t len);
/* The digest as 64 lowercase hex digits and a NUL; frees s. */
void sha256_finish(struct sha256 *s, char out[SHA256_HEX_LEN + 1]);

/* The digest of data as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

/* The digest of the file at path into out (hex). Returns 0 or -errno; *size gets its length. */
int sha256_file(const char *path, char out[SHA256_HEX_LEN + 1], uint64_t *size);

/* 1 if s is exactly 64 lowercase hex digits, else 0. */
int sha256_is_hex(const char *s);

#endif
