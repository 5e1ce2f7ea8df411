// SPDX-License-Identifier: MIT
/* QMP client, see qmp.h. */
#include "tools/mote/qmp.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "tools/mote/json.h"
#include "tools/mote/strbuf.h"
#include "tools/mote/util.h"

#define QMP_LINE_MAX (64 * 1024) /* no reply to the commands mote sends is near this */

int unix_connect_in(const char *dir, const char *name)
{
    int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    snprintf(addr.sun_path, sizeof(addr.sun_path), "/proc/self/fd/%d/%s", dfd, name);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int err = fd < 0 ? -errno : 0;
    if (!err && connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
        err = -errno;
        close(fd);
    }
    close(dfd);
    return err ? err : fd;
}

/* Reads one line (a JSON object) into line. Returns 0, -ECONNRESET at EOF, -ETIMEDOUT, -EIO. */
static int read_line(int fd, struct strbuf *line)
{
    sb_reset(line);
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int r = poll(&p, 1, QMP_TIMEOUT_MS);
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            return -ETIMEDOUT;
        char c;
        ssize_t n = read(fd, &c, 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == ECONNRESET ? -ECONNRESET : -EIO;
        if (n == 0)
            return -ECONNRESET;
        if (c == '\n')
            return 0;
        if (line->len >= QMP_LINE_MAX)
            return -EIO;
        sb_addc(line, c);
    }
}

/* Waits for the reply to the last command, skipping events. */
static int read_reply(int fd, char *err, size_t err_len)
{
    struct strbuf line = STRBUF_INIT;
    int r;
    while ((r = read_line(fd, &line)) == 0) {
        json_t *j = json_parse_text(sb_str(&line), line.len, NULL, 0);
        if (!j) {
            snprintf(err, err_len, "QEMU sent something that is not JSON on QMP");
            r = -EIO;
            break;
        }
        const json_t *e = json_object_get(j, "error");
        if (e) {
            const char *desc = json_get_string(e, "desc");
            snprintf(err, err_len, "QEMU refused: %s", desc ? desc : "(no description)");
            r = -EIO;
        }
        bool done = e || json_object_get(j, "return");
        json_decref(j);
        if (done)
            break;
    }
    if (r == -ETIMEDOUT)
        snprintf(err, err_len, "QEMU did not answer on QMP within %d s", QMP_TIMEOUT_MS / 1000);
    else if (r == -ECONNRESET)
        snprintf(err, err_len, "QEMU closed its QMP connection");
    sb_free(&line);
    return r;
}

int qmp_execute(int fd, const char *command, char *err, size_t err_len)
{
    char msg[128];
    int n = snprintf(msg, sizeof(msg), "{\"execute\": \"%s\"}\n", command);
    int r = fd_write_all(fd, msg, (size_t)n);
    if (r) {
        snprintf(err, err_len, "cannot send %s to QEMU: %s", command, strerror(-r));
        return r == -EPIPE ? -ECONNRESET : r;
    }
    return read_reply(fd, err, err_len);
}

int qmp_connect(const char *dir, char *err, size_t err_len)
{
    int fd = unix_connect_in(dir, "qmp.sock");
    if (fd < 0) {
        snprintf(err, err_len, "cannot connect to QEMU's QMP socket in %s: %s", dir, strerror(-fd));
        return fd;
    }
    struct strbuf line = STRBUF_INIT;
    int r = read_line(fd, &line);
    json_t *greeting = r ? NULL : json_parse_text(sb_str(&line), line.len, NULL, 0);
    if (!greeting || !json_object_get(greeting, "QMP")) {
        snprintf(err, err_len, "QEMU did not greet on QMP");
        r = r ? r : -EIO;
    }
    json_decref(greeting);
    sb_free(&line);
    if (!r)
        r = qmp_execute(fd, "qmp_capabilities", err, err_len);
    if (r) {
        close(fd);
        return r;
    }
    return fd;
}
