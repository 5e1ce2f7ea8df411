/* SPDX-License-Identifier: MIT */
/*
 * Readings kept on the volume while the broker is unreachable, sent when it is
 * back (spool.c). One JSON reading per line in /gateway/spool.jsonl, the file
 * closed after each line, so every reading written before a power cut is still
 * there after it. A file left by an earlier boot is sent too. Delivery is at
 * least once: a reading sent and then cut off by a lost connection or a
 * power cut before the file is removed may arrive twice (its seq and uptime
 * say which).
 */
#ifndef GATEWAY_SPOOL_H
#define GATEWAY_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPOOL_PATH      "/gateway/spool.jsonl"
#define SPOOL_MAX_BYTES (1024 * 1024) /* readings beyond this wait in no file: counted, logged */

/* Whether readings can be kept: a volume is mounted read-write. Logs what it finds. */
bool spool_start(void);

/* Appends one reading (len bytes of JSON, no newline). Returns 0, -ENOSPC past the bound, or the
 * file system's error; either way counted, the first failure of a run logged. */
int spool_append(const char *json, size_t len);

/*
 * The broker is back: sends what the file holds on topic at QoS 1, a few at a
 * time so the client's queue (queue_max) never overflows, then removes the
 * file. Stops where it is when the connection goes again (spool_pause).
 */
void spool_replay(int client, const char *topic, unsigned queue_max);

/* The connection went: the replay waits for the next spool_replay. */
void spool_pause(void);

/* What the spool did since boot. */
struct spool_stats {
    uint64_t kept;    /* readings written to the file */
    uint64_t sent;    /* readings handed to MQTT from the file */
    uint64_t dropped; /* readings that found the file full or the volume failing */
};
void spool_stats(struct spool_stats *st);

#endif
