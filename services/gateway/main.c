// SPDX-License-Identifier: MIT
/*
 * gateway: a sensor gateway. Every period it samples its sensor (a simulated
 * temperature on virt; with in=PIN, also an input pin's level and the edges
 * counted on it, the Pi's GPIO) and publishes the reading as JSON on
 * sensors/<hostname>/reading over MQTT (QoS 1 by default: kept across broker
 * outages, within queue=). It takes commands on actuators/<hostname>/#:
 * .../output (on, off, toggle...) drives the output pin (the PL061 on virt)
 * and .../period_ms changes the period (.../burst N publishes N readings at
 * once, for benchmarks); each output change is published,
 * retained, on sensors/<hostname>/output. sensors/<hostname>/status is
 * "online" (retained) while connected and "offline" as its last will. Its
 * current reading is served as JSON over HTTP, and it announces itself over
 * mDNS as <hostname>.local with _http._tcp.
 *
 * Arguments: mqtt=ADDR[:PORT] ([ADDR]:PORT for IPv6) hostname=NAME
 * period_ms=N qos=0|1 queue=N out=PIN in=PIN http=PORT (0: off).
 * The same words may come from /gateway/gateway.cfg on the volume fs= mounts
 * (the boot arguments win), and the TLS files from /gateway/ca.pem, cert.pem,
 * key.pem there (over the build's): files.c. Typing "stats" on the console
 * logs the counters.
 *   make run SERVICE=gateway (with a broker on the host's port 1883), then:
 *   mosquitto_sub -v -t 'sensors/#'; mosquitto_pub -t actuators/mote/output -m on
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mote/mote.h>
#include <mote/mqtt.h>
#include <mote/tls.h>

#include <http/http.h>

#include "files.h"
#include "gateway.h"

#define DEFAULT_HOSTNAME  "mote"
#define DEFAULT_PERIOD_MS 5000
#define DEFAULT_OUT_PIN   4 /* a general-purpose pin on the Pi (header pin 7) and on virt's PL061 */
#define DEFAULT_HTTP_PORT 80
#define HTTPS_PORT        443
#define ARG_MAX           64
#define TOPIC_MAX         MOTE_MQTT_TOPIC_MAX
#define JSON_MAX          256
#define HTTP_IN_MAX       2048
#define HTTP_IDLE_NS      (10 * MOTE_NS_PER_S)
#define HTTP_HEADER_MAX   256
#define STATUS_OK         200
#define STATUS_NOT_FOUND  404
#define NO_PIN            (-1)
#define CONSOLE_LINE_MAX  16
#define BURST_TICK_NS     MOTE_NS_PER_MS

static struct {
    char broker[ARG_MAX];
    uint16_t broker_port;
    bool tls;                  /* mqtts=: TLS with the build's CA */
    char server_name[ARG_MAX]; /* mqtt_name=: what the broker's certificate names */
    char hostname[GATEWAY_HOSTNAME_MAX + 1];
    uint64_t period_ms;
    int qos;
    unsigned queue_max;
    int out_pin, in_pin;
    uint16_t http_port;
} cfg;

static int client = -1;
static int sample_timer;
static struct gateway_reading last;
static uint64_t seq, edges, commands, rejected;
static char prefix[TOPIC_MAX + 1]; /* actuators/<hostname>/ */
static char reading_topic[TOPIC_MAX + 1], output_topic[TOPIC_MAX + 1], status_topic[TOPIC_MAX + 1];

