// SPDX-License-Identifier: MIT
/* mote run: check everything, record the instance, start its monitor, wait for "mote: ready". */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tools/mote/commands.h"
#include "tools/mote/control.h"
#include "tools/mote/image.h"
#include "tools/mote/instance.h"
#include "tools/mote/libvirt.h"
#include "tools/mote/libvirt_runtime.h"
#include "tools/mote/logfile.h"
#include "tools/mote/monitor.h"
#include "tools/mote/qemu.h"
#include "tools/mote/qmp.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

#define DEFAULT_MEMORY_MIB 128
#define DEFAULT_TIMEOUT_S  120
#define POLL_MS            50
#define TAIL_LINES         15
#define STOP_GRACE_S       10    /* an attached run's Ctrl-C: then the instance is killed */
#define PROGRESS_MS        10000 /* run -d says how long it has waited, this often */

enum {
    OPT_DETACH = 1,
    OPT_NAME,
    OPT_PUBLISH,
    OPT_VOLUME,
    OPT_MEMORY,
    OPT_BOARD,
    OPT_NET,
    OPT_ENV,
    OPT_GDB,
    OPT_GDB_WAIT,
    OPT_SYSLOG,
    OPT_RESTART,
    OPT_TIMEOUT,
    OPT_INTERACTIVE,
    OPT_TTY,
    OPT_RM,
    OPT_LIBVIRT,
    OPT_RUNTIME,
    OPT_CONNECT,
};

static const struct opt_def run_opts[] = {
    {"detach", 'd', false, OPT_DETACH},
    {"name", 0, true, OPT_NAME},
    {"publish", 'p', true, OPT_PUBLISH},
    {"volume", 'v', true, OPT_VOLUME},
    {"memory", 'm', true, OPT_MEMORY},
    {"board", 0, true, OPT_BOARD},
    {"net", 0, true, OPT_NET},
    {"env", 'e', true, OPT_ENV},
    {"gdb", 0, false, OPT_GDB},
    {"gdb-wait", 0, false, OPT_GDB_WAIT},
    {"syslog", 0, false, OPT_SYSLOG},
    {"restart", 0, true, OPT_RESTART},
    {"timeout", 0, true, OPT_TIMEOUT},
    {"interactive", 'i', false, OPT_INTERACTIVE},
    {"tty", 't', false, OPT_TTY},
    {"rm", 0, false, OPT_RM},
    {"libvirt", 0, false, OPT_LIBVIRT}, /* export only */
    {"runtime", 0, true, OPT_RUNTIME},
    {"connect", 'c', true, OPT_CONNECT},
    OPT_HELP_DEF,
    {NULL, 0, false, 0},
};

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
    nanosleep(&ts, NULL);
}

