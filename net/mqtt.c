// SPDX-License-Identifier: MIT
/*
 * MQTT clients (include/mote/mqtt.h) over lwIP's MQTT client (apps/mqtt),
 * which speaks the protocol on one connection; this file keeps a client
 * connected across connections: reconnection with backoff, the session
 * (subscriptions, unacknowledged QoS 1 messages: net/mqtt_queue.c) and the
 * dispatch of incoming messages to subscriptions (net/mqtt_topic.c).
 *
 * lwIP's client is embedded (mqtt_priv.h is its header for that), so nothing
 * is freed under a callback; closing is finished from a timer, never inside
 * one of lwIP's callbacks, where the connection may not be closed.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>
#include <mote/mqtt.h>
#include <mote/random.h>
#include <mote/time.h>
#include <mote/timer.h>

#include "kernel/boothook.h"
#include "lwip/apps/mqtt.h"
#include "lwip/apps/mqtt_priv.h"
#include "lwip/ip_addr.h"
#include "lwip/netif.h"
#include "net/mqtt_queue.h"
#include "net/net.h"
#if MOTE_TLS
#include "net/tls.h"
#endif

#define BACKOFF_MIN_MS       1000u
#define BACKOFF_MAX_MS       60000u
#define CONNECT_TIMEOUT_NS   (15 * MOTE_NS_PER_S)   /* TCP and CONNACK together */
#define ADDRESS_WAIT_NS      (500 * MOTE_NS_PER_MS) /* polls while DHCP/SLAAC is under way */
#define FLUSH_RETRY_NS       (100 * MOTE_NS_PER_MS) /* output buffer full, nothing in flight */
#define DROP_LOG_NS          (10 * MOTE_NS_PER_S)   /* between two "queue full" lines */
#define BROKER_TEXT_MAX      48
#define HOSTNAME_MAX         63
#define CLIENT_ID_RANDOM_LEN 4 /* bytes, printed as 8 hex digits */
#define SERVER_NAME_MAX      255
#define TLS_REASON_MAX       160
/* lwIP's request slots: one per subscription, the rest for QoS 1 messages in flight. */
#define IN_FLIGHT_MAX (MQTT_REQ_MAX_IN_FLIGHT - MOTE_MQTT_SUBSCRIPTIONS_MAX)
_Static_assert(IN_FLIGHT_MAX >= 1, "MQTT_REQ_MAX_IN_FLIGHT leaves room for messages");
/* A whole PUBLISH must fit lwIP's output buffer: header, topic, packet id, payload. */
_Static_assert(MQTT_OUTPUT_RINGBUF_SIZE >=
                   2 * (5 + 2 + MOTE_MQTT_TOPIC_MAX + 2 + MOTE_MQTT_PAYLOAD_MAX),
               "lwIP's MQTT output buffer holds two of the largest messages");
_Static_assert(MQTT_VAR_HEADER_BUFFER_LEN >= 5 + 2 + MOTE_MQTT_TOPIC_MAX + 2 + 1,
               "lwIP's MQTT input buffer holds the longest topic");

enum state {
    CLIENT_FREE,
    CLIENT_CONNECTING, /* TCP handshake or waiting for CONNACK */
    CLIENT_CONNECTED,
    CLIENT_WAITING, /* for the next attempt */
    CLIENT_CLOSING, /* mote_mqtt_close() was called; finished from a timer */
};

struct subscription {
    char filter[MOTE_MQTT_TOPIC_MAX + 1];
    uint8_t qos;
    mote_mqtt_message_fn fn;
    void *arg;
};

struct client {
    enum state state;
    mqtt_client_t lwip;
    struct mqtt_connect_client_info_t info;
    ip_addr_t addr;
    u16_t port;
    char broker[BROKER_TEXT_MAX];
    char client_id[MOTE_MQTT_CLIENT_ID_MAX + 1];
    char will_topic[MOTE_MQTT_TOPIC_MAX + 1];
    char will_message[MOTE_MQTT_WILL_MAX + 1];
#if MOTE_TLS
    char server_name[SERVER_NAME_MAX + 1];
    struct altcp_pcb *tls_pcb;    /* this attempt's TLS connection, until it ends */
    altcp_err_fn lwip_err;        /* lwIP's MQTT error callback, which tls_failed forwards to */
    char tls_why[TLS_REASON_MAX]; /* why the handshake failed, for the log */
#endif
    mote_mqtt_state_fn on_state;
    void *arg;
    unsigned backoff_ms;
    int timer; /* the attempt's deadline, the next attempt, a flush or closing */
    struct mqtt_queue queue;
    unsigned in_flight;
    struct subscription subs[MOTE_MQTT_SUBSCRIPTIONS_MAX];
    unsigned nsubs;
    struct {
        char topic[MOTE_MQTT_TOPIC_MAX + 1];
        size_t len;
        bool dropped;                               /* too large, or a topic over the bound */
        uint8_t payload[MOTE_MQTT_PAYLOAD_MAX + 1]; /* NUL after the payload, for text */
    } rx;
    struct mote_mqtt_stats stats;
    uint64_t drop_logged_ns;
};

