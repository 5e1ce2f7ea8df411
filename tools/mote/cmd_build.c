// SPDX-License-Identifier: MIT
/*
 * mote build: runs the Mote build (make) for a service and stores the result.
 * The build itself stays make's: mote asks it (mk/tools.mk, mote-image-info)
 * where the image went and what its default arguments are.
 */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tools/mote/board.h"
#include "tools/mote/commands.h"
#include "tools/mote/image.h"
#include "tools/mote/qemu.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

#ifndef MOTE_SRC_DIR
#define MOTE_SRC_DIR ""
#endif

enum { OPT_BOARD = 1, OPT_TAG, OPT_DEBUG, OPT_QUIET };

struct service {
    char *root; /* the source tree */
    char *name; /* services/<name> */
};

/* dir is services/<name> in a Mote tree (it has service.mk; the tree has mk/tools.mk). */
static bool service_at(const char *dir, struct service *s)
{
    char real[PATH_MAX], *mk, *tools;
    if (!realpath(dir, real))
        return false;
    mk = xasprintf("%s/service.mk", real);
    bool ok = path_exists(mk);
    free(mk);
    if (!ok)
        return false;
    char *copy = xstrdup(real), *parent = dirname(copy);
    ok = strcmp(basename(parent), "services") == 0;
    if (ok) {
        char *root = xstrdup(dirname(parent));
        tools = xasprintf("%s/mk/tools.mk", root);
        ok = path_exists(tools);
        free(tools);
        if (ok) {
            s->root = root;
            s->name = xstrdup(basename(real));
        } else {
            free(root);
        }
    }
    free(copy);
    return ok;
}

static void find_service(const char *arg, struct service *s)
{
    if (!arg)
        arg = ".";
    if (strchr(arg, '/') || strcmp(arg, ".") == 0 || strcmp(arg, "..") == 0) {
        if (service_at(arg, s))
            return;
        die(MOTE_EXIT_ERROR,
            "%s is not a service folder: expected services/<name> of a Mote "
            "source tree, with a service.mk",
            arg);
    }
    const char *roots[] = {".", getenv("MOTE_SRC"), MOTE_SRC_DIR};
    for (size_t i = 0; i < sizeof(roots) / sizeof(roots[0]); i++) {
        if (!roots[i] || !*roots[i])
            continue;
        char *dir = xasprintf("%s/services/%s", roots[i], arg);
        bool found = service_at(dir, s);
        free(dir);
        if (found)
            return;
    }
    if (service_at(arg, s))
        return;
    die(MOTE_EXIT_ERROR,
        "no service %s: looked for services/%s in the current folder%s%s; give "
        "the service folder's path, or set MOTE_SRC to a Mote source tree",
        arg, arg, getenv("MOTE_SRC") ? " and $MOTE_SRC" : "",
        *MOTE_SRC_DIR ? " and " MOTE_SRC_DIR : "");
}

/* Runs argv; with out, its stdout is captured there. Returns its exit status, or -1. */
static int run_program(char *const argv[], struct strbuf *out, bool quiet)
{
    int fds[2] = {-1, -1};
    if (out && pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        if (out) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[0]);
            close(fds[1]);
        } else if (quiet) {
            freopen("/dev/null", "w", stdout);
        }
        if (!out)
            dup2(STDOUT_FILENO, STDERR_FILENO);
        execvp(argv[0], argv);
        fprintf(stderr, "mote: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    if (out) {
        close(fds[1]);
        char buf[4096];
        ssize_t n;
        while ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
            if (n > 0)
                sb_add(out, buf, (size_t)n);
        close(fds[0]);
    }
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *info_value(const char *text, const char *key)
{
    size_t klen = strlen(key);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t n = nl ? (size_t)(nl - p) : strlen(p);
        if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=')
            return xasprintf("%.*s", (int)(n - klen - 1), p + klen + 1);
        p = nl ? nl + 1 : NULL;
    }
    return NULL;
}