/* 0 if the host port is free to forward, else -errno (EADDRINUSE, EACCES...). */
static int port_check(const struct port_spec *p)
{
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((uint16_t)p->host_port)};
    addr.sin_addr.s_addr = htonl(INADDR_ANY);
    if (p->host_ip[0])
        inet_pton(AF_INET, p->host_ip, &addr.sin_addr);
    int fd = socket(AF_INET, (p->proto == PORT_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int one = 1;
    if (p->proto == PORT_TCP) /* as QEMU does: a port in TIME_WAIT is free */
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    int err = bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 ? 0 : -errno;
    close(fd);
    return err;
}

/* A TCP port on 127.0.0.1 nobody uses right now (for the GDB forward). */
static unsigned free_tcp_port(void)
{
    struct sockaddr_in addr = {.sin_family = AF_INET};
    socklen_t len = sizeof(addr);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    unsigned port = 0;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0 &&
        getsockname(fd, (struct sockaddr *)&addr, &len) == 0)
        port = ntohs(addr.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

static unsigned random_u16(void)
{
    unsigned short v = 0;
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd < 0 || read(fd, &v, sizeof(v)) != sizeof(v))
        v = (unsigned short)(getpid() ^ time(NULL));
    if (fd >= 0)
        close(fd);
    return v;
}

/* IMAGE-xxxx, with IMAGE's characters that cannot be in a host name made '-'. */
static void default_name(const char *image, char name[NAME_MAX_LEN + 1])
{
    size_t n = 0;
    for (; image[n] && n < NAME_MAX_LEN - 5; n++) {
        char c = image[n];
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        name[n] = ok ? c : '-';
    }
    snprintf(name + n, NAME_MAX_LEN + 1 - n, "-%04x", random_u16());
}

struct run_args {
    bool detach, interactive, tty, remove, libvirt;
    const char *name, *board, *restart;
    int timeout_s;
};

static void print_console_tail(const char *name, int lines)
{
    char *path = store_path("instances/%s/%s", name, CONSOLE_LOG), *text;
    size_t len;
    if (file_read(path, &text, &len) != 0 || len == 0) {
        fprintf(stderr, "mote: the console printed nothing\n");
        free(path);
        return;
    }
    free(path);
    const char *start = text + len;
    int seen = 0;
    while (start > text && seen <= lines)
        if (*--start == '\n')
            seen++;
    if (*start == '\n')
        start++;
    fprintf(stderr, "mote: the console's last lines (all of them: mote logs %s):\n", name);
    for (const char *p = start; *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        struct log_record r;
        logfile_parse_line(p, n, &r);
        fprintf(stderr, "  %.*s\n", (int)r.len, r.text);
        p += n + (nl != NULL);
    }
    free(text);
}

static void report_exit(const char *name, const struct instance_state *s)
{
    if (s->error[0])
        errorf("%s: %s", name, s->error);
    else
        errorf("%s exited with status %d before it was ready", name, s->exit_code);
    if (s->restarts)
        errorf("the restart policy started it %u more time%s, each ended the same way, and "
               "gave up: it stays exited",
               s->restarts, s->restarts == 1 ? "" : "s");
    print_console_tail(name, TAIL_LINES);
    fprintf(stderr, "mote: `mote rm %s` removes it\n", name);
}

/*
 * Waits for "mote: ready" (through restarts), or with !need_ready only for
 * QEMU to have started. Returns 0 then, else 1 with the reason printed.
 */
static int wait_ready(const char *name, pid_t monitor, int timeout_s, bool need_ready)
{
    struct instance_state s;
    for (int64_t waited = 0;; waited += POLL_MS) {
        waitpid(monitor, NULL, WNOHANG); /* reap it if it ended, so its state is final */
        if (instance_state_refresh(name, &s) != 0) {
            errorf("%s: its state is gone (removed by another mote?)", name);
            return 1;
        }
        if (s.status == ST_RUNNING || (!need_ready && s.status == ST_STARTING))
            return 0;
        if (s.status == ST_EXITED) {
            report_exit(name, &s);
            return 1;
        }
        /* A slow start (a tap's DHCP, a loaded machine) is shown, not silent. */
        if (waited && waited % PROGRESS_MS == 0) {
            errorf("waiting for %s to be ready: %s for %lld s (of %d s)%s", name,
                   instance_status_name(s.status), (long long)(waited / 1000), timeout_s,
                   s.restarts ? ", restarting after failures" : "");
        }
        if (waited >= (int64_t)timeout_s * 1000) {
            errorf(
                "%s did not log \"%s\" within %d s; it is still %s (mote logs %s; mote rm -f %s)",
                name, READY_MARKER, timeout_s, instance_status_name(s.status), name, name);
            print_console_tail(name, TAIL_LINES);
            return 1;
        }
        sleep_ms(POLL_MS);
    }
}

static volatile sig_atomic_t interrupts;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupts++;
}

static void print_line(const struct log_record *r, void *arg)
{
    (void)arg;
    fwrite(r->text, 1, r->len, stdout);
    fputc('\n', stdout);
}

/*
 * Attached: prints the console until the instance exits, sends stdin to it
 * with -i. Ctrl-C powers off, a second one (or STOP_GRACE_S later) kills.
 * Returns the instance's exit status.
 */
static struct termios saved_tty;
static bool tty_raw;

static void tty_restore(void)
{
    if (tty_raw)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_tty);
    tty_raw = false;
}

/*
 * -t: the terminal stops echoing and sends each key at once, as docker run
 * -it does, so the guest's own echo is the only one. Ctrl-C still signals
 * mote (ISIG stays on): it powers the instance off.
 */
static void tty_make_raw(void)
{
    struct termios raw;
    if (tcgetattr(STDIN_FILENO, &saved_tty) != 0)
        return;
    raw = saved_tty;
    raw.c_lflag &= ~(tcflag_t)(ECHO | ICANON | IEXTEN);
    raw.c_iflag &= ~(tcflag_t)(IXON | ICRNL);
    raw.c_cc[VMIN] = 1;
    raw.c_cc[VTIME] = 0;
    if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) == 0) {
        tty_raw = true;
        atexit(tty_restore);
    }
}

