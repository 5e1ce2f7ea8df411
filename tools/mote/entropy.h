/* SPDX-License-Identifier: MIT */
/*
 * What an instance's random source was seeded from, as the image said on its
 * console at boot (kernel/main.c): "random: seeded from rng-seed, virtio-rng"
 * or "random: no entropy source ...". `mote inspect` shows it.
 */
#ifndef TOOLS_MOTE_ENTROPY_H
#define TOOLS_MOTE_ENTROPY_H

#include <stdbool.h>

#include "tools/mote/json.h"

#define ENTROPY_SOURCES_MAX 127

struct entropy_info {
    bool known;                            /* the console had either line */
    bool none;                             /* the image warned: no entropy source */
    char sources[ENTROPY_SOURCES_MAX + 1]; /* "rng-seed, virtio-rng"; "" when none or unknown */
};

/* Fills e from the last boot in console text (the last such line wins). */
void entropy_from_console(const char *text, struct entropy_info *e);

/*
 * e as a JSON object: {"known", "sources": [names], "warning": the image
 * booted with no entropy source}. A new reference.
 */
json_t *entropy_to_json(const struct entropy_info *e);

#endif
