// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the HTTP request-head parser (lib/http/) on any bytes, in
 * a heap block of their exact size so ASan sees any read outside. Checks the
 * contract: a parsed head lies inside the input, its path inside the head.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <http/http.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf = malloc(size ? size : 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    struct http_request req;
    int r = http_parse_request(buf, size, &req);
    if (r == 1) {
        if (req.head_len > size || req.path < buf || req.path + req.path_len > buf + req.head_len ||
            req.path_len == 0 || req.path[0] != '/')
            abort();
    } else if (r != 0 && (r < 400 || r > 599)) {
        abort();
    }
    free(buf);
    return 0;
}