static int attach(const char *name, pid_t monitor, bool interactive, bool tty)
{
    char *dir = instance_dir(name), *log = xasprintf("%s/%s", dir, CONSOLE_LOG);
    struct log_tailer t;
    struct instance_state s;
    int console = -1, handled = 0;
    bool stdin_open = interactive;
    int64_t kill_at = 0;
    log_tailer_init(&t, log, 0);
    if (tty)
        tty_make_raw();
    struct sigaction sa = {.sa_handler = on_interrupt};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    for (int64_t now = 0;; now += POLL_MS) {
        waitpid(monitor, NULL, WNOHANG);
        log_tailer_poll(&t, print_line, NULL);
        fflush(stdout);
        if (instance_state_refresh(name, &s) != 0)
            break;
        if (s.status == ST_EXITED) {
            log_tailer_poll(&t, print_line, NULL); /* the monitor wrote the last lines first */
            break;
        }
        if (interrupts > handled) {
            char msg[256];
            if (handled++ > 0) {
                kill_at = now;
            } else if (control_powerdown(name, msg, sizeof(msg)) == 0) {
                fprintf(stderr, "mote: powering %s off (Ctrl-C again kills it)\n", name);
                kill_at = now + STOP_GRACE_S * 1000;
            } else {
                fprintf(stderr, "mote: %s: %s; killing it\n", name, msg);
                kill_at = now;
            }
        }
        if (kill_at && now >= kill_at) {
            control_kill(name, SIGKILL);
            kill_at = 0;
        }
        if (stdin_open && console < 0 && s.status != ST_CREATED)
            console = unix_connect_in(dir, CONSOLE_SOCKET);
        struct pollfd p = {.fd = STDIN_FILENO, .events = POLLIN};
        if (stdin_open && console >= 0 && poll(&p, 1, POLL_MS) > 0) {
            char buf[1024];
            ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
            /* Raw, Enter sends CR: the console's line discipline wants LF. */
            for (ssize_t k = 0; tty_raw && k < n; k++)
                if (buf[k] == '\r')
                    buf[k] = '\n';
            if (n <= 0)
                stdin_open = false;
            else if (fd_write_all(console, buf, (size_t)n) != 0)
                stdin_open = false;
        } else {
            sleep_ms(POLL_MS);
        }
    }
    tty_restore();
    if (console >= 0)
        close(console);
    log_tailer_free(&t);
    free(log);
    free(dir);
    if (s.status != ST_EXITED)
        return MOTE_EXIT_ERROR;
    if (s.error[0] && s.exit_code != 0)
        errorf("%s: %s", name, s.error);
    return s.has_exit_code ? s.exit_code : MOTE_EXIT_ERROR;
}

static pid_t start_monitor(const char *name)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        setsid(); /* its own session: a Ctrl-C meant for `mote run` does not reach QEMU */
        execl("/proc/self/exe", "mote", MONITOR_COMMAND, name, (char *)NULL);
        _exit(127);
    }
    return pid;
}

/* Builds the config from the options; exits with a message on anything wrong. */
/*
 * Checks the -v disks against the board and the files: the board must know
 * how to attach one (board-info's disk=), a board with one slot (the Pi's SD
 * card: no {n}) takes one, and each file must be a disk image the user can
 * read and write. Makes the paths absolute (QEMU runs in the instance's folder).
 */
static void check_volumes(struct instance_config *c)
{
    const struct board_qemu *b = &c->board;
    if (!c->volume_count)
        return;
    if (!b->disk[0])
        die(MOTE_EXIT_ERROR,
            "board %s cannot attach a disk image (its image has no disk= board fact: build it "
            "again with this tree, whose board.mk has one)",
            b->name);
    bool numbered = strstr(b->disk, "{n}") != NULL;
    for (size_t i = 0; i < c->volume_count; i++) {
        struct volume *v = &c->volumes[i];
        if (!numbered && c->volume_count > 1)
            usage_error("run", "board %s has one disk slot (the SD card): give one -v", b->name);
        if (numbered && v->sd)
            usage_error("run", "board %s has no SD card: use -v FILE:virtio0", b->name);
        if (!numbered && v->n != 0)
            usage_error("run", "board %s has one disk slot, the SD card: use -v FILE:sd", b->name);
        for (size_t j = 0; j < i; j++)
            if (numbered && c->volumes[j].n == v->n)
                usage_error("run", "disk virtio%u is given twice", v->n);
        struct stat st;
        if (stat(v->path, &st) != 0)
            die(MOTE_EXIT_ERROR,
                "-v %s: %s; expected an existing disk image file (e.g. made with "
                "truncate -s 64M FILE and mkfs.fat)",
                v->path, strerror(errno));
        if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
            die(MOTE_EXIT_ERROR, "-v %s: not a file or block device; expected a disk image",
                v->path);
        if (access(v->path, R_OK | W_OK) != 0)
            die(MOTE_EXIT_ERROR,
                "-v %s: %s; the image writes to its disk, so the file must be "
                "readable and writable by you",
                v->path, strerror(errno));
        char *abs = path_absolute(v->path);
        if (strlen(abs) >= sizeof(v->path))
            die(MOTE_EXIT_ERROR, "-v %s: the path is too long", v->path);
        snprintf(v->path, sizeof(v->path), "%s", abs);
        free(abs);
    }
}