/* mqtt=ADDR[:PORT] or [ADDR]:PORT: the address text and port. Returns 0 or -EINVAL. */
static int parse_broker(const char *val, char *addr, size_t max, uint16_t *port,
                        uint16_t default_port)
{
    *port = default_port;
    const char *colon = strrchr(val, ':');
    size_t len = strlen(val);
    if (val[0] == '[') { /* [IPv6]:PORT */
        const char *close = strchr(val, ']');
        if (!close || close[1] != ':')
            return -EINVAL;
        struct mote_endpoint ep;
        if (mote_endpoint_parse(val, &ep) != 0)
            return -EINVAL;
        *port = ep.port;
        len = (size_t)(close - val - 1);
        val++;
    } else if (colon && strchr(val, ':') == colon) { /* IPv4:PORT */
        struct mote_endpoint ep;
        if (mote_endpoint_parse(val, &ep) != 0)
            return -EINVAL;
        *port = ep.port;
        len = (size_t)(colon - val);
    }
    if (len == 0 || len >= max)
        return -EINVAL;
    memcpy(addr, val, len);
    addr[len] = '\0';
    return 0;
}

static int u64_arg(const char *args, const char *key, uint64_t def, uint64_t min, uint64_t max,
                   uint64_t *out)
{
    *out = def;
    int err = mote_arg_get_u64(args, key, out);
    if (err == -EINVAL || *out < min || *out > max) {
        mote_log(MOTE_LOG_ERROR, "gateway: %s: expected a number from %llu to %llu", key,
                 (unsigned long long)min, (unsigned long long)max);
        return -EINVAL;
    }
    return 0;
}

/*
 * The configuration, from the boot arguments. Returns 0 or -EINVAL (logged).
 * The file system's configuration would be read here, before the arguments.
 */
static int gateway_config(const char *args)
{
    char val[ARG_MAX];
    cfg.broker[0] = '\0';
    cfg.tls = mote_arg_get(args, "mqtts", val, sizeof(val)) >= 0;
    if ((cfg.tls || mote_arg_get(args, "mqtt", val, sizeof(val)) >= 0) &&
        parse_broker(val, cfg.broker, sizeof(cfg.broker), &cfg.broker_port,
                     cfg.tls ? MOTE_MQTT_TLS_PORT : MOTE_MQTT_PORT) != 0) {
        mote_log(MOTE_LOG_ERROR, "gateway: %s=%s: expected ADDR[:PORT] or [ADDR]:PORT",
                 cfg.tls ? "mqtts" : "mqtt", val);
        return -EINVAL;
    }
    cfg.server_name[0] = '\0';
    if (mote_arg_get(args, "mqtt_name", cfg.server_name, sizeof(cfg.server_name)) == -ENOSPC) {
        mote_log(MOTE_LOG_ERROR, "gateway: mqtt_name=: at most %d bytes", ARG_MAX - 1);
        return -EINVAL;
    }
    strcpy(cfg.hostname, DEFAULT_HOSTNAME);
    if (mote_arg_get(args, "hostname", val, sizeof(val)) >= 0) {
        if (!gateway_hostname_valid(val)) {
            mote_log(MOTE_LOG_ERROR, "gateway: hostname=%s: expected 1 to %d letters, digits and -",
                     val, GATEWAY_HOSTNAME_MAX);
            return -EINVAL;
        }
        strcpy(cfg.hostname, val);
    }
    uint64_t v;
    if (u64_arg(args, "period_ms", DEFAULT_PERIOD_MS, GATEWAY_PERIOD_MIN_MS, GATEWAY_PERIOD_MAX_MS,
                &cfg.period_ms) ||
        u64_arg(args, "qos", 1, 0, 1, &v))
        return -EINVAL;
    cfg.qos = (int)v;
    if (u64_arg(args, "queue", MOTE_MQTT_QUEUE_DEFAULT, 1, MOTE_MQTT_QUEUE_MAX, &v))
        return -EINVAL;
    cfg.queue_max = (unsigned)v;
    if (u64_arg(args, "out", DEFAULT_OUT_PIN, 0, UINT32_MAX, &v))
        return -EINVAL;
    cfg.out_pin = (int)v;
    cfg.in_pin = NO_PIN;
    if (mote_arg_get(args, "in", val, sizeof(val)) >= 0) {
        if (u64_arg(args, "in", 0, 0, UINT32_MAX, &v))
            return -EINVAL;
        cfg.in_pin = (int)v;
    }
    if (u64_arg(args, "http", DEFAULT_HTTP_PORT, 0, UINT16_MAX, &v))
        return -EINVAL;
    cfg.http_port = (uint16_t)v;
    return 0;
}

