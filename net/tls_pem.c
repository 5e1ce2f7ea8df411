// SPDX-License-Identifier: MIT
/* Certificates and keys made ready for mbedTLS's parsers (net/tls_pem.h). */
#include "net/tls_pem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static const char pem_begin[] = "-----BEGIN ";

bool tls_is_pem(const void *data, size_t len)
{
    const char *p = data;
    size_t n = sizeof(pem_begin) - 1;
    for (size_t i = 0; data && i + n <= len; i++)
        if (p[i] == pem_begin[0] && memcmp(p + i, pem_begin, n) == 0)
            return true;
    return false;
}

int tls_blob_make(const void *data, size_t len, struct tls_blob *out)
{
    if (!out)
        return -EINVAL;
    out->data = NULL;
    out->len = 0;
    if (!data || len == 0 || len > TLS_BLOB_MAX)
        return -EINVAL;
    bool pem = tls_is_pem(data, len);
    const unsigned char *bytes = data;
    bool terminated = bytes[len - 1] == '\0';
    size_t text = terminated ? len - 1 : len;
    /* PEM text stops at its first NUL for mbedTLS: a NUL inside would hide what follows. */
    if (pem && memchr(bytes, '\0', text))
        return -EINVAL;
    size_t size = pem ? text + 1 : len;
    unsigned char *copy = malloc(size);
    if (!copy)
        return -ENOMEM;
    memcpy(copy, bytes, pem ? text : len);
    if (pem)
        copy[text] = '\0';
    out->data = copy;
    out->len = size;
    return 0;
}

void tls_blob_free(struct tls_blob *blob)
{
    if (!blob || !blob->data)
        return;
    /* volatile: the compiler may not drop a wipe of memory about to be freed */
    volatile unsigned char *p = blob->data;
    for (size_t i = 0; i < blob->len; i++)
        p[i] = 0;
    free(blob->data);
    blob->data = NULL;
    blob->len = 0;
}