static void configure(struct instance_config *c, const struct image *img, struct opts *o,
                      const struct run_args *ra, char **envs, size_t nenv)
{
    char err[SPEC_ERR_LEN];
    struct strbuf cmdline = STRBUF_INIT;

    if (ra->board && !board_is_called(&img->board, ra->board))
        die(MOTE_EXIT_ERROR,
            "image %s:%s is for board %s, not %s (its QEMU machine is %s); build it with "
            "--board %s",
            img->name, img->tag, img->board.name, ra->board, img->board.machine, ra->board);
    c->board = img->board;
    snprintf(c->image, sizeof(c->image), "%s:%s", img->name, img->tag);
    memcpy(c->image_sha256, img->sha256, sizeof(c->image_sha256));
    memcpy(c->elf_sha256, img->elf_sha256, sizeof(c->elf_sha256));
    memcpy(c->dtb_sha256, img->dtb_sha256, sizeof(c->dtb_sha256));
    c->debug_image = img->debug;

    check_volumes(c);
    if (strcmp(c->net, "user") != 0 && strcmp(c->net, "none") != 0 &&
        (strncmp(c->net, "tap:", 4) != 0 || !c->net[4] || strlen(c->net + 4) > 15 ||
         strpbrk(c->net + 4, ",/ ")))
        usage_error("run", "bad --net '%s': expected user, none or tap:IFNAME", c->net);
    if (strncmp(c->net, "tap:", 4) == 0) {
        /* QEMU run as root creates a missing tap silently, connected to nothing. */
        char *sys = xasprintf("/sys/class/net/%s", c->net + 4);
        bool exists = path_exists(sys);
        free(sys);
        if (!exists)
            die(MOTE_EXIT_ERROR,
                "--net %s: there is no network device %s; create it first (ip tuntap add %s "
                "mode tap, then add it to a bridge or give it an address)",
                c->net, c->net + 4, c->net + 4);
    }
    if (c->port_count && strcmp(c->net, "user") != 0)
        usage_error("run", "-p forwards ports of QEMU user networking: it needs --net user");
    if (c->syslog && strcmp(c->net, "user") != 0)
        usage_error("run", "--syslog needs --net user (the guest reaches the collector at "
                           "10.0.2.2)");
    if (c->gdb && strcmp(c->net, "user") != 0)
        usage_error("run", "--gdb needs --net user (the stub is reached through a port forward)");
    if (c->gdb && !img->debug)
        die(MOTE_EXIT_ERROR,
            "image %s:%s is not a debug image, so it has no GDB stub; build it "
            "with `mote build --debug`",
            img->name, img->tag);
    for (size_t i = 0; i < c->port_count; i++)
        for (size_t j = 0; j < i; j++)
            if (c->ports[i].host_port == c->ports[j].host_port &&
                c->ports[i].proto == c->ports[j].proto)
                usage_error("run", "host port %u/%s is given twice", c->ports[i].host_port,
                            spec_proto_name(c->ports[i].proto));

    /* Boot arguments: the image's defaults, then ours, then the user's; the last key wins. */
    sb_adds(&cmdline, img->args);
    sb_addf(&cmdline, "%shostname=%s", cmdline.len ? " " : "", c->name);
    if (c->gdb) {
        c->gdb_host_port = free_tcp_port();
        if (!c->gdb_host_port)
            die(MOTE_EXIT_ERROR, "found no free TCP port on 127.0.0.1 for the GDB forward");
        sb_addf(&cmdline, " gdb=tcp:%u%s", GUEST_GDB_PORT, c->gdb_wait ? ",wait" : "");
    }
    for (size_t i = 0; i < nenv; i++)
        if (spec_add_bootarg(&cmdline, envs[i], true, err) != 0)
            usage_error("run", "%s", err);
    for (int i = 1; i < o->npos; i++)
        if (spec_add_bootarg(&cmdline, o->pos[i], false, err) != 0)
            usage_error("run", "%s", err);
    c->cmdline = cmdline.s ? cmdline.s : xstrdup("");
}