static void publish(const char *topic, const char *text, bool retain)
{
    if (client <= 0)
        return;
    int err = mote_mqtt_publish(client, topic, text, strlen(text), cfg.qos, retain);
    if (err && err != -ENOTCONN)
        mote_log(MOTE_LOG_WARN, "gateway: publishing on %s failed: %s", topic, mote_strerror(err));
}

/* Takes a reading and publishes it. Returns mote_mqtt_publish's result (0 without a broker). */
static int take_reading(void)
{
    uint32_t noise;
    mote_random_bytes(&noise, sizeof(noise));
    last.seq = ++seq;
    last.uptime_ms = mote_time_ns() / MOTE_NS_PER_MS;
    last.temperature_mc = gateway_simulated_temperature(seq, noise);
    last.has_input = cfg.in_pin != NO_PIN;
    if (last.has_input) {
        last.input_level = mote_gpio_read((unsigned)cfg.in_pin);
        last.input_edges = edges;
    }
    char json[JSON_MAX];
    int len = gateway_reading_json(&last, json, sizeof(json));
    if (len < 0 || client <= 0)
        return 0;
    return mote_mqtt_publish(client, reading_topic, json, (size_t)len, cfg.qos, false);
}

static void sample(void *arg)
{
    (void)arg;
    int err = take_reading();
    if (err && err != -ENOTCONN)
        mote_log(MOTE_LOG_WARN, "gateway: publishing a reading failed: %s", mote_strerror(err));
}

/*
 * A burst: readings as fast as the connection takes them, without dropping
 * any (QoS 1: never more queued than the queue holds; QoS 0: until the
 * output buffer is full), then again after BURST_TICK_NS. For bench/mqtt.py.
 */
static struct {
    uint64_t left, total, start_ns;
} burst;

static void burst_step(void *arg)
{
    (void)arg;
    while (burst.left > 0) {
        struct mote_mqtt_stats st;
        if (cfg.qos == 1 && (mote_mqtt_stats(client, &st) != 0 || st.queued >= cfg.queue_max))
            break;
        if (take_reading() != 0) {
            seq--; /* not sent: its number is taken again */
            break;
        }
        burst.left--;
    }
    if (burst.left > 0) {
        mote_timer_after(BURST_TICK_NS, burst_step, NULL);
        return;
    }
    mote_log(MOTE_LOG_INFO, "gateway: burst of %llu readings handed to MQTT in %llu ms",
             (unsigned long long)burst.total,
             (unsigned long long)((mote_time_ns() - burst.start_ns) / MOTE_NS_PER_MS));
}

static void start_burst(uint32_t n)
{
    if (client <= 0 || burst.left > 0) {
        mote_log(MOTE_LOG_WARN, "gateway: burst refused: %s",
                 client <= 0 ? "no broker" : "one is under way");
        return;
    }
    burst.left = burst.total = n;
    burst.start_ns = mote_time_ns();
    mote_log(MOTE_LOG_INFO, "gateway: burst of %u readings at QoS %d", n, cfg.qos);
    burst_step(NULL);
}

static void set_period(uint64_t ms)
{
    if (sample_timer > 0)
        mote_timer_cancel(sample_timer);
    cfg.period_ms = ms;
    sample_timer = mote_timer_every(ms * MOTE_NS_PER_MS, sample, NULL);
}

