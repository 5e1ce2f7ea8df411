// SPDX-License-Identifier: MIT
/* The plugins' command socket, see plugin_socket.h. */
#include "plugin_socket.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define LISTEN_QUEUE 8

static struct sockaddr_un sock_addr;
static int listen_fd = -1;
static const char *plugin_name;
static plugin_socket_fn on_connection;

/* Runs until QEMU exits: the host reads the counters while the guest rests. */
static void *accept_loop(void *arg)
{
    (void)arg;
    for (;;) {
        int fd = accept(listen_fd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            fprintf(stderr, "%s: accept on %s: %s; no more connections\n", plugin_name,
                    sock_addr.sun_path, strerror(errno));
            return NULL;
        }
        on_connection(fd);
    }
}

static void on_exit_remove_socket(qemu_plugin_id_t id, void *userdata)
{
    (void)id;
    (void)userdata;
    unlink(sock_addr.sun_path);
}

/* Binds and listens on path; returns the socket or -1 with a message printed. */
static int listen_unix(const char *path)
{
    if (strlen(path) >= sizeof(sock_addr.sun_path)) {
        fprintf(stderr, "%s: sock=%s: path longer than %zu bytes\n", plugin_name, path,
                sizeof(sock_addr.sun_path) - 1);
        return -1;
    }
    sock_addr.sun_family = AF_UNIX;
    strcpy(sock_addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        fprintf(stderr, "%s: socket: %s\n", plugin_name, strerror(errno));
        return -1;
    }
    if (bind(fd, (struct sockaddr *)&sock_addr, sizeof(sock_addr)) != 0 ||
        listen(fd, LISTEN_QUEUE) != 0) {
        fprintf(stderr, "%s: cannot listen on %s: %s\n", plugin_name, path, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

int plugin_socket_start(qemu_plugin_id_t id, const char *who, const char *path,
                        plugin_socket_fn serve)
{
    plugin_name = who;
    on_connection = serve;
    listen_fd = listen_unix(path);
    if (listen_fd < 0)
        return -1;
    pthread_t thread;
    int err = pthread_create(&thread, NULL, accept_loop, NULL);
    if (err != 0) {
        fprintf(stderr, "%s: cannot start the socket thread: %s\n", who, strerror(err));
        close(listen_fd);
        unlink(path);
        return -1;
    }
    pthread_detach(thread);
    qemu_plugin_register_atexit_cb(id, on_exit_remove_socket, NULL);
    return 0;
}

size_t plugin_socket_read_line(int fd, char *cmd, size_t size)
{
    size_t len = 0;
    while (len + 1 < size) {
        ssize_t r = read(fd, cmd + len, 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || cmd[len] == '\n')
            break;
        len++;
    }
    cmd[len] = '\0';
    return len;
}