#define CREATING_STALE_NS (60ll * 1000000000) /* a `run` past this in "created" died setting up */

static bool ports_clash(const struct port_spec *a, const struct port_spec *b)
{
    return a->host_port == b->host_port && a->proto == b->proto &&
           (!a->host_ip[0] || !b->host_ip[0] || strcmp(a->host_ip, b->host_ip) == 0);
}

/*
 * The instance (other than c) that holds one of c's host ports, into owner,
 * or false. Called under the lock: two `run`s with one port cannot both pass,
 * as they could when each only tried to bind it before QEMU did.
 */
static bool port_taken(const struct instance_config *c, char owner[NAME_MAX_LEN + 1],
                       const struct port_spec **which)
{
    char **names;
    size_t n;
    bool taken = false;
    if (!c->port_count || instance_list(&names, &n) != 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        struct instance_config other;
        struct instance_state s;
        if (!taken && instance_config_load(names[i], &other, NULL) == 0) {
            bool live =
                instance_state_load(names[i], &s) == 0 &&
                (s.status == ST_CREATED ? time_now_ns() - other.created_ns < CREATING_STALE_NS
                                        : instance_is_active(&s) && s.monitor_pid > 0 &&
                                              proc_alive(s.monitor_pid, s.monitor_start));
            for (size_t a = 0; live && !taken && a < c->port_count; a++)
                for (size_t b = 0; !taken && b < other.port_count; b++)
                    if (ports_clash(&c->ports[a], &other.ports[b])) {
                        taken = true;
                        *which = &c->ports[a];
                        snprintf(owner, NAME_MAX_LEN + 1, "%s", other.name);
                    }
            instance_config_free(&other);
        }
        free(names[i]);
    }
    free(names);
    return taken;
}

/* Records the instance under the lock; fails if the name or one of its host ports is taken. */
static void create_instance(struct instance_config *c)
{
    int lock = store_lock();
    char owner[NAME_MAX_LEN + 1];
    const struct port_spec *p = NULL;
    if (port_taken(c, owner, &p) && p) {
        char shown[64];
        spec_format_port(p, shown, sizeof(shown));
        store_unlock(lock);
        die(MOTE_EXIT_ERROR,
            "host port %u/%s is already in use by instance %s (-p %s); choose another HOSTPORT",
            p->host_port, spec_proto_name(p->proto), owner, shown);
    }
    char *dir = instance_dir(c->name), *blob = store_blob_path(c->image_sha256);
    bool image_there = path_exists(blob); /* an rmi may have run since the image was read */
    free(blob);
    if (!image_there) {
        store_unlock(lock);
        die(MOTE_EXIT_ERROR, "image %s was removed meanwhile; build or load it again", c->image);
    }
    if (mkdir(dir, 0755) != 0) {
        int e = errno;
        store_unlock(lock);
        if (e == EEXIST)
            die(MOTE_EXIT_ERROR,
                "the name %s is already in use by an instance; choose another "
                "--name, or remove it with `mote rm -f %s`",
                c->name, c->name);
        die(MOTE_EXIT_ERROR, "cannot create %s: %s", dir, strerror(e));
    }
    struct instance_state s = {.status = ST_CREATED};
    c->created_ns = time_now_ns();
    int err = instance_config_save(c);
    if (!err)
        err = instance_state_save(c->name, &s);
    if (err) {
        dir_remove_tree(dir);
        store_unlock(lock);
        die(MOTE_EXIT_ERROR, "cannot write the state of %s: %s", c->name, strerror(-err));
    }
    store_unlock(lock);
    free(dir);
}

static int export_libvirt(struct instance_config *c, const struct image *img);
static int start_under_libvirt(struct instance_config *c, const struct image *img, int timeout_s);