static void set_output(int level)
{
    int err = mote_gpio_write((unsigned)cfg.out_pin, level);
    if (err) {
        mote_log(MOTE_LOG_ERROR, "gateway: driving GPIO %d failed: %s", cfg.out_pin,
                 mote_strerror(err));
        return;
    }
    last.output_level = level;
    mote_log(MOTE_LOG_INFO, "gateway: output GPIO %d %s", cfg.out_pin, level ? "high" : "low");
    publish(output_topic, level ? "{\"output\":1}" : "{\"output\":0}", true);
}

static void on_command(int c, const char *topic, const void *payload, size_t len, void *arg)
{
    (void)c;
    (void)arg;
    struct gateway_command cmd;
    int err = gateway_command_parse(prefix, topic, payload, len, &cmd);
    if (err) {
        rejected++;
        mote_log(MOTE_LOG_WARN, "gateway: ignored a message on %s: %s", topic,
                 err == -ENOENT
                     ? "expected .../output or .../period_ms"
                     : "expected on/off/toggle for output, or 10..3600000 for period_ms");
        return;
    }
    commands++;
    if (cmd.kind == GATEWAY_SET_OUTPUT) {
        set_output(cmd.toggle ? !last.output_level : (int)cmd.value);
    } else if (cmd.kind == GATEWAY_BURST) {
        start_burst(cmd.value);
    } else {
        set_period(cmd.value);
        mote_log(MOTE_LOG_INFO, "gateway: sampling every %u ms", cmd.value);
    }
}

static void on_state(int c, bool connected, void *arg)
{
    (void)c;
    (void)arg;
    if (connected)
        publish(status_topic, "online", true);
}

static void on_edge(unsigned pin, unsigned seen, int level, void *arg)
{
    (void)pin;
    (void)seen;
    (void)level;
    (void)arg;
    edges++;
}

/* The current reading and the MQTT counters, as JSON. */
static int status_json(char *buf, size_t max)
{
    char reading[JSON_MAX];
    struct mote_mqtt_stats st = {0};
    if (client > 0)
        mote_mqtt_stats(client, &st);
    if (gateway_reading_json(&last, reading, sizeof(reading)) < 0)
        return -ENOSPC;
    int n = snprintf(buf, max,
                     "{\"hostname\":\"%s\",\"reading\":%s,\"mqtt\":{\"connected\":%s,"
                     "\"published\":%llu,\"queued\":%u,\"dropped\":%llu,\"received\":%llu},"
                     "\"commands\":%llu,\"rejected\":%llu}\n",
                     cfg.hostname, reading, st.connected ? "true" : "false",
                     (unsigned long long)st.published, st.queued, (unsigned long long)st.dropped,
                     (unsigned long long)st.received, (unsigned long long)commands,
                     (unsigned long long)rejected);
    return n < 0 || (size_t)n >= max ? -ENOSPC : n;
}

/* How an HTTP connection sends and closes: over TCP, or over TLS (HTTPS). */
struct http_transport {
    int (*send)(int conn, const void *data, size_t len);
    int (*close)(int conn);
};
static const struct http_transport tcp_transport = {mote_tcp_send, mote_tcp_close};
static const struct http_transport tls_transport = {mote_tls_send, mote_tls_close};

static size_t http_input(int conn, void *state, const void *in, size_t len, void *arg)
{
    const struct http_transport *t = arg;
    (void)state;
    struct http_request req;
    int r = http_parse_request(in, len, &req);
    if (r == 0)
        return 0;
    int status = r >= 400 ? r : STATUS_OK;
    char body[2 * JSON_MAX + HTTP_HEADER_MAX] = "";
    if (status == STATUS_OK && !(req.path_len == 1 && req.path[0] == '/') &&
        !(req.path_len == strlen("/reading") && memcmp(req.path, "/reading", req.path_len) == 0))
        status = STATUS_NOT_FOUND;
    int blen = status == STATUS_OK ? status_json(body, sizeof(body)) : 0;
    if (blen < 0)
        blen = 0;
    char head[HTTP_HEADER_MAX];
    int hlen = snprintf(head, sizeof(head),
                        "HTTP/1.1 %d %s\r\nServer: Mote gateway\r\nContent-Type: "
                        "application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n",
                        status, http_reason(status), blen);
    t->send(conn, head, (size_t)hlen);
    if (r == 1 && req.method == HTTP_GET)
        t->send(conn, body, (size_t)blen);
    t->close(conn);
    return len;
}

