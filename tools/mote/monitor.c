// SPDX-License-Identifier: MIT
/* The per-instance monitor, see monitor.h. */
#define _GNU_SOURCE /* accept4, pipe2, memmem */
#include "tools/mote/monitor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools/mote/instance.h"
#include "tools/mote/qemu.h"
#include "tools/mote/store.h"
#include "lib/syslog/message.h"
#include "tools/mote/util.h"

#define LINE_MAX_LEN     4096  /* a longer console line is stored in pieces */
#define PARTIAL_FLUSH_MS 300   /* a line without its newline yet is stored after this quiet time */
#define MAX_CLIENTS      8     /* attached consoles */
#define SYSLOG_DGRAM_MAX 8192  /* RFC 5426 §3.2: receivers should take 2048; more is harmless */
#define RESTART_FIRST_MS 100   /* backoff before the first restart, doubled each time... */
#define RESTART_MAX_MS   10000 /* ...up to this */
#define GUEST_HOST_ADDR  "10.0.2.2" /* the host, as QEMU user networking shows it to the guest */

static int sig_pipe[2] = {-1, -1};
static volatile sig_atomic_t got_term;

static void on_signal(int sig)
{
    int saved = errno;
    if (sig == SIGTERM || sig == SIGINT || sig == SIGHUP)
        got_term = 1;
    char c = (char)sig;
    if (write(sig_pipe[1], &c, 1) < 0) {
        /* the pipe is full: a wake-up is already pending */
    }
    errno = saved;
}

struct monitor {
    const char *name;
    struct instance_config cfg;
    char *kernel, *dtb; /* dtb: NULL if the image has none */
    int console_log, syslog_log, qemu_log;
    int syslog_fd, listen_fd;
    int clients[MAX_CLIENTS];
    unsigned syslog_port;
    unsigned long syslog_dropped;
    /* the current QEMU */
    pid_t qemu;
    int qemu_in, qemu_out;
    bool ready;
    char line[LINE_MAX_LEN];
    size_t line_len;
};

/* Loads the state under the lock for a change; state_commit saves and unlocks. */
static int state_begin(const char *name, struct instance_state *s)
{
    int lock = store_lock();
    if (instance_state_load(name, s) != 0)
        memset(s, 0, sizeof(*s));
    return lock;
}

static void state_commit(const char *name, int lock, const struct instance_state *s)
{
    int err = instance_state_save(name, s);
    if (err)
        fprintf(stderr, "cannot save state.json: %s\n", strerror(-err));
    store_unlock(lock);
}

static bool stop_requested(const char *name)
{
    struct instance_state s;
    return got_term || (instance_state_load(name, &s) == 0 && s.stop_requested);
}

static void log_line(int fd, const char *text, size_t len)
{
    char ts[TIME_STR_LEN + 1];
    spec_format_time(time_now_ns(), ts);
    struct strbuf sb = STRBUF_INIT;
    sb_adds(&sb, ts);
    sb_addc(&sb, ' ');
    sb_add(&sb, text, len);
    sb_addc(&sb, '\n');
    fd_write_all(fd, sb.s, sb.len); /* one write: a reader following the file sees whole lines */
    sb_free(&sb);
}

static void console_flush(struct monitor *m)
{
    if (!m->line_len)
        return;
    log_line(m->console_log, m->line, m->line_len);
    if (!m->ready && memmem(m->line, m->line_len, READY_MARKER, strlen(READY_MARKER))) {
        m->ready = true;
        struct instance_state s;
        int lock = state_begin(m->name, &s);
        if (s.status == ST_STARTING) {
            s.status = ST_RUNNING;
            s.ready_ns = time_now_ns();
        }
        state_commit(m->name, lock, &s);
    }
    m->line_len = 0;
}

static void console_input(struct monitor *m, const char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char c = buf[i];
        if (c == '\r')
            continue;
        if (c == '\n') {
            console_flush(m);
            continue;
        }
        m->line[m->line_len++] = c;
        if (m->line_len == sizeof(m->line))
            console_flush(m);
    }
}

