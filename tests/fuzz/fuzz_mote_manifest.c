// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the checks of an OCI manifest and its config that `mote
 * pull` makes on a registry's answers and `mote load` on a layout
 * (oci_manifest_parse, oci_config_parse in tools/mote/oci.c). The input is
 * split at the first NUL: manifest, then config.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/oci.h"

#define MAX_BLOB (64u * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t mlen = nul ? (size_t)(nul - data) : size;
    char *manifest = malloc(mlen ? mlen : 1); /* no NUL after it: the parser keeps to mlen */
    memcpy(manifest, data, mlen);
    struct oci_manifest m;
    char err[SPEC_ERR_LEN];
    if (oci_manifest_parse(manifest, mlen, MAX_BLOB, &m, err) == 0) {
        if (!m.kernel.sha256[0] || !m.elf.sha256[0] || m.kernel.size > MAX_BLOB ||
            m.elf.size > MAX_BLOB || strcmp(m.config.media_type, MOTE_CONFIG_TYPE) != 0)
            abort();
        if (nul) {
            struct image img;
            size_t clen = size - mlen - 1;
            char *config = malloc(clen ? clen : 1);
            memcpy(config, nul + 1, clen);
            if (oci_config_parse(config, clen, &m, &img, err) == 0) {
                /* A raw layer is the file itself: the config must name it. */
                if (!m.kernel.tarred && strcmp(img.sha256, m.kernel.sha256) != 0)
                    abort();
                image_free(&img);
            }
            free(config);
        }
    }
    free(manifest);
    return 0;
}