static struct client clients[MOTE_MQTT_CLIENTS_MAX];
static const char *bootargs = "";

static void attach(const char *args)
{
    bootargs = args;
}

BOOT_HOOK(mqtt_hook) = {
    .name = "mqtt",
    .args = {"hostname"},
    .attach = attach,
};

static int client_id_of(const struct client *c)
{
    return (int)(c - clients) + 1;
}

static struct client *client_get(int id)
{
    if (id <= 0 || id > MOTE_MQTT_CLIENTS_MAX)
        return NULL;
    struct client *c = &clients[id - 1];
    return c->state == CLIENT_FREE || c->state == CLIENT_CLOSING ? NULL : c;
}

static void set_timer(struct client *c, uint64_t delay_ns, mote_timer_fn fn)
{
    if (c->timer > 0)
        mote_timer_cancel(c->timer);
    c->timer = mote_timer_after(delay_ns, fn, c);
}

static void cancel_timer(struct client *c)
{
    if (c->timer > 0)
        mote_timer_cancel(c->timer);
    c->timer = 0;
}

static void attempt(void *arg);

/* The next attempt after a failure: backoff with jitter, the wait doubling up to the max. */
static void retry_later(struct client *c)
{
    unsigned half = c->backoff_ms / 2, jitter;
    mote_random_bytes(&jitter, sizeof(jitter));
    unsigned wait_ms = half + jitter % (c->backoff_ms - half + 1);
    c->backoff_ms = c->backoff_ms * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : c->backoff_ms * 2;
    c->state = CLIENT_WAITING;
    mote_log(MOTE_LOG_INFO, "mqtt: retrying %s:%u in %u ms", c->broker, c->port, wait_ms);
    set_timer(c, (uint64_t)wait_ms * MOTE_NS_PER_MS, attempt);
}

static void qos1_done(void *arg, err_t result);
static void flush_later(void *arg);

/* Hands waiting QoS 1 messages to lwIP, up to IN_FLIGHT_MAX in flight. */
static void flush(struct client *c)
{
    while (c->state == CLIENT_CONNECTED && c->in_flight < IN_FLIGHT_MAX) {
        struct mqtt_msg *m = mqtt_queue_next_waiting(&c->queue);
        if (!m)
            return;
        /* The client and the message's sequence number, not a pointer: see mqtt_queue.h. */
        void *cookie = (void *)(((uintptr_t)client_id_of(c) << 32) | m->seq);
        err_t err = mqtt_publish(&c->lwip, m->topic, m->payload, (u16_t)m->len, 1, m->retain,
                                 qos1_done, cookie);
        if (err != ERR_OK) {
            /* Output buffer full: the next acknowledgement flushes again, or this timer. */
            if (c->in_flight == 0 && c->timer <= 0)
                set_timer(c, FLUSH_RETRY_NS, flush_later);
            return;
        }
        m->in_flight = true;
        c->in_flight++;
    }
}

static void flush_later(void *arg)
{
    struct client *c = arg;
    c->timer = 0;
    flush(c);
    net_timeouts_changed();
}

static void qos1_done(void *arg, err_t result)
{
    struct client *c = client_get((int)((uintptr_t)arg >> 32));
    uint32_t seq = (uint32_t)(uintptr_t)arg;
    if (!c)
        return;
    if (c->in_flight > 0)
        c->in_flight--;
    if (result == ERR_OK) {
        if (mqtt_queue_ack(&c->queue, seq))
            c->stats.published++;
    } else {
        /* lwIP's request timeout: no PUBACK in time; sent again. */
        mqtt_queue_requeue(&c->queue, seq);
    }
    flush(c);
}

