// SPDX-License-Identifier: MIT
/*
 * Errors in words, see include/mote/error.h. Written here rather than
 * picolibc's strerror, whose table carries every errno's text (several KiB)
 * and capitalises them for a different use; this one holds the errnos Mote
 * and lwIP's err_to_errno return.
 */
#include <mote/error.h>
#include <mote/fs.h> /* EUCLEAN, which picolibc lacks */

#include <errno.h>
#include <stdio.h>

#define UNKNOWN_MAX sizeof("error -2147483648")

static const struct {
    int err;
    const char *text;
} names[] = {
    {EPERM, "operation not permitted"},
    {ENOENT, "not found"},
    {EIO, "input/output error"},
    {EBADF, "bad handle"},
    {EAGAIN, "try again"},
    {ENOMEM, "out of memory"},
    {EFAULT, "bad address"},
    {EBUSY, "device or resource busy"},
    {EEXIST, "already exists"},
    {ENODEV, "no such device"},
    {EINVAL, "invalid argument"},
    {ENOSPC, "no space left"},
    {EROFS, "read-only file system"},
    {ENOTDIR, "not a directory"},
    {EISDIR, "is a directory"},
    {ENAMETOOLONG, "name too long"},
    {EMFILE, "too many open files"},
    {EACCES, "permission denied"},
    {ENOTEMPTY, "directory not empty"},
    {EFBIG, "file too large"},
    {EUCLEAN, "corrupt file system"},
    {EPIPE, "broken pipe"},
    {ENOSYS, "not supported"},
    {EILSEQ, "malformed data"},
    {EOVERFLOW, "value too large"},
    {EBADMSG, "bad message"},
    {EPROTO, "protocol error"},
    {EMSGSIZE, "message too long"},
    {EADDRINUSE, "address already in use"},
    {ENETDOWN, "network is down"},
    {ENETUNREACH, "network is unreachable"},
    {ECONNABORTED, "connection aborted"},
    {ECONNRESET, "connection reset by peer"},
    {ENOBUFS, "no buffer space available"},
    {EISCONN, "already connected"},
    {ENOTCONN, "not connected"},
    {ETIMEDOUT, "timed out"},
    {ECONNREFUSED, "connection refused"},
    {EHOSTUNREACH, "host is unreachable"},
    {EALREADY, "already in progress"},
    {EINPROGRESS, "operation in progress"},
    {ECANCELED, "cancelled"},
};

const char *mote_strerror(int err)
{
    int e = err < 0 ? -err : err;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].err == e)
            return names[i].text;
    static char unknown[UNKNOWN_MAX];
    snprintf(unknown, sizeof(unknown), "error %d", err);
    return unknown;
}
