// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: image references as users and registries write them
 * (tools/mote/ref.c). A reference that parses must have a normalised form
 * that parses again to the same repository, tag and digest.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/ref.h"
#include "tools/mote/spec.h"

#define INPUT_MAX 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[INPUT_MAX + 1], err[SPEC_ERR_LEN], back[REF_NAME_MAX * 2 + REF_TAG_MAX + 4];
    if (size > INPUT_MAX)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct image_ref r, again;
    if (image_ref_parse(s, &r, err) != 0)
        return 0;
    if (!r.name[0] || strlen(r.name) > REF_NAME_MAX || (!r.tag[0] && !r.digest[0]))
        abort();
    /* The full form, DOMAIN/PATH, reads back to the same thing. */
    size_t n = (size_t)snprintf(back, sizeof(back), "%s/%s%s%s%s%s", r.domain, r.path,
                                r.tag[0] ? ":" : "", r.tag, r.digest[0] ? "@" : "", r.digest);
    if (n >= sizeof(back) || image_ref_parse(back, &again, err) != 0 ||
        strcmp(again.name, r.name) != 0 || strcmp(again.path, r.path) != 0 ||
        strcmp(again.tag, r.tag) != 0 || strcmp(again.digest, r.digest) != 0)
        abort();
    image_ref_format(&r, back, sizeof(back));
    return 0;
}