static int run_or_export(int argc, char **argv, bool export)
{
    const char *cmd = export ? "export" : "run";
    struct opts o;
    struct run_args ra = {.timeout_s = DEFAULT_TIMEOUT_S};
    struct instance_config c = {.memory_mib = DEFAULT_MEMORY_MIB, .restart = RESTART_NO};
    char err[SPEC_ERR_LEN];
    char **envs = xcalloc((size_t)argc, sizeof(char *));
    size_t nenv = 0;
    const char *val;
    int id;
    snprintf(c.net, sizeof(c.net), "user");
    opts_init(&o, cmd, run_opts, argc, argv, true);
    while ((id = opts_next(&o, &val))) {
        switch (id) {
        case OPT_DETACH: ra.detach = true; break;
        case OPT_INTERACTIVE: ra.interactive = true; break;
        case OPT_TTY: ra.tty = true; break;
        case OPT_RM: ra.remove = true; break;
        case OPT_LIBVIRT: ra.libvirt = true; break;
        case OPT_RUNTIME:
            if (strcmp(val, RUNTIME_QEMU) != 0 && strcmp(val, RUNTIME_LIBVIRT) != 0)
                usage_error(cmd, "bad --runtime '%s': expected qemu or libvirt", val);
            snprintf(c.runtime, sizeof(c.runtime), "%s", val);
            break;
        case OPT_CONNECT:
            if (strlen(val) >= sizeof(c.libvirt_uri) || strpbrk(val, " \n"))
                usage_error(cmd,
                            "bad --connect '%s': expected a libvirt URI such as "
                            "qemu:///system or qemu+ssh://host/system",
                            val);
            snprintf(c.libvirt_uri, sizeof(c.libvirt_uri), "%s", val);
            break;
        case OPT_NAME: ra.name = val; break;
        case OPT_BOARD: ra.board = val; break;
        case OPT_GDB: c.gdb = true; break;
        case OPT_GDB_WAIT: c.gdb = c.gdb_wait = true; break;
        case OPT_SYSLOG: c.syslog = true; break;
        case OPT_ENV: envs[nenv++] = (char *)val; break;
        case OPT_NET:
            if (strlen(val) > NET_SPEC_MAX)
                usage_error("run", "bad --net '%s': expected user, none or tap:IFNAME", val);
            snprintf(c.net, sizeof(c.net), "%s", val);
            break;
        case OPT_PUBLISH:
            if (c.port_count == MAX_PORTS)
                usage_error("run", "at most %d -p options", MAX_PORTS);
            if (spec_parse_port(val, &c.ports[c.port_count++], err) != 0)
                usage_error("run", "%s", err);
            break;
        case OPT_VOLUME: {
            struct volume *v = &c.volumes[c.volume_count];
            if (c.volume_count == VOLUME_DISKS_MAX)
                usage_error("run", "at most %d -v options", VOLUME_DISKS_MAX);
            if (spec_parse_volume(val, v->path, sizeof(v->path), &v->n, &v->sd, err) != 0)
                usage_error("run", "%s", err);
            c.volume_count++;
            break;
        }
        case OPT_MEMORY:
            if (spec_parse_memory(val, &c.memory_mib, err) != 0)
                usage_error("run", "%s", err);
            break;
        case OPT_RESTART:
            if (spec_parse_restart(val, &c.restart, &c.max_restarts, err) != 0)
                usage_error("run", "%s", err);
            break;
        case OPT_TIMEOUT: {
            int64_t ns;
            if (spec_parse_duration(val, &ns, err) != 0 || ns < 1000000000ll)
                usage_error("run", "bad --timeout '%s': expected seconds (at least 1)", val);
            ra.timeout_s = (int)(ns / 1000000000ll);
            break;
        }
        case 'h': help_exit(cmd);
        }
    }
    if (!c.runtime[0])
        snprintf(c.runtime, sizeof(c.runtime), "%s", RUNTIME_QEMU);
    bool libvirt = strcmp(c.runtime, RUNTIME_LIBVIRT) == 0;
    if (c.libvirt_uri[0] && !libvirt && !export)
        usage_error(cmd, "--connect names a libvirt host: it goes with --runtime libvirt");
    if (libvirt && !ra.detach)
        usage_error(cmd, "--runtime libvirt runs detached: add -d (follow it with mote logs -f "
                         "NAME or virsh console NAME)");
    if (libvirt && (c.gdb || c.syslog || c.restart != RESTART_NO))
        usage_error(cmd, "--gdb, --syslog and --restart are mote's own runtime's; under libvirt "
                         "use its own settings (virsh edit NAME)");
    if (export && !ra.libvirt)
        usage_error("export", "expected --libvirt (the format to export in)");
    if (!export && ra.libvirt)
        usage_error("run", "unknown option '--libvirt' (it is export's)");
    if (o.npos < 1)
        usage_error("run", "expected an IMAGE (NAME[:TAG]; `mote images` lists them)");
    if (ra.name && spec_check_name(ra.name, err) != 0)
        usage_error("run", "%s", err);
    if ((ra.interactive || ra.tty) && ra.detach)
        usage_error("run", "-i and -t attach your terminal to the console: they cannot go with -d");
    if (ra.tty && !isatty(STDIN_FILENO))
        usage_error("run", "-t: the input is not a terminal; drop -t (and keep -i to send it)");
    if (ra.remove && ra.detach)
        usage_error("run", "--rm removes the instance when an attached run ends; with -d remove "
                           "it yourself (mote rm NAME)");

    struct image img;
    if (image_find(o.pos[0], &img, err) != 0)
        die(MOTE_EXIT_ERROR, "%s", err);
    char *qemu = path_search(qemu_program());
    if (!qemu)
        die(MOTE_EXIT_ERROR,
            "%s not found in PATH; install QEMU (Debian: apt install "
            "qemu-system-arm) or set MOTE_QEMU to its path",
            qemu_program());
    free(qemu);
    if (ra.name) {
        snprintf(c.name, sizeof(c.name), "%s", ra.name);
    } else {
        char *dir;
        do {
            default_name(img.name, c.name);
            dir = instance_dir(c.name);
        } while (path_exists(dir) && (free(dir), 1));
        free(dir);
    }
    configure(&c, &img, &o, &ra, envs, nenv);
    if (export) {
        int r = export_libvirt(&c, &img);
        image_free(&img);
        instance_config_free(&c);
        opts_free(&o);
        free(envs);
        return r;
    }
    for (size_t i = 0; i < c.port_count; i++) {
        int perr = port_check(&c.ports[i]);
        char shown[64];
        spec_format_port(&c.ports[i], shown, sizeof(shown));
        if (perr == -EADDRINUSE)
            die(MOTE_EXIT_ERROR,
                "host port %u/%s is already in use (-p %s); choose another "
                "HOSTPORT",
                c.ports[i].host_port, spec_proto_name(c.ports[i].proto), shown);
        if (perr == -EACCES)
            die(MOTE_EXIT_ERROR,
                "host port %u needs privileges to bind (-p %s); choose a "
                "HOSTPORT above 1023",
                c.ports[i].host_port, shown);
        if (perr == -EADDRNOTAVAIL)
            die(MOTE_EXIT_ERROR, "address %s is not one of this host's (-p %s)", c.ports[i].host_ip,
                shown);
        if (perr)
            die(MOTE_EXIT_ERROR, "cannot use host port %u (-p %s): %s", c.ports[i].host_port, shown,
                strerror(-perr));
    }
    create_instance(&c);
    if (libvirt) {
        int status = start_under_libvirt(&c, &img, ra.timeout_s);
        image_free(&img);
        instance_config_free(&c);
        opts_free(&o);
        free(envs);
        return status;
    }
    pid_t monitor = start_monitor(c.name);
    if (monitor < 0)
        die(MOTE_EXIT_ERROR, "cannot start the monitor of %s: %s", c.name, strerror(errno));

    int status;
    if (ra.detach) {
        status = wait_ready(c.name, monitor, ra.timeout_s, !c.gdb_wait);
        if (status == 0) {
            printf("%s\n", c.name);
            if (c.gdb_wait)
                fprintf(stderr, "mote: %s waits for gdb: mote debug %s\n", c.name, c.name);
        }
    } else {
        status = attach(c.name, monitor, ra.interactive || ra.tty, ra.tty);
        if (ra.remove) {
            int err = control_remove(c.name);
            if (err)
                errorf("--rm: cannot remove %s: %s", c.name, strerror(-err));
        }
    }
    image_free(&img);
    instance_config_free(&c);
    opts_free(&o);
    free(envs);
    return status;
}

