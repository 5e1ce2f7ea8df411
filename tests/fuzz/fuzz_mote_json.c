// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: mote's JSON parser (tools/mote/json.c), which reads the
 * index, manifest and config of an OCI layout given to `mote load`. Whatever
 * parses must also survive the lookups mote makes and write back as JSON that
 * parses again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* A copy without a NUL after it: the parser must keep to the length. */
    char *text = malloc(size ? size : 1);
    memcpy(text, data, size);
    char err[128];
    struct json *j = json_parse(text, size, err, sizeof(err));
    free(text);
    if (!j)
        return 0;
    int64_t v;
    json_get_string(j, "mediaType");
    json_get_int(j, "schemaVersion", &v);
    json_get_bool(j, "debug", false);
    const struct json *m = json_get(j, "manifests");
    if (m && m->type == JSON_ARRAY && m->count)
        json_get_string(m->items[0], "digest");

    /* Strings round-trip through the writer (invalid UTF-8 cannot occur: the parser refuses it). */
    struct strbuf sb = STRBUF_INIT;
    struct json_writer w;
    json_writer_init(&w, &sb, true);
    json_begin_array(&w);
    for (size_t i = 0; j->type == JSON_OBJECT && i < j->count; i++) {
        json_string(&w, j->keys[i]);
        if (j->items[i]->type == JSON_STRING)
            json_string(&w, j->items[i]->string);
    }
    json_end_array(&w);
    struct json *again = json_parse(sb.s, sb.len, NULL, 0);
    if (!again)
        abort();
    json_free(again);
    sb_free(&sb);
    json_free(j);
    return 0;
}
