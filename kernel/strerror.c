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
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define UNKNOWN_MAX sizeof("error -2147483648")

/*
 * The errnos and their words, kept as one string of texts and a byte per
 * errno rather than an array of {int, pointer}: pointers in a table are
 * relocated at boot (ASLR), so such a table sits in the image's writable data
 * (16 bytes an entry); this way it is 2 bytes plus the text, read-only.
 */
#define ERROR_NAMES(X)                        \
    X(EPERM, "operation not permitted")       \
    X(ENOENT, "not found")                    \
    X(EIO, "input/output error")              \
    X(EBADF, "bad handle")                    \
    X(EAGAIN, "try again")                    \
    X(ENOMEM, "out of memory")                \
    X(EFAULT, "bad address")                  \
    X(EBUSY, "device or resource busy")       \
    X(EEXIST, "already exists")               \
    X(ENODEV, "no such device")               \
    X(EINVAL, "invalid argument")             \
    X(ENOSPC, "no space left")                \
    X(EROFS, "read-only file system")         \
    X(ENOTDIR, "not a directory")             \
    X(EISDIR, "is a directory")               \
    X(ENAMETOOLONG, "name too long")          \
    X(EMFILE, "too many open files")          \
    X(EACCES, "permission denied")            \
    X(ENOTEMPTY, "directory not empty")       \
    X(EFBIG, "file too large")                \
    X(EUCLEAN, "corrupt file system")         \
    X(EPIPE, "broken pipe")                   \
    X(ENOSYS, "not supported")                \
    X(EILSEQ, "malformed data")               \
    X(EOVERFLOW, "value too large")           \
    X(EBADMSG, "bad message")                 \
    X(EPROTO, "protocol error")               \
    X(EMSGSIZE, "message too long")           \
    X(EADDRINUSE, "address already in use")   \
    X(ENETDOWN, "network is down")            \
    X(ENETUNREACH, "network is unreachable")  \
    X(ECONNABORTED, "connection aborted")     \
    X(ECONNRESET, "connection reset by peer") \
    X(ENOBUFS, "no buffer space available")   \
    X(EISCONN, "already connected")           \
    X(ENOTCONN, "not connected")              \
    X(ETIMEDOUT, "timed out")                 \
    X(ECONNREFUSED, "connection refused")     \
    X(EHOSTUNREACH, "host is unreachable")    \
    X(EALREADY, "already in progress")        \
    X(EINPROGRESS, "operation in progress")   \
    X(ECANCELED, "cancelled")

#define ERROR_NUMBER(err, text) err,
#define ERROR_TEXT(err, text)   text "\0"
#define ERROR_FITS(err, text) \
    _Static_assert((err) > 0 && (err) <= UINT16_MAX, #err " fits the table");
ERROR_NAMES(ERROR_FITS)

static const uint16_t numbers[] = {ERROR_NAMES(ERROR_NUMBER)};
static const char texts[] = ERROR_NAMES(ERROR_TEXT);

const char *mote_strerror(int err)
{
    int e = err < 0 ? -err : err;
    const char *text = texts;
    for (size_t i = 0; i < sizeof(numbers) / sizeof(numbers[0]); i++, text += strlen(text) + 1)
        if (numbers[i] == e)
            return text;
    static char unknown[UNKNOWN_MAX];
    snprintf(unknown, sizeof(unknown), "error %d", err);
    return unknown;
}