/* Starts an instance that exited, with the config it was created with. */
static int start_one(const char *name, int timeout_s)
{
    struct instance_state s;
    char err[SPEC_ERR_LEN];
    if (spec_check_name(name, err) != 0 || instance_state_refresh(name, &s) != 0) {
        errorf("no instance %s; `mote ps -a` lists them", name);
        return MOTE_EXIT_ERROR;
    }
    int lock = store_lock();
    int r = instance_state_load(name, &s);
    if (!r && s.status != ST_EXITED) {
        store_unlock(lock);
        errorf("%s is %s; only an exited instance can be started", name,
               instance_status_name(s.status));
        return MOTE_EXIT_ERROR;
    }
    struct instance_state fresh = {.status = ST_CREATED};
    r = r ? r : instance_state_save(name, &fresh);
    store_unlock(lock);
    if (r) {
        errorf("cannot start %s: %s", name, strerror(-r));
        return MOTE_EXIT_ERROR;
    }
    pid_t monitor = start_monitor(name);
    if (monitor < 0) {
        errorf("cannot start the monitor of %s: %s", name, strerror(errno));
        return MOTE_EXIT_ERROR;
    }
    if (wait_ready(name, monitor, timeout_s, true) != 0)
        return MOTE_EXIT_ERROR;
    printf("%s\n", name);
    return MOTE_EXIT_OK;
}