static void subscribed(void *arg, err_t result)
{
    struct subscription *s = arg;
    if (result != ERR_OK)
        mote_log(MOTE_LOG_WARN, "mqtt: the broker refused the subscription to %s", s->filter);
    else
        mote_log(MOTE_LOG_INFO, "mqtt: subscribed to %s", s->filter);
}

static void subscribe_one(struct client *c, struct subscription *s)
{
    err_t err = mqtt_subscribe(&c->lwip, s->filter, s->qos, subscribed, s);
    if (err != ERR_OK)
        mote_log(MOTE_LOG_WARN, "mqtt: could not send the subscription to %s (%d)", s->filter,
                 net_errno(err));
}

/* Why lwIP ended an attempt or a connection, for the log. */
static const char *reason_text(const struct client *c, mqtt_connection_status_t status,
                               bool was_connected)
{
    switch (status) {
    case MQTT_CONNECT_REFUSED_PROTOCOL_VERSION:
        return "the broker refused: unacceptable protocol version";
    case MQTT_CONNECT_REFUSED_IDENTIFIER: return "the broker refused the client id";
    case MQTT_CONNECT_REFUSED_SERVER: return "the broker refused: server unavailable";
    case MQTT_CONNECT_REFUSED_USERNAME_PASS: return "the broker refused: bad user name or password";
    case MQTT_CONNECT_REFUSED_NOT_AUTHORIZED_: return "the broker refused: not authorized";
    case MQTT_CONNECT_TIMEOUT: return "no answer from the broker in time";
    case MQTT_CONNECT_DISCONNECTED:
#if MOTE_TLS
        if (!was_connected && c->tls_why[0])
            return c->tls_why;
#endif
        if (was_connected)
            return "the broker closed the connection, or it broke, or the broker sent something "
                   "that is not MQTT";
        /*
         * lwIP writes the CONNECT into TCP only once connected, so an output
         * buffer untouched means TCP never came up.
         */
        if (c->lwip.output.get == 0)
            return "cannot reach the broker (TCP connection refused or lost)";
        return "the broker closed the connection before accepting it, or sent something that is "
               "not MQTT";
    default:
        /* A CONNACK whose return code is none of MQTT's. */
        return "the broker sent a CONNACK with an unknown return code: not an MQTT broker";
    }
}

static void on_connection(mqtt_client_t *lwip, void *arg, mqtt_connection_status_t status)
{
    struct client *c = arg;
    (void)lwip;
    if (c->state == CLIENT_CLOSING || c->state == CLIENT_FREE)
        return;
    cancel_timer(c);
    if (status == MQTT_CONNECT_ACCEPTED) {
        c->state = CLIENT_CONNECTED;
        c->stats.connects++;
        c->backoff_ms = BACKOFF_MIN_MS;
        c->in_flight = 0;
        mote_log(MOTE_LOG_INFO,
                 "mqtt: connected to %s:%u as %s; %u QoS 1 messages queued, %llu dropped so far",
                 c->broker, c->port, c->client_id, c->queue.count,
                 (unsigned long long)c->stats.dropped);
        for (unsigned i = 0; i < c->nsubs; i++)
            subscribe_one(c, &c->subs[i]);
        flush(c);
        if (c->on_state)
            c->on_state(client_id_of(c), true, c->arg);
        return;
    }
    bool was_connected = c->state == CLIENT_CONNECTED;
    c->in_flight = 0;
    mqtt_queue_requeue_all(&c->queue);
    if (was_connected) {
        c->stats.disconnects++;
        mote_log(MOTE_LOG_WARN, "mqtt: lost %s:%u: %s; %u QoS 1 messages kept", c->broker, c->port,
                 reason_text(c, status, true), c->queue.count);
    } else {
        c->stats.failures++;
        mote_log(MOTE_LOG_WARN, "mqtt: %s:%u: %s", c->broker, c->port,
                 reason_text(c, status, false));
    }
    retry_later(c);
    if (was_connected && c->on_state)
        c->on_state(client_id_of(c), false, c->arg);
}

static void attempt_timed_out(void *arg)
{
    struct client *c = arg;
    c->timer = 0;
    mqtt_disconnect(&c->lwip); /* no callback: lwIP's client forgets its caller first */
    c->stats.failures++;
    mote_log(MOTE_LOG_WARN, "mqtt: %s:%u: no CONNACK within %llu s", c->broker, c->port,
             (unsigned long long)(CONNECT_TIMEOUT_NS / MOTE_NS_PER_S));
    retry_later(c);
    net_timeouts_changed();
}

