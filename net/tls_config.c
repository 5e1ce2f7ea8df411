// SPDX-License-Identifier: MIT
/*
 * TLS configurations (include/mote/tls.h) over lwIP's altcp_tls_mbedtls:
 * certificates and keys are parsed here first, so a bad one is named in the
 * log with mbedTLS's reason (altcp only says "no"), then handed to altcp.
 *
 * altcp_tls_mbedtls (lwIP 2.1.3) leaves certificate verification OPTIONAL:
 * a handshake would succeed with an unverified peer. Its configuration
 * struct, private to altcp_tls_mbedtls.c, begins with the mbedtls_ssl_config
 * (a pointer to a struct is a pointer to its first member, C11 6.7.2.1), so
 * this file makes verification REQUIRED there and adds the verify callback
 * that refuses certificates while the wall clock is unknown and logs why a
 * certificate was refused.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/log.h>
#include <mote/time.h>
#include <mote/tls.h>

#include "mbedtls/error.h"
#include "mbedtls/pk.h"
#include "mbedtls/ssl.h"
#include "mbedtls/x509_crt.h"
#include "net/tls.h"
#include "net/tls_pem.h"

#define REASON_MAX      160
#define NAME_MAX_BYTES  128
#define VERIFY_INFO     256
#define SERVER_NAME_MAX 255 /* a DNS name's longest text form (RFC 1035 §2.3.4) */
#define TLS_CONTENT_FIRST                                                                        \
    20                      /* change_cipher_spec: the lowest TLS record type (RFC 5246 §6.2.1) \
                             */
#define TLS_CONTENT_LAST 24 /* heartbeat: the highest one in use */
#define PEEK_BYTES       5  /* a TLS record header */

struct mote_tls_config {
    struct altcp_tls_config *altcp;
    bool server;
    mbedtls_x509_crt client_ca; /* a server's CA for client certificates */
};

/* altcp_tls_mbedtls.c's struct altcp_tls_config starts with its mbedtls_ssl_config. */
static mbedtls_ssl_config *ssl_config(struct altcp_tls_config *altcp)
{
    return (mbedtls_ssl_config *)(void *)altcp;
}

/* mbedTLS's text for ret, for a log line. */
static const char *reason(int ret, char *buf, size_t max)
{
    mbedtls_strerror(ret, buf, max);
    return buf;
}

/* Flattens mbedTLS's one-line-per-flag verify text into "a; b". */
static void flatten(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
        s[--n] = '\0';
    for (char *p = s; *p; p++)
        if (*p == '\n')
            *p = ';';
}

/*
 * Every certificate of the peer's chain passes here with the flags mbedTLS
 * found. Without wall-clock time the dates cannot be checked: refused. A
 * refusal is logged with the certificate's subject and the reasons.
 */
static int verify(void *arg, mbedtls_x509_crt *crt, int depth, uint32_t *flags)
{
    (void)arg;
    bool no_time = mote_wallclock_ns() < 0;
    if (no_time) /* mbedTLS saw the time as 1970: every certificate not yet valid */
        *flags =
            (*flags & ~(uint32_t)(MBEDTLS_X509_BADCERT_EXPIRED | MBEDTLS_X509_BADCERT_FUTURE)) |
            MBEDTLS_X509_BADCERT_FUTURE;
    if (*flags == 0)
        return 0;
    char subject[NAME_MAX_BYTES], info[VERIFY_INFO] = "";
    if (mbedtls_x509_dn_gets(subject, sizeof(subject), &crt->subject) < 0)
        strcpy(subject, "?");
    uint32_t shown = no_time ? *flags & ~(uint32_t)MBEDTLS_X509_BADCERT_FUTURE : *flags;
    if (shown) {
        mbedtls_x509_crt_verify_info(info, sizeof(info), "", shown); /* cut short if it must */
        flatten(info);
    }
    mote_log(MOTE_LOG_WARN, "tls: certificate refused (%s, chain depth %d): %s%s%s", subject, depth,
             no_time ? "no wall-clock time yet to check its dates (boot with ntp=ADDR)" : "",
             no_time && info[0] ? "; " : "", info);
    return 0;
}

/* Parses cert_len bytes as certificates, for the log's sake. Returns 0 or -EBADMSG. */
static int check_certs(const char *what, const void *data, size_t len, mbedtls_x509_crt *out)
{
    char why[REASON_MAX];
    int ret = mbedtls_x509_crt_parse(out, data, len);
    if (ret < 0) { /* > 0 means some of several failed: those are skipped, as mbedTLS does */
        mote_log(MOTE_LOG_ERROR, "tls: the %s is not a certificate (PEM or DER): %s", what,
                 reason(ret, why, sizeof(why)));
        return -EBADMSG;
    }
    return 0;
}

