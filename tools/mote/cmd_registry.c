// SPDX-License-Identifier: MIT
/*
 * mote tag, push, pull, login and logout: images in OCI registries
 * (registry.c speaks the distribution API, oci.c makes and checks the
 * manifest). A pull downloads into a private folder under $MOTE_HOME/tmp and
 * stores nothing until every blob is checked, so a failed pull leaves nothing
 * half-written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "tools/mote/commands.h"
#include "tools/mote/credentials.h"
#include "tools/mote/image.h"
#include "tools/mote/oci.h"
#include "tools/mote/registry.h"
#include "tools/mote/sha256.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

#define PULL_BLOB_MAX (256ull * 1024 * 1024) /* a Mote image is KiB to MiB */
#define SHORT_ID      12                     /* hex digits docker shows of a digest */
#define NS_PER_MS     1000000ll

enum { OPT_CA = 1, OPT_PLAIN, OPT_BOARD, OPT_USER, OPT_PASS_STDIN };

int cmd_tag(int argc, char **argv)
{
    static const struct opt_def defs[] = {OPT_HELP_DEF, {NULL, 0, false, 0}};
    struct opts o;
    const char *val;
    char err[SPEC_ERR_LEN];
    opts_init(&o, "tag", defs, argc, argv, false);
    while (opts_next(&o, &val))
        help_exit("tag");
    if (o.npos != 2)
        usage_error("tag", "expected SOURCE and TARGET image references");
    struct image img;
    struct image_ref dst;
    if (image_ref_parse(o.pos[1], &dst, err) != 0)
        usage_error("tag", "%s", err);
    if (!dst.tag[0])
        usage_error("tag", "TARGET %s names a digest; expected NAME[:TAG]", o.pos[1]);
    int lock = store_lock();
    if (image_find(o.pos[0], &img, err) != 0) {
        store_unlock(lock);
        die(MOTE_EXIT_ERROR, "%s", err);
    }
    snprintf(img.name, sizeof(img.name), "%s", dst.name);
    snprintf(img.tag, sizeof(img.tag), "%s", dst.tag);
    int r = image_save(&img);
    store_unlock(lock);
    if (r)
        die(MOTE_EXIT_ERROR, "cannot store tag %s:%s: %s", dst.name, dst.tag, strerror(-r));
    image_free(&img);
    opts_free(&o);
    return MOTE_EXIT_OK;
}

/* Options shared by push, pull and login. */
static bool registry_option(int id, const char *val, struct registry_options *ro)
{
    if (id == OPT_CA) {
        if (access(val, R_OK) != 0)
            die(MOTE_EXIT_USAGE, "--ca-file %s: %s; expected a PEM file of CA certificates", val,
                strerror(errno));
        ro->ca_file = val;
        return true;
    }
    if (id == OPT_PLAIN) {
        ro->plain_http = true;
        return true;
    }
    return false;
}

static double elapsed_s(int64_t since_ns)
{
    return (double)(time_now_ns() - since_ns) / 1e9;
}

/* Pushes one blob unless the registry has it; prints docker's progress lines. */
static void push_blob(struct registry *r, const struct oci_desc *d, const char *data)
{
    char err[REGISTRY_ERR_LEN];
    printf("%.*s: Preparing\n", SHORT_ID, d->sha256);
    int have = registry_blob_exists(r, d->sha256, err);
    if (have < 0)
        die(MOTE_EXIT_ERROR, "push failed: %s", err);
    if (have) {
        printf("%.*s: Layer already exists\n", SHORT_ID, d->sha256);
        return;
    }
    printf("%.*s: Pushing %llu bytes\n", SHORT_ID, d->sha256, (unsigned long long)d->size);
    fflush(stdout);
    if (registry_blob_put(r, d->sha256, data, d->size, NULL, err))
        die(MOTE_EXIT_ERROR, "push failed: %s", err);
    printf("%.*s: Pushed\n", SHORT_ID, d->sha256);
}

