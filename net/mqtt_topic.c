// SPDX-License-Identifier: MIT
/*
 * MQTT topic names and filters (MQTT 3.1.1 §4.7): validation and matching.
 * Pure code with no lwIP in it, so the host unit tests and the fuzzer run it
 * as the image does. Topics arrive from the broker: every loop is bounded by
 * MOTE_MQTT_TOPIC_MAX.
 */
#include <stdbool.h>
#include <string.h>

#include <mote/mqtt.h>

#define LEVEL_SEPARATOR '/'
#define WILDCARD_ONE    '+'
#define WILDCARD_ALL    '#'
#define SYSTEM_PREFIX   '$' /* broker-internal topics ($SYS/...) */

/* The length of s if it is 1..MOTE_MQTT_TOPIC_MAX bytes, else 0. */
static size_t bounded_len(const char *s)
{
    if (!s)
        return 0;
    size_t len = strnlen(s, MOTE_MQTT_TOPIC_MAX + 1);
    return len > MOTE_MQTT_TOPIC_MAX ? 0 : len;
}

bool mote_mqtt_topic_valid(const char *topic)
{
    size_t len = bounded_len(topic);
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (topic[i] == WILDCARD_ONE || topic[i] == WILDCARD_ALL)
            return false;
    return true;
}

bool mote_mqtt_filter_valid(const char *filter)
{
    size_t len = bounded_len(filter);
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++) {
        bool level_start = i == 0 || filter[i - 1] == LEVEL_SEPARATOR;
        bool level_end = i + 1 == len || filter[i + 1] == LEVEL_SEPARATOR;
        if (filter[i] == WILDCARD_ONE && !(level_start && level_end))
            return false;
        if (filter[i] == WILDCARD_ALL && !(level_start && i + 1 == len))
            return false;
    }
    return true;
}

bool mote_mqtt_topic_matches(const char *filter, const char *topic)
{
    if (!mote_mqtt_filter_valid(filter) || !mote_mqtt_topic_valid(topic))
        return false;
    if (topic[0] == SYSTEM_PREFIX && (filter[0] == WILDCARD_ONE || filter[0] == WILDCARD_ALL))
        return false;
    const char *f = filter, *t = topic;
    for (;;) {
        if (*f == WILDCARD_ALL)
            return true; /* the rest of the topic, whatever it is */
        if (*f == WILDCARD_ONE) {
            f++;
            while (*t && *t != LEVEL_SEPARATOR)
                t++;
        } else {
            /* A literal level: equal up to the end of the filter's level. */
            while (*f && *f != LEVEL_SEPARATOR) {
                if (*f != *t)
                    return false;
                f++;
                t++;
            }
            if (*t && *t != LEVEL_SEPARATOR)
                return false;
        }
        /* Both at the end of a level. */
        if (!*f && !*t)
            return true;
        if (!*f)
            return false; /* the topic has more levels */
        if (!*t)
            /* "a/#" matches "a": the filter's last level is the whole rest. */
            return f[0] == LEVEL_SEPARATOR && f[1] == WILDCARD_ALL && f[2] == '\0';
        f++; /* past both separators */
        t++;
    }
}
