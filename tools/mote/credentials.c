// SPDX-License-Identifier: MIT
/* Registry credentials in $MOTE_HOME/auth.json, see credentials.h. */
#include "tools/mote/credentials.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tools/mote/json.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

#define AUTH_FILE  "auth.json"
#define AUTH_MODE  0600
#define B64_MAX    (((2 * CRED_FIELD_MAX + 1) + 2) / 3 * 4 + 1)
#define AUTH_BYTES (64 * 1024) /* a file of credentials is small; more is not ours */

/* The file's JSON, or a new empty {"auths": {}}; NULL if the file is damaged. */
static json_t *load(void)
{
    char *path = store_path(AUTH_FILE), *text;
    size_t len;
    int r = file_read(path, &text, &len);
    free(path);
    if (r == -ENOENT) {
        json_t *j = json_object();
        json_set(j, "auths", json_object());
        return j;
    }
    if (r || len > AUTH_BYTES)
        return NULL;
    json_t *j = json_parse_text(text, len, NULL, 0);
    free(text);
    if (!json_is_object(json_object_get(j, "auths"))) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static int save(json_t *j)
{
    char *path = store_path(AUTH_FILE), *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
    char *text = json_text(j, true);
    int r = 0;
    /* Created 0600 from the start: the password is never readable by others, not even briefly. */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, AUTH_MODE);
    if (fd < 0 || fchmod(fd, AUTH_MODE) != 0 || fd_write_all(fd, text, strlen(text)) != 0 ||
        fd_write_all(fd, "\n", 1) != 0 || fsync(fd) != 0)
        r = -errno ? -errno : -EIO;
    if (fd >= 0)
        close(fd);
    if (!r && rename(tmp, path) != 0)
        r = -errno;
    if (r)
        unlink(tmp);
    free(text);
    free(tmp);
    free(path);
    return r;
}

int credentials_get(const char *host, struct credentials *c)
{
    memset(c, 0, sizeof(*c));
    json_t *j = load();
    if (!j)
        return -EINVAL;
    const char *auth = json_get_string(json_object_get(json_object_get(j, "auths"), host), "auth");
    int r = -ENOENT;
    if (auth) {
        unsigned char plain[B64_MAX];
        size_t len = strlen(auth);
        int n = len < B64_MAX ? EVP_DecodeBlock(plain, (const unsigned char *)auth, (int)len) : -1;
        /* EVP_DecodeBlock counts the padding as zero bytes: drop them. */
        while (n > 0 && len && auth[len - 1] == '=' && plain[n - 1] == '\0')
            n--, len--;
        char *colon = n > 0 ? memchr(plain, ':', (size_t)n) : NULL;
        r = -EINVAL;
        if (colon && colon - (char *)plain <= CRED_FIELD_MAX &&
            (char *)plain + n - colon - 1 <= CRED_FIELD_MAX) {
            memcpy(c->user, plain, (size_t)(colon - (char *)plain));
            memcpy(c->password, colon + 1, (size_t)((char *)plain + n - colon - 1));
            r = 0;
        }
        OPENSSL_cleanse(plain, sizeof(plain));
    }
    json_decref(j);
    return r;
}

int credentials_put(const char *host, const struct credentials *c)
{
    json_t *j = load();
    if (!j)
        return -EINVAL;
    char plain[2 * CRED_FIELD_MAX + 2];
    unsigned char b64[B64_MAX];
    int n = snprintf(plain, sizeof(plain), "%s:%s", c->user, c->password);
    EVP_EncodeBlock(b64, (const unsigned char *)plain, n);
    OPENSSL_cleanse(plain, sizeof(plain));
    json_t *entry = json_object();
    json_set_string(entry, "auth", (const char *)b64);
    json_set(json_object_get(j, "auths"), host, entry);
    OPENSSL_cleanse(b64, sizeof(b64));
    int r = save(j);
    json_decref(j);
    return r;
}

int credentials_remove(const char *host)
{
    json_t *j = load();
    if (!j)
        return -EINVAL;
    int r = json_object_del(json_object_get(j, "auths"), host) == 0 ? save(j) : -ENOENT;
    json_decref(j);
    return r;
}
