// SPDX-License-Identifier: MIT
/* SHA-256 through OpenSSL's EVP interface, see sha256.h. */
#include "tools/mote/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <unistd.h>

#include "tools/mote/util.h"

#define READ_CHUNK 65536

struct sha256 {
    EVP_MD_CTX *ctx;
};

struct sha256 *sha256_new(void)
{
    struct sha256 *s = xmalloc(sizeof(*s));
    s->ctx = EVP_MD_CTX_new();
    if (!s->ctx || EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL) != 1)
        die(MOTE_EXIT_ERROR, "libcrypto cannot compute SHA-256");
    return s;
}

void sha256_update(struct sha256 *s, const void *data, size_t len)
{
    if (EVP_DigestUpdate(s->ctx, data, len) != 1)
        die(MOTE_EXIT_ERROR, "libcrypto cannot compute SHA-256");
}

void sha256_finish(struct sha256 *s, char out[SHA256_HEX_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(s->ctx, digest, &len) != 1 || len * 2 != SHA256_HEX_LEN)
        die(MOTE_EXIT_ERROR, "libcrypto cannot compute SHA-256");
    for (unsigned int i = 0; i < len; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0xf];
    }
    out[SHA256_HEX_LEN] = '\0';
    EVP_MD_CTX_free(s->ctx);
    free(s);
}

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
    struct sha256 *s = sha256_new();
    sha256_update(s, data, len);
    sha256_finish(s, out);
}

int sha256_file(const char *path, char out[SHA256_HEX_LEN + 1], uint64_t *size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    struct sha256 *s = sha256_new();
    static unsigned char buf[READ_CHUNK];
    uint64_t total = 0;
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = -errno;
            close(fd);
            sha256_finish(s, out);
            return err;
        }
        if (n == 0)
            break;
        sha256_update(s, buf, (size_t)n);
        total += (uint64_t)n;
    }
    close(fd);
    if (size)
        *size = total;
    sha256_finish(s, out);
    return 0;
}

int sha256_is_hex(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return 0;
    return n == SHA256_HEX_LEN;
}