/* One syslog datagram: one line in syslog.log, "HOST APP: SEVERITY: MESSAGE". */
static void syslog_receive(struct monitor *m)
{
    char buf[SYSLOG_DGRAM_MAX];
    ssize_t n = recv(m->syslog_fd, buf, sizeof(buf), MSG_DONTWAIT);
    struct syslog_msg msg;
    if (n <= 0)
        return;
    if (syslog_parse(buf, (size_t)n, &msg) != 0) {
        if (m->syslog_dropped++ % 100 == 0)
            fprintf(stderr, "syslog: dropped %lu datagrams that are not RFC 5424\n",
                    m->syslog_dropped);
        return;
    }
    struct strbuf sb = STRBUF_INIT;
    sb_addf(&sb, "%s %s: %s: ", msg.hostname, msg.app, syslog_severity_name(msg.severity));
    for (size_t i = 0; i < msg.msg_len; i++) {
        unsigned char c = (unsigned char)msg.msg[i];
        sb_addc(&sb, c < 0x20 || c == 0x7f ? ' ' : (char)c); /* one message, one line */
    }
    log_line(m->syslog_log, sb.s, sb.len);
    sb_free(&sb);
}

static int syslog_open(struct monitor *m)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    socklen_t len = sizeof(addr);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    m->syslog_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (m->syslog_fd < 0 || bind(m->syslog_fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
        getsockname(m->syslog_fd, (struct sockaddr *)&addr, &len) != 0)
        return -errno;
    m->syslog_port = ntohs(addr.sin_port);
    m->syslog_log = open(SYSLOG_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    return m->syslog_log < 0 ? -errno : 0;
}

static int console_listen(struct monitor *m)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strcpy(addr.sun_path, CONSOLE_SOCKET); /* relative: the monitor runs in the instance folder */
    unlink(CONSOLE_SOCKET);
    m->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (m->listen_fd < 0 || bind(m->listen_fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 ||
        listen(m->listen_fd, MAX_CLIENTS) != 0)
        return -errno;
    return 0;
}

static void client_accept(struct monitor *m)
{
    int fd = accept4(m->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (fd < 0)
        return;
    for (int i = 0; i < MAX_CLIENTS; i++)
        if (m->clients[i] < 0) {
            m->clients[i] = fd;
            return;
        }
    close(fd); /* too many attached consoles */
}

static void client_read(struct monitor *m, int i)
{
    char buf[1024];
    ssize_t n = read(m->clients[i], buf, sizeof(buf));
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            close(m->clients[i]);
            m->clients[i] = -1;
        }
        return;
    }
    /* Input the guest does not take in time is dropped, never blocks the monitor. */
    if (m->qemu_in >= 0 && write(m->qemu_in, buf, (size_t)n) < 0 && errno != EAGAIN)
        fprintf(stderr, "console input: %s\n", strerror(errno));
}

static void write_argv_file(char **argv)
{
    struct strbuf sb = STRBUF_INIT;
    for (char **p = argv; *p; p++)
        sb_add(&sb, *p, strlen(*p) + 1);
    file_write_atomic(QEMU_ARGV_FILE, sb.s, sb.len);
    sb_free(&sb);
}

/* Starts QEMU with stdin and stdout on pipes to the monitor and stderr to qemu.log. */
static int qemu_start(struct monitor *m)
{
    struct strbuf cmdline = STRBUF_INIT;
    sb_adds(&cmdline, m->cfg.cmdline);
    if (m->cfg.syslog)
        sb_addf(&cmdline, "%ssyslog=%s:%u", cmdline.len ? " " : "", GUEST_HOST_ADDR,
                m->syslog_port);
    char **argv = qemu_argv(&m->cfg, m->kernel, m->dtb, sb_str(&cmdline));
    sb_free(&cmdline);
    write_argv_file(argv);

    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC) != 0)
        return -errno;
    if (pipe2(out, O_CLOEXEC) != 0) {
        int err = -errno;
        close(in[0]);
        close(in[1]);
        return err;
    }
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        /* QEMU must not outlive the monitor: nothing else would record its end. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(127);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGPIPE, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        signal(SIGCHLD, SIG_DFL);
        dup2(in[0], STDIN_FILENO);
        dup2(out[1], STDOUT_FILENO);
        dup2(m->qemu_log, STDERR_FILENO);
        execvp(argv[0], argv);
        dprintf(STDERR_FILENO, "mote: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int err = pid < 0 ? -errno : 0;
    qemu_argv_free(argv);
    close(in[0]);
    close(out[1]);
    if (err) {
        close(in[1]);
        close(out[0]);
        return err;
    }
    m->qemu = pid;
    m->qemu_in = in[1];
    m->qemu_out = out[0];
    fcntl(m->qemu_in, F_SETFL, O_NONBLOCK);
    m->ready = false;
    m->line_len = 0;
    return 0;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Serves console, syslog and attached consoles until QEMU has exited and its
 * output is drained (or, with qemu == 0, until timeout_ms passes or a stop is
 * asked for: the restart backoff). Returns QEMU's wait status.
 */
