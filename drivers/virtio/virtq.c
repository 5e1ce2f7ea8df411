// SPDX-License-Identifier: MIT
/*
 * Split virtqueues, the driver's side (virtio spec v1.2 §2.7), see virtq.h.
 * Indices into the rings are free-running 16-bit counters (§2.7.6, §2.7.8):
 * the slot is idx & (size - 1), and all differences are taken modulo 2^16.
 */
#include "drivers/virtio/virtq.h"

#include <errno.h>
#include <string.h>

#include "kernel/dma.h"

static size_t avail_bytes(uint16_t size)
{
    /* flags, idx, ring[size], used_event */
    return sizeof(uint16_t) * (3 + (size_t)size);
}

static size_t used_offset(uint16_t size)
{
    size_t end = sizeof(struct virtq_desc) * size + avail_bytes(size);
    return (end + VIRTQ_LEGACY_ALIGN - 1) & ~(size_t)(VIRTQ_LEGACY_ALIGN - 1);
}

size_t virtq_mem_size(uint16_t size)
{
    /* flags, idx, ring[size], avail_event */
    return used_offset(size) + sizeof(uint16_t) * 3 + sizeof(struct virtq_used_elem) * size;
}

int virtq_init(struct virtq *vq, uint16_t size, void *mem, bool event_idx)
{
    if (size == 0 || size > VIRTQ_SIZE_MAX || (size & (size - 1)) != 0 ||
        ((uintptr_t)mem & (VIRTQ_LEGACY_ALIGN - 1)) != 0)
        return -EINVAL;
    memset(vq, 0, sizeof(*vq));
    memset(mem, 0, virtq_mem_size(size));
    vq->size = size;
    vq->event_idx = event_idx;
    uint8_t *base = mem;
    vq->desc = (volatile struct virtq_desc *)base;
    vq->avail = (volatile struct virtq_avail *)(base + sizeof(struct virtq_desc) * size);
    vq->used = (volatile struct virtq_used *)(base + used_offset(size));
    vq->used_event = &vq->avail->ring[size];
    vq->avail_event = (volatile uint16_t *)&vq->used->ring[size];

    for (uint16_t i = 0; i + 1 < size; i++)
        vq->next[i] = i + 1;
    vq->free_head = 0;
    vq->num_free = size;
    return 0;
}

uint64_t virtq_desc_paddr(const struct virtq *vq)
{
    return dma_addr(vq->desc);
}

uint64_t virtq_avail_paddr(const struct virtq *vq)
{
    return dma_addr(vq->avail);
}

uint64_t virtq_used_paddr(const struct virtq *vq)
{
    return dma_addr(vq->used);
}

static int add_translating(struct virtq *vq, const struct virtq_seg *segs, unsigned n_out,
                           unsigned n_in, void *cookie);

/* Why an offer is refused, in the order the contract names them (cold path). */
static int refusal(const struct virtq *vq, const struct virtq_seg *segs, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        if (segs[i].len == 0)
            return -EINVAL;
    return n > vq->num_free ? -ENOSPC : 0;
}