/* Checks the certificate and key parse and belong together. Returns 0 or -EBADMSG. */
static int check_pair(const struct tls_blob *cert, const struct tls_blob *key)
{
    char why[REASON_MAX];
    mbedtls_x509_crt crt;
    mbedtls_pk_context pk;
    mbedtls_x509_crt_init(&crt);
    mbedtls_pk_init(&pk);
    int err = check_certs("certificate", cert->data, cert->len, &crt);
    if (err == 0) {
        int ret = mbedtls_pk_parse_key(&pk, key->data, key->len, NULL, 0);
        if (ret != 0) {
            mote_log(MOTE_LOG_ERROR,
                     "tls: the key is not an unencrypted private key (PEM or "
                     "DER): %s",
                     reason(ret, why, sizeof(why)));
            err = -EBADMSG;
        } else if ((ret = mbedtls_pk_check_pair(&crt.pk, &pk)) != 0) {
            mote_log(MOTE_LOG_ERROR, "tls: the key is not the certificate's key: %s",
                     reason(ret, why, sizeof(why)));
            err = -EBADMSG;
        }
    }
    mbedtls_pk_free(&pk);
    mbedtls_x509_crt_free(&crt);
    return err;
}

/*
 * Key exchange groups, most preferred first: X25519 is the fastest and what
 * peers offer first; mbedTLS's default order would pick P-384, about three
 * times the work.
 */
static const mbedtls_ecp_group_id groups[] = {MBEDTLS_ECP_DP_CURVE25519, MBEDTLS_ECP_DP_SECP256R1,
                                              MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_NONE};

static void set_verification(struct mote_tls_config *c, int authmode)
{
    mbedtls_ssl_config *conf = ssl_config(c->altcp);
    mbedtls_ssl_conf_authmode(conf, authmode);
    mbedtls_ssl_conf_verify(conf, verify, NULL);
    mbedtls_ssl_conf_curves(conf, groups);
}

int mote_tls_server_config(const struct mote_tls_credentials *cred, struct mote_tls_config **config)
{
    if (!cred || !config || !cred->cert_len || !cred->key_len || !cred->cert || !cred->key)
        return -EINVAL;
    struct tls_blob cert, key, ca = {0};
    int err = tls_blob_make(cred->cert, cred->cert_len, &cert);
    if (err)
        return err;
    if ((err = tls_blob_make(cred->key, cred->key_len, &key)) != 0) {
        tls_blob_free(&cert);
        return err;
    }
    struct mote_tls_config *c = calloc(1, sizeof(*c));
    if (!c)
        err = -ENOMEM;
    else
        mbedtls_x509_crt_init(&c->client_ca);
    if (!err)
        err = check_pair(&cert, &key);
    if (!err && cred->ca_len) {
        err = tls_blob_make(cred->ca, cred->ca_len, &ca);
        if (!err)
            err = check_certs("client CA", ca.data, ca.len, &c->client_ca);
    }
    if (!err) {
        c->server = true;
        c->altcp = altcp_tls_create_config_server_privkey_cert(key.data, key.len, NULL, 0,
                                                               cert.data, cert.len);
        if (!c->altcp)
            err = -ENOMEM; /* parsed fine above: only memory is left to fail */
    }
    if (!err) {
        set_verification(c, cred->ca_len ? MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);
        if (cred->ca_len)
            mbedtls_ssl_conf_ca_chain(ssl_config(c->altcp), &c->client_ca, NULL);
        *config = c;
    } else if (c) {
        mbedtls_x509_crt_free(&c->client_ca);
        free(c);
    }
    tls_blob_free(&ca);
    tls_blob_free(&key); /* altcp keeps its own parsed copies */
    tls_blob_free(&cert);
    return err;
}

