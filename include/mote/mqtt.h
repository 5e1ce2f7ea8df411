/* SPDX-License-Identifier: MIT */
/*
 * MQTT 3.1.1 clients over lwIP's MQTT client (apps/mqtt) on lwIP's altcp
 * connections. A client keeps itself connected: when the broker goes away,
 * refuses, times out or sends something that is not MQTT, the reason is
 * logged and the client reconnects with exponential backoff (1 s doubling to
 * 60 s, each wait drawn between half and all of it, so that many devices do
 * not return at once). Its session lives in Mote, not at the broker (lwIP
 * always asks for a clean session): subscriptions are sent again on every
 * connection, and QoS 1 messages are kept until the broker acknowledges them,
 * across reconnections, within a bound (queue_max); beyond it the oldest is
 * dropped, counted and logged. Delivery is at least once: a message whose
 * PUBACK was lost with the connection is sent again. Callbacks run from the
 * event loop.
 *
 * With TLS (a mote_tls_config from include/mote/tls.h, in an image whose
 * service uses tls), the connection is TLS 1.2 and the broker's certificate
 * must chain to the configuration's CA and name tls_server_name; a refused
 * handshake is logged with its reason and retried like any failure.
 */
#ifndef MOTE_MQTT_H
#define MOTE_MQTT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MOTE_MQTT_PORT              1883
#define MOTE_MQTT_TLS_PORT          8883
#define MOTE_MQTT_TOPIC_MAX         255  /* bytes of a topic or a topic filter */
#define MOTE_MQTT_PAYLOAD_MAX       1024 /* bytes of a message, sent or received */
#define MOTE_MQTT_WILL_MAX          255  /* bytes of a last will's message (lwIP's limit) */
#define MOTE_MQTT_CLIENT_ID_MAX     64   /* bytes of a client id */
#define MOTE_MQTT_KEEP_ALIVE_S      60   /* the default keep-alive */
#define MOTE_MQTT_QUEUE_DEFAULT     32   /* QoS 1 messages kept by default... */
#define MOTE_MQTT_QUEUE_MAX         1024 /* ...and at most */
#define MOTE_MQTT_SUBSCRIPTIONS_MAX 8    /* per client */
#define MOTE_MQTT_CLIENTS_MAX       2

struct mote_tls_config;

struct mote_mqtt_config {
    const char *broker;     /* the broker's IPv4 or IPv6 address ("10.0.2.2", "fd00::1") */
    uint16_t port;          /* 0: MOTE_MQTT_PORT, or MOTE_MQTT_TLS_PORT with tls */
    const char *client_id;  /* NULL: "<hostname=>-<8 random hex digits>" ("mote-" without) */
    uint16_t keep_alive_s;  /* 0: MOTE_MQTT_KEEP_ALIVE_S */
    const char *will_topic; /* NULL: no last will */
    const char *will_message;
    uint8_t will_qos; /* 0 or 1 */
    bool will_retain;
    unsigned queue_max; /* QoS 1 messages kept unacknowledged (0: MOTE_MQTT_QUEUE_DEFAULT) */
    /* TLS: a client configuration (mote_tls_client_config), kept while the client lives. */
    struct mote_tls_config *tls; /* NULL: plain TCP */
    const char *tls_server_name; /* what the certificate must name (NULL: broker); copied */
};

/* The client connected (connected) or lost its connection (and now retries). */
typedef void (*mote_mqtt_state_fn)(int client, bool connected, void *arg);

/* A message on topic matching a subscription's filter: len bytes of payload. */
typedef void (*mote_mqtt_message_fn)(int client, const char *topic, const void *payload, size_t len,
                                     void *arg);

/*
 * Starts a client with config (copied): it connects now and stays connected
 * as above; on_state(arg) (may be NULL) hears each change. Returns a client
 * id > 0, -EINVAL for a NULL or malformed field (named in the log: broker not
 * an address, a client id or will over its bound, a will topic that is not a
 * valid topic, qos above 1, queue_max above MOTE_MQTT_QUEUE_MAX, tls in an
 * image without TLS or a server's configuration), -EBUSY when
 * MOTE_MQTT_CLIENTS_MAX clients exist, -ENETDOWN without a network, -ENOMEM.
 */
int mote_mqtt_connect(const struct mote_mqtt_config *config, mote_mqtt_state_fn on_state,
                      void *arg);

/*
 * Publishes len bytes of payload (copied) on topic. QoS 0 goes out now or
 * not at all: -ENOTCONN while disconnected, -ENOBUFS when the connection's
 * output buffer is full. QoS 1 is queued and returns 0; it goes out when
 * connected and stays queued until acknowledged (a full queue drops its
 * oldest message: mote_mqtt_stats). Errors: -EBADF for an unknown client,
 * -EINVAL for an invalid topic (empty, over MOTE_MQTT_TOPIC_MAX, with a
 * wildcard + or #), a payload over MOTE_MQTT_PAYLOAD_MAX or a qos other than
 * 0 or 1, -ENOMEM.
 */
int mote_mqtt_publish(int client, const char *topic, const void *payload, size_t len, int qos,
                      bool retain);

/*
 * Subscribes to filter (copied; MQTT wildcards + and #) with QoS 0 or 1:
 * fn(arg) gets every message whose topic matches, now and after every
 * reconnection. Returns 0, -EBADF, -EINVAL for an invalid filter or qos or a
 * NULL fn, -ENOSPC beyond MOTE_MQTT_SUBSCRIPTIONS_MAX.
 */
int mote_mqtt_subscribe(int client, const char *filter, int qos, mote_mqtt_message_fn fn,
                        void *arg);

/* What a client has done since it started. */
struct mote_mqtt_stats {
    uint64_t connects;       /* connections the broker accepted */
    uint64_t failures;       /* attempts that ended before the broker accepted (logged) */
    uint64_t disconnects;    /* accepted connections lost */
    uint64_t published;      /* QoS 0 messages sent, QoS 1 messages acknowledged */
    uint64_t dropped;        /* QoS 1 messages dropped from a full queue (logged) */
    uint64_t qos0_unsent;    /* QoS 0 messages refused: disconnected or buffer full */
    uint64_t received;       /* messages handed to subscription callbacks */
    uint64_t received_large; /* messages over MOTE_MQTT_PAYLOAD_MAX, dropped */
    unsigned queued;         /* QoS 1 messages waiting for their acknowledgement now */
    bool connected;
};

/* Fills stats. Returns 0, -EBADF, -EINVAL if stats is NULL. */
int mote_mqtt_stats(int client, struct mote_mqtt_stats *stats);

/*
 * Disconnects (DISCONNECT: the broker discards the last will) and ends the
 * client; queued messages are dropped. No callback runs afterwards; the id
 * may be reused later. Returns 0 or -EBADF.
 */
int mote_mqtt_close(int client);

/*
 * Whether topic is a valid topic name to publish on (1 to MOTE_MQTT_TOPIC_MAX
 * bytes, no + or #, no NUL), and filter a valid topic filter (+ alone in a
 * level, # alone in the last level).
 */
bool mote_mqtt_topic_valid(const char *topic);
bool mote_mqtt_filter_valid(const char *filter);

/*
 * Whether topic matches filter under MQTT 3.1.1 §4.7: + matches one level, #
 * the rest (and the parent: "a/#" matches "a"); a filter starting with a
 * wildcard does not match a topic starting with '$'. False if either is invalid.
 */
bool mote_mqtt_topic_matches(const char *filter, const char *topic);

#endif
