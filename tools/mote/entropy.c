// SPDX-License-Identifier: MIT
/* See entropy.h. */
#include "tools/mote/entropy.h"

#include <string.h>

#define SEEDED_PREFIX "random: seeded from "
#define NONE_PREFIX   "random: no entropy source"

/* The last line of text containing marker: its start, or NULL. */
static const char *last_line_with(const char *text, const char *marker)
{
    const char *found = NULL;
    for (const char *p = strstr(text, marker); p; p = strstr(p + 1, marker))
        found = p;
    return found;
}

void entropy_from_console(const char *text, struct entropy_info *e)
{
    memset(e, 0, sizeof(*e));
    const char *seeded = text ? last_line_with(text, SEEDED_PREFIX) : NULL;
    const char *none = text ? last_line_with(text, NONE_PREFIX) : NULL;
    if (!seeded && !none)
        return;
    e->known = true;
    if (none && (!seeded || none > seeded)) {
        e->none = true;
        return;
    }
    const char *p = seeded + strlen(SEEDED_PREFIX);
    size_t n = strcspn(p, "\r\n");
    if (n > ENTROPY_SOURCES_MAX)
        n = ENTROPY_SOURCES_MAX;
    memcpy(e->sources, p, n);
    e->sources[n] = '\0';
}

json_t *entropy_to_json(const struct entropy_info *e)
{
    json_t *o = json_object(), *sources = json_array();
    json_set_bool(o, "known", e->known);
    json_set_bool(o, "warning", e->none);
    char name[ENTROPY_SOURCES_MAX + 1];
    for (const char *p = e->sources; *p;) {
        size_t n = strcspn(p, ",");
        memcpy(name, p, n);
        name[n] = '\0';
        json_array_append_new(sources, json_str(name));
        p += n;
        while (*p == ',' || *p == ' ')
            p++;
    }
    json_set(o, "sources", sources);
    return o;
}
