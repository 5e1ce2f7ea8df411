/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4): image digests in the store and in OCI layouts. */
#ifndef TOOLS_MOTE_SHA256_H
#define TOOLS_MOTE_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN     32
#define SHA256_HEX_LEN 64 /* without the NUL */

struct sha256 {
    uint32_t h[8];
    uint64_t len; /* bytes hashed so far */
    uint8_t block[64];
    size_t used; /* bytes in block */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *data, size_t len);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);

/* The digest of data as 64 lowercase hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);

/* The digest of the file at path into out (hex). Returns 0 or -errno; *size gets its length. */
int sha256_file(const char *path, char out[SHA256_HEX_LEN + 1], uint64_t *size);

/* 1 if s is exactly 64 lowercase hex digits, else 0. */
int sha256_is_hex(const char *s);

#endif