int virtq_add_buffer(struct virtq *vq, const struct virtq_seg *segs, unsigned n_out, unsigned n_in,
                     void *cookie)
{
    unsigned n = n_out + n_in;
    if (n == 0 || n_out > VIRTQ_SIZE_MAX || n_in > VIRTQ_SIZE_MAX || !cookie)
        return -EINVAL;
    if (n > vq->num_free)
        return refusal(vq, segs, n);

    /*
     * One pass writes the chain into free descriptors, which the device does
     * not look at until the ring entry below publishes them: a refusal or a
     * buffer whose device address is not known yet (each is remembered per
     * descriptor, struct virtq) leaves before anything is published.
     * add_translating learns the addresses and comes back: a tail call, so
     * this path makes no call and keeps no frame.
     */
    volatile struct virtq_desc *desc = vq->desc;
    uint16_t head = vq->free_head, d = head;
    uint32_t in_len = 0;
    for (unsigned i = 0; i < n; i++) {
        uint32_t len = segs[i].len;
        if (len == 0)
            return -EINVAL;
        if (vq->dma_buf[d] != segs[i].buf)
            return add_translating(vq, segs, n_out, n_in, cookie);
        uint16_t flags = i + 1 < n ? VIRTQ_DESC_F_NEXT : 0;
        if (i >= n_out) {
            flags |= VIRTQ_DESC_F_WRITE;
            in_len += len;
        }
        desc[d].addr = vq->dma_paddr[d];
        desc[d].len = len;
        desc[d].flags = flags;
        desc[d].next = i + 1 < n ? vq->next[d] : 0;
        d = vq->next[d];
    }
    vq->free_head = vq->num_free == n ? 0 : d;
    vq->num_free = (uint16_t)(vq->num_free - n);
    vq->chain_len[head] = (uint16_t)n;
    vq->in_len[head] = in_len;
    vq->cookie[head] = cookie;

    uint16_t idx = vq->avail_idx;
    vq->avail->ring[idx & (vq->size - 1)] = head;
    /*
     * §2.7.13.3.1: "a suitable memory barrier before the idx update": the
     * descriptors and the ring entry must be visible before the index that
     * publishes them, or the device may read a stale chain. Store-store is enough.
     */
    virtq_wmb();
    vq->avail_idx = ++idx;
    vq->avail->idx = idx;
    return 0;
}

/* Learns the device addresses of a chain's buffers, then offers it (virtq_add_buffer). */
static __attribute__((noinline)) int add_translating(struct virtq *vq, const struct virtq_seg *segs,
                                                     unsigned n_out, unsigned n_in, void *cookie)
{
    for (unsigned i = 0, d = vq->free_head; i < n_out + n_in; i++, d = vq->next[d]) {
        vq->dma_buf[d] = segs[i].buf;
        vq->dma_paddr[d] = dma_addr(segs[i].buf);
    }
    return virtq_add_buffer(vq, segs, n_out, n_in, cookie);
}

/* Returns a chain's descriptors to the free list. */
static void free_chain(struct virtq *vq, uint16_t head)
{
    uint16_t tail = head;
    for (uint16_t i = 1; i < vq->chain_len[head]; i++)
        tail = vq->next[tail];
    vq->next[tail] = vq->num_free ? vq->free_head : 0;
    vq->free_head = head;
    vq->num_free = (uint16_t)(vq->num_free + vq->chain_len[head]);
    vq->cookie[head] = NULL; /* (virtq_used_take's chains have none already) */
    vq->chain_len[head] = 0;
}

/* virtq_get_used's part past the check for an empty ring. */
int virtq_collect_used(struct virtq *vq, void **cookie, uint32_t *len)
{
    /*
     * §2.7.14 (and §2.7.8.2 for the device): the device writes the entry,
     * then the index; read the index, then the entry (load-load barrier), or
     * the entry may be stale.
     */
    virtq_rmb();
    uint16_t head;
    int ok = virtq_used_take(vq, &head, cookie, len);
    if (ok < 0)
        return ok;
    free_chain(vq, head);
    return 1;
}

bool virtq_enable_interrupt(struct virtq *vq)
{
    if (vq->event_idx)
        *vq->used_event = vq->last_used;
    else
        vq->avail->flags = 0;
    /*
     * §2.7.7 / §2.7.14: the request (used_event, or the flag) must be visible
     * before the used idx is read again (store-load, full barrier): a buffer
     * the device used in between, having read the old used_event, sends no
     * interrupt, so the caller must see it here and collect it itself.
     */
    virtq_mb();
    return vq->used->idx != vq->last_used;
}

