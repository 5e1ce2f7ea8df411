// SPDX-License-Identifier: MIT
/*
 * The gateway's files on the volume fs= mounts (include/mote/fs.h), read once
 * at start: its configuration (gateway.cfg: the boot arguments' KEY=VALUE
 * words, over several lines if wished) and its certificates (ca.pem,
 * cert.pem, key.pem), all in /gateway/. What the volume holds is outside
 * input: sizes are bounded and a file that cannot be read is logged and
 * skipped, never trusted in part.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <mote/error.h>
#include <mote/fs.h>
#include <mote/log.h>
#include <mote/tls.h>

#include "files.h"

#define CONFIG_PATH "/gateway/gateway.cfg"
#define CA_PATH     "/gateway/ca.pem"
#define CERT_PATH   "/gateway/cert.pem"
#define KEY_PATH    "/gateway/key.pem"
#define CONFIG_MAX  4096
#define PEM_MAX     (32 * 1024) /* a certificate chain or a key */

/*
 * The whole file path (at most max bytes) in a new NUL-terminated buffer.
 * Returns its length, -ENOENT if absent or no volume is mounted, -EFBIG over
 * max, -ENOMEM, or mote_fs's errors (logged).
 */
static int read_file(const char *path, size_t max, char **out)
{
    struct mote_fs_stat st;
    if (!mote_fs_mounted(NULL))
        return -ENOENT;
    int err = mote_fs_stat(path, &st);
    if (err == -ENOENT || err == -ENOTDIR)
        return -ENOENT;
    if (err == 0 && (st.is_dir || st.size > max))
        err = st.is_dir ? -EISDIR : -EFBIG;
    char *buf = err ? NULL : malloc(st.size + 1);
    if (!err && !buf)
        err = -ENOMEM;
    int fd = err ? err : mote_fs_open(path, MOTE_FS_READ);
    size_t len = 0;
    while (fd >= 0 && len < st.size) {
        int32_t n = mote_fs_read(fd, buf + len, st.size - len);
        if (n <= 0) {
            err = n < 0 ? n : -EIO; /* shorter than its directory entry said */
            break;
        }
        len += (size_t)n;
    }
    if (fd >= 0)
        mote_fs_close(fd);
    else
        err = fd;
    if (err) {
        mote_log(MOTE_LOG_ERROR, "gateway: %s not read: %s (at most %zu bytes)", path,
                 mote_strerror(err), max);
        free(buf);
        return err;
    }
    buf[len] = '\0';
    *out = buf;
    return (int)len;
}

char *gateway_files_config(const char *bootargs)
{
    char *text;
    int len = read_file(CONFIG_PATH, CONFIG_MAX, &text);
    if (len < 0)
        return NULL;
    size_t blen = strlen(bootargs);
    char *merged = malloc((size_t)len + 1 + blen + 1);
    if (!merged) {
        free(text);
        return NULL;
    }
    /* Lines are words like any others; a NUL inside would end the text early. */
    for (int i = 0; i < len; i++)
        merged[i] = text[i] == '\n' || text[i] == '\r' || text[i] == '\t' || text[i] == '\0'
                        ? ' '
                        : text[i];
    merged[len] = ' ';
    memcpy(merged + len + 1, bootargs, blen + 1);
    free(text);
    mote_log(MOTE_LOG_INFO, "gateway: configuration from %s (boot arguments override it)",
             CONFIG_PATH);
    return merged;
}

/* Replaces the item (data, len) with the file's, when there is one. */
static void take(const char *path, const void **data, size_t *len)
{
    char *text;
    int n = read_file(path, PEM_MAX, &text);
    if (n <= 0) {
        if (n == 0)
            free(text);
        return;
    }
    *data = text; /* kept: TLS configurations point into it */
    *len = (size_t)n;
    mote_log(MOTE_LOG_INFO, "gateway: %s from the volume", path);
}

void gateway_files_credentials(struct mote_tls_credentials *cred)
{
    take(CA_PATH, &cred->ca, &cred->ca_len);
    take(CERT_PATH, &cred->cert, &cred->cert_len);
    take(KEY_PATH, &cred->key, &cred->key_len);
}
