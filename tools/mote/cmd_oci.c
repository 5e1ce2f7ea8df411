// SPDX-License-Identifier: MIT
/*
 * mote save and mote load: an image as a tar (tar.c) of an OCI image layout
 * (oci.c). A loaded tar is extracted into a private folder and checked there
 * before anything enters the store.
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
#include "tools/mote/tar.h"
#include "tools/mote/util.h"

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
    int lock = store_lock(); /* the blobs must not be collected while they are copied */
    int r = oci_write_layout(&img, dir);
    store_unlock(lock);
    if (r) {
        dir_remove_tree(dir);
        die(MOTE_EXIT_ERROR, "cannot write the OCI layout: %s", strerror(-r));
    }
    /* Same bytes for the same image: the tar's times are the image's creation time. */
    r = tar_write_layout(dir, out, img.created_ns / 1000000000);
    dir_remove_tree(dir);
    if (r)
        die(MOTE_EXIT_ERROR, "cannot write %s: %s", output, strerror(-r));
    fprintf(stderr, "Saved %s:%s (sha256:%s) to %s\n", img.name, img.tag, img.sha256, output);
    free(out);
    free(dir);
    image_free(&img);
    opts_free(&o);
    return MOTE_EXIT_OK;
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
    char err[SPEC_ERR_LEN];
    struct image_ref parsed;
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
    if (ref && image_ref_parse(ref, &parsed, err) != 0)
        usage_error("load", "%s", err);
    if (ref && !parsed.tag[0])
        usage_error("load", "-t %s names a digest; expected NAME[:TAG]", ref);
    struct stat st;
    if (stat(input, &st) != 0)
        die(MOTE_EXIT_ERROR, "cannot read %s: %s", input, strerror(errno));
    if (!S_ISREG(st.st_mode))
        die(MOTE_EXIT_ERROR, "%s is not a file: expected a tar written by mote save", input);
    char *dir = make_tmp_dir();
    if (tar_extract_layout(input, dir, err) != 0) {
        dir_remove_tree(dir);
        die(MOTE_EXIT_ERROR, "cannot load %s: %s", input, err);
    }
    struct image img;
    char *kernel, *elf, *dtb;
    if (oci_read_layout(dir, &img, &kernel, &elf, &dtb, err) != 0) {
        dir_remove_tree(dir);
        die(MOTE_EXIT_ERROR, "cannot load %s: %s", input, err);
    }
    if (ref) {
        snprintf(img.name, sizeof(img.name), "%s", parsed.name);
        snprintf(img.tag, sizeof(img.tag), "%s", parsed.tag);
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
