/* SPDX-License-Identifier: MIT */
/*
 * TLS 1.2 over TCP: listeners and client connections with the callbacks of
 * mote_tcp_* (include/mote/net.h), over mbedTLS 2.28 and lwIP's altcp
 * (net/tls.c). A service names tls in its service.mk (service_uses := tls);
 * only then does its image carry mbedTLS.
 *
 * What is checked: a client verifies the server's certificate chain against
 * its CA certificates, the host name it asked for (mote_tls_connect's
 * server_name, against the certificate's subjectAltName or CN), and every
 * certificate's validity dates against the wall clock (mote_wallclock_ns).
 * With no wall-clock time yet (no RTC and no SNTP answer: boot with
 * ntp=ADDR) no certificate is accepted. A refused handshake is logged with
 * its reason ("tls: 10.0.2.2:8443: certificate refused: ...") and the
 * connection ends: a client's connect callback gets -ECONNREFUSED, an
 * accepted connection's error callback -ECONNABORTED. A handshake that does
 * not finish within MOTE_TLS_HANDSHAKE_NS ends the same way, with
 * -ETIMEDOUT. Offered: ECDHE with ECDSA or RSA certificates, AES-GCM and
 * ChaCha20-Poly1305 (net/mbedtls_config.h).
 *
 * Connection and listener ids are those of this API (mote_tls_*), not of
 * mote_tcp_*; callbacks run from the event loop as TCP's do, and data is
 * plaintext, valid only during the data callback.
 */
#ifndef MOTE_TLS_H
#define MOTE_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <mote/net.h>
#include <mote/time.h>

/* How long a TLS handshake may take before the connection is ended. */
#define MOTE_TLS_HANDSHAKE_NS (30 * MOTE_NS_PER_S)

/*
 * Certificates and keys, each PEM (as openssl writes them; several
 * certificates may follow each other) or DER; len excludes any terminating
 * NUL. A missing one has len 0.
 */
struct mote_tls_credentials {
    const void *ca; /* CA certificates the peer's certificate must chain to */
    size_t ca_len;
    const void *cert; /* our certificate, then its intermediates */
    size_t cert_len;
    const void *key; /* our private key, unencrypted */
    size_t key_len;
};

/*
 * The certificate files the service's service.mk names (service_tls_ca,
 * service_tls_cert, service_tls_key; or `make TLS_CA=... TLS_CERT=...
 * TLS_KEY=...`), embedded by the build (scripts/tls_files.sh); an item not
 * named has len 0. Only images whose service uses tls have them.
 * Boot-time credentials (a file on the volume fs= names) come with the
 * storage work: docs/iot.md, "Certificates and keys".
 */
extern const unsigned char mote_service_tls_ca[], mote_service_tls_cert[], mote_service_tls_key[];
extern const uint64_t mote_service_tls_ca_len, mote_service_tls_cert_len, mote_service_tls_key_len;

/* Fills *cred with the build's files (above). */
static inline void mote_tls_build_credentials(struct mote_tls_credentials *cred)
{
    cred->ca = mote_service_tls_ca;
    cred->ca_len = (size_t)mote_service_tls_ca_len;
    cred->cert = mote_service_tls_cert;
    cred->cert_len = (size_t)mote_service_tls_cert_len;
    cred->key = mote_service_tls_key;
    cred->key_len = (size_t)mote_service_tls_key_len;
}

struct mote_tls_config;

/*
 * A server configuration: cred's cert and key (and, when cred has a CA,
 * clients must present a certificate it signed). Returns 0 and sets *config,
 * -EINVAL if config or cred is NULL or cert or key is missing, -EBADMSG if
 * a certificate or the key cannot be parsed or the key is not the
 * certificate's (logged with mbedTLS's reason), -ENOMEM.
 */
int mote_tls_server_config(const struct mote_tls_credentials *cred,
                           struct mote_tls_config **config);

/*
 * A client configuration: servers must present a certificate that chains to
 * cred's CA (required: Mote never connects unauthenticated); cred's cert and
 * key, when both are given, are presented to servers that ask. Returns 0 and
 * sets *config, -EINVAL if config or cred is NULL, the CA is missing, or only
 * one of cert and key is given, -EBADMSG as above, -ENOMEM.
 */
