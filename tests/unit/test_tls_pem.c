// SPDX-License-Identifier: MIT
/*
 * Unit tests for net/tls_pem.c, the glue between certificate files (embedded
 * by the build, without a NUL) and mbedTLS's parsers, which mbedTLS itself
 * (built for the host with Mote's configuration) then checks: what the glue
 * hands over must parse.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "mbedtls/pk.h"
#include "mbedtls/x509_crt.h"
#include "net/tls_pem.h"

/* A throwaway self-signed P-256 certificate and its key (test data, nothing trusts it). */
static const char cert_pem[] = "-----BEGIN CERTIFICATE-----\n"
                               "MIIBfzCCASWgAwIBAgIUJdsb4kZ69zzq6TrM30q/3A23hE4wCgYIKoZIzj0EAwIw\n"
                               "FDESMBAGA1UEAwwJdW5pdC50ZXN0MCAXDTI2MTEyNjAzNTY1MVoYDzIxMjYxMTAy\n"
                               "MDM1NjUxWjAUMRIwEAYDVQQDDAl1bml0LnRlc3QwWTATBgcqhkjOPQIBBggqhkjO\n"
                               "PQMBBwNCAAQtx2DkBXTC25uYjgg3nYmZTRJTGjWH+zmx4jWplb/oWf2oceB38WGQ\n"
                               "mK1/HI+vPHsf2rbVh2G6w5BiWNPv1g+io1MwUTAdBgNVHQ4EFgQUpSeGbHUtgkqO\n"
                               "9rvgxzjFJWJDhFEwHwYDVR0jBBgwFoAUpSeGbHUtgkqO9rvgxzjFJWJDhFEwDwYD\n"
                               "VR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiAh1l00DbORbQVrHbMuSGOX\n"
                               "gnrw+Ukyjf88T25fSrMvpAIhAIJOqHv3LxV2GPLEao/NC2MmMQjBX/g1QOHvAqgJ\n"
                               "nnBx\n"
                               "-----END CERTIFICATE-----\n";
static const char key_pem[] = "-----BEGIN EC PRIVATE KEY-----\n"
                              "MHcCAQEEIBdQRdmobCjwFEx40eIwAI6b04ShfrGLgfnR+GqI1D4+oAoGCCqGSM49\n"
                              "AwEHoUQDQgAELcdg5AV0wtubmI4IN52JmU0SUxo1h/s5seI1qZW/6Fn9qHHgd/Fh\n"
                              "kJitfxyPrzx7H9q21YdhusOQYljT79YPog==\n"
                              "-----END EC PRIVATE KEY-----\n";

/* mbedTLS's time (net/mbedtls_config.h); parsing does not look at it. */
time_t net_tls_time(time_t *now)
{
    if (now)
        *now = 0;
    return 0;
}

static void test_pem_is_recognised_and_der_is_not(void **state)
{
    (void)state;
    static const uint8_t der[] = {0x30, 0x82, 0x01, 0x7f, 0x30};
    assert_true(tls_is_pem(cert_pem, strlen(cert_pem)));
    assert_true(tls_is_pem(key_pem, strlen(key_pem)));
    assert_false(tls_is_pem(der, sizeof(der)));
    assert_false(tls_is_pem("-----BEGIN", 10)); /* the marker cut short */
}

static void test_pem_without_a_nul_gets_one_counted_in_the_length(void **state)
{
    (void)state;
    struct tls_blob b;
    size_t len = strlen(cert_pem);
    assert_int_equal(tls_blob_make(cert_pem, len, &b), 0);
    assert_int_equal(b.len, len + 1);
    assert_int_equal(b.data[len], '\0');
    assert_memory_equal(b.data, cert_pem, len);
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    assert_int_equal(mbedtls_x509_crt_parse(&crt, b.data, b.len), 0);
    mbedtls_x509_crt_free(&crt);
    tls_blob_free(&b);
    assert_null(b.data);
    assert_int_equal(b.len, 0);
}

static void test_pem_that_ends_in_a_nul_is_not_given_a_second(void **state)
{
    (void)state;
    struct tls_blob b;
    assert_int_equal(tls_blob_make(key_pem, sizeof(key_pem), &b), 0); /* sizeof: NUL included */
    assert_int_equal(b.len, sizeof(key_pem));
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    assert_int_equal(mbedtls_pk_parse_key(&pk, b.data, b.len, NULL, 0), 0);
    assert_true(mbedtls_pk_can_do(&pk, MBEDTLS_PK_ECKEY));
    mbedtls_pk_free(&pk);
    tls_blob_free(&b);
}

static void test_der_is_handed_over_as_it_is(void **state)
{
    (void)state;
    mbedtls_x509_crt crt;
    mbedtls_x509_crt_init(&crt);
    assert_int_equal(
        mbedtls_x509_crt_parse(&crt, (const unsigned char *)cert_pem, sizeof(cert_pem)), 0);
    struct tls_blob b;
    assert_int_equal(tls_blob_make(crt.raw.p, crt.raw.len, &b), 0);
    assert_int_equal(b.len, crt.raw.len);
    assert_memory_equal(b.data, crt.raw.p, crt.raw.len);
    mbedtls_x509_crt der;
    mbedtls_x509_crt_init(&der);
    assert_int_equal(mbedtls_x509_crt_parse(&der, b.data, b.len), 0);
    mbedtls_x509_crt_free(&der);
    mbedtls_x509_crt_free(&crt);
    tls_blob_free(&b);
}

static void test_bad_inputs_are_refused(void **state)
{
    (void)state;
    struct tls_blob b = {(unsigned char *)1, 1};
    assert_int_equal(tls_blob_make(NULL, 10, &b), -EINVAL);
    assert_null(b.data);
    assert_int_equal(tls_blob_make(cert_pem, 0, &b), -EINVAL);
    assert_int_equal(tls_blob_make(cert_pem, strlen(cert_pem), NULL), -EINVAL);
    char *big = calloc(1, TLS_BLOB_MAX + 1);
    assert_non_null(big);
    assert_int_equal(tls_blob_make(big, TLS_BLOB_MAX + 1, &b), -EINVAL);
    free(big);
    /* A NUL inside PEM text would hide the rest from mbedTLS. */
    char two[2 * sizeof(cert_pem)];
    memcpy(two, cert_pem, sizeof(cert_pem));
    memcpy(two + sizeof(cert_pem), cert_pem, sizeof(cert_pem) - 1);
    assert_int_equal(tls_blob_make(two, sizeof(two) - 1, &b), -EINVAL);
    tls_blob_free(NULL);
    struct tls_blob zero = {0};
    tls_blob_free(&zero);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pem_is_recognised_and_der_is_not),
        cmocka_unit_test(test_pem_without_a_nul_gets_one_counted_in_the_length),
        cmocka_unit_test(test_pem_that_ends_in_a_nul_is_not_given_a_second),
        cmocka_unit_test(test_der_is_handed_over_as_it_is),
        cmocka_unit_test(test_bad_inputs_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
