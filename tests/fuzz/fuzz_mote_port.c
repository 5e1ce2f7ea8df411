// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: `mote run -p` port specs (spec_parse_port in
 * tools/mote/spec.c). What parses is in range and formats to a spec that
 * parses to the same thing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tools/mote/spec.h"

#define INPUT_MAX 256

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char s[INPUT_MAX + 1], err[SPEC_ERR_LEN], shown[64];
    if (size > INPUT_MAX)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    struct port_spec p, again;
    if (spec_parse_port(s, &p, err) != 0)
        return 0;
    if (p.host_port < 1 || p.host_port > 65535 || p.guest_port < 1 || p.guest_port > 65535 ||
        strlen(p.host_ip) >= IP_STR_MAX)
        abort();
    /* "0.0.0.0:5353->53/udp" back into "0.0.0.0:5353:53/udp". */
    spec_format_port(&p, shown, sizeof(shown));
    char *arrow = strstr(shown, "->");
    if (!arrow)
        abort();
    memmove(arrow + 1, arrow + 2, strlen(arrow + 2) + 1);
    *arrow = ':';
    if (spec_parse_port(shown, &again, err) != 0 || again.host_port != p.host_port ||
        again.guest_port != p.guest_port || again.proto != p.proto)
        abort();
    return 0;
}
