/* SPDX-License-Identifier: MIT */
/*
 * Split virtqueues, the driver's side (virtio spec v1.2 §2.7): a descriptor
 * table, the available ring the driver fills and the used ring the device
 * fills, in one piece of memory with the legacy layout (§2.7.2 "Legacy
 * Interfaces: A Note on Virtqueue Layout"), which also meets the modern
 * alignment rules, so both transports use it. VIRTIO_F_EVENT_IDX (§2.7.7,
 * §2.7.10) is supported; indirect descriptors and packed rings are not.
 *
 * Pure code: no allocation and no device registers (the transport owns both),
 * so it builds and is unit-tested on the host. Everything the device can
 * write (the used ring) is validated before use; the free list and the chains
 * are kept in private copies, never read back from the shared table.
 * Ring fields are little-endian (modern) or guest-endian (legacy): the same
 * on AArch64 little-endian, and on the hosts the tests run on.
 */
#ifndef DRIVERS_VIRTIO_VIRTQ_H
#define DRIVERS_VIRTIO_VIRTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VIRTQ_SIZE_MAX     256  /* descriptors per queue Mote uses (the spec allows 32768) */
#define VIRTQ_LEGACY_ALIGN 4096 /* where the used ring starts in the legacy layout */

/* §2.7.5 The Virtqueue Descriptor Table */
struct virtq_desc {
    uint64_t addr; /* physical address of the buffer */
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};
/* clang-format off */
#define   VIRTQ_DESC_F_NEXT  1u /* the chain continues in next */
#define   VIRTQ_DESC_F_WRITE 2u /* device-writable (else device-readable) */
/* clang-format on */

/* §2.7.6 The Virtqueue Available Ring; used_event follows ring[size] */
struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[];
};
/* clang-format off */
#define   VIRTQ_AVAIL_F_NO_INTERRUPT 1u /* without EVENT_IDX: please do not interrupt */
/* clang-format on */

/* §2.7.8 The Virtqueue Used Ring; avail_event follows ring[size] */
struct virtq_used_elem {
    uint32_t id;  /* head of the chain the device is done with */
    uint32_t len; /* bytes it wrote into the chain's writable part */
};
struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[];
};
/* clang-format off */
#define   VIRTQ_USED_F_NO_NOTIFY 1u /* without EVENT_IDX: no need to notify */
/* clang-format on */

/* One piece of a buffer: device-readable or device-writable memory. */
struct virtq_seg {
    void *buf; /* physical == virtual in Mote */
    uint32_t len;
};

struct virtq {
    uint16_t size;  /* descriptors, a power of two */
    uint16_t index; /* queue number on its device; the transport sets it, for notify */
    bool event_idx; /* VIRTIO_F_EVENT_IDX negotiated */
    volatile struct virtq_desc *desc;
    volatile struct virtq_avail *avail;
    volatile struct virtq_used *used;
    volatile uint16_t *used_event;  /* in the available ring: interrupt me after this */
    volatile uint16_t *avail_event; /* in the used ring: notify me after this */

    uint16_t free_head;   /* first free descriptor */
    uint16_t num_free;    /* descriptors on the free list */
    uint16_t avail_idx;   /* the driver's copy of avail->idx */
    uint16_t kicked_idx;  /* avail_idx when the device was last considered for notify */
    uint16_t last_used;   /* next used-ring entry to collect */
    uint16_t dev_invalid; /* used entries rejected as malformed */

    /* Per descriptor, private to the driver: */
    uint16_t next[VIRTQ_SIZE_MAX];      /* free list and chain links */
    uint16_t chain_len[VIRTQ_SIZE_MAX]; /* for a chain head: descriptors in the chain */
    uint32_t in_len[VIRTQ_SIZE_MAX];    /* for a chain head: writable bytes offered */
    void *cookie[VIRTQ_SIZE_MAX];       /* for a chain head: the caller's token; NULL = free */
    /*
     * The device address last written into each descriptor, and the buffer it
     * was for: drivers offer the same buffers again and again, and the free
     * list hands a chain's descriptors back out first, so most offers find
     * their translation here instead of asking dma_addr.
     */
    const void *dma_buf[VIRTQ_SIZE_MAX];
    uint64_t dma_paddr[VIRTQ_SIZE_MAX];
};

/* Bytes of ring memory a queue of size descriptors needs (legacy layout). */
size_t virtq_mem_size(uint16_t size);

/*
 * Lays a queue of size descriptors (a power of two, 1..VIRTQ_SIZE_MAX) over mem,
 * which must be VIRTQ_LEGACY_ALIGN-aligned and virtq_mem_size(size) bytes; it is
 * zeroed here. Returns 0, or -EINVAL for a bad size or misaligned mem.
 */
