// SPDX-License-Identifier: MIT
/*
 * HTTPS for the http service: the same requests, pages and files as on port 80
 * (main.c, files.c), over TLS 1.2 (include/mote/tls.h) on port 443, with the
 * certificate and key the build embedded (service.mk: service_tls_cert,
 * service_tls_key; `make SERVICE=http TLS_CERT=cert.pem TLS_KEY=key.pem`).
 *   curl --cacert ca.pem https://NAME:8443/ with make run's port forward.
 */
#include <errno.h>

#include <mote/mote.h>
#include <mote/tls.h>

#include <http/http.h>
#include "http_service.h"

#define HTTPS_PORT 443
#define IDLE_NS    (15 * MOTE_NS_PER_S)

static const struct http_transport tls_transport = {mote_tls_send, mote_tls_close, mote_tls_abort,
                                                    mote_tls_write, mote_tls_space};

int https_start(void)
{
    struct mote_tls_credentials cred;
    mote_tls_build_credentials(&cred);
    if (!cred.cert_len && !cred.key_len) {
        mote_log(MOTE_LOG_INFO, "http: no certificate and key in the image "
                                "(service_tls_cert, service_tls_key): HTTPS is off");
        return 0;
    }
    if (!cred.cert_len || !cred.key_len) {
        mote_log(MOTE_LOG_ERROR,
                 "http: HTTPS is off: the image has a %s but no %s "
                 "(service.mk needs both service_tls_cert and service_tls_key)",
                 cred.cert_len ? "certificate" : "key", cred.cert_len ? "key" : "certificate");
        return -EINVAL;
    }
    cred.ca = NULL; /* no client certificates asked for */
    cred.ca_len = 0;
    struct mote_tls_config *config;
    int err = mote_tls_server_config(&cred, &config);
    if (err) {
        mote_log(MOTE_LOG_ERROR, "http: HTTPS is off: the certificate and key were refused: %s",
                 mote_strerror(err));
        return err;
    }
    static const struct mote_tcp_server server = {
        .in_max = HTTP_HEAD_MAX,
        .state_size = sizeof(struct http_conn),
        .idle_ns = IDLE_NS,
        .input = http_serve_requests,
        .arg = (void *)&tls_transport, /* only read */
        .sent = http_file_sent,
        .end = http_conn_end,
    };
    int l = mote_tls_serve(HTTPS_PORT, config, &server);
    if (l < 0) {
        mote_log(MOTE_LOG_ERROR, "http: cannot listen on TCP port %d: %s", HTTPS_PORT,
                 mote_strerror(l));
        return l;
    }
    mote_log(MOTE_LOG_INFO, "http: serving HTTPS on TCP port %d", HTTPS_PORT);
    return 0;
}