void virtq_disable_interrupt(struct virtq *vq)
{
    if (vq->event_idx)
        *vq->used_event = (uint16_t)(vq->last_used - 1);
    else
        vq->avail->flags = VIRTQ_AVAIL_F_NO_INTERRUPT;
}

void virtq_fixed_init(struct virtq *vq)
{
    vq->num_free = 0;
    vq->free_head = 0;
}

int virtq_fixed_chain(struct virtq *vq, uint16_t head, const struct virtq_seg *segs, unsigned n_out,
                      unsigned n_in)
{
    unsigned n = n_out + n_in;
    if (n == 0 || n > vq->size || head > vq->size - n)
        return -EINVAL;
    for (unsigned i = 0; i < n; i++)
        if (segs[i].len == 0)
            return -EINVAL;
    uint32_t in_len = 0;
    for (unsigned i = 0; i < n; i++) {
        uint16_t d = (uint16_t)(head + i);
        uint16_t flags = i + 1 < n ? VIRTQ_DESC_F_NEXT : 0;
        if (i >= n_out) {
            flags |= VIRTQ_DESC_F_WRITE;
            in_len += segs[i].len;
        }
        vq->dma_buf[d] = segs[i].buf;
        vq->dma_paddr[d] = dma_addr(segs[i].buf);
        vq->desc[d].addr = vq->dma_paddr[d];
        vq->desc[d].len = segs[i].len;
        vq->desc[d].flags = flags;
        vq->desc[d].next = i + 1 < n ? (uint16_t)(d + 1) : 0;
        /* Only the head names the chain: the others are never a valid used id. */
        vq->chain_len[d] = i == 0 ? (uint16_t)n : 0;
        vq->in_len[d] = 0;
    }
    vq->in_len[head] = in_len;
    return 0;
}

unsigned virtq_fixed_reap(struct virtq *vq, uint16_t *restrict heads, unsigned max)
{
    /* Locals: the loop stores nothing the compiler must assume they alias. */
    volatile struct virtq_used *used = vq->used;
    uint16_t size = vq->size, mask = (uint16_t)(size - 1), last = vq->last_used;
    unsigned todo = (uint16_t)(virtq_used_idx(vq) - last), n = 0;
    /* Bounded by the ring: a device that moves its index anywhere costs one queue's worth. */
    if (todo > size)
        todo = size;
    for (; todo > 0 && n < max; todo--, last++) {
        volatile struct virtq_used_elem *e = &used->ring[last & mask];
        uint32_t id = e->id; /* the length of what it wrote into a readable chain: nothing */
        if (!virtq_chain_offered(vq, id)) {
            vq->dev_invalid++;
            continue;
        }
        vq->cookie[id] = NULL;
        heads[n++] = (uint16_t)id;
    }
    vq->last_used = last;
    return n;
}

void virtq_watch_reset(struct virtq_watch *w, const struct virtq *vq)
{
    w->last_used = vq->last_used;
    w->used_idx = vq->used->idx;
    w->avail_idx = vq->avail_idx;
}

/*
 * Each verdict needs the condition to have held across a whole period
 * (seen at the previous check and still true), so that an interrupt or a
 * device thread merely in flight at the moment of the check is not taken
 * for a lost one.
 */
enum virtq_stall virtq_watch_check(struct virtq_watch *w, const struct virtq *vq)
{
    struct virtq_watch prev = *w;
    virtq_watch_reset(w, vq);
    if (virtq_outstanding(vq) == 0)
        return VIRTQ_IDLE;
    if (vq->last_used != prev.last_used)
        return VIRTQ_PROGRESS;
    /* Entries were ready at the previous check and none was collected since. */
    if (prev.used_idx != vq->last_used)
        return VIRTQ_LOST_INTERRUPT;
    /* The device held buffers at the previous check and has used none since. */
    if (w->used_idx == prev.used_idx && prev.avail_idx != prev.used_idx)
        return VIRTQ_LOST_NOTIFY;
    return VIRTQ_WAITING;
}