int cmd_push(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"ca-file", 0, true, OPT_CA},
        {"plain-http", 0, false, OPT_PLAIN},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    struct registry_options ro = {0};
    const char *val;
    char err[SPEC_ERR_LEN];
    int id;
    opts_init(&o, "push", defs, argc, argv, false);
    while ((id = opts_next(&o, &val)))
        if (!registry_option(id, val, &ro))
            help_exit("push");
    if (o.npos != 1)
        usage_error("push", "expected one IMAGE ([HOST[:PORT]/]NAME[:TAG])");
    struct image_ref ref;
    struct image img;
    if (image_ref_parse(o.pos[0], &ref, err) != 0)
        usage_error("push", "%s", err);
    if (!ref.tag[0])
        usage_error("push", "%s names a digest; push a NAME:TAG", o.pos[0]);
    if (image_find(o.pos[0], &img, err) != 0)
        die(MOTE_EXIT_ERROR, "%s", err);
    int64_t start = time_now_ns();
    struct oci_artifact a;
    int rc = oci_artifact_build(&img, &a);
    if (rc)
        die(MOTE_EXIT_ERROR, "cannot read the files of %s: %s", o.pos[0], strerror(-rc));
    struct registry *r = registry_open(&ref, &ro);
    printf("The push refers to repository [%s/%s]\n", ref.domain, ref.path);
    for (size_t i = 0; i < a.layer_count; i++)
        push_blob(r, &a.layers[i], a.layer_data[i]);
    push_blob(r, &a.config_desc, a.config);
    if (registry_manifest_put(r, ref.tag, OCI_MANIFEST_TYPE, a.manifest, a.manifest_len, err))
        die(MOTE_EXIT_ERROR, "push failed: %s", err);
    printf("%s: digest: sha256:%s size: %zu\n", ref.tag, a.manifest_desc.sha256, a.manifest_len);
    fprintf(stderr, "Pushed %s:%s to %s in %.2f s\n", ref.name, ref.tag, registry_url(r),
            elapsed_s(start));
    registry_close(r);
    oci_artifact_free(&a);
    image_free(&img);
    opts_free(&o);
    return MOTE_EXIT_OK;
}

struct pull_progress {
    const char *sha256;
    uint64_t size, shown;
};

static void show_progress(void *arg, uint64_t done)
{
    struct pull_progress *p = arg;
    /* A line per quarter, so a log shows movement without a terminal's redraws. */
    if (isatty(STDOUT_FILENO) ? done != p->size : done * 4 / p->size > p->shown * 4 / p->size) {
        if (isatty(STDOUT_FILENO))
            printf("\r%.*s: Downloading %llu/%llu bytes", SHORT_ID, p->sha256,
                   (unsigned long long)done, (unsigned long long)p->size);
        else
            printf("%.*s: Downloading %llu/%llu bytes\n", SHORT_ID, p->sha256,
                   (unsigned long long)done, (unsigned long long)p->size);
        fflush(stdout);
        p->shown = done;
    }
}

/* Downloads blob d into dir; returns its path. Dies with a message (dir removed) on failure. */
static char *pull_blob(struct registry *r, const struct oci_desc *d, const char *dir)
{
    char err[REGISTRY_ERR_LEN], *path = xasprintf("%s/%s", dir, d->sha256);
    struct pull_progress p = {.sha256 = d->sha256, .size = d->size};
    printf("%.*s: Pulling fs layer\n", SHORT_ID, d->sha256);
    if (registry_blob_get(r, d->sha256, d->size, path, d->size ? show_progress : NULL, &p, err)) {
        dir_remove_tree(dir);
        die(MOTE_EXIT_ERROR, "pull failed: %s; nothing was stored", err);
    }
    printf("%s%.*s: Download complete\n", isatty(STDOUT_FILENO) && d->size ? "\n" : "", SHORT_ID,
           d->sha256);
    return path;
}

/* The file in a downloaded layer (oci_layer_file); dies (dir removed) if it is not the config's. */
static char *layer_file(char *blob, const struct oci_desc *d, const char *sha256, uint64_t size,
                        const char *dir)
{
    char err[SPEC_ERR_LEN], *file = oci_layer_file(blob, d, sha256, size, err);
    free(blob);
    if (!file) {
        dir_remove_tree(dir);
        die(MOTE_EXIT_ERROR, "pull failed: %s; nothing was stored", err);
    }
    return file;
}

static char *pull_tmp_dir(void)
{
    char *tmp = store_path("tmp");
    dir_create(tmp);
    char *dir = xasprintf("%s/pull-XXXXXX", tmp);
    free(tmp);
    if (!mkdtemp(dir))
        die(MOTE_EXIT_ERROR, "cannot create a folder under %s/tmp: %s", store_home(),
            strerror(errno));
    return dir;
}

