/* SPDX-License-Identifier: MIT */
/* The http service's parts: requests answered over TCP (main.c) or TLS (https.c). */
#ifndef SERVICES_HTTP_HTTP_SERVICE_H
#define SERVICES_HTTP_HTTP_SERVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "files.h"

/* How answers leave: mote_tcp_* or mote_tls_* (same contracts). */
struct http_transport {
    int (*send)(int conn, const void *data, size_t len);
    int (*close)(int conn);
    int (*abort)(int conn);
    int (*write)(int conn, const void *data, size_t len); /* what fits now: a file's pieces */
    int (*space)(int conn);
};

extern const struct http_transport http_tcp;

/* What a connection keeps between requests. */
struct http_conn {
    size_t body_skip;         /* request body bytes still to discard */
    struct files_stream file; /* a file being sent: no more requests until it is */
};

/*
 * struct mote_tcp_server's input: answers every complete request in in (len
 * bytes) over the transport arg points to (NULL: TCP). Returns the bytes
 * consumed.
 */
size_t http_serve_requests(int conn, void *state, const void *in, size_t len, void *arg);

/* struct mote_tcp_server's sent and end: a file streamed from the volume goes on, or is closed. */
bool http_file_sent(int conn, void *state, void *arg);
void http_conn_end(void *state, void *arg);

/*
 * Serves the pages over HTTPS on port 443 when the image has a certificate
 * and key (service.mk: service_tls_cert, service_tls_key). Logs what it
 * does; returns 0 (also when there is nothing to serve) or a negative errno.
 */
int https_start(void);

#endif