static void on_publish(void *arg, const char *topic, u32_t tot_len);
static void on_data(void *arg, const u8_t *data, u16_t len, u8_t flags);

#if MOTE_TLS
/*
 * altcp's error callback of a TLS attempt, in front of lwIP's MQTT client's
 * own: the TLS state is still readable here (not once the MQTT client hears
 * of the failure), so the reason is taken for the log, then passed on.
 */
static void tls_failed(void *arg, err_t err)
{
    struct client *c = (struct client *)((char *)arg - offsetof(struct client, lwip));
    /* A reset before the ClientHello went out is TCP's refusal: no TLS reason to give. */
    if (c->tls_pcb && !tls_handshake_done(c->tls_pcb) &&
        (err == ERR_CLSD || tls_handshake_started(c->tls_pcb))) {
        char why[TLS_REASON_MAX];
        tls_describe_failure(c->tls_pcb, why, sizeof(why));
        snprintf(c->tls_why, sizeof(c->tls_why), "TLS handshake failed: %s", why);
    }
    c->tls_pcb = NULL;
    if (c->lwip_err)
        c->lwip_err(arg, err);
}

/* After lwIP's MQTT client opened a TLS connection: the name to check, our error callback. */
static int tls_prepare(struct client *c)
{
    c->tls_pcb = c->lwip.conn;
    int err = tls_client_prepare(c->tls_pcb, c->server_name);
    if (err)
        return err;
    c->lwip_err = c->tls_pcb->err;
    altcp_err(c->tls_pcb, tls_failed);
    return 0;
}
#endif

static void attempt(void *arg)
{
    struct client *c = arg;
    c->timer = 0;
    if (net_address_pending(&c->addr)) {
        c->state = CLIENT_WAITING;
        set_timer(c, ADDRESS_WAIT_NS, attempt);
        return;
    }
    c->state = CLIENT_CONNECTING;
    err_t err = mqtt_client_connect(&c->lwip, &c->addr, c->port, on_connection, c, &c->info);
#if MOTE_TLS
    c->tls_why[0] = '\0';
    c->tls_pcb = NULL;
    if (err == ERR_OK && c->info.tls_config && tls_prepare(c) != 0) {
        mqtt_disconnect(&c->lwip);
        err = ERR_MEM;
    }
#endif
    if (err != ERR_OK) {
        c->stats.failures++;
        mote_log(MOTE_LOG_WARN, "mqtt: %s:%u: cannot start a connection (%d)", c->broker, c->port,
                 net_errno(err));
        retry_later(c);
    } else {
        /* lwIP's client wipes itself on each connect: its callbacks are set again. */
        mqtt_set_inpub_callback(&c->lwip, on_publish, on_data, c);
        set_timer(c, CONNECT_TIMEOUT_NS, attempt_timed_out);
    }
    net_timeouts_changed();
}

static void on_publish(void *arg, const char *topic, u32_t tot_len)
{
    struct client *c = arg;
    size_t len = strnlen(topic, MOTE_MQTT_TOPIC_MAX + 1);
    c->rx.len = 0;
    c->rx.dropped = len > MOTE_MQTT_TOPIC_MAX || tot_len > MOTE_MQTT_PAYLOAD_MAX;
    if (len <= MOTE_MQTT_TOPIC_MAX)
        memcpy(c->rx.topic, topic, len + 1);
    else
        c->rx.topic[0] = '\0';
}

static void on_data(void *arg, const u8_t *data, u16_t len, u8_t flags)
{
    struct client *c = arg;
    if (!c->rx.dropped) {
        if (len > MOTE_MQTT_PAYLOAD_MAX - c->rx.len) {
            c->rx.dropped = true; /* more than the PUBLISH said: not trusted either */
        } else {
            memcpy(c->rx.payload + c->rx.len, data, len);
            c->rx.len += len;
        }
    }
    if (!(flags & MQTT_DATA_FLAG_LAST))
        return;
    if (c->rx.dropped) {
        c->stats.received_large++;
        mote_log(MOTE_LOG_WARN, "mqtt: dropped a message over %u bytes or with a topic over %u",
                 MOTE_MQTT_PAYLOAD_MAX, MOTE_MQTT_TOPIC_MAX);
        return;
    }
    c->rx.payload[c->rx.len] = '\0';
    int id = client_id_of(c);
    bool delivered = false;
    for (unsigned i = 0; i < c->nsubs && c->state == CLIENT_CONNECTED; i++) {
        if (mote_mqtt_topic_matches(c->subs[i].filter, c->rx.topic)) {
            delivered = true;
            c->subs[i].fn(id, c->rx.topic, c->rx.payload, c->rx.len, c->subs[i].arg);
        }
    }
    c->stats.received += delivered;
}