int cmd_pull(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"ca-file", 0, true, OPT_CA},
        {"plain-http", 0, false, OPT_PLAIN},
        {"board", 0, true, OPT_BOARD},
        {"quiet", 'q', false, 'q'},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    struct registry_options ro = {0};
    const char *val, *board = "virt";
    char err[REGISTRY_ERR_LEN], spec_err[SPEC_ERR_LEN];
    int id;
    opts_init(&o, "pull", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (registry_option(id, val, &ro))
            continue;
        if (id == OPT_BOARD)
            board = val;
        else if (id == 'q')
            ; /* the progress lines are the point; -q is accepted as docker accepts it */
        else
            help_exit("pull");
    }
    if (o.npos != 1)
        usage_error("pull", "expected one IMAGE ([HOST[:PORT]/]NAME[:TAG][@sha256:DIGEST])");
    struct image_ref ref;
    if (image_ref_parse(o.pos[0], &ref, spec_err) != 0)
        usage_error("pull", "%s", spec_err);
    int64_t start = time_now_ns();
    struct registry *r = registry_open(&ref, &ro);
    const char *reference = ref.digest[0] ? ref.digest : ref.tag;
    char *manifest, type[128], digest[SHA256_HEX_LEN + 1];
    size_t len;
    printf("%s: Pulling from %s\n", reference, ref.path);
    if (registry_manifest_get(r, reference, OCI_MANIFEST_TYPE, OCI_JSON_MAX, &manifest, &len, type,
                              err))
        die(MOTE_EXIT_ERROR, "pull failed: %s", err);
    sha256_hex(manifest, len, digest);
    if (ref.digest[0] && strcmp(ref.digest + strlen("sha256:"), digest) != 0)
        die(MOTE_EXIT_ERROR, "pull failed: the manifest %s sent has digest sha256:%s, not %s",
            registry_url(r), digest, ref.digest);
    if (type[0] && strncmp(type, OCI_MANIFEST_TYPE, strlen(OCI_MANIFEST_TYPE)) != 0)
        die(MOTE_EXIT_ERROR,
            "pull failed: %s is a %s, not a Mote image (an OCI manifest of type %s)", o.pos[0],
            type, OCI_MANIFEST_TYPE);
    struct oci_manifest m;
    if (oci_manifest_parse(manifest, len, PULL_BLOB_MAX, &m, spec_err) != 0)
        die(MOTE_EXIT_ERROR, "pull failed: %s: %s", o.pos[0], spec_err);
    /* Refused before any layer is fetched: the board is in the manifest's annotations. */
    if (m.board[0] && strcmp(m.board, board) != 0 &&
        !(strcmp(board, "raspi3b") == 0 && strcmp(m.board, "raspi3") == 0))
        die(MOTE_EXIT_ERROR,
            "pull refused: %s is an image for board %s, not %s; pull it with --board %s to run "
            "it on that board",
            o.pos[0], m.board, board, m.board);
    char *dir = pull_tmp_dir();
    char *config_path = pull_blob(r, &m.config, dir), *config;
    if (file_read(config_path, &config, &len) != 0) {
        dir_remove_tree(dir);
        die(MOTE_EXIT_ERROR, "pull failed: cannot read the downloaded config");
    }
    struct image img;
    if (oci_config_parse(config, len, &m, &img, spec_err) != 0) {
        dir_remove_tree(dir);
        die(MOTE_EXIT_ERROR, "pull failed: %s; nothing was stored", spec_err);
    }
    if (!board_is_called(&img.board, board)) {
        dir_remove_tree(dir);
        die(MOTE_EXIT_ERROR,
            "pull refused: %s is an image for board %s (QEMU %s), not %s; use --board %s", o.pos[0],
            img.board.name, img.board.machine, board, img.board.name);
    }
    char *kernel = layer_file(pull_blob(r, &m.kernel, dir), &m.kernel, img.sha256, img.size, dir);
    char *elf = layer_file(pull_blob(r, &m.elf, dir), &m.elf, img.elf_sha256, img.elf_size, dir);
    char *dtb = m.dtb.sha256[0] ? layer_file(pull_blob(r, &m.dtb, dir), &m.dtb, img.dtb_sha256,
                                             img.dtb_size, dir)
                                : NULL;
    snprintf(img.name, sizeof(img.name), "%s", ref.name);
    /* An image pulled by digest alone is stored under a tag naming the digest. */
    if (ref.tag[0])
        snprintf(img.tag, sizeof(img.tag), "%s", ref.tag);
    else
        snprintf(img.tag, sizeof(img.tag), "sha256-%.*s", SHORT_ID, digest);
    char sha[SHA256_HEX_LEN + 1];
    uint64_t size;
    int lock = store_lock();
    int rc = store_blob_add(kernel, sha, &size);
    if (!rc)
        rc = store_blob_add(elf, sha, &size);
    if (!rc && dtb)
        rc = store_blob_add(dtb, sha, &size);
    if (!rc)
        rc = image_save(&img);
    if (rc)
        store_gc(); /* the blobs just added, if the manifest could not be written */
    store_unlock(lock);
    dir_remove_tree(dir);
    if (rc)
        die(MOTE_EXIT_ERROR, "pull failed: cannot store the image: %s", strerror(-rc));
    printf("Digest: sha256:%s\nStatus: Downloaded %s:%s\n", digest, img.name, img.tag);
    fprintf(stderr, "Pulled %s:%s from %s in %.2f s\n", img.name, img.tag, registry_url(r),
            elapsed_s(start));
    free(kernel);
    free(elf);
    free(dtb);
    free(config);
    free(config_path);
    free(dir);
    free(manifest);
    image_free(&img);
    registry_close(r);
    opts_free(&o);
    return MOTE_EXIT_OK;
}