int mote_tls_client_config(const struct mote_tls_credentials *cred,
                           struct mote_tls_config **config);

/*
 * Accepts TLS connections on port with on_accept(arg), as mote_tcp_listen.
 * The accept callback runs when the TCP connection is accepted; data
 * arrives once the handshake is done. config must outlive the listener.
 * Returns a listener id > 0, -EINVAL if config or on_accept is NULL, port is
 * 0 or config is a client's, or mote_tcp_listen's errors.
 */
int mote_tls_listen(uint16_t port, struct mote_tls_config *config, mote_tcp_accept_fn on_accept,
                    void *arg);

/*
 * Serves TLS on port with server (struct mote_tcp_server, net.h), as
 * mote_tcp_serve does for TCP; the input callback closes and writes with
 * mote_tls_*. Returns the listener id, or mote_tls_listen's errors, -EINVAL
 * for a server without input or in_max.
 */
int mote_tls_serve(uint16_t port, struct mote_tls_config *config,
                   const struct mote_tcp_server *server);

/*
 * Opens a TLS connection to `to` and checks that the server's certificate
 * is for server_name (a DNS name or an address as text; copied). Returns
 * the connection's id > 0 at once; on_connect(arg) runs exactly once when
 * the handshake is done (err 0) or failed: -ECONNREFUSED (refused by the
 * peer, or its certificate was refused: logged), -ETIMEDOUT (no finished
 * handshake within MOTE_TLS_HANDSHAKE_NS), -ECONNABORTED, -EHOSTUNREACH (the
 * network had no address of to's family within MOTE_TLS_HANDSHAKE_NS: while
 * DHCP or SLAAC is under way the connection waits, as mote_tcp_connect's).
 * Errors: -EINVAL if an argument is NULL, server_name is empty or over 255
 * bytes, or config is a server's; -ENETDOWN without a network;
 * -EHOSTUNREACH with an address but no route; -ENOMEM.
 */
int mote_tls_connect(const struct mote_endpoint *to, const char *server_name,
                     struct mote_tls_config *config, mote_tcp_connect_fn on_connect, void *arg);

/* As mote_tcp_set_callbacks. Returns 0, -EBADF, -EINVAL if cb is NULL. */
int mote_tls_set_callbacks(int conn, const struct mote_tcp_callbacks *cb, void *arg);

/*
 * As mote_tcp_write: queues up to len bytes (encrypted as TLS records) and
 * returns how many, possibly 0 (back-pressure; the sent callback follows).
 * -EBADF, -ENOTCONN (handshake not done, or the connection cannot send),
 * -ENOMEM.
 */
int mote_tls_write(int conn, const void *data, size_t len);

/*
 * As mote_tcp_send: all len bytes, the rest waiting inside Mote (up to
 * MOTE_TCP_SEND_MAX), also before the handshake is done. Returns 0,
 * -EBADF, -ENOBUFS, -ENOTCONN, -ENOMEM.
 */
int mote_tls_send(int conn, const void *data, size_t len);

/* The bytes mote_tls_write() would take now (0 during the handshake), or -EBADF. */
int mote_tls_space(int conn);

/* As mote_tcp_set_idle_timeout. Returns 0 or -EBADF. */
int mote_tls_set_idle_timeout(int conn, uint64_t idle_ns);

/* Closes a connection gracefully (waiting data first) or a listener. Returns 0 or -EBADF. */
int mote_tls_close(int conn);

/* Resets a connection. Returns 0 or -EBADF. */
int mote_tls_abort(int conn);

/* The peer of a connection. Returns 0, -EBADF, -EINVAL if peer is NULL. */
int mote_tls_peer(int conn, struct mote_endpoint *peer);

/* What a connection's handshake agreed on. */
struct mote_tls_info {
    const char *version; /* "TLSv1.2" */
    const char *cipher;  /* IANA name: "TLS-ECDHE-ECDSA-WITH-AES-256-GCM-SHA384" */
};

/* Fills info. Returns 0, -EBADF, -EINVAL if info is NULL, -ENOTCONN before the handshake is done.
 */
int mote_tls_info(int conn, struct mote_tls_info *info);

#endif