static const struct mote_tcp_server http_server = {
    .in_max = HTTP_IN_MAX,
    .idle_ns = HTTP_IDLE_NS,
    .input = http_input,
    .arg = (void *)&tcp_transport, /* only read */
};

static const struct mote_tcp_server https_server = {
    .in_max = HTTP_IN_MAX,
    .idle_ns = HTTP_IDLE_NS,
    .input = http_input,
    .arg = (void *)&tls_transport,
};

/* HTTPS on port 443 when the build embedded a certificate and its key. */
static void https_start(const struct mote_tls_credentials *cred)
{
    if (!cred->cert_len || !cred->key_len)
        return;
    /* The CA is the broker's (mqtts=): with it, the server would ask browsers for certificates. */
    struct mote_tls_credentials server = *cred;
    server.ca = NULL;
    server.ca_len = 0;
    struct mote_tls_config *config;
    int err = mote_tls_server_config(&server, &config);
    if (!err)
        err = mote_tls_serve(HTTPS_PORT, config, &https_server);
    if (err < 0)
        mote_log(MOTE_LOG_ERROR, "gateway: HTTPS on port %d: %s", HTTPS_PORT, mote_strerror(err));
    else
        mote_log(MOTE_LOG_INFO, "gateway: serving its reading over HTTPS on port %d", HTTPS_PORT);
}

/* The build's CA as a TLS client configuration for mqtts=, or NULL (logged). */
static struct mote_tls_config *mqtt_tls(const struct mote_tls_credentials *cred)
{
    struct mote_tls_config *config = NULL;
    int err = mote_tls_client_config(cred, &config);
    if (err) {
        mote_log(MOTE_LOG_ERROR,
                 "gateway: mqtts= needs the broker's CA in the image "
                 "(service_tls_ca or make TLS_CA=): %s",
                 mote_strerror(err));
        return NULL;
    }
    return config;
}

static void log_stats(void)
{
    struct mote_mqtt_stats st = {0};
    if (client > 0)
        mote_mqtt_stats(client, &st);
    mote_log(MOTE_LOG_INFO,
             "gateway: stats: connected %d, connects %llu, failures %llu, disconnects %llu, "
             "published %llu, queued %u, dropped %llu, received %llu, commands %llu, rejected %llu",
             st.connected, (unsigned long long)st.connects, (unsigned long long)st.failures,
             (unsigned long long)st.disconnects, (unsigned long long)st.published, st.queued,
             (unsigned long long)st.dropped, (unsigned long long)st.received,
             (unsigned long long)commands, (unsigned long long)rejected);
}

/* Console lines, as typed (the bytes may come one at a time). */
static void on_console(const char *data, size_t len, void *arg)
{
    static char line[CONSOLE_LINE_MAX];
    static size_t line_len;
    (void)arg;
    for (size_t i = 0; i < len; i++) {
        if (data[i] != '\r' && data[i] != '\n') {
            if (line_len < sizeof(line) - 1)
                line[line_len++] = data[i];
            continue;
        }
        line[line_len] = '\0';
        if (strcmp(line, "stats") == 0)
            log_stats();
        else if (line_len > 0)
            mote_log(MOTE_LOG_INFO, "gateway: unknown command \"%s\"; expected stats", line);
        line_len = 0;
    }
}