/* Reads one line (the password) from fd without its newline; echo off on a terminal. */
static int read_secret(FILE *in, char *out, size_t max, bool prompt)
{
    struct termios old, quiet;
    bool tty = isatty(fileno(in)) && tcgetattr(fileno(in), &old) == 0;
    if (tty) {
        if (prompt)
            fprintf(stderr, "Password: ");
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(fileno(in), TCSAFLUSH, &quiet);
    }
    bool ok = fgets(out, (int)max, in) != NULL;
    if (tty) {
        tcsetattr(fileno(in), TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    if (!ok)
        return -EINVAL;
    out[strcspn(out, "\r\n")] = '\0';
    return 0;
}

/* The registry host of a login argument: HOST[:PORT], a reference's domain, or docker.io. */
static void login_host(const char *arg, char *host, size_t max)
{
    char err[SPEC_ERR_LEN];
    struct image_ref ref;
    char *probe = xasprintf("%s/x", arg);
    if (image_ref_parse(probe, &ref, err) != 0 || strcmp(ref.path, "x") != 0)
        usage_error("login", "bad registry '%s': expected HOST or HOST:PORT", arg);
    free(probe);
    snprintf(host, max, "%s", ref.domain);
}

int cmd_login(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"username", 'u', true, OPT_USER},
        {"password-stdin", 0, false, OPT_PASS_STDIN},
        {"ca-file", 0, true, OPT_CA},
        {"plain-http", 0, false, OPT_PLAIN},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    struct registry_options ro = {0};
    const char *val, *user = NULL;
    bool from_stdin = false;
    int id;
    opts_init(&o, "login", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (registry_option(id, val, &ro))
            continue;
        if (id == OPT_USER)
            user = val;
        else if (id == OPT_PASS_STDIN)
            from_stdin = true;
        else
            help_exit("login");
    }
    if (o.npos != 1)
        usage_error("login", "expected the registry HOST[:PORT]");
    if (!user)
        usage_error("login", "expected -u USER (the password is read from stdin or asked for)");
    if (!from_stdin && !isatty(STDIN_FILENO))
        usage_error("login",
                    "stdin is not a terminal: give --password-stdin to read it from there");
    struct credentials c = {0};
    char host[REF_NAME_MAX + 1];
    login_host(o.pos[0], host, sizeof(host));
    if (strlen(user) > CRED_FIELD_MAX || strchr(user, ':'))
        usage_error("login", "bad -u: a user name of at most %d characters without ':'",
                    CRED_FIELD_MAX);
    strcpy(c.user, user);
    if (read_secret(stdin, c.password, sizeof(c.password), !from_stdin) != 0 || !c.password[0])
        die(MOTE_EXIT_USAGE, "no password was given");
    /* Checked against the registry before it is stored: a typo is said now, not at push. */
    int lock = store_lock();
    int r = credentials_put(host, &c);
    store_unlock(lock);
    if (r)
        die(MOTE_EXIT_ERROR, "cannot store the credentials: %s", strerror(-r));
    struct image_ref probe;
    char err[REGISTRY_ERR_LEN], *name = xasprintf("%s/x", host);
    image_ref_parse(name, &probe, NULL);
    free(name);
    struct registry *reg = registry_open(&probe, &ro);
    r = registry_ping(reg, err);
    registry_close(reg);
    memset(&c, 0, sizeof(c));
    if (r) {
        lock = store_lock();
        credentials_remove(host);
        store_unlock(lock);
        die(MOTE_EXIT_ERROR, "login to %s failed: %s", host, err);
    }
    printf("Login Succeeded\n");
    opts_free(&o);
    return MOTE_EXIT_OK;
}

int cmd_logout(int argc, char **argv)
{
    static const struct opt_def defs[] = {OPT_HELP_DEF, {NULL, 0, false, 0}};
    struct opts o;
    const char *val;
    opts_init(&o, "logout", defs, argc, argv, false);
    while (opts_next(&o, &val))
        help_exit("logout");
    if (o.npos != 1)
        usage_error("logout", "expected the registry HOST[:PORT]");
    char host[REF_NAME_MAX + 1];
    login_host(o.pos[0], host, sizeof(host));
    int lock = store_lock();
    int r = credentials_remove(host);
    store_unlock(lock);
    if (r == -ENOENT)
        die(MOTE_EXIT_ERROR, "not logged in to %s", host);
    if (r)
        die(MOTE_EXIT_ERROR, "cannot remove the credentials of %s: %s", host, strerror(-r));
    printf("Removing login credentials for %s\n", host);
    opts_free(&o);
    return MOTE_EXIT_OK;
}
