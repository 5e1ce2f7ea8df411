// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the gateway's commands (services/gateway/command.c) on any
 * topic and payload from the broker: the input split at its first NUL into a
 * topic and a payload (in a heap block of its exact size, not NUL-terminated).
 * Checks the contract: a parsed command is in range.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "services/gateway/gateway.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t tlen = nul ? (size_t)(nul - data) : size;
    char *topic = malloc(tlen + 1);
    size_t plen = nul ? size - tlen - 1 : 0;
    uint8_t *payload = malloc(plen ? plen : 1);
    if (!topic || !payload)
        abort();
    memcpy(topic, data, tlen);
    topic[tlen] = '\0';
    if (plen)
        memcpy(payload, nul + 1, plen);
    struct gateway_command cmd;
    int err = gateway_command_parse("actuators/gw1/", topic, payload, plen, &cmd);
    if (err == 0) {
        if (cmd.kind == GATEWAY_SET_OUTPUT && !cmd.toggle && cmd.value > 1)
            abort();
        if (cmd.kind == GATEWAY_SET_PERIOD &&
            (cmd.value < GATEWAY_PERIOD_MIN_MS || cmd.value > GATEWAY_PERIOD_MAX_MS))
            abort();
        if (cmd.kind == GATEWAY_BURST && (cmd.value < 1 || cmd.value > GATEWAY_BURST_MAX))
            abort();
    } else if (err != -EINVAL && err != -ENOENT) {
        abort();
    }
    gateway_hostname_valid(topic);
    free(topic);
    free(payload);
    return 0;
}