void service_start(const char *bootargs)
{
    /* The volume's configuration first, the boot arguments over it. */
    char *merged = gateway_files_config(bootargs);
    const char *args = merged ? merged : bootargs;
    int config_err = gateway_config(args);
    free(merged); /* gateway_config copied what it keeps */
    if (config_err != 0) {
        mote_log(MOTE_LOG_ERROR, "gateway: not started: fix the arguments above");
        return;
    }
    char filter[TOPIC_MAX + 1];
    snprintf(prefix, sizeof(prefix), "actuators/%s/", cfg.hostname);
    snprintf(filter, sizeof(filter), "actuators/%s/#", cfg.hostname);
    snprintf(reading_topic, sizeof(reading_topic), "sensors/%s/reading", cfg.hostname);
    snprintf(output_topic, sizeof(output_topic), "sensors/%s/output", cfg.hostname);
    snprintf(status_topic, sizeof(status_topic), "sensors/%s/status", cfg.hostname);
    mote_console_on_input(on_console, NULL);

    int err = mote_gpio_configure((unsigned)cfg.out_pin, MOTE_GPIO_OUTPUT, MOTE_GPIO_PULL_NONE);
    if (err)
        mote_log(MOTE_LOG_WARN, "gateway: output GPIO %d not usable: %s; commands will fail",
                 cfg.out_pin, mote_strerror(err));
    else
        mote_gpio_write((unsigned)cfg.out_pin, 0);
    if (cfg.in_pin != NO_PIN) {
        err = mote_gpio_configure((unsigned)cfg.in_pin, MOTE_GPIO_INPUT, MOTE_GPIO_PULL_UP);
        if (!err)
            err = mote_gpio_on_edge((unsigned)cfg.in_pin, MOTE_GPIO_EDGE_BOTH, on_edge, NULL);
        if (err)
            mote_log(MOTE_LOG_WARN, "gateway: input GPIO %d not usable: %s", cfg.in_pin,
                     mote_strerror(err));
    }

    if (cfg.http_port) {
        err = mote_tcp_serve(cfg.http_port, &http_server);
        if (err < 0)
            mote_log(MOTE_LOG_ERROR, "gateway: HTTP on port %u: %s", cfg.http_port,
                     mote_strerror(err));
        else if ((err = mote_mdns_announce("_http._tcp", cfg.http_port)) != 0)
            mote_log(MOTE_LOG_WARN, "gateway: mDNS: %s", mote_strerror(err));
    } else if ((err = mote_mdns_start()) != 0) {
        mote_log(MOTE_LOG_WARN, "gateway: mDNS: %s", mote_strerror(err));
    }
    struct mote_tls_credentials cred;
    mote_tls_build_credentials(&cred);
    gateway_files_credentials(&cred);
    if (cfg.http_port)
        https_start(&cred);
    struct mote_tls_config *tls = NULL;

    if (!cfg.broker[0]) {
        mote_log(MOTE_LOG_ERROR, "gateway: no broker: give mqtt=ADDR[:PORT] (or mqtts= for TLS); "
                                 "readings stay local");
    } else if (!cfg.tls || (tls = mqtt_tls(&cred)) != NULL) {
        struct mote_mqtt_config mc = {
            .broker = cfg.broker,
            .port = cfg.broker_port,
            .will_topic = status_topic,
            .will_message = "offline",
            .will_qos = 1,
            .will_retain = true,
            .queue_max = cfg.queue_max,
            .tls = tls,
            .tls_server_name = cfg.server_name[0] ? cfg.server_name : NULL,
        };
        client = mote_mqtt_connect(&mc, on_state, NULL);
        if (client < 0)
            mote_log(MOTE_LOG_ERROR, "gateway: MQTT not started: %s", mote_strerror(client));
        else
            mote_mqtt_subscribe(client, filter, 1, on_command, NULL);
    }
    set_period(cfg.period_ms);
    mote_log(MOTE_LOG_INFO, "gateway: %s sampling every %llu ms, QoS %d, output GPIO %d",
             cfg.hostname, (unsigned long long)cfg.period_ms, cfg.qos, cfg.out_pin);
}
