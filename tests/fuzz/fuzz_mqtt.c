// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: MQTT topic filters and names as they come from the broker
 * and from configuration (net/mqtt_topic.c): the input split at its first NUL
 * into a filter and a topic, each in a heap block of its exact size. Checks
 * the contract: only valid pairs match, a filter matches itself when it is a
 * valid topic, and "#" matches every valid topic that does not start with $.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mqtt.h>

static char *copy(const uint8_t *data, size_t len)
{
    char *s = malloc(len + 1);
    if (s) {
        memcpy(s, data, len);
        s[len] = '\0';
    }
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t flen = nul ? (size_t)(nul - data) : size;
    char *filter = copy(data, flen);
    char *topic = nul ? copy(nul + 1, size - flen - 1) : copy(data, 0);
    if (!filter || !topic)
        abort();
    bool fv = mote_mqtt_filter_valid(filter), tv = mote_mqtt_topic_valid(topic);
    bool m = mote_mqtt_topic_matches(filter, topic);
    if (m && (!fv || !tv))
        abort();
    if (tv && !mote_mqtt_topic_matches(topic, topic))
        abort();
    if (tv && topic[0] != '$' && !mote_mqtt_topic_matches("#", topic))
        abort();
    if (tv && !mote_mqtt_filter_valid(topic))
        abort();
    free(filter);
    free(topic);
    return 0;
}
