// SPDX-License-Identifier: MIT
/* Instances under libvirt through virsh, see libvirt_runtime.h. */
#include "tools/mote/libvirt_runtime.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/mote/monitor.h"
#include "tools/mote/store.h"
#include "tools/mote/strbuf.h"
#include "tools/mote/util.h"

#define VIRSH_ARGS_MAX 8
#define EXIT_MARKER    "exit: status " /* kernel/system.c logs it before powering off */

bool libvirt_runs(const struct instance_config *c)
{
    return strcmp(c->runtime, RUNTIME_LIBVIRT) == 0;
}

/* Runs virsh [-c uri] args...; stdout and stderr into out. Returns its exit status or -1. */
static int virsh(const struct instance_config *c, struct strbuf *out, const char *a1,
                 const char *a2)
{
    const char *argv[VIRSH_ARGS_MAX] = {"virsh", "-q"};
    int n = 2;
    if (c->libvirt_uri[0]) {
        argv[n++] = "-c";
        argv[n++] = c->libvirt_uri;
    }
    argv[n++] = a1;
    argv[n++] = a2;
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], (char *const *)argv);
        dprintf(STDERR_FILENO, "cannot run virsh (Debian: libvirt-clients): %s", strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    char buf[1024];
    ssize_t r;
    while ((r = read(fds[0], buf, sizeof(buf))) > 0 || (r < 0 && errno == EINTR))
        if (r > 0 && out)
            sb_add(out, buf, (size_t)r);
    close(fds[0]);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* virsh's message, one line. */
static void message(const struct strbuf *out, char *err, const char *what)
{
    char *text = xstrdup(sb_str(out));
    for (char *p = text; *p; p++)
        if (*p == '\n')
            *p = ' ';
    snprintf(err, SPEC_ERR_LEN, "%s: %s", what, text[0] ? text : "virsh failed");
    free(text);
}

int libvirt_start(const struct instance_config *c, const char *xml_path, char *err)
{
    struct strbuf out = STRBUF_INIT;
    int r = virsh(c, &out, "define", xml_path);
    if (r != 0) {
        message(&out, err, "virsh define refused the domain");
        sb_free(&out);
        return -EIO;
    }
    sb_reset(&out);
    r = virsh(c, &out, "start", c->name);
    if (r != 0) {
        message(&out, err, "virsh start failed");
        sb_reset(&out);
        virsh(c, &out, "undefine", c->name);
    }
    sb_free(&out);
    return r ? -EIO : 0;
}

/* The console's last "exit: status N" (the image's mote_exit), or -1. */
static int console_exit_code(const char *console, bool *ready)
{
    int code = -1;
    *ready = console && strstr(console, READY_MARKER);
    for (const char *p = console; p && (p = strstr(p, EXIT_MARKER)); p += strlen(EXIT_MARKER))
        code = atoi(p + strlen(EXIT_MARKER));
    return code;
}

int libvirt_refresh(const struct instance_config *c, struct instance_state *s)
{
    struct strbuf out = STRBUF_INIT;
    int r = virsh(c, &out, "domstate", c->name);
    char *path = store_path("instances/%s/%s", c->name, CONSOLE_LOG), *console = NULL;
    file_read(path, &console, NULL);
    free(path);
    bool ready;
    int code = console_exit_code(console, &ready);
    free(console);
    const char *state = sb_str(&out);
    if (r == 0 && (strncmp(state, "running", 7) == 0 || strncmp(state, "paused", 6) == 0)) {
        s->status = ready ? ST_RUNNING : ST_STARTING;
        if (ready && !s->ready_ns)
            s->ready_ns = time_now_ns();
    } else if (s->status != ST_EXITED) {
        s->status = ST_EXITED;
        s->finished_ns = time_now_ns();
        s->has_exit_code = code >= 0;
        s->exit_code = code;
        if (r != 0)
            snprintf(s->error, sizeof(s->error),
                     "libvirt has no domain %s (undefined outside mote?)", c->name);
        else if (code < 0)
            snprintf(s->error, sizeof(s->error),
                     "the domain is %.*s without the image saying it "
                     "exited",
                     (int)strcspn(state, "\n"), state);
    }
    sb_free(&out);
    return 0;
}

int libvirt_stop(const struct instance_config *c, bool force)
{
    struct strbuf out = STRBUF_INIT;
    int r = virsh(c, &out, force ? "destroy" : "shutdown", c->name);
    if (r)
        errorf("virsh %s %s: %s", force ? "destroy" : "shutdown", c->name, sb_str(&out));
    sb_free(&out);
    return r ? -EIO : 0;
}

int libvirt_remove(const struct instance_config *c)
{
    struct strbuf out = STRBUF_INIT;
    virsh(c, &out, "destroy", c->name); /* not running is fine */
    sb_reset(&out);
    int r = virsh(c, &out, "undefine", c->name);
    if (r && !strstr(sb_str(&out), "failed to get domain"))
        errorf("virsh undefine %s: %s", c->name, sb_str(&out));
    else
        r = 0;
    sb_free(&out);
    return r ? -EIO : 0;
}
