/* SPDX-License-Identifier: MIT */
/*
 * The timer queue: a binary min-heap of deadlines with stable handles, so a
 * timer can be cancelled in O(log n), even from its own callback. Timers with
 * the same deadline fire in the order they were added. Pure code: it knows no
 * clock and is unit-tested on the host.
 */
#ifndef KERNEL_TIMERQ_H
#define KERNEL_TIMERQ_H

#include <stdint.h>

#define TIMERQ_NONE UINT64_MAX /* next deadline of an empty queue */

typedef void (*timerq_fn)(void *arg);

struct timerq_slot {
    uint64_t deadline;
    uint64_t seq;    /* tie-break: insertion order */
    uint64_t period; /* 0 for one-shot */
    timerq_fn fn;
    void *arg;
    uint32_t heap_index; /* position in the heap, or the next free slot when free */
    uint16_t generation;
    uint8_t in_use;
};

struct timerq {
    struct timerq_slot *slots;
    uint32_t *heap; /* slot indices, heap-ordered by (deadline, seq) */
    uint32_t capacity;
    uint32_t count;
    uint32_t free_head; /* first free slot; valid when count < capacity */
    uint64_t next_seq;
};

/* A timer that is due: what to call. */
struct timerq_fire {
    timerq_fn fn;
    void *arg;
};

void timerq_init(struct timerq *q);
void timerq_free(struct timerq *q);

/*
 * Adds a timer due at deadline; period > 0 makes it repeat. Returns a handle
 * > 0, -EINVAL if fn is NULL, or -ENOMEM if the queue cannot grow.
 */
int timerq_add(struct timerq *q, uint64_t deadline, uint64_t period, timerq_fn fn, void *arg);

/* Cancels a pending timer. Returns 0, or -ENOENT for a handle that is not pending. */
int timerq_cancel(struct timerq *q, int handle);

/* The earliest deadline, or TIMERQ_NONE. Inline: the event loop asks on every pass. */
static inline uint64_t timerq_next_deadline(const struct timerq *q)
{
    return q->count ? q->slots[q->heap[0]].deadline : TIMERQ_NONE;
}

/*
 * If a timer is due at now, takes it: a one-shot leaves the queue, a periodic
 * one is re-armed one period later (missed periods are skipped, never
 * replayed). Returns 1 and fills *out, or 0 when nothing is due.
 */
int timerq_pop_due(struct timerq *q, uint64_t now, struct timerq_fire *out);

#endif
