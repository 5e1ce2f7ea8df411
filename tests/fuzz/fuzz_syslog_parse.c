// SPDX-License-Identifier: MIT
/* libFuzzer target: the RFC 5424 parser of mote's syslog collector (lib/syslog/parse.c), on any
 * datagram. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/syslog/message.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *dgram = malloc(size ? size : 1); /* exactly size bytes: no NUL to lean on */
    memcpy(dgram, data, size);
    struct syslog_msg m;
    if (syslog_parse(dgram, size, &m) == 0) {
        /* what the collector then uses: the fields as strings, the message in the datagram */
        if (strlen(m.hostname) > SYSLOG_HOSTNAME_MAX || strlen(m.app) > SYSLOG_APP_MAX ||
            m.msg < dgram || m.msg + m.msg_len > dgram + size || m.severity > 7)
            abort();
        syslog_severity_name(m.severity);
    }
    free(dgram);
    return 0;
}