/* Checks and copies the configuration into c. Returns 0 or -EINVAL (logged). */
static int configure(struct client *c, const struct mote_mqtt_config *cfg)
{
    if (!cfg->broker || !ipaddr_aton(cfg->broker, &c->addr) ||
        strlen(cfg->broker) >= sizeof(c->broker)) {
        mote_log(MOTE_LOG_ERROR, "mqtt: broker %s: expected an IPv4 or IPv6 address",
                 cfg->broker ? cfg->broker : "(none)");
        return -EINVAL;
    }
    strcpy(c->broker, cfg->broker);
    c->port = cfg->port ? cfg->port : cfg->tls ? MOTE_MQTT_TLS_PORT : MOTE_MQTT_PORT;
#if MOTE_TLS
    const char *name = cfg->tls_server_name ? cfg->tls_server_name : cfg->broker;
    if (cfg->tls &&
        (tls_config_is_server(cfg->tls) || !name[0] || strlen(name) > SERVER_NAME_MAX)) {
        mote_log(MOTE_LOG_ERROR,
                 "mqtt: TLS: expected a client configuration and a server name "
                 "of 1 to %d bytes",
                 SERVER_NAME_MAX);
        return -EINVAL;
    }
    if (cfg->tls)
        strcpy(c->server_name, name);
#else
    if (cfg->tls) {
        mote_log(MOTE_LOG_ERROR, "mqtt: TLS asked for, but this image has no TLS (add tls to "
                                 "service_uses in its service.mk)");
        return -EINVAL;
    }
#endif

    if (cfg->client_id) {
        size_t len = strlen(cfg->client_id);
        if (len == 0 || len > MOTE_MQTT_CLIENT_ID_MAX) {
            mote_log(MOTE_LOG_ERROR, "mqtt: the client id must be 1 to %u bytes",
                     MOTE_MQTT_CLIENT_ID_MAX);
            return -EINVAL;
        }
        strcpy(c->client_id, cfg->client_id);
    } else {
        char host[HOSTNAME_MAX + 1];
        if (mote_arg_get(bootargs, "hostname", host, sizeof(host)) <= 0)
            strcpy(host, "mote");
        uint8_t rnd[CLIENT_ID_RANDOM_LEN];
        mote_random_bytes(rnd, sizeof(rnd));
        snprintf(c->client_id, sizeof(c->client_id), "%s-%02x%02x%02x%02x", host, rnd[0], rnd[1],
                 rnd[2], rnd[3]);
    }

    if (cfg->will_topic) {
        if (!mote_mqtt_topic_valid(cfg->will_topic) || !cfg->will_message ||
            strlen(cfg->will_message) > MOTE_MQTT_WILL_MAX || cfg->will_qos > 1) {
            mote_log(MOTE_LOG_ERROR,
                     "mqtt: last will: expected a topic without wildcards, a message of at "
                     "most %u bytes and QoS 0 or 1",
                     MOTE_MQTT_WILL_MAX);
            return -EINVAL;
        }
        strcpy(c->will_topic, cfg->will_topic);
        strcpy(c->will_message, cfg->will_message);
    }
    if (cfg->queue_max > MOTE_MQTT_QUEUE_MAX) {
        mote_log(MOTE_LOG_ERROR, "mqtt: queue_max %u: at most %u", cfg->queue_max,
                 MOTE_MQTT_QUEUE_MAX);
        return -EINVAL;
    }
    memset(&c->info, 0, sizeof(c->info));
    c->info.client_id = c->client_id;
    c->info.keep_alive = cfg->keep_alive_s ? cfg->keep_alive_s : MOTE_MQTT_KEEP_ALIVE_S;
    if (cfg->will_topic) {
        c->info.will_topic = c->will_topic;
        c->info.will_msg = c->will_message;
        c->info.will_qos = cfg->will_qos;
        c->info.will_retain = cfg->will_retain;
    }
#if MOTE_TLS
    if (cfg->tls)
        c->info.tls_config = tls_altcp_config(cfg->tls);
#endif
    mqtt_queue_init(&c->queue, cfg->queue_max ? cfg->queue_max : MOTE_MQTT_QUEUE_DEFAULT);
    return 0;
}

