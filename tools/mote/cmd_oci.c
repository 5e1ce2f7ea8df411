// SPDX-License-Identifier: MIT
/*
 * mote save and mote load: an image as a tar of an OCI image layout (oci.c).
 * The tar itself is the system's tar; a loaded tar is listed and checked
 * before anything is extracted, and extracted into a private folder.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tools/mote/commands.h"
#include "tools/mote/image.h"
#include "tools/mote/oci.h"
#include "tools/mote/sha256.h"
#include "tools/mote/store.h"
#include "tools/mote/util.h"

#define LOAD_MAX_BYTES   (1024ll * 1024 * 1024) /* a Mote image is KiB to MiB: refuse a huge tar */
#define LOAD_MAX_MEMBERS 64

/* Runs argv (tar); with out, captures its stdout. Returns its exit status or -1. */
static int run_tar(char *const argv[], struct strbuf *out)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execvp(argv[0], argv);
        fprintf(stderr, "mote: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    close(fds[1]);
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR))
        if (n > 0 && out)
            sb_add(out, buf, (size_t)n);
    close(fds[0]);
    int status;
    if (pid < 0 || waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static char *make_tmp_dir(void)
{
    char *tmp = store_path("tmp");
    dir_create(tmp);
    char *dir = xasprintf("%s/oci-XXXXXX", tmp);
    free(tmp);
    if (!mkdtemp(dir))
        die(MOTE_EXIT_ERROR, "cannot create a folder under %s/tmp: %s", store_home(),
            strerror(errno));
    return dir;
}

int cmd_save(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"output", 'o', true, 'o'},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    const char *val, *output = NULL;
    char err[SPEC_ERR_LEN];
    int id;
    opts_init(&o, "save", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (id == 'h')
            help_exit("save");
        output = val;
    }
    if (o.npos != 1)
        usage_error("save", "expected one IMAGE (NAME[:TAG])");
    if (!output)
        usage_error("save", "expected -o FILE.tar (where to write the image)");
    struct image img;
    if (image_find(o.pos[0], &img, err) != 0)
        die(MOTE_EXIT_ERROR, "%s", err);
    char *dir = make_tmp_dir(), *out = path_absolute(output);
    char *tmp_out = xasprintf("%s.tmp.%d", out, (int)getpid());
    int lock = store_lock(); /* the blobs must not be collected while they are copied */
    int r = oci_write_layout(&img, dir);
    store_unlock(lock);
    if (r) {
        dir_remove_tree(dir);
        die(MOTE_EXIT_ERROR, "cannot write the OCI layout: %s", strerror(-r));
    }
    /* Same bytes for the same image: fixed owner, order and times. */
    char mtime[40];
    snprintf(mtime, sizeof(mtime), "--mtime=@%lld", (long long)(img.created_ns / 1000000000));
    char *tar_argv[] = {"tar",
                        "--sort=name",
                        "--owner=0",
                        "--group=0",
                        "--numeric-owner",
                        mtime,
                        "--format=posix",
                        "--pax-option=delete=atime,delete=ctime",
                        "-C",
                        dir,
                        "-cf",
                        tmp_out,
                        "oci-layout",
                        "index.json",
                        "blobs",
                        NULL};
    int st = run_tar(tar_argv, NULL);
    dir_remove_tree(dir);
    if (st != 0) {
        unlink(tmp_out);
        die(MOTE_EXIT_ERROR, "tar could not write %s (exit status %d)", output, st);
    }
    if (rename(tmp_out, out) != 0) {
        int e = errno;
        unlink(tmp_out);
        die(MOTE_EXIT_ERROR, "cannot write %s: %s", output, strerror(e));
    }
    fprintf(stderr, "Saved %s:%s (sha256:%s) to %s\n", img.name, img.tag, img.sha256, output);
    free(tmp_out);
    free(out);
    free(dir);
    image_free(&img);
    opts_free(&o);
    return MOTE_EXIT_OK;
}

/* A member name an OCI layout of one image may have: oci-layout, index.json, blobs/sha256/<hex>. */
static bool allowed_member(const char *name)
{
    if (strncmp(name, "./", 2) == 0)
        name += 2;
    if (strcmp(name, "") == 0 || strcmp(name, "oci-layout") == 0 ||
        strcmp(name, "index.json") == 0 || strcmp(name, "blobs/") == 0 ||
        strcmp(name, "blobs") == 0 || strcmp(name, "blobs/sha256/") == 0 ||
        strcmp(name, "blobs/sha256") == 0)
        return true;
    return strncmp(name, "blobs/sha256/", 13) == 0 && sha256_is_hex(name + 13);
}

/*
 * Lists the tar (tar -tv) and checks each member before extraction: only
 * files and folders, only the names of a layout, no name twice, and a
 * bounded total size. Returns 0 or -EINVAL with a message.
 */