int virtq_init(struct virtq *vq, uint16_t size, void *mem, bool event_idx);

/* Where each ring starts, as the transport tells the device. */
uint64_t virtq_desc_paddr(const struct virtq *vq);
uint64_t virtq_avail_paddr(const struct virtq *vq);
uint64_t virtq_used_paddr(const struct virtq *vq);

/*
 * Offers one buffer: the first n_out segments device-readable, the next n_in
 * device-writable, as one descriptor chain, and publishes it in the available
 * ring. cookie (not NULL) comes back from virtq_get_used. Returns 0, -EINVAL
 * for no segments, an empty segment or a NULL cookie, or -ENOSPC when fewer than
 * n_out + n_in descriptors are free.
 */
int virtq_add_buffer(struct virtq *vq, const struct virtq_seg *segs, unsigned n_out, unsigned n_in,
                     void *cookie);

/*
 * After one or more virtq_add_buffer: true if the device asked to be told
 * (avail_event with EVENT_IDX, else the used ring's NO_NOTIFY flag); then the
 * transport writes its notify register.
 */
bool virtq_needs_notify(struct virtq *vq);

/*
 * Collects the oldest buffer the device is done with: *cookie and *len (bytes
 * the device wrote). Returns 1, 0 when there is none, or -EIO when the device
 * names a descriptor that is not an offered chain head or claims to have
 * written more than was offered (the entry is skipped and counted in dev_invalid).
 * Inline for the common answer, "none": drivers ask until they get it.
 */
int virtq_collect_used(struct virtq *vq, void **cookie, uint32_t *len);
static inline int virtq_get_used(struct virtq *vq, void **cookie, uint32_t *len)
{
    if (vq->used->idx == vq->last_used)
        return 0;
    return virtq_collect_used(vq, cookie, len);
}

/*
 * Asks for an interrupt at the next used buffer (used_event = last_used with
 * EVENT_IDX). Returns true if buffers arrived meanwhile: collect them again,
 * or one may be missed.
 */
bool virtq_enable_interrupt(struct virtq *vq);

/*
 * Asks the device not to interrupt for used buffers: the NO_INTERRUPT flag,
 * or with EVENT_IDX used_event one behind last_used, which the device passes
 * only after 65,535 more buffers (§2.7.10): at most one stray interrupt per
 * wrap of the index. For a queue the driver collects on its own schedule
 * (transmit buffers reclaimed on the send path); virtq_enable_interrupt undoes it.
 */
void virtq_disable_interrupt(struct virtq *vq);

/*
 * Buffers offered and not yet collected (published avail entries minus
 * collected used entries). Pure arithmetic on the driver's own copies.
 */
static inline uint16_t virtq_outstanding(const struct virtq *vq)
{
    return (uint16_t)(vq->avail_idx - vq->last_used);
}

/*
 * A watchdog's view of one queue (a device may lose a notification, and an
 * interrupt may be lost or never sent: a driver must not wait forever). The
 * caller checks it from a timer; between two checks the driver should have
 * collected something if the device did its part.
 */
struct virtq_watch {
    uint16_t last_used; /* vq->last_used at the previous check */
    uint16_t used_idx;  /* the device's used idx at the previous check */
    uint16_t avail_idx; /* vq->avail_idx at the previous check */
};

enum virtq_stall {
    VIRTQ_IDLE,           /* nothing outstanding: nothing to watch */
    VIRTQ_PROGRESS,       /* the driver collected since the last check */
    VIRTQ_WAITING,        /* outstanding for less than a period, or the device is moving */
    VIRTQ_LOST_INTERRUPT, /* used entries waited a whole period uncollected: collect them */
    VIRTQ_LOST_NOTIFY,    /* buffers offered a period ago, none used since: notify again */
};
/*
 * VIRTQ_LOST_NOTIFY on a queue the device uses only when it has something
 * (receive, console input) is also the idle state: there the caller decides
 * whether the device can be waiting for a notification (it had run out).
 */

/* Starts watching: the next check compares with the queue as it is now. */
void virtq_watch_reset(struct virtq_watch *w, const struct virtq *vq);

/*
 * One watchdog period's verdict on vq (see enum virtq_stall), and the state
 * for the next one. Reads the device's used idx once; writes nothing shared.
 */
enum virtq_stall virtq_watch_check(struct virtq_watch *w, const struct virtq *vq);

/*
 * §2.7.10: true if a ring index moving from old_idx to new_idx passes event_idx,
 * so the other side asked to be told. All in 16-bit wrapping arithmetic.
 */
static inline bool virtq_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx)
{
    return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old_idx);
}

#endif