int mote_tls_client_config(const struct mote_tls_credentials *cred, struct mote_tls_config **config)
{
    if (!cred || !config || !cred->ca || !cred->ca_len || !cred->cert_len != !cred->key_len)
        return -EINVAL;
    struct tls_blob ca, cert = {0}, key = {0};
    int err = tls_blob_make(cred->ca, cred->ca_len, &ca);
    if (err)
        return err;
    mbedtls_x509_crt parsed;
    mbedtls_x509_crt_init(&parsed);
    err = check_certs("CA", ca.data, ca.len, &parsed);
    mbedtls_x509_crt_free(&parsed);
    if (!err && cred->cert_len) {
        err = tls_blob_make(cred->cert, cred->cert_len, &cert);
        if (!err)
            err = tls_blob_make(cred->key, cred->key_len, &key);
        if (!err)
            err = check_pair(&cert, &key);
    }
    struct mote_tls_config *c = err ? NULL : calloc(1, sizeof(*c));
    if (!err && !c)
        err = -ENOMEM;
    if (!err) {
        mbedtls_x509_crt_init(&c->client_ca);
        c->altcp = cred->cert_len
                       ? altcp_tls_create_config_client_2wayauth(ca.data, ca.len, key.data, key.len,
                                                                 NULL, 0, cert.data, cert.len)
                       : altcp_tls_create_config_client(ca.data, ca.len);
        if (!c->altcp) {
            free(c);
            err = -ENOMEM;
        }
    }
    if (!err) {
        set_verification(c, MBEDTLS_SSL_VERIFY_REQUIRED);
        *config = c;
    }
    tls_blob_free(&key);
    tls_blob_free(&cert);
    tls_blob_free(&ca);
    return err;
}

struct altcp_tls_config *tls_altcp_config(struct mote_tls_config *config)
{
    return config ? config->altcp : NULL;
}

bool tls_config_is_server(const struct mote_tls_config *config)
{
    return config->server;
}

int tls_client_prepare(struct altcp_pcb *pcb, const char *server_name)
{
    mbedtls_ssl_context *ssl = altcp_tls_context(pcb);
    if (!ssl || !server_name || !server_name[0] || strlen(server_name) > SERVER_NAME_MAX)
        return -EINVAL;
    return mbedtls_ssl_set_hostname(ssl, server_name) == 0 ? 0 : -ENOMEM;
}

bool tls_handshake_done(struct altcp_pcb *pcb)
{
    mbedtls_ssl_context *ssl = altcp_tls_context(pcb);
    return ssl && ssl->state == MBEDTLS_SSL_HANDSHAKE_OVER;
}

bool tls_handshake_started(struct altcp_pcb *pcb)
{
    mbedtls_ssl_context *ssl = altcp_tls_context(pcb);
    return ssl && ssl->state > MBEDTLS_SSL_CLIENT_HELLO;
}

/* The first bytes of a record header that is not TLS, printable. */
static void describe_bytes(const unsigned char *p, size_t n, char *out, size_t max)
{
    size_t o = 0;
    for (size_t i = 0; i < n && o + 5 < max; i++)
        o +=
            (size_t)snprintf(out + o, max - o, p[i] >= ' ' && p[i] < 0x7f ? "%c" : "\\x%02x", p[i]);
}

void tls_describe_failure(struct altcp_pcb *pcb, char *buf, size_t max)
{
    mbedtls_ssl_context *ssl = altcp_tls_context(pcb);
    if (!ssl) {
        snprintf(buf, max, "the connection is gone");
        return;
    }
    uint32_t flags = mbedtls_ssl_get_verify_result(ssl);
    if (flags != 0 && flags != UINT32_MAX) {
        char info[VERIFY_INFO] = "";
        if (mote_wallclock_ns() < 0)
            snprintf(info, sizeof(info), "no wall-clock time yet to check its dates");
        else {
            mbedtls_x509_crt_verify_info(info, sizeof(info), "", flags);
            flatten(info);
        }
        snprintf(buf, max, "certificate refused: %s", info);
    } else if (ssl->in_msgtype == MBEDTLS_SSL_MSG_ALERT && ssl->in_msg && ssl->in_msglen >= 2) {
        snprintf(buf, max, "the peer sent TLS alert %u", ssl->in_msg[1]);
    } else if (ssl->in_hdr && ssl->in_left > 0 &&
               (ssl->in_hdr[0] < TLS_CONTENT_FIRST || ssl->in_hdr[0] > TLS_CONTENT_LAST)) {
        char bytes[PEEK_BYTES * 4 + 1] = "";
        describe_bytes(ssl->in_hdr, ssl->in_left < PEEK_BYTES ? ssl->in_left : PEEK_BYTES, bytes,
                       sizeof(bytes));
        snprintf(buf, max, "the peer does not speak TLS (it sent \"%s\")", bytes);
    } else {
        snprintf(buf, max, "the peer ended the handshake (at step %d)", ssl->state);
    }
}