static int start_or_restart(const char *cmd, int argc, char **argv, bool restart)
{
    static const struct opt_def defs[] = {
        {"time", 't', true, 't'},
        {"timeout", 0, true, 'T'},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    const char *val;
    char err[SPEC_ERR_LEN];
    int id, stop_s = STOP_GRACE_S, timeout_s = DEFAULT_TIMEOUT_S, status = MOTE_EXIT_OK;
    opts_init(&o, cmd, defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        int64_t ns;
        if (id == 'h')
            help_exit(cmd);
        if (spec_parse_duration(val, &ns, err) != 0 || ns < 1000000000ll ||
            ns > 3600ll * 1000000000)
            usage_error(cmd, "bad %s '%s': expected seconds, 1 to 3600",
                        id == 't' ? "-t" : "--timeout", val);
        if (id == 't')
            stop_s = (int)(ns / 1000000000);
        else
            timeout_s = (int)(ns / 1000000000);
    }
    if (o.npos == 0)
        usage_error(cmd, "expected the NAME of an instance");
    for (int i = 0; i < o.npos; i++) {
        struct instance_state s;
        bool forced;
        if (restart && instance_state_refresh(o.pos[i], &s) == 0 && instance_is_active(&s) &&
            control_stop(o.pos[i], stop_s, &forced) != 0) {
            status = MOTE_EXIT_ERROR;
            continue;
        }
        if (start_one(o.pos[i], timeout_s) != MOTE_EXIT_OK)
            status = MOTE_EXIT_ERROR;
    }
    opts_free(&o);
    return status;
}

int cmd_start(int argc, char **argv)
{
    return start_or_restart("start", argc, argv, false);
}

int cmd_restart(int argc, char **argv)
{
    return start_or_restart("restart", argc, argv, true);
}

/*
 * run --runtime libvirt: the domain XML (console to the instance's console.log)
 * defined and started through virsh; then waits for "mote: ready" as run -d does.
 */
static int start_under_libvirt(struct instance_config *c, const struct image *img, int timeout_s)
{
    char err[SPEC_ERR_LEN];
    char *dir = instance_dir(c->name), *xml_path = xasprintf("%s/domain.xml", dir);
    char *console = xasprintf("%s/%s", dir, CONSOLE_LOG), *kernel = store_blob_path(img->sha256);
    char *dtb = img->dtb_sha256[0] ? store_blob_path(img->dtb_sha256) : NULL;
    char *xml = libvirt_domain_xml(c, kernel, dtb, c->cmdline, console);
    int r = file_write_atomic(xml_path, xml, strlen(xml));
    struct instance_state s = {.status = ST_STARTING, .started_ns = time_now_ns()};
    if (r)
        snprintf(err, sizeof(err), "cannot write %s: %s", xml_path, strerror(-r));
    else
        r = libvirt_start(c, xml_path, err);
    if (r) {
        s.status = ST_EXITED;
        s.finished_ns = time_now_ns();
        snprintf(s.error, sizeof(s.error), "%.250s", err);
    }
    int lock = store_lock();
    instance_state_save(c->name, &s);
    store_unlock(lock);
    free(xml);
    free(kernel);
    free(dtb);
    free(console);
    free(xml_path);
    free(dir);
    if (r) {
        errorf("%s", err);
        return MOTE_EXIT_ERROR;
    }
    int status = wait_ready(c->name, -1, timeout_s, true);
    if (status == 0)
        printf("%s\n", c->name);
    return status;
}

/* Prints the domain XML of the instance run would start (its files in the store). */
static int export_libvirt(struct instance_config *c, const struct image *img)
{
    char *kernel = store_blob_path(img->sha256);
    char *dtb = img->dtb_sha256[0] ? store_blob_path(img->dtb_sha256) : NULL;
    char *xml = libvirt_domain_xml(c, kernel, dtb, c->cmdline, NULL);
    fputs(xml, stdout);
    free(xml);
    free(kernel);
    free(dtb);
    return MOTE_EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
    return run_or_export(argc, argv, false);
}

int cmd_export(int argc, char **argv)
{
    return run_or_export(argc, argv, true);
}
