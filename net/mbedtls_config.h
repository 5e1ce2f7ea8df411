/* SPDX-License-Identifier: MIT */
/*
 * Mote's configuration of mbedTLS 2.28 (third_party/mbedtls, built unchanged
 * by mk/mbedtls.mk with MBEDTLS_CONFIG_FILE pointing here): only what TLS 1.2
 * clients and servers with ECDHE, AES-GCM and ChaCha20-Poly1305 and X.509
 * verification need. No file system, no sockets, no threads: bytes move over
 * lwIP's altcp (altcp_tls_mbedtls), entropy comes from Mote's random source
 * and time from Mote's wall clock (net/tls_platform.c). Each option says why
 * it is on; anything not here is off.
 */
#ifndef NET_MBEDTLS_CONFIG_H
#define NET_MBEDTLS_CONFIG_H

#include <time.h>

/* System */
#define MBEDTLS_HAVE_ASM            /* bignum's AArch64 multiply-accumulate: ECDHE and signatures 2-3x faster \
                                     */
#define MBEDTLS_HAVE_TIME                        /* certificate validity needs the time */
#define MBEDTLS_HAVE_TIME_DATE                   /* ... as a calendar date (picolibc's gmtime_r) */
#define MBEDTLS_PLATFORM_C                       /* the hooks below */
#define MBEDTLS_PLATFORM_TIME_MACRO net_tls_time /* Mote's wall clock, not libc's time() */
time_t net_tls_time(time_t *now);                /* net/tls_platform.c */
#define MBEDTLS_NO_PLATFORM_ENTROPY              /* no /dev/urandom: ... */
#define MBEDTLS_ENTROPY_HARDWARE_ALT /* ... mbedtls_hardware_poll draws from mote_random_bytes */
#define MBEDTLS_AES_ROM_TABLES       /* AES tables in rodata, not 8 KiB of RAM built at run time */

/* Randomness: altcp_tls_mbedtls seeds a CTR_DRBG from the entropy collector */
#define MBEDTLS_ENTROPY_C
#define MBEDTLS_CTR_DRBG_C

/* Symmetric crypto: the AEAD ciphers TLS 1.2 peers use today */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_AES_C        /* AES-GCM suites, and the CTR_DRBG */
#define MBEDTLS_GCM_C        /* AES-GCM */
#define MBEDTLS_CHACHA20_C   /* ChaCha20-Poly1305: fast without AES instructions */
#define MBEDTLS_POLY1305_C   /* ... */
#define MBEDTLS_CHACHAPOLY_C /* ... */

/* Hashes: the handshake's PRF and signatures */
#define MBEDTLS_MD_C
#define MBEDTLS_SHA256_C /* SHA-256 suites, certificate signatures, the entropy pool */
#define MBEDTLS_SHA512_C /* SHA-384 suites (AES-256-GCM) and SHA-384/512 signatures */

/* Public keys: ECDHE key exchange, ECDSA and RSA certificates */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED  /* the common certificate and key-exchange curve */
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED  /* ... and the larger one CAs use */
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED /* X25519: what curl and OpenSSL offer first */
#define MBEDTLS_ECP_NIST_OPTIM            /* faster P-256/P-384 reduction */
#define MBEDTLS_RSA_C                     /* most CAs and servers still sign with RSA */
#define MBEDTLS_PKCS1_V15                 /* RSA signatures of TLS 1.2 and X.509 */
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C /* private keys, PEM or DER (PKCS#1, SEC1, PKCS#8) */
#define MBEDTLS_ASN1_PARSE_C
#define MBEDTLS_ASN1_WRITE_C /* ECDSA writes its signatures in DER */
#define MBEDTLS_OID_C

/* Certificates */
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
#define MBEDTLS_X509_CHECK_KEY_USAGE          /* a CA must be allowed to sign certificates */
#define MBEDTLS_X509_CHECK_EXTENDED_KEY_USAGE /* a server certificate must be for servers */
#define MBEDTLS_PEM_PARSE_C                   /* certificates and keys as openssl writes them */
#define MBEDTLS_BASE64_C                      /* ... PEM is base64 */

/* TLS 1.2 only, client and server, forward-secret key exchanges only */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_SRV_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION /* the client names the host it wants (SNI) */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET /* RFC 7627: binds the session to its handshake */
#define MBEDTLS_SSL_ALL_ALERT_MESSAGES     /* tell the peer why a handshake failed */
/* The suites offered and accepted, strongest first: AEAD with ECDHE. */
#define MBEDTLS_SSL_CIPHERSUITES                               \
    MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,           \
        MBEDTLS_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,         \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, \
        MBEDTLS_TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,   \
        MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,       \
        MBEDTLS_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
/*
 * Record buffers: a peer may send records of the full 16 KiB (curl and
 * OpenSSL do not negotiate a smaller one), so input keeps the maximum;
 * Mote's own records are cut at 4 KiB, which saves 12 KiB per connection.
 */
#define MBEDTLS_SSL_IN_CONTENT_LEN  16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 4096

/* Error texts for the log: "X509 - Certificate verification failed", not a number */
#define MBEDTLS_ERROR_C

#include "mbedtls/check_config.h"

#endif
