// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the http service as a client drives it (services/http:
 * request buffering, pipelining, bodies skipped, static files streamed from a
 * volume as the client acknowledges, the built-in pages), on the shared
 * per-connection buffering (net/tcp_server.c), over a fake TCP connection
 * (tests/fuzz/tcp_fake.c) and a fake volume of a few files held in memory.
 * The input is a script: an operation byte, then its bytes:
 *   0..N  send the next (byte) bytes of the input as one segment
 *   ACK   the client acknowledges everything sent (the file streams on)
 * Checked: the answer stream starts with an HTTP/1.1 status line and never
 * has a write the connection's space did not allow; nothing is sent after
 * the service closed; files are closed and memory freed however it ends.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/fs.h>
#include <mote/mdns.h>
#include <mote/mote.h>

#include "services/http/http_service.h"
#include "tests/fuzz/tcp_fake.h"

#define OP_ACK       0xff
#define FILES_OPEN   4
#define BIG_BYTES    20000
#define STATUS_BYTES 12 /* "HTTP/1.1 200" */

/* The volume: a home page, a large file to stream, a directory. */
static uint8_t big[BIG_BYTES];
static const char index_html[] = "<!DOCTYPE html><title>volume</title>";
static const struct {
    const char *path;
    const uint8_t *data;
    uint32_t size;
    bool dir;
} files[] = {
    {"/index.html", (const uint8_t *)index_html, sizeof(index_html) - 1, false},
    {"/big.bin", big, BIG_BYTES, false},
    {"/sub", NULL, 0, true},
    {"/sub/index.html", (const uint8_t *)index_html, sizeof(index_html) - 1, false},
};
#define FILE_COUNT (sizeof(files) / sizeof(files[0]))

static struct {
    int file; /* index in files, -1 when free */
    uint32_t pos;
} fds[FILES_OPEN];

static int find(const char *path)
{
    for (size_t i = 0; i < FILE_COUNT; i++)
        if (strcmp(files[i].path, path) == 0)
            return (int)i;
    return -ENOENT;
}

bool mote_fs_mounted(bool *ro)
{
    if (ro)
        *ro = true;
    return true;
}

int mote_fs_stat(const char *path, struct mote_fs_stat *st)
{
    int f = find(path);
    if (f < 0)
        return f;
    *st = (struct mote_fs_stat){.size = files[f].size, .is_dir = files[f].dir, .mtime_s = 1e9};
    return 0;
}

int mote_fs_open(const char *path, int flags)
{
    int f = find(path);
    if (f < 0)
        return f;
    if (flags != MOTE_FS_READ)
        abort(); /* the service only reads */
    for (int fd = 0; fd < FILES_OPEN; fd++)
        if (fds[fd].file < 0) {
            fds[fd].file = f;
            fds[fd].pos = 0;
            return fd;
        }
    return -EMFILE;
}

static void check_fd(int fd)
{
    if (fd < 0 || fd >= FILES_OPEN || fds[fd].file < 0)
        abort();
}

int32_t mote_fs_read(int fd, void *buf, size_t len)
{
    check_fd(fd);
    uint32_t size = files[fds[fd].file].size, pos = fds[fd].pos;
    size_t n = pos >= size ? 0 : size - pos < len ? size - pos : len;
    memcpy(buf, files[fds[fd].file].data + pos, n);
    fds[fd].pos += (uint32_t)n;
    return (int32_t)n;
}

int64_t mote_fs_seek(int fd, int64_t offset, int whence)
{
    check_fd(fd);
    int64_t base = whence == MOTE_FS_SEEK_SET   ? 0
                   : whence == MOTE_FS_SEEK_CUR ? fds[fd].pos
                                                : files[fds[fd].file].size;
    if (base + offset < 0 || base + offset > UINT32_MAX)
        return -EINVAL;
    fds[fd].pos = (uint32_t)(base + offset);
    return fds[fd].pos;
}

int mote_fs_close(int fd)
{
    check_fd(fd);
    fds[fd].file = -1;
    return 0;
}

/* What the pages and the start-up ask of the rest of Mote. */
void mote_log(enum mote_log_level level, const char *fmt, ...)
{
    (void)level, (void)fmt;
}

void mote_exit(int code)
{
    (void)code;
    abort();
}

const char *mote_strerror(int err)
{
    (void)err;
    return "error";
}

uint64_t mote_time_ns(void)
{
    return 0;
}

int64_t mote_wallclock_ns(void)
{
    return 1700000000ll * 1000000000ll;
}

void mote_meminfo(struct mote_meminfo *info)
{
    memset(info, 0, sizeof(*info));
}

int mote_net_stats(struct mote_net_stats *stats)
{
    memset(stats, 0, sizeof(*stats));
    return 0;
}

int mote_mdns_announce(const char *service, uint16_t port)
{
    (void)service, (void)port;
    return 0;
}

int https_start(void)
{
    return 0;
}

/* The answers: the first bytes of the stream are a status line. */
static uint8_t head[STATUS_BYTES];
static size_t head_len;

void tcp_fake_output(const uint8_t *data, size_t len)
{
    while (len > 0 && head_len < STATUS_BYTES) {
        head[head_len++] = *data++;
        len--;
    }
    if (head_len == STATUS_BYTES &&
        (memcmp(head, "HTTP/1.1 ", 9) != 0 || head[9] < '1' || head[9] > '5'))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static bool started;
    if (!started) {
        for (size_t i = 0; i < BIG_BYTES; i++)
            big[i] = (uint8_t)(i * 7);
        service_start("");
        started = true;
    }
    for (int fd = 0; fd < FILES_OPEN; fd++)
        fds[fd].file = -1;
    head_len = 0;
    tcp_fake_connect();
    size_t off = 0;
    while (off < size && tcp_fake_open()) {
        uint8_t op = data[off++];
        if (op == OP_ACK) {
            tcp_fake_ack();
            continue;
        }
        size_t seg = op < size - off ? op : size - off;
        tcp_fake_deliver(data + off, seg);
        off += seg;
    }
    tcp_fake_end(size % 2 == 0);
    for (int fd = 0; fd < FILES_OPEN; fd++)
        if (fds[fd].file >= 0)
            abort(); /* a file left open after its connection ended */
    return 0;
}