static int serve(struct monitor *m, int timeout_ms)
{
    int status = 0;
    bool exited = false, eof = m->qemu_out < 0;
    int64_t deadline = mono_ms() + timeout_ms, last_output = mono_ms();
    for (;;) {
        int wait = m->line_len ? PARTIAL_FLUSH_MS : 1000;
        if (m->qemu == 0) {
            int64_t left = deadline - mono_ms();
            if (left <= 0 || stop_requested(m->name))
                break;
            wait = left < 100 ? (int)left : 100; /* a stop during the backoff is seen soon */
        } else if (exited && eof) {
            break;
        }
        struct pollfd p[4 + MAX_CLIENTS];
        int n = 0, out_i = -1, sys_i = -1, lis_i, sig_i, cli_i[MAX_CLIENTS];
        p[sig_i = n++] = (struct pollfd){.fd = sig_pipe[0], .events = POLLIN};
        p[lis_i = n++] = (struct pollfd){.fd = m->listen_fd, .events = POLLIN};
        if (!eof)
            p[out_i = n++] = (struct pollfd){.fd = m->qemu_out, .events = POLLIN};
        if (m->syslog_fd >= 0)
            p[sys_i = n++] = (struct pollfd){.fd = m->syslog_fd, .events = POLLIN};
        for (int i = 0; i < MAX_CLIENTS; i++) {
            cli_i[i] = -1;
            if (m->clients[i] >= 0)
                p[cli_i[i] = n++] = (struct pollfd){.fd = m->clients[i], .events = POLLIN};
        }
        int r = poll(p, (nfds_t)n, wait);
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0 && (p[sig_i].revents & POLLIN)) {
            char buf[64];
            while (read(sig_pipe[0], buf, sizeof(buf)) > 0)
                ;
        }
        if (!exited && m->qemu > 0 && waitpid(m->qemu, &status, WNOHANG) == m->qemu)
            exited = true;
        if (got_term && !exited && m->qemu > 0)
            kill(m->qemu, SIGKILL);
        if (r <= 0) {
            if (m->line_len && mono_ms() - last_output >= PARTIAL_FLUSH_MS)
                console_flush(m);
            continue;
        }
        if (out_i >= 0 && (p[out_i].revents & (POLLIN | POLLHUP | POLLERR))) {
            char buf[4096];
            ssize_t got = read(m->qemu_out, buf, sizeof(buf));
            if (got > 0) {
                console_input(m, buf, (size_t)got);
                last_output = mono_ms();
            } else if (got == 0 || errno != EINTR) {
                eof = true;
            }
        }
        if (sys_i >= 0 && (p[sys_i].revents & POLLIN))
            syslog_receive(m);
        if (p[lis_i].revents & POLLIN)
            client_accept(m);
        for (int i = 0; i < MAX_CLIENTS; i++)
            if (cli_i[i] >= 0 && (p[cli_i[i]].revents & (POLLIN | POLLHUP | POLLERR)))
                client_read(m, i);
    }
    console_flush(m);
    if (m->qemu_out >= 0)
        close(m->qemu_out);
    if (m->qemu_in >= 0)
        close(m->qemu_in);
    m->qemu_out = m->qemu_in = -1;
    return status;
}

/* QEMU's last complaint on stderr (its own errors: a port in use, a bad option), or "". */
static void qemu_last_error(char *out, size_t len)
{
    char *text;
    out[0] = '\0';
    if (file_read(QEMU_LOG, &text, NULL) != 0)
        return;
    char *end = text + strlen(text);
    while (end > text && (end[-1] == '\n' || end[-1] == '\r'))
        *--end = '\0';
    char *start = strrchr(text, '\n');
    snprintf(out, len, "%s", start ? start + 1 : text);
    free(text);
}

