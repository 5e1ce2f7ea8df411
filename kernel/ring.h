/* SPDX-License-Identifier: MIT */
/*
 * The byte ring: a FIFO of bytes in a caller's power-of-two buffer, for
 * whatever one side produces and another consumes (console input, a debug
 * port's received bytes, the GDB stub's TCP bytes, queued syslog lines).
 *
 * The one concurrency rule: one producer and one consumer. Only the
 * producer calls ring_put/ring_write and moves head; only the consumer calls
 * ring_read/ring_peek/ring_skip and moves tail; each publishes its index
 * with release and reads the other's with acquire. So the two sides may run
 * in different contexts (an interrupt handler and the loop, or later two
 * cores) without locks or masking interrupts; but several producers (or
 * consumers) must take turns by other means (e.g. interrupts masked while
 * they write), as nothing here serializes them. ring_used and ring_space
 * may be called from either side; the answer may be stale by the time it is
 * read, but only in the safe direction for the caller's side.
 */
#ifndef KERNEL_RING_H
#define KERNEL_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ring {
    uint8_t *buf;
    uint32_t size; /* a power of two */
    uint32_t head; /* free-running: the producer's next write */
    uint32_t tail; /* free-running: the consumer's next read */
};

/* A ring over storage, an array whose size is a power of two: struct ring r = RING_INIT(a); */
#define RING_INIT(storage)                        \
    {                                             \
        .buf = (storage), .size = sizeof(storage) \
    }

/* Bytes queued. */
static inline uint32_t ring_used(const struct ring *r)
{
    return __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) -
           __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE);
}

/* Bytes that fit. */
static inline uint32_t ring_space(const struct ring *r)
{
    return r->size - ring_used(r);
}

/* Producer: appends all len bytes, or nothing when they do not fit. Returns whether it did. */
static inline bool ring_write(struct ring *r, const void *data, size_t len)
{
    uint32_t head = r->head;
    if (len > r->size - (head - __atomic_load_n(&r->tail, __ATOMIC_ACQUIRE)))
        return false;
    const uint8_t *p = data;
    for (size_t i = 0; i < len; i++)
        r->buf[(head + i) & (r->size - 1)] = p[i];
    __atomic_store_n(&r->head, head + (uint32_t)len, __ATOMIC_RELEASE);
    return true;
}

/* Producer: appends one byte; false (and nothing written) when the ring is full. */
static inline bool ring_put(struct ring *r, uint8_t c)
{
    return ring_write(r, &c, 1);
}

/* Consumer: copies up to len of the oldest bytes into buf without taking them; returns how many. */
static inline size_t ring_peek(const struct ring *r, void *buf, size_t len)
{
    uint32_t tail = r->tail;
    uint32_t used = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - tail;
    size_t n = len < used ? len : used;
    uint8_t *p = buf;
    for (size_t i = 0; i < n; i++)
        p[i] = r->buf[(tail + i) & (r->size - 1)];
    return n;
}

/* Consumer: drops up to n of the oldest bytes (all of them with n = ring_used). */
static inline void ring_skip(struct ring *r, size_t n)
{
    uint32_t tail = r->tail;
    uint32_t used = __atomic_load_n(&r->head, __ATOMIC_ACQUIRE) - tail;
    __atomic_store_n(&r->tail, tail + (uint32_t)(n < used ? n : used), __ATOMIC_RELEASE);
}

/* Consumer: takes up to len of the oldest bytes into buf; returns how many. */
static inline size_t ring_read(struct ring *r, void *buf, size_t len)
{
    size_t n = ring_peek(r, buf, len);
    ring_skip(r, n);
    return n;
}

#endif
