// SPDX-License-Identifier: MIT
/* mote inspect: instances and images as a JSON array (fields: docs/mote.md). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/commands.h"
#include "tools/mote/image.h"
#include "tools/mote/instance.h"
#include "tools/mote/template.h"
#include "tools/mote/util.h"

enum { OPT_TYPE = 1, OPT_FORMAT };

static bool inspect_instance(const char *name, json_t *out)
{
    struct instance_config c;
    struct instance_state s;
    if (spec_check_name(name, NULL) != 0 || instance_config_load(name, &c, NULL) != 0)
        return false;
    if (instance_state_refresh(name, &s) != 0) {
        instance_config_free(&c);
        return false;
    }
    json_array_append_new(out, instance_to_json(name, &c, &s));
    instance_config_free(&c);
    return true;
}

static bool inspect_image(const char *ref, json_t *out)
{
    struct image img;
    char err[SPEC_ERR_LEN];
    if (image_find(ref, &img, err) != 0)
        return false;
    json_array_append_new(out, image_to_json(&img));
    image_free(&img);
    return true;
}

int cmd_inspect(int argc, char **argv)
{
    static const struct opt_def defs[] = {
        {"type", 0, true, OPT_TYPE},
        {"format", 'f', true, OPT_FORMAT},
        OPT_HELP_DEF,
        {NULL, 0, false, 0},
    };
    struct opts o;
    const char *val, *type = NULL, *format = NULL;
    int id, status = MOTE_EXIT_OK;
    opts_init(&o, "inspect", defs, argc, argv, false);
    while ((id = opts_next(&o, &val))) {
        if (id == 'h')
            help_exit("inspect");
        if (id == OPT_FORMAT) {
            format = val;
            continue;
        }
        if (strcmp(val, "instance") != 0 && strcmp(val, "image") != 0)
            usage_error("inspect", "bad --type '%s': expected instance or image", val);
        type = val;
    }
    if (o.npos == 0)
        usage_error("inspect", "expected an instance NAME or an IMAGE");
    json_t *out = json_array();
    for (int i = 0; i < o.npos; i++) {
        bool found = false;
        if (!type || strcmp(type, "instance") == 0)
            found = inspect_instance(o.pos[i], out);
        if (!found && (!type || strcmp(type, "image") == 0))
            found = inspect_image(o.pos[i], out);
        if (!found) {
            errorf("no %s %s; `mote ps -a` and `mote images` list them",
                   type ? type : "instance or image", o.pos[i]);
            status = MOTE_EXIT_ERROR;
        }
    }
    if (format) {
        /* One line per object, as docker inspect -f prints them. */
        char err[SPEC_ERR_LEN];
        for (size_t i = 0; i < json_array_size(out); i++) {
            struct strbuf sb = STRBUF_INIT;
            if (template_render(format, json_array_get(out, i), &sb, err) != 0)
                usage_error("inspect", "%s", err);
            printf("%s\n", sb_str(&sb));
            sb_free(&sb);
        }
    } else {
        print_json(out);
    }
    json_decref(out);
    opts_free(&o);
    return status;
}
