/* SPDX-License-Identifier: MIT */
/*
 * Static files from the mounted volume (include/mote/fs.h, boot argument
 * fs=virtio0p1), for the http service: GET and HEAD of a file, streamed in
 * pieces as the peer acknowledges (a large file is never held in memory),
 * with Content-Type by extension, Last-Modified, and 304 Not Modified for an
 * If-Modified-Since not older than the file. A target ending in '/' names its
 * index.html; there are no directory listings; ".." is refused (403). With no
 * volume, or no such file, the caller serves its built-in pages.
 */
#ifndef SERVICES_HTTP_FILES_H
#define SERVICES_HTTP_FILES_H

#include <stdbool.h>
#include <stdint.h>

#include <http/http.h>

struct http_transport; /* http_service.h */

/* A connection's file being sent; zeroed state is "none". */
struct files_stream {
    const struct http_transport *t; /* the connection's: TCP or TLS */
    int fd;                         /* open file + 1; 0: none */
    uint32_t left;                  /* body bytes still to send */
    bool keep_alive;                /* after the body: go on reading requests, else close */
};

enum files_result {
    FILES_NONE,      /* not a file on the volume: serve something else */
    FILES_ANSWERED,  /* a complete answer was queued (304, 403, a small file, HEAD) */
    FILES_STREAMING, /* the body goes on from files_pump: read no more requests until it ends */
    FILES_CLOSED,    /* conn was closed or aborted */
};

/*
 * Answers req (whose head is head, head_len bytes) from the volume if it names
 * a file there, with date (a "Date: ...\r\n" header line, or "").
 */
enum files_result files_serve(const struct http_transport *t, int conn, struct files_stream *st,
                              const struct http_request *req, const char *head, const char *date);

/*
 * Sends more of st's file as conn has room (the sent callback). Returns true
 * when the body is complete (the connection reads requests again, or was
 * closed without keep-alive), false while it goes on or if conn was aborted.
 */
bool files_pump(int conn, struct files_stream *st);

/* The connection is gone: closes st's file. */
void files_end(struct files_stream *st);

#endif
