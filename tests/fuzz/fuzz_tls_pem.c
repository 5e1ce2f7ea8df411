// SPDX-License-Identifier: MIT
/*
 * Fuzz target: certificate and key loading (net/tls_pem.c, then mbedTLS's
 * parsers with Mote's configuration, as net/tls_config.c loads the files a
 * build embedded). The first byte picks certificate or key; the rest is the
 * file. mbedTLS's parsers are fuzzed upstream too (its programs/fuzz); here
 * they run behind Mote's glue, with its NUL handling and bounds.
 */
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"
#include "net/tls_pem.h"

time_t net_tls_time(time_t *now)
{
    if (now)
        *now = 0;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct tls_blob b;
    if (tls_blob_make(data + 1, size - 1, &b) != 0)
        return 0;
    if (data[0] & 1) {
        mbedtls_pk_context pk;
        mbedtls_pk_init(&pk);
        mbedtls_pk_parse_key(&pk, b.data, b.len, NULL, 0);
        mbedtls_pk_free(&pk);
    } else {
        mbedtls_x509_crt crt;
        mbedtls_x509_crt_init(&crt);
        mbedtls_x509_crt_parse(&crt, b.data, b.len);
        mbedtls_x509_crt_free(&crt);
    }
    tls_blob_free(&b);
    return 0;
}