int mote_mqtt_connect(const struct mote_mqtt_config *config, mote_mqtt_state_fn on_state, void *arg)
{
    if (!config)
        return -EINVAL;
    struct client *c = NULL;
    for (unsigned i = 0; i < MOTE_MQTT_CLIENTS_MAX && !c; i++)
        if (clients[i].state == CLIENT_FREE)
            c = &clients[i];
    if (!c)
        return -EBUSY;
    memset(c, 0, sizeof(*c));
    int err = configure(c, config);
    if (err)
        return err;
    err = net_up();
    if (err)
        return err;
    c->on_state = on_state;
    c->arg = arg;
    c->backoff_ms = BACKOFF_MIN_MS;
    mote_log(MOTE_LOG_INFO, "mqtt: broker %s:%u%s, client id %s, keep-alive %u s, %u QoS 1 kept",
             c->broker, c->port, config->tls ? " over TLS" : "", c->client_id, c->info.keep_alive,
             c->queue.max);
    attempt(c);
    return client_id_of(c);
}

int mote_mqtt_publish(int client, const char *topic, const void *payload, size_t len, int qos,
                      bool retain)
{
    struct client *c = client_get(client);
    if (!c)
        return -EBADF;
    if (!mote_mqtt_topic_valid(topic) || len > MOTE_MQTT_PAYLOAD_MAX || (len && !payload) ||
        (qos != 0 && qos != 1))
        return -EINVAL;
    if (qos == 0) {
        if (c->state != CLIENT_CONNECTED) {
            c->stats.qos0_unsent++;
            return -ENOTCONN;
        }
        err_t err = mqtt_publish(&c->lwip, topic, payload, (u16_t)len, 0, retain, NULL, NULL);
        net_timeouts_changed();
        if (err != ERR_OK) {
            c->stats.qos0_unsent++;
            return -ENOBUFS;
        }
        c->stats.published++;
        return 0;
    }
    int dropped = mqtt_queue_push(&c->queue, topic, payload, len, retain);
    if (dropped < 0)
        return dropped;
    if (dropped) {
        c->stats.dropped++;
        /* The first drop, then at most one line per DROP_LOG_NS: an outage drops steadily. */
        uint64_t now = mote_time_ns();
        if (c->stats.dropped == 1 || now - c->drop_logged_ns >= DROP_LOG_NS) {
            c->drop_logged_ns = now;
            mote_log(MOTE_LOG_WARN,
                     "mqtt: queue full (%u QoS 1 messages): dropped the oldest, %llu so far",
                     c->queue.max, (unsigned long long)c->stats.dropped);
        }
    }
    flush(c);
    net_timeouts_changed();
    return 0;
}

int mote_mqtt_subscribe(int client, const char *filter, int qos, mote_mqtt_message_fn fn, void *arg)
{
    struct client *c = client_get(client);
    if (!c)
        return -EBADF;
    if (!mote_mqtt_filter_valid(filter) || (qos != 0 && qos != 1) || !fn)
        return -EINVAL;
    if (c->nsubs >= MOTE_MQTT_SUBSCRIPTIONS_MAX)
        return -ENOSPC;
    struct subscription *s = &c->subs[c->nsubs++];
    strcpy(s->filter, filter);
    s->qos = (uint8_t)qos;
    s->fn = fn;
    s->arg = arg;
    if (c->state == CLIENT_CONNECTED) {
        subscribe_one(c, s);
        net_timeouts_changed();
    }
    return 0;
}

int mote_mqtt_stats(int client, struct mote_mqtt_stats *stats)
{
    struct client *c = client_get(client);
    if (!c)
        return -EBADF;
    if (!stats)
        return -EINVAL;
    *stats = c->stats;
    stats->queued = c->queue.count;
    stats->connected = c->state == CLIENT_CONNECTED;
    return 0;
}

static void finish_close(void *arg)
{
    struct client *c = arg;
    c->timer = 0;
    mqtt_disconnect(&c->lwip);
    mqtt_queue_clear(&c->queue);
    c->state = CLIENT_FREE;
    net_timeouts_changed();
}

int mote_mqtt_close(int client)
{
    struct client *c = client_get(client);
    if (!c)
        return -EBADF;
    /* No callback from now on; lwIP's connection is closed outside its own callbacks. */
    c->state = CLIENT_CLOSING;
    c->on_state = NULL;
    c->nsubs = 0;
    set_timer(c, 0, finish_close);
    return 0;
}
