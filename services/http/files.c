// SPDX-License-Identifier: MIT
/*
 * Static files from the volume for the http service: see files.h. The head
 * goes out with the transport's send (which queues it whatever the room), the
 * body with its write as far as the send buffer has room, and the rest from
 * files_pump as the peer acknowledges (TCP and TLS alike): one buffer of FILES_CHUNK bytes is all
 * a file costs, whatever its size.
 */
#include "files.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <mote/fs.h>
#include <mote/mote.h>

#include "files_http.h"
#include "http_service.h"

#define FILES_CHUNK         4096
#define FILES_HEADER_MAX    512
#define STATUS_OK           200
#define STATUS_NOT_MODIFIED 304
#define STATUS_FORBIDDEN    403
#define STATUS_SERVER_ERR   500

static uint8_t chunk[FILES_CHUNK]; /* one at a time: callbacks never overlap */

static enum files_result send_head(const struct http_transport *t, int conn, int status,
                                   const char *date, const char *type, uint32_t len,
                                   const char *modified, bool keep_alive)
{
    char header[FILES_HEADER_MAX];
    int n = snprintf(header, sizeof(header),
                     "HTTP/1.1 %d %s\r\nServer: Mote\r\n%s%s%s%s%s%sContent-Length: %lu\r\n%s\r\n",
                     status, http_reason(status), date, type ? "Content-Type: " : "",
                     type ? type : "", type ? "\r\n" : "", modified[0] ? "Last-Modified: " : "",
                     modified[0] ? modified : "", (unsigned long)len,
                     keep_alive ? "" : "Connection: close\r\n");
    if (n < 0 || (size_t)n >= sizeof(header) || t->send(conn, header, (size_t)n) != 0) {
        t->abort(conn);
        return FILES_CLOSED;
    }
    return FILES_ANSWERED;
}

static enum files_result finish(const struct http_transport *t, int conn, bool keep_alive)
{
    if (keep_alive)
        return FILES_ANSWERED;
    t->close(conn);
    return FILES_CLOSED;
}

static enum files_result refuse(const struct http_transport *t, int conn, int status,
                                const char *date, bool keep_alive)
{
    char body[64];
    int n = snprintf(body, sizeof(body), "%d %s\n", status, http_reason(status));
    if (send_head(t, conn, status, date, "text/plain; charset=utf-8", (uint32_t)n, "",
                  keep_alive) == FILES_CLOSED)
        return FILES_CLOSED;
    if (t->send(conn, body, (size_t)n) != 0) {
        t->abort(conn);
        return FILES_CLOSED;
    }
    return finish(t, conn, keep_alive);
}

void files_end(struct files_stream *st)
{
    if (st->fd) {
        mote_fs_close(st->fd - 1);
        st->fd = 0;
    }
}

bool files_pump(int conn, struct files_stream *st)
{
    if (!st->fd)
        return true; /* no file out: an acknowledgement of some other answer */
    while (st->fd && st->left > 0) {
        int space = st->t->space(conn);
        if (space <= 0)
            return false; /* wait for the next acknowledgement */
        uint32_t want = st->left < FILES_CHUNK ? st->left : FILES_CHUNK;
        if ((uint32_t)space < want)
            want = (uint32_t)space;
        int32_t got = mote_fs_read(st->fd - 1, chunk, want);
        if (got <= 0) {
            /* The file shrank or the disk failed: the promised length cannot be kept. */
            mote_log(MOTE_LOG_WARN, "http: reading a file failed (%s); connection reset",
                     got < 0 ? mote_strerror(got) : "it ended early");
            files_end(st);
            st->t->abort(conn);
            return false;
        }
        int w = st->t->write(conn, chunk, (size_t)got);
        if (w < 0) {
            files_end(st);
            st->t->abort(conn);
            return false;
        }
        if (w < got) /* less room than it said: read the rest again next time */
            mote_fs_seek(st->fd - 1, (int64_t)w - got, MOTE_FS_SEEK_CUR);
        st->left -= (uint32_t)w;
        if (w == 0)
            return false;
    }
    files_end(st);
    if (!st->keep_alive)
        st->t->close(conn);
    return true;
}

enum files_result files_serve(const struct http_transport *t, int conn, struct files_stream *st,
                              const struct http_request *req, const char *head, const char *date)
{
    if (!mote_fs_mounted(NULL))
        return FILES_NONE;
    char path[MOTE_FS_PATH_MAX];
    int err = files_path(req->path, req->path_len, path, sizeof(path));
    if (err == -EACCES) {
        mote_log(MOTE_LOG_WARN, "http: refused a path that climbs out of the volume (\"..\")");
        return refuse(t, conn, STATUS_FORBIDDEN, date, req->keep_alive);
    }
    if (err)
        return FILES_NONE; /* not a name a file can have: the built-in pages answer (404) */
    struct mote_fs_stat st_file;
    if (mote_fs_stat(path, &st_file) != 0 || st_file.is_dir)
        return FILES_NONE;

    char modified[FILES_DATE_MAX + 2] = "";
    if (st_file.mtime_s > 0 && files_format_date(st_file.mtime_s, modified, FILES_DATE_MAX) == 0)
        strcat(modified, "\r\n");
    const char *ims;
    size_t ims_len;
    int64_t since;
    if (st_file.mtime_s > 0 &&
        files_header(head, req->head_len, "If-Modified-Since", &ims, &ims_len) &&
        files_parse_date(ims, ims_len, &since) == 0 && st_file.mtime_s <= since) {
        /* §15.4.5: no body; the validators as a 200 would have them. */
        if (send_head(t, conn, STATUS_NOT_MODIFIED, date, NULL, 0, modified, req->keep_alive) ==
            FILES_CLOSED)
            return FILES_CLOSED;
        return finish(t, conn, req->keep_alive);
    }

    int fd = -1;
    if (req->method == HTTP_GET) {
        fd = mote_fs_open(path, MOTE_FS_READ);
        if (fd < 0) {
            mote_log(MOTE_LOG_WARN, "http: %s: %s", path, mote_strerror(fd));
            return refuse(t, conn, STATUS_SERVER_ERR, date, req->keep_alive);
        }
    }
    if (send_head(t, conn, STATUS_OK, date, files_content_type(path), st_file.size, modified,
                  req->keep_alive) == FILES_CLOSED) {
        if (fd >= 0)
            mote_fs_close(fd);
        return FILES_CLOSED;
    }
    if (fd < 0) /* HEAD */
        return finish(t, conn, req->keep_alive);
    *st = (struct files_stream){
        .t = t, .fd = fd + 1, .left = st_file.size, .keep_alive = req->keep_alive};
    if (files_pump(conn, st))
        return st->keep_alive ? FILES_ANSWERED : FILES_CLOSED;
    return t->space(conn) == -EBADF ? FILES_CLOSED : FILES_STREAMING;
}