/* Reads platform/<name>/board.mk of root through make board-info. Returns 0 or -EINVAL. */
static int board_read(const char *root, const char *name, struct board_qemu *b, char *err,
                      size_t err_len)
{
    char *mk = xasprintf("%s/platform/%s/board.mk", root, name);
    bool exists = strlen(name) <= BOARD_NAME_MAX && !strchr(name, '/') && path_exists(mk);
    free(mk);
    if (!exists) {
        snprintf(err, err_len, "no platform/%s/board.mk", name);
        return -EINVAL;
    }
    struct strbuf info = STRBUF_INIT;
    char *board_var = xasprintf("BOARD=%s", name);
    char *argv[] = {"make",    "-s", "--no-print-directory", "-C", (char *)root, "board-info",
                    board_var, NULL};
    int r = run_program(argv, &info, true) == 0 ? board_from_info(sb_str(&info), b, err, err_len)
                                                : -EINVAL;
    if (r && !*err)
        snprintf(err, err_len, "make board-info BOARD=%s failed", name);
    free(board_var);
    sb_free(&info);
    return r;
}

/*
 * The board called name in root: a platform/<name>/ folder, or the board
 * whose QEMU machine is name ("raspi3b" is raspi3). Exits on none.
 */
static void board_find(const char *root, const char *name, struct board_qemu *b)
{
    char err[256] = "";
    if (board_read(root, name, b, err, sizeof(err)) == 0)
        return;
    char *dir = xasprintf("%s/platform", root);
    DIR *d = opendir(dir);
    struct dirent *e;
    struct strbuf names = STRBUF_INIT;
    bool found = false;
    while (d && !found && (e = readdir(d))) {
        char other_err[256] = "";
        if (e->d_name[0] == '.' || board_read(root, e->d_name, b, other_err, sizeof(other_err)))
            continue;
        found = strcmp(b->machine, name) == 0;
        sb_addf(&names, "%s%s (QEMU %s)", names.len ? ", " : "", b->name, b->machine);
    }
    if (d)
        closedir(d);
    free(dir);
    if (!found)
        usage_error("build", "bad --board '%s' (%s): the boards of %s are %s", name, err, root,
                    names.len ? sb_str(&names) : "none");
    sb_free(&names);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int cmd_build(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"board", 0, true, OPT_BOARD},
        {"tag", 't', true, OPT_TAG},
        {"debug", 0, false, OPT_DEBUG},
        {"quiet", 'q', false, OPT_QUIET},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    const char *val, *board = "virt", *ref = NULL;
    bool debug = false, quiet = false;
    char err[SPEC_ERR_LEN];
    struct image_ref parsed;
    int id;
    opts_init(&o, "build", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        switch (id) {
        case OPT_BOARD: board = val; break;
        case OPT_TAG: ref = val; break;
        case OPT_DEBUG: debug = true; break;
        case OPT_QUIET: quiet = true; break;
        case 'h': help_exit("build");
        }
    }
    if (o.npos > 1)
        usage_error("build", "expected at most one SERVICE_DIR, got '%s' too", o.pos[1]);
    if (ref && image_ref_parse(ref, &parsed, err) != 0)
        usage_error("build", "%s", err);
    if (ref && !parsed.tag[0])
        usage_error("build", "-t %s names a digest; a build gets a NAME[:TAG]", ref);

    struct service svc;
    find_service(o.npos ? o.pos[0] : NULL, &svc);
    struct board_qemu bq;
    board_find(svc.root, board, &bq);
    board = bq.name;
    if (!ref && image_ref_parse(svc.name, &parsed, err) != 0)
        die(MOTE_EXIT_ERROR,
            "the service name %s cannot be an image name; give one with -t "
            "NAME:TAG",
            svc.name);
    store_home(); /* fail on a bad MOTE_HOME before building, not after */

    char jobs[32], service_var[128], board_var[64];
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    snprintf(jobs, sizeof(jobs), "-j%ld", cpus > 0 ? cpus : 1);
    snprintf(service_var, sizeof(service_var), "SERVICE=%s", svc.name);
    snprintf(board_var, sizeof(board_var), "BOARD=%s", board);
    /* DEBUG is only ever set, never cleared: how a Makefile reads it is the Makefile's business. */
    char *make_argv[] = {"make",
                         "-C",
                         svc.root,
                         jobs,
                         service_var,
                         board_var,
                         debug ? "DEBUG=1" : "image",
                         debug ? "image" : NULL,
                         NULL};
    if (!quiet)
        fprintf(stderr, "[1/3] building %s for %s%s: make -C %s %s %s %s%s image\n", svc.name,
                board, debug ? " (debug)" : "", svc.root, jobs, service_var, board_var,
                debug ? " DEBUG=1" : "");
    int64_t t0 = mono_ms();
    int st = run_program(make_argv, NULL, quiet);
    if (st != 0)
        die(MOTE_EXIT_ERROR, "the build of %s failed (make exited with %d)%s", svc.name, st,
            quiet ? "; run without -q to see its output" : "");
    int64_t build_ms = mono_ms() - t0;

    struct strbuf info = STRBUF_INIT;
    char *info_argv[] = {"make",
                         "-s",
                         "--no-print-directory",
                         "-C",
                         svc.root,
                         service_var,
                         board_var,
                         debug ? "DEBUG=1" : "mote-image-info",
                         debug ? "mote-image-info" : NULL,
                         NULL};
    if (run_program(info_argv, &info, true) != 0)
        die(MOTE_EXIT_ERROR,
            "make mote-image-info failed in %s (is mk/tools.mk included by its "
            "Makefile?)",
            svc.root);
    char *out_dir = info_value(sb_str(&info), "dir"), *args = info_value(sb_str(&info), "args");
    char *dtb = info_value(sb_str(&info), "dtb");
    if (!out_dir)
        die(MOTE_EXIT_ERROR, "make mote-image-info did not say where the image is");
    char *img_path = xasprintf("%s/%s/%s.img", svc.root, out_dir, svc.name);
    char *elf_path = xasprintf("%s/%s/%s.elf", svc.root, out_dir, svc.name);

    if (!quiet)
        fprintf(stderr, "[2/3] storing %s and %s\n", img_path, elf_path);
    struct image img = {.created_ns = time_now_ns(), .build_ms = build_ms, .debug = debug};
    snprintf(img.name, sizeof(img.name), "%s", parsed.name);
    snprintf(img.tag, sizeof(img.tag), "%s", parsed.tag);
    img.board = bq;
    snprintf(img.service, sizeof(img.service), "%s", svc.name);
    img.args = args ? args : xstrdup("");
    img.source = xstrdup(svc.root);
    int lock = store_lock(); /* blobs and manifest together: gc never sees one without the other */
    int r = store_blob_add(img_path, img.sha256, &img.size);
    if (!r)
        r = store_blob_add(elf_path, img.elf_sha256, &img.elf_size);
    if (!r && dtb && *dtb) { /* the board boots with a device tree of its own (raspi3) */
        char *dtb_path = xasprintf("%s/%s", svc.root, dtb);
        r = store_blob_add(dtb_path, img.dtb_sha256, &img.dtb_size);
        free(dtb_path);
    }
    if (!r)
        r = image_save(&img);
    if (!r)
        store_gc(); /* what the tag pointed to before, if nothing else uses it */
    store_unlock(lock);
    if (r)
        die(MOTE_EXIT_ERROR, "cannot store the image: %s", strerror(-r));
    if (quiet)
        printf("%s:%s\n", img.name, img.tag);
    else
        fprintf(stderr, "[3/3] stored %s:%s: %s, %llu bytes, sha256:%s, built in %.1f s\n",
                img.name, img.tag, img.board.name, (unsigned long long)img.size, img.sha256,
                build_ms / 1000.0);
    image_free(&img);
    free(out_dir);
    free(dtb);
    free(img_path);
    free(elf_path);
    sb_free(&info);
    free(svc.root);
    free(svc.name);
    opts_free(&o);
    return MOTE_EXIT_OK;
}
