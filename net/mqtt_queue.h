/* SPDX-License-Identifier: MIT */
/*
 * The QoS 1 messages an MQTT client keeps until the broker acknowledges them
 * (net/mqtt.c): a FIFO with a bound, in the heap. Pure code (no lwIP), for
 * the host unit tests. Messages are named by a sequence number rather than a
 * pointer, so an acknowledgement that comes after its message was dropped
 * finds nothing instead of freed memory.
 */
#ifndef NET_MQTT_QUEUE_H
#define NET_MQTT_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mqtt_msg {
    struct mqtt_msg *next;
    uint32_t seq;
    bool in_flight; /* handed to lwIP, waiting for its PUBACK */
    bool retain;
    size_t len;
    char *topic;       /* points into this allocation, after the payload */
    uint8_t payload[]; /* len bytes, then the topic's NUL-terminated bytes */
};

struct mqtt_queue {
    struct mqtt_msg *head, *tail;
    unsigned count;
    unsigned max; /* >= 1 */
    uint32_t next_seq;
};

/* An empty queue keeping at most max (>= 1) messages. */
void mqtt_queue_init(struct mqtt_queue *q, unsigned max);

/*
 * Appends a copy of the message. When the queue is full the oldest message
 * is dropped first. Returns 1 if one was dropped, 0 if not, -ENOMEM (nothing
 * appended, nothing dropped).
 */
int mqtt_queue_push(struct mqtt_queue *q, const char *topic, const void *payload, size_t len,
                    bool retain);

/* The oldest message not in flight, or NULL. */
struct mqtt_msg *mqtt_queue_next_waiting(const struct mqtt_queue *q);

/* Removes and frees the message seq. Returns whether it was there. */
bool mqtt_queue_ack(struct mqtt_queue *q, uint32_t seq);

/* Marks the message seq as waiting again (its PUBACK will not come). Returns whether it was there.
 */
bool mqtt_queue_requeue(struct mqtt_queue *q, uint32_t seq);

/* Marks every message as waiting again: the connection that carried them is gone. */
void mqtt_queue_requeue_all(struct mqtt_queue *q);

/* Frees every message. */
void mqtt_queue_clear(struct mqtt_queue *q);

#endif