static void setup_stdio(void)
{
    int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int log = open("monitor.log", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (null >= 0)
        dup2(null, STDIN_FILENO);
    if (log >= 0) {
        dup2(log, STDOUT_FILENO);
        dup2(log, STDERR_FILENO);
    }
    /* Nothing `mote run` had open (its terminal, a test's pipes) stays open here. */
    for (int fd = 3; fd < 1024; fd++)
        close(fd);
}

static int fail_early(struct monitor *m, const char *fmt, const char *detail)
{
    struct instance_state s;
    int lock = state_begin(m->name, &s);
    s.status = ST_EXITED;
    s.finished_ns = time_now_ns();
    snprintf(s.error, sizeof(s.error), fmt, detail);
    state_commit(m->name, lock, &s);
    fprintf(stderr, "%s\n", s.error);
    return 1;
}

int monitor_main(const char *name)
{
    struct monitor m = {.name = name,
                        .syslog_fd = -1,
                        .syslog_log = -1,
                        .listen_fd = -1,
                        .qemu_in = -1,
                        .qemu_out = -1};
    char *dir = instance_dir(name);
    if (chdir(dir) != 0)
        return 1;
    free(dir);
    setup_stdio();
    for (int i = 0; i < MAX_CLIENTS; i++)
        m.clients[i] = -1;

    if (pipe2(sig_pipe, O_CLOEXEC | O_NONBLOCK) != 0)
        return 1;
    struct sigaction sa = {.sa_handler = on_signal, .sa_flags = SA_RESTART};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct instance_state s;
    int lock = state_begin(name, &s);
    s.monitor_pid = getpid();
    s.monitor_start = proc_start_time(getpid());
    state_commit(name, lock, &s);

    if (instance_config_load(name, &m.cfg, NULL) != 0)
        return fail_early(&m, "%s", "config.json is missing or unreadable");
    m.kernel = store_blob_path(m.cfg.image_sha256);
    if (!path_exists(m.kernel))
        return fail_early(&m, "the image file %s is missing from the store", m.kernel);
    m.dtb = m.cfg.dtb_sha256[0] ? store_blob_path(m.cfg.dtb_sha256) : NULL;
    if (m.dtb && !path_exists(m.dtb))
        return fail_early(&m, "the device tree %s is missing from the store", m.dtb);
    m.console_log = open(CONSOLE_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    m.qemu_log = open(QEMU_LOG, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (m.console_log < 0 || m.qemu_log < 0)
        return fail_early(&m, "cannot open the log files: %s", strerror(errno));
    if (console_listen(&m) != 0)
        return fail_early(&m, "cannot listen on console.sock: %s", strerror(errno));
    if (m.cfg.syslog && syslog_open(&m) != 0)
        return fail_early(&m, "cannot open the syslog collector: %s", strerror(errno));

    for (;;) {
        int err = qemu_start(&m);
        lock = state_begin(name, &s);
        s.syslog_port = m.syslog_port;
        if (err) {
            s.status = ST_EXITED;
            snprintf(s.error, sizeof(s.error), "cannot start QEMU: %s", strerror(-err));
        } else {
            s.status = ST_STARTING;
            s.qemu_pid = m.qemu;
            s.started_ns = time_now_ns();
            s.ready_ns = 0;
            s.finished_ns = 0;
            s.has_exit_code = false;
            s.error[0] = '\0';
        }
        state_commit(name, lock, &s);
        if (err)
            break;
        fprintf(stderr, "started QEMU, pid %d\n", (int)m.qemu);

        int status = serve(&m, 0);
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        char reason[200];
        qemu_last_error(reason, sizeof(reason));

        lock = state_begin(name, &s);
        bool was_ready = s.status == ST_RUNNING;
        bool again = m.cfg.restart == RESTART_ON_FAILURE && code != 0 && !s.stop_requested &&
                     !got_term && (m.cfg.max_restarts == 0 || s.restarts < m.cfg.max_restarts);
        s.status = again ? ST_RESTARTING : ST_EXITED;
        s.has_exit_code = true;
        s.exit_code = code;
        s.finished_ns = time_now_ns();
        if (WIFSIGNALED(status))
            snprintf(s.error, sizeof(s.error), "QEMU was killed by signal %d", WTERMSIG(status));
        else if (code == 127 && reason[0])
            snprintf(s.error, sizeof(s.error), "%s", reason);
        else if (!was_ready && code != 0)
            snprintf(s.error, sizeof(s.error), "exited with status %d before it was ready%s%s",
                     code, reason[0] ? ": " : "", reason);
        if (again)
            s.restarts++;
        unsigned restarts = s.restarts;
        state_commit(name, lock, &s);
        fprintf(stderr, "QEMU exited with status %d%s\n", code, again ? "; restarting" : "");
        if (!again)
            break;

        int backoff = RESTART_FIRST_MS;
        for (unsigned i = 1; i < restarts && backoff < RESTART_MAX_MS; i++)
            backoff *= 2;
        m.qemu = 0;
        serve(&m, backoff > RESTART_MAX_MS ? RESTART_MAX_MS : backoff);
        if (stop_requested(name)) {
            lock = state_begin(name, &s);
            s.status = ST_EXITED;
            state_commit(name, lock, &s);
            break;
        }
    }
    unlink(CONSOLE_SOCKET);
    return 0;
}