static int check_tar(const char *file, char *err)
{
    struct strbuf list = STRBUF_INIT;
    char *tar_argv[] = {"tar", "--numeric-owner", "-tvf", (char *)file, NULL};
    int st = run_tar(tar_argv, &list);
    if (st != 0) {
        sb_free(&list);
        snprintf(err, SPEC_ERR_LEN, "%s is not a tar file tar can read (exit status %d)", file, st);
        return -EINVAL;
    }
    char *names[LOAD_MAX_MEMBERS];
    int n = 0, r = 0;
    long long total = 0;
    for (char *line = list.s, *next; line && *line && !r; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        /* "-rw-r--r-- 0/0 1234 2026-11-23 12:00 blobs/sha256/<hex>" */
        char mode[16], owner[64], date[16], tm[16], name[256];
        long long size;
        if (sscanf(line, "%15s %63s %lld %15s %15s %255s", mode, owner, &size, date, tm, name) !=
                6 ||
            strlen(line) > 400) {
            snprintf(err, SPEC_ERR_LEN, "cannot read tar's listing line '%.80s'", line);
            r = -EINVAL;
        } else if (mode[0] != '-' && mode[0] != 'd') {
            snprintf(err, SPEC_ERR_LEN, "member %.100s is not a file or folder (links are refused)",
                     name);
            r = -EINVAL;
        } else if (strstr(line, " -> ") || !allowed_member(name)) {
            snprintf(err, SPEC_ERR_LEN, "member %.100s does not belong in an OCI image layout",
                     name);
            r = -EINVAL;
        } else if (n == LOAD_MAX_MEMBERS || (total += size) > LOAD_MAX_BYTES) {
            snprintf(err, SPEC_ERR_LEN,
                     "the tar holds more than an image (%d members, %lld bytes "
                     "at most)",
                     LOAD_MAX_MEMBERS, LOAD_MAX_BYTES);
            r = -EINVAL;
        } else {
            for (int i = 0; i < n; i++)
                if (strcmp(names[i], name) == 0) {
                    snprintf(err, SPEC_ERR_LEN, "member %.100s is in the tar twice", name);
                    r = -EINVAL;
                }
            names[n++] = xstrdup(name);
        }
    }
    for (int i = 0; i < n; i++)
        free(names[i]);
    sb_free(&list);
    return r;
}

int cmd_load(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"input", 'i', true, 'i'},
        {"tag", 't', true, 't'},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    const char *val, *input = NULL, *ref = NULL;
    char err[SPEC_ERR_LEN], name[IMAGE_NAME_MAX + 1], tag[IMAGE_TAG_MAX + 1];
    int id;
    opts_init(&o, "load", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (id == 'h')
            help_exit("load");
        if (id == 'i')
            input = val;
        else
            ref = val;
    }
    if (o.npos)
        usage_error("load", "unexpected argument '%s' (the file goes with -i)", o.pos[0]);
    if (!input)
        usage_error("load", "expected -i FILE.tar (an image written by mote save)");
    if (ref && spec_parse_image_ref(ref, name, tag, err) != 0)
        usage_error("load", "%s", err);
    struct stat st;
    if (stat(input, &st) != 0)
        die(MOTE_EXIT_ERROR, "cannot read %s: %s", input, strerror(errno));
    if (!S_ISREG(st.st_mode))
        die(MOTE_EXIT_ERROR, "%s is not a file: expected a tar written by mote save", input);
    if (check_tar(input, err) != 0)
        die(MOTE_EXIT_ERROR, "cannot load %s: %s", input, err);
    char *dir = make_tmp_dir(), *in = path_absolute(input);
    char *tar_argv[] = {"tar", "--no-same-owner", "--no-same-permissions", "-C", dir, "-xf", in,
                        NULL};
    int tst = run_tar(tar_argv, NULL);
    free(in);
    if (tst != 0) {
        dir_remove_tree(dir);
        die(MOTE_EXIT_ERROR, "tar could not extract %s (exit status %d)", input, tst);
    }
    struct image img;
    char *kernel, *elf, *dtb;
    if (oci_read_layout(dir, &img, &kernel, &elf, &dtb, err) != 0) {
        dir_remove_tree(dir);
        die(MOTE_EXIT_ERROR, "cannot load %s: %s", input, err);
    }
    if (ref) {
        memcpy(img.name, name, sizeof(name));
        memcpy(img.tag, tag, sizeof(tag));
    }
    char sha[65], elf_sha[65], dtb_sha[65];
    int lock = store_lock();
    int r = store_blob_add(kernel, sha, &img.size);
    if (!r)
        r = store_blob_add(elf, elf_sha, &img.elf_size);
    if (!r && dtb)
        r = store_blob_add(dtb, dtb_sha, &img.dtb_size);
    if (!r)
        r = image_save(&img);
    if (!r)
        store_gc();
    store_unlock(lock);
    dir_remove_tree(dir);
    if (r)
        die(MOTE_EXIT_ERROR, "cannot store the image: %s", strerror(-r));
    printf("Loaded image %s:%s (sha256:%s)\n", img.name, img.tag, img.sha256);
    image_free(&img);
    free(kernel);
    free(elf);
    free(dtb);
    free(dir);
    opts_free(&o);
    return MOTE_EXIT_OK;
}
