// SPDX-License-Identifier: MIT
/* Errors, allocation, files, time and processes: see util.h. */
#define _GNU_SOURCE /* vasprintf */
#include "tools/mote/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

void errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mote: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

void die(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mote: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(status);
}

static void *check(void *p)
{
    if (!p)
        die(MOTE_EXIT_ERROR, "out of memory");
    return p;
}

void *xmalloc(size_t len)
{
    return check(malloc(len ? len : 1));
}

void *xcalloc(size_t n, size_t len)
{
    return check(calloc(n ? n : 1, len ? len : 1));
}

void *xrealloc(void *p, size_t len)
{
    return check(realloc(p, len ? len : 1));
}

char *xstrdup(const char *s)
{
    return check(strdup(s));
}

char *xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    va_start(ap, fmt);
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        die(MOTE_EXIT_ERROR, "out of memory");
    return s;
}

int file_read(const char *path, char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    size_t cap = 4096, used = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        if (used + 1 >= cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t n = read(fd, buf + used, cap - used - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int err = -errno;
            free(buf);
            close(fd);
            return err;
        }
        if (n == 0)
            break;
        used += (size_t)n;
    }
    close(fd);
    buf[used] = '\0';
    *data = buf;
    if (len)
        *len = used;
    return 0;
}

int fd_write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -errno;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int file_write_atomic(const char *path, const void *data, size_t len)
{
    char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    int err = fd < 0 ? -errno : 0;
    if (!err)
        err = fd_write_all(fd, data, len);
    /* fsync first, so a crash leaves the old file or the new one, never a torn one */
    if (!err && fsync(fd) != 0)
        err = -errno;
    if (fd >= 0 && close(fd) != 0 && !err)
        err = -errno;
    if (!err && rename(tmp, path) != 0)
        err = -errno;
    if (err)
        unlink(tmp);
    free(tmp);
    return err;
}

int file_copy(const char *src, const char *dst)
{
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -errno;
    struct stat st;
    if (fstat(in, &st) != 0) {
        int err = -errno;
        close(in);
        return err;
    }
    int out =
        open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, (st.st_mode & S_IXUSR) ? 0755 : 0644);
    int err = out < 0 ? -errno : 0;
    char buf[65536];
    while (!err) {
        ssize_t n = read(in, buf, sizeof(buf));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            err = n < 0 ? -errno : 0;
            break;
        }
        err = fd_write_all(out, buf, (size_t)n);
    }
    close(in);
    if (out >= 0 && close(out) != 0 && !err)
        err = -errno;
    if (err)
        unlink(dst);
    return err;
}

int dir_create(const char *path)
{
    char *p = xstrdup(path);
    int err = 0;
    for (char *s = p + 1; !err; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char c = *s;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            err = -errno;
        *s = c;
        if (!c)
            break;
    }
    free(p);
    return err;
}

int dir_remove_tree(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -errno;
    if (!S_ISDIR(st.st_mode))
        return unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
    DIR *d = opendir(path);
    if (!d)
        return -errno;
    int err = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = xasprintf("%s/%s", path, e->d_name);
        int r = dir_remove_tree(child);
        if (r && !err)
            err = r;
        free(child);
    }
    closedir(d);
    if (rmdir(path) != 0 && errno != ENOENT && !err)
        err = -errno;
    return err;
}

bool path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

int64_t time_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

uint64_t proc_start_time(pid_t pid)
{
    char path[64], *stat;
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (pid <= 0 || file_read(path, &stat, NULL) != 0)
        return 0;
    /* The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
     */
    char *p = strrchr(stat, ')');
    uint64_t start = 0;
    for (int field = 2; p && *p; p++) {
        if (*p != ' ')
            continue;
        if (++field == 22) {
            start = strtoull(p + 1, NULL, 10);
            break;
        }
    }
    /* A zombie has exited: it is not running, whatever its parent has not reaped yet. */
    char *state = strrchr(stat, ')');
    if (state && state[1] == ' ' && state[2] == 'Z')
        start = 0;
    free(stat);
    return start;
}

bool proc_alive(pid_t pid, uint64_t start_time)
{
    uint64_t now = proc_start_time(pid);
    return now != 0 && (start_time == 0 || now == start_time);
}

char *path_search(const char *prog)
{
    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0 ? xstrdup(prog) : NULL;
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/local/bin:/usr/bin:/bin";
    while (*path) {
        size_t n = strcspn(path, ":");
        char *cand = xasprintf("%.*s/%s", (int)n, n ? path : ".", prog);
        if (access(cand, X_OK) == 0)
            return cand;
        free(cand);
        path += n;
        if (*path == ':')
            path++;
    }
    return NULL;
}

char *path_absolute(const char *path)
{
    if (path[0] == '/')
        return xstrdup(path);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof(cwd)))
        die(MOTE_EXIT_ERROR, "cannot read the current folder: %s", strerror(errno));
    return xasprintf("%s/%s", cwd, path);
}
