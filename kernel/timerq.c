// SPDX-License-Identifier: MIT
/* The timer queue, see timerq.h. */
#include "kernel/timerq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define INITIAL_CAPACITY 16
#define MAX_CAPACITY     0xffff /* handle = generation << 16 | (slot + 1) */
#define HANDLE_SLOT_BITS 16
#define GENERATION_MASK  0x7fff /* keeps handles positive */

static int handle_of(const struct timerq *q, uint32_t slot)
{
    return (int)((uint32_t)q->slots[slot].generation << HANDLE_SLOT_BITS | (slot + 1));
}

static int earlier(const struct timerq *q, uint32_t a, uint32_t b)
{
    const struct timerq_slot *x = &q->slots[a], *y = &q->slots[b];
    return x->deadline < y->deadline || (x->deadline == y->deadline && x->seq < y->seq);
}

static void heap_set(struct timerq *q, uint32_t pos, uint32_t slot)
{
    q->heap[pos] = slot;
    q->slots[slot].heap_index = pos;
}

static void sift_up(struct timerq *q, uint32_t pos)
{
    uint32_t slot = q->heap[pos];
    while (pos > 0) {
        uint32_t parent = (pos - 1) / 2;
        if (!earlier(q, slot, q->heap[parent]))
            break;
        heap_set(q, pos, q->heap[parent]);
        pos = parent;
    }
    heap_set(q, pos, slot);
}

static void sift_down(struct timerq *q, uint32_t pos)
{
    uint32_t slot = q->heap[pos];
    for (;;) {
        uint32_t child = 2 * pos + 1;
        if (child >= q->count)
            break;
        if (child + 1 < q->count && earlier(q, q->heap[child + 1], q->heap[child]))
            child++;
        if (!earlier(q, q->heap[child], slot))
            break;
        heap_set(q, pos, q->heap[child]);
        pos = child;
    }
    heap_set(q, pos, slot);
}

static void slot_release(struct timerq *q, uint32_t slot)
{
    q->slots[slot].in_use = 0;
    q->slots[slot].heap_index = q->free_head;
    q->free_head = slot;
}

static void heap_remove(struct timerq *q, uint32_t pos)
{
    uint32_t last = q->heap[--q->count];
    if (pos == q->count)
        return;
    heap_set(q, pos, last);
    sift_down(q, pos);
    sift_up(q, q->slots[last].heap_index);
}

static int grow(struct timerq *q)
{
    uint32_t cap = q->capacity ? q->capacity * 2 : INITIAL_CAPACITY;
    if (cap > MAX_CAPACITY)
        cap = MAX_CAPACITY;
    if (cap <= q->capacity)
        return -ENOMEM;
    struct timerq_slot *slots = realloc(q->slots, cap * sizeof(*slots));
    if (!slots)
        return -ENOMEM;
    q->slots = slots;
    uint32_t *heap = realloc(q->heap, cap * sizeof(*heap));
    if (!heap)
        return -ENOMEM;
    q->heap = heap;
    /* Grown only when full, so the new slots are the whole free list. */
    memset(&slots[q->capacity], 0, (cap - q->capacity) * sizeof(*slots));
    for (uint32_t i = q->capacity; i < cap; i++)
        slots[i].heap_index = i + 1; /* free slots chain through heap_index */
    q->free_head = q->capacity;
    q->capacity = cap;
    return 0;
}

void timerq_init(struct timerq *q)
{
    memset(q, 0, sizeof(*q));
}

void timerq_free(struct timerq *q)
{
    free(q->slots);
    free(q->heap);
    memset(q, 0, sizeof(*q));
}

int timerq_add(struct timerq *q, uint64_t deadline, uint64_t period, timerq_fn fn, void *arg)
{
    if (!fn)
        return -EINVAL;
    if (q->count == q->capacity) {
        int err = grow(q);
        if (err)
            return err;
    }
    uint32_t slot = q->free_head;
    struct timerq_slot *s = &q->slots[slot];
    q->free_head = s->heap_index;
    s->deadline = deadline;
    s->seq = q->next_seq++;
    s->period = period;
    s->fn = fn;
    s->arg = arg;
    s->in_use = 1;
    s->generation = (uint16_t)((s->generation + 1) & GENERATION_MASK);
    q->heap[q->count] = slot;
    s->heap_index = q->count++;
    sift_up(q, s->heap_index);
    return handle_of(q, slot);
}

int timerq_cancel(struct timerq *q, int handle)
{
    if (handle <= 0)
        return -ENOENT;
    uint32_t slot = ((uint32_t)handle & ((1u << HANDLE_SLOT_BITS) - 1)) - 1;
    if (slot >= q->capacity || !q->slots[slot].in_use || handle_of(q, slot) != handle)
        return -ENOENT;
    heap_remove(q, q->slots[slot].heap_index);
    slot_release(q, slot);
    return 0;
}

int timerq_pop_due(struct timerq *q, uint64_t now, struct timerq_fire *out)
{
    if (!q->count || q->slots[q->heap[0]].deadline > now)
        return 0;
    uint32_t slot = q->heap[0];
    struct timerq_slot *s = &q->slots[slot];
    out->fn = s->fn;
    out->arg = s->arg;
    if (s->period) {
        uint64_t missed = (now - s->deadline) / s->period;
        s->deadline += (missed + 1) * s->period;
        s->seq = q->next_seq++;
        sift_down(q, 0);
    } else {
        heap_remove(q, 0);
        slot_release(q, slot);
    }
    return 1;
}
