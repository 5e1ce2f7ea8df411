/* SPDX-License-Identifier: MIT */
/*
 * The gateway's own parsing and formatting (command.c, reading.c): pure code
 * with no Mote calls, so the host unit tests and the fuzzer run it as the
 * image does. Commands arrive from the broker: outside input, checked here.
 */
#ifndef GATEWAY_H
#define GATEWAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GATEWAY_PERIOD_MIN_MS 10
#define GATEWAY_PERIOD_MAX_MS 3600000 /* an hour */
#define GATEWAY_HOSTNAME_MAX  63
#define GATEWAY_BURST_MAX     1000000 /* readings one burst command asks for */

enum gateway_command_kind {
    GATEWAY_SET_OUTPUT, /* the output pin: value 0 or 1, or toggle */
    GATEWAY_SET_PERIOD, /* the sampling period: value in ms */
    GATEWAY_BURST,      /* value readings at once, as fast as MQTT takes them (bench/mqtt.py) */
};

struct gateway_command {
    enum gateway_command_kind kind;
    bool toggle;    /* GATEWAY_SET_OUTPUT: invert the pin, value unused */
    uint32_t value; /* 0/1 for the output, milliseconds for the period, readings for a burst */
};

/*
 * Parses a message on topic, which must be under prefix ("actuators/<host>/",
 * with its trailing slash): prefix + "output" takes on, off, 1, 0, true,
 * false or toggle; prefix + "period_ms" a decimal number of milliseconds in
 * GATEWAY_PERIOD_MIN_MS..GATEWAY_PERIOD_MAX_MS; prefix + "burst" a decimal
 * number of readings in 1..GATEWAY_BURST_MAX. Spaces and a newline around
 * the value are ignored. Returns 0 with *cmd filled, -ENOENT for a topic that
 * is not one of these, -EINVAL for a value that is not one of these.
 */
int gateway_command_parse(const char *prefix, const char *topic, const void *payload, size_t len,
                          struct gateway_command *cmd);

/* Whether name is a host name usable in topics and mDNS: 1..63 of [A-Za-z0-9-], no leading '-'. */
bool gateway_hostname_valid(const char *name);

/* One sample of the simulated sensor (virt) or of an input pin and its counter (the Pi). */
struct gateway_reading {
    uint64_t seq;
    uint64_t uptime_ms;
    int32_t temperature_mc; /* milli-degrees Celsius */
    bool has_input;         /* an input pin is watched (in=) */
    int input_level;
    uint64_t input_edges;
    int output_level;
};

/*
 * Formats reading as one JSON object into buf (NUL-terminated). Returns its
 * length, or -ENOSPC if max bytes are too few.
 */
int gateway_reading_json(const struct gateway_reading *r, char *buf, size_t max);

/*
 * The simulated sensor's temperature at sample seq, with noise (a random
 * value, any): a slow triangle wave around 21 degrees, so that readings move.
 */
int32_t gateway_simulated_temperature(uint64_t seq, uint32_t noise);

#endif
