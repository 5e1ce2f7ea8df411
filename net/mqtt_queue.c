// SPDX-License-Identifier: MIT
/* The bounded queue of unacknowledged QoS 1 messages: see net/mqtt_queue.h. */
#include "net/mqtt_queue.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void mqtt_queue_init(struct mqtt_queue *q, unsigned max)
{
    memset(q, 0, sizeof(*q));
    q->max = max ? max : 1;
    q->next_seq = 1;
}

static void drop_head(struct mqtt_queue *q)
{
    struct mqtt_msg *m = q->head;
    q->head = m->next;
    if (!q->head)
        q->tail = NULL;
    q->count--;
    free(m);
}

int mqtt_queue_push(struct mqtt_queue *q, const char *topic, const void *payload, size_t len,
                    bool retain)
{
    size_t topic_len = strlen(topic);
    struct mqtt_msg *m = malloc(sizeof(*m) + len + topic_len + 1);
    if (!m)
        return -ENOMEM;
    m->next = NULL;
    m->seq = q->next_seq++;
    m->in_flight = false;
    m->retain = retain;
    m->len = len;
    if (len)
        memcpy(m->payload, payload, len);
    m->topic = (char *)m->payload + len;
    memcpy(m->topic, topic, topic_len + 1);

    int dropped = 0;
    if (q->count >= q->max) {
        drop_head(q);
        dropped = 1;
    }
    if (q->tail)
        q->tail->next = m;
    else
        q->head = m;
    q->tail = m;
    q->count++;
    return dropped;
}

struct mqtt_msg *mqtt_queue_next_waiting(const struct mqtt_queue *q)
{
    for (struct mqtt_msg *m = q->head; m; m = m->next)
        if (!m->in_flight)
            return m;
    return NULL;
}

bool mqtt_queue_ack(struct mqtt_queue *q, uint32_t seq)
{
    struct mqtt_msg *prev = NULL;
    for (struct mqtt_msg *m = q->head; m; prev = m, m = m->next) {
        if (m->seq != seq)
            continue;
        if (prev)
            prev->next = m->next;
        else
            q->head = m->next;
        if (q->tail == m)
            q->tail = prev;
        q->count--;
        free(m);
        return true;
    }
    return false;
}

bool mqtt_queue_requeue(struct mqtt_queue *q, uint32_t seq)
{
    for (struct mqtt_msg *m = q->head; m; m = m->next) {
        if (m->seq == seq) {
            m->in_flight = false;
            return true;
        }
    }
    return false;
}

void mqtt_queue_requeue_all(struct mqtt_queue *q)
{
    for (struct mqtt_msg *m = q->head; m; m = m->next)
        m->in_flight = false;
}

void mqtt_queue_clear(struct mqtt_queue *q)
{
    while (q->head)
        drop_head(q);
}
