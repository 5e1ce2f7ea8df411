// SPDX-License-Identifier: MIT
/* The gateway's readings: the simulated sensor and their JSON. See gateway.h. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>

#include "gateway.h"

#define BASE_MC        21000 /* 21 degrees */
#define SWING_MC       2000  /* the wave goes 2 degrees either way */
#define WAVE_SAMPLES   120   /* samples per period of the wave */
#define NOISE_MC       250   /* noise up to a quarter degree either way */
#define MILLI_PER_UNIT 1000

int32_t gateway_simulated_temperature(uint64_t seq, uint32_t noise)
{
    int32_t phase = (int32_t)(seq % WAVE_SAMPLES), half = WAVE_SAMPLES / 2;
    /* Up for the first half, down for the second: -SWING..SWING. */
    int32_t tri = phase < half ? phase : WAVE_SAMPLES - phase;
    int32_t wave = tri * 2 * SWING_MC / half - SWING_MC;
    int32_t jitter = (int32_t)(noise % (2 * NOISE_MC + 1)) - NOISE_MC;
    return BASE_MC + wave + jitter;
}

int gateway_reading_json(const struct gateway_reading *r, char *buf, size_t max)
{
    int32_t t = r->temperature_mc;
    uint32_t mag = t < 0 ? (uint32_t)(-(int64_t)t) : (uint32_t)t;
    int n = snprintf(buf, max,
                     "{\"seq\":%" PRIu64 ",\"uptime_ms\":%" PRIu64 ",\"temperature_c\":%s%" PRIu32
                     ".%03" PRIu32 ",\"output\":%d",
                     r->seq, r->uptime_ms, t < 0 ? "-" : "", mag / MILLI_PER_UNIT,
                     mag % MILLI_PER_UNIT, r->output_level);
    if (n < 0 || (size_t)n >= max)
        return -ENOSPC;
    int m = r->has_input
                ? snprintf(buf + n, max - (size_t)n, ",\"input\":%d,\"edges\":%" PRIu64 "}",
                           r->input_level, r->input_edges)
                : snprintf(buf + n, max - (size_t)n, "}");
    if (m < 0 || (size_t)m >= max - (size_t)n)
        return -ENOSPC;
    return n + m;
}
