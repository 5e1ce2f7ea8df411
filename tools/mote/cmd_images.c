// SPDX-License-Identifier: MIT
/* mote images and mote rmi. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/commands.h"
#include "tools/mote/image.h"
#include "tools/mote/instance.h"
#include "tools/mote/store.h"
#include "tools/mote/table.h"
#include "tools/mote/util.h"

enum { OPT_QUIET = 1, OPT_JSON, OPT_FORCE };

static void human_size(uint64_t bytes, char *buf, size_t len)
{
    if (bytes < 1024)
        snprintf(buf, len, "%llu B", (unsigned long long)bytes);
    else if (bytes < 1024 * 1024)
        snprintf(buf, len, "%.1f KiB", bytes / 1024.0);
    else
        snprintf(buf, len, "%.1f MiB", bytes / (1024.0 * 1024.0));
}

int cmd_images(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"quiet", 'q', false, OPT_QUIET},
        {"json", 0, false, OPT_JSON},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    bool quiet = false, json = false;
    const char *val;
    int id;
    opts_init(&o, "images", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (id == 'h')
            help_exit("images");
        if (id == OPT_QUIET)
            quiet = true;
        else
            json = true;
    }
    if (o.npos)
        usage_error("images", "unexpected argument '%s'", o.pos[0]);
    struct image *imgs;
    size_t n;
    if (image_list(&imgs, &n) != 0)
        die(MOTE_EXIT_ERROR, "cannot read the image store");
    static const char *const heading[] = {"REPOSITORY", "TAG",  "DIGEST",
                                          "BOARD",      "SIZE", "CREATED"};
    struct table t;
    json_t *out = json_array();
    table_init(&t, 6, heading);
    int64_t now = time_now_ns();
    for (size_t i = 0; i < n; i++) {
        char size[32], ago[64], created[80], digest[IMAGE_DIGEST_LEN + 1], shown[24];
        human_size(imgs[i].size, size, sizeof(size));
        spec_human_duration(now - imgs[i].created_ns, ago, sizeof(ago));
        snprintf(created, sizeof(created), "%s ago", ago);
        /* The digest a registry names it by (the OCI manifest's), shortened as docker does. */
        image_manifest_digest(&imgs[i], digest);
        snprintf(shown, sizeof(shown), "%.19s", digest);
        char tag[REF_TAG_MAX + 16];
        snprintf(tag, sizeof(tag), "%s%s", imgs[i].tag, imgs[i].debug ? " (debug)" : "");
        const char *row[] = {imgs[i].name, tag, shown, imgs[i].board.name, size, created};
        if (quiet)
            printf("%s:%s\n", imgs[i].name, imgs[i].tag);
        else if (json) {
            json_t *j = image_to_json(&imgs[i]);
            json_set_string(j, "digest", digest);
            json_array_append_new(out, j);
        } else
            table_add(&t, row);
    }
    if (!quiet && json)
        print_json(out);
    else if (!quiet)
        table_print(&t, stdout);
    table_free(&t);
    json_decref(out);
    image_list_free(imgs, n);
    opts_free(&o);
    return MOTE_EXIT_OK;
}

/* The names of instances that use name:tag with this digest, comma-separated, or NULL. */
static char *users_of(const struct image *img)
{
    char **names, ref[IMAGE_REF_MAX + 1];
    size_t n;
    struct strbuf sb = STRBUF_INIT;
    snprintf(ref, sizeof(ref), "%s:%s", img->name, img->tag);
    if (instance_list(&names, &n) != 0)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        struct instance_config c;
        if (instance_config_load(names[i], &c, NULL) == 0) {
            if (strcmp(c.image, ref) == 0 && strcmp(c.image_sha256, img->sha256) == 0)
                sb_addf(&sb, "%s%s", sb.len ? ", " : "", c.name);
            instance_config_free(&c);
        }
        free(names[i]);
    }
    free(names);
    return sb.s;
}

int cmd_rmi(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"force", 'f', false, OPT_FORCE},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    bool force = false;
    const char *val;
    int id, status = MOTE_EXIT_OK;
    opts_init(&o, "rmi", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (id == 'h')
            help_exit("rmi");
        force = true;
    }
    if (o.npos == 0)
        usage_error("rmi", "expected an IMAGE (NAME[:TAG])");
    for (int i = 0; i < o.npos; i++) {
        struct image img;
        char err[SPEC_ERR_LEN];
        int lock = store_lock(); /* so no run starts using it between the check and the removal */
        if (image_find(o.pos[i], &img, err) != 0) {
            store_unlock(lock);
            fprintf(stderr, "mote rmi: %s\n", err);
            status = MOTE_EXIT_ERROR;
            continue;
        }
        char *users = users_of(&img);
        if (users && !force) {
            store_unlock(lock);
            errorf("image %s:%s is used by instance %s; remove it first (mote rm -f) or use "
                   "rmi -f",
                   img.name, img.tag, users);
            status = MOTE_EXIT_ERROR;
        } else {
            int r = image_remove(img.name, img.tag);
            if (!r)
                store_gc();
            store_unlock(lock);
            if (r) {
                errorf("cannot remove image %s:%s: %s", img.name, img.tag, strerror(-r));
                status = MOTE_EXIT_ERROR;
            } else {
                printf("Untagged %s:%s\n", img.name, img.tag);
            }
        }
        free(users);
        image_free(&img);
    }
    opts_free(&o);
    return status;
}
