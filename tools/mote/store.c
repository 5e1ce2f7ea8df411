// SPDX-License-Identifier: MIT
/* The state folder and its lock, see store.h. */
#define _GNU_SOURCE /* vasprintf */
#include "tools/mote/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "tools/mote/image.h"
#include "tools/mote/instance.h"
#include "tools/mote/sha256.h"
#include "tools/mote/util.h"

static char *home;

const char *store_home(void)
{
    if (home)
        return home;
    const char *env = getenv("MOTE_HOME");
    if (env && *env) {
        home = xstrdup(env);
    } else {
        const char *user = getenv("HOME");
        if (!user || !*user)
            die(MOTE_EXIT_ERROR, "neither MOTE_HOME nor HOME is set: set MOTE_HOME to a folder "
                                 "for mote's state");
        home = xasprintf("%s/.local/share/mote", user);
    }
    static const char *const dirs[] = {"blobs/sha256", "images", "instances"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        char *p = xasprintf("%s/%s", home, dirs[i]);
        int err = dir_create(p);
        if (err)
            die(MOTE_EXIT_ERROR, "cannot create %s: %s (check MOTE_HOME)", p, strerror(-err));
        free(p);
    }
    return home;
}

char *store_path(const char *fmt, ...)
{
    va_list ap;
    char *rel;
    va_start(ap, fmt);
    if (vasprintf(&rel, fmt, ap) < 0)
        die(MOTE_EXIT_ERROR, "out of memory");
    va_end(ap);
    char *p = xasprintf("%s/%s", store_home(), rel);
    free(rel);
    return p;
}

int store_lock(void)
{
    char *path = store_path("lock");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        die(MOTE_EXIT_ERROR, "cannot open the lock file %s: %s", path, strerror(errno));
    while (flock(fd, LOCK_EX) != 0)
        if (errno != EINTR)
            die(MOTE_EXIT_ERROR, "cannot lock %s: %s", path, strerror(errno));
    free(path);
    return fd;
}

void store_unlock(int token)
{
    close(token); /* closing drops the flock */
}

char *store_blob_path(const char *sha256)
{
    return store_path("blobs/sha256/%s", sha256);
}

int store_blob_add(const char *src, char sha256[65], uint64_t *size)
{
    int err = sha256_file(src, sha256, size);
    if (err)
        return err;
    char *dst = store_blob_path(sha256);
    if (!path_exists(dst)) {
        char *tmp = xasprintf("%s.tmp.%d", dst, (int)getpid());
        err = file_copy(src, tmp);
        if (!err && rename(tmp, dst) != 0)
            err = -errno;
        if (err)
            unlink(tmp);
        free(tmp);
    }
    free(dst);
    return err;
}

struct digests {
    char (*hex)[65];
    size_t count;
};

static void keep(struct digests *d, const char *hex)
{
    if (!hex || !sha256_is_hex(hex))
        return;
    d->hex = xrealloc(d->hex, (d->count + 1) * sizeof(*d->hex));
    memcpy(d->hex[d->count++], hex, 65);
}

static bool kept(const struct digests *d, const char *hex)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->hex[i], hex) == 0)
            return true;
    return false;
}

int store_gc(void)
{
    struct digests d = {NULL, 0};
    struct image *imgs;
    size_t n;
    if (image_list(&imgs, &n) != 0)
        return 0; /* an unreadable store: better keep everything */
    for (size_t i = 0; i < n; i++) {
        keep(&d, imgs[i].sha256);
        keep(&d, imgs[i].elf_sha256);
        keep(&d, imgs[i].dtb_sha256);
    }
    image_list_free(imgs, n);
    char **names;
    if (instance_list(&names, &n) != 0) {
        free(d.hex);
        return 0;
    }
    bool unreadable = false;
    for (size_t i = 0; i < n; i++) {
        struct instance_config c;
        if (instance_config_load(names[i], &c, NULL) == 0) {
            keep(&d, c.image_sha256);
            keep(&d, c.elf_sha256);
            keep(&d, c.dtb_sha256);
            instance_config_free(&c);
        } else {
            unreadable = true; /* being created or damaged: it may refer to anything */
        }
        free(names[i]);
    }
    free(names);
    int removed = 0;
    char *dir = store_path("blobs/sha256");
    DIR *dh = unreadable ? NULL : opendir(dir);
    struct dirent *e;
    while (dh && (e = readdir(dh))) {
        if (!sha256_is_hex(e->d_name) || kept(&d, e->d_name))
            continue;
        char *p = xasprintf("%s/%s", dir, e->d_name);
        removed += unlink(p) == 0;
        free(p);
    }
    if (dh)
        closedir(dh);
    free(dir);
    free(d.hex);
    return removed;
}
