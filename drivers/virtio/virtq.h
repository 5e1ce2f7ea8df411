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

#include <errno.h>
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

/*
 * Barriers between this CPU and the device, which reads and writes the rings
 * from outside (QEMU: another host thread). Outer shareable covers any
 * observer. On the host (unit tests, fuzzing) the "device" is the same
 * thread, and only the compiler needs holding back.
 */
#if defined(__aarch64__)
#define virtq_wmb() __asm__ volatile("dmb oshst" ::: "memory") /* stores before stores */
#define virtq_rmb() __asm__ volatile("dmb oshld" ::: "memory") /* loads before loads */
#define virtq_mb()  __asm__ volatile("dmb osh" ::: "memory")   /* stores before loads */
#else
#define virtq_wmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virtq_rmb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define virtq_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#endif

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

static inline bool virtq_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old_idx);

/*
 * After one or more virtq_add_buffer (or virtq_publish): true if the device
 * asked to be told (avail_event with EVENT_IDX, else the used ring's
 * NO_NOTIFY flag); then the transport writes its notify register. Inline:
 * it runs once per transmitted frame.
 */
static inline bool virtq_needs_notify(struct virtq *vq)
{
    /*
     * §2.7.13.4.1: "a suitable memory barrier before reading flags or
     * avail_event". A full barrier (store-load): the device writes avail_event,
     * then re-reads avail idx (its side of the same handshake); without this
     * barrier both sides can read the other's old value and the notification
     * is lost for good. The watchdog (virtq_watch_check) covers a device or an
     * emulator that breaks the handshake anyway (QEMU before 8.1 elides guest
     * barriers under single-threaded TCG while its device thread runs).
     */
    virtq_mb();
    uint16_t old = vq->kicked_idx, now = vq->avail_idx;
    vq->kicked_idx = now;
    /* §2.7.10: with EVENT_IDX only avail_event counts; the flag is ignored. */
    if (vq->event_idx)
        return virtq_need_event(*vq->avail_event, now, old);
    return !(vq->used->flags & VIRTQ_USED_F_NO_NOTIFY);
}

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
 * Preset chains, for a driver that offers the same buffers over and over
 * (virtio-net): each buffer's descriptors are written and translated once
 * (virtq_fixed_chain), and offering the buffer again is one ring entry
 * (virtq_fixed_post), published together with the others of a pass
 * (virtq_publish); what the device is done with comes back through
 * virtq_fixed_take. No free list, no chain building and no address
 * translation on the data path. A queue is used either this way or through
 * virtq_add_buffer, never both: virtq_fixed_init empties the free list, so
 * virtq_add_buffer refuses with -ENOSPC. The watchdog (virtq_watch_*) and
 * the interrupt calls work the same on both kinds.
 */

/* Makes vq a queue of preset chains (see above); right after virtq_init. */
void virtq_fixed_init(struct virtq *vq);

/*
 * Writes one preset chain over descriptors head .. head + n_out + n_in - 1
 * (consecutive): the first n_out segments device-readable, the rest
 * device-writable, each translated (dma_addr) here, once. The chain is not
 * offered yet (the caller never writes over a chain it has offered). Returns
 * 0, or -EINVAL for no segments, an empty segment or a chain past the table.
 */
int virtq_fixed_chain(struct virtq *vq, uint16_t head, const struct virtq_seg *segs, unsigned n_out,
                      unsigned n_in);

/*
 * The buffers of the preset chain at head (not offered) moved by delta bytes
 * within memory the device sees as contiguous, such as one heap allocation
 * (the heap is one linear mapping of its RAM, arch/aarch64/aslr.c): a lent
 * buffer's place in a pool taken by a spare, with no translation.
 */
static inline void virtq_fixed_move(struct virtq *vq, uint16_t head, intptr_t delta)
{
    for (uint16_t d = head; d < head + vq->chain_len[head]; d++) {
        vq->dma_buf[d] = (const uint8_t *)vq->dma_buf[d] + delta;
        vq->dma_paddr[d] += (uint64_t)delta;
        vq->desc[d].addr = vq->dma_paddr[d];
    }
}

/* The buffer descriptor d of a preset chain points at (as set up, or moved). */
static inline void *virtq_fixed_buf(const struct virtq *vq, uint16_t d)
{
    return (void *)vq->dma_buf[d];
}

/*
 * Sets the length of descriptor d of a preset device-readable chain (not
 * offered): a transmit buffer's frame changes length every time.
 */
static inline void virtq_fixed_set_len(struct virtq *vq, uint16_t d, uint32_t len)
{
    vq->desc[d].len = len;
}

/*
 * Offers the preset chain at head (not offered) with cookie (not NULL), which
 * virtq_fixed_take hands back. The device sees it after virtq_publish.
 */
static inline void virtq_fixed_post(struct virtq *vq, uint16_t head, void *cookie)
{
    vq->cookie[head] = cookie;
    vq->avail->ring[vq->avail_idx & (vq->size - 1)] = head;
    vq->avail_idx++;
}

/* Publishes the ring entries posted since the last call (avail idx). */
static inline void virtq_publish(struct virtq *vq)
{
    /*
     * §2.7.13.3.1: the ring entries (and the descriptors, if changed) must
     * be visible before the index that publishes them. Store-store.
     */
    virtq_wmb();
    vq->avail->idx = vq->avail_idx;
}

/*
 * virtq_publish and virtq_needs_notify in one, for a queue that publishes
 * and may notify on every offer (transmit): the driver's own fields are read
 * once, before the barriers, whose memory clobbers would otherwise have
 * them read again. Returns true if the device asked to be told.
 */
static inline bool virtq_publish_needs_notify(struct virtq *vq)
{
    uint16_t old = vq->kicked_idx, now = vq->avail_idx;
    bool event_idx = vq->event_idx;
    volatile struct virtq_avail *avail = vq->avail;
    const volatile uint16_t *avail_event = vq->avail_event;
    const volatile struct virtq_used *used = vq->used;
    vq->kicked_idx = now;
    virtq_wmb(); /* virtq_publish: entries before the index */
    avail->idx = now;
    virtq_mb(); /* virtq_needs_notify: the index before avail_event or the flags */
    if (event_idx)
        return virtq_need_event(*avail_event, now, old);
    return !(used->flags & VIRTQ_USED_F_NO_NOTIFY);
}

/*
 * The device's used idx, read once for a batch of virtq_fixed_take: entries
 * up to it are complete (§2.7.14: the index is read before the entries).
 */
static inline uint16_t virtq_used_idx(const struct virtq *vq)
{
    uint16_t idx = vq->used->idx;
    virtq_rmb();
    return idx;
}

/*
 * Whether id, as the device names it in a used entry, is the head of a chain
 * that is offered: within the table, and holding a cookie (free descriptors
 * and the other descriptors of a chain hold none).
 */
static inline bool virtq_chain_offered(const struct virtq *vq, uint32_t id)
{
    return id < vq->size && vq->cookie[id];
}

/*
 * The check of every used entry, shared by both kinds of queue
 * (virtq_collect_used, virtq_fixed_take): takes the oldest one, which the
 * caller knows is there and complete (the used idx read past it, then
 * virtq_rmb), and checks that it names an offered chain
 * (virtq_chain_offered) and that the device wrote no more than the chain
 * offered it. Fills *head, *cookie and *len (bytes written) and returns 1,
 * the chain no longer offered (its cookie cleared); or returns -EIO for a
 * bad entry, which is skipped and counted in dev_invalid. Inline: one per
 * received frame.
 */
static inline int virtq_used_take(struct virtq *vq, uint16_t *head, void **cookie, uint32_t *len)
{
    volatile struct virtq_used_elem *e = &vq->used->ring[vq->last_used & (vq->size - 1)];
    uint32_t id = e->id, written = e->len;
    vq->last_used++;
    if (!virtq_chain_offered(vq, id) || written > vq->in_len[id]) {
        vq->dev_invalid++;
        return -EIO;
    }
    *head = (uint16_t)id;
    *cookie = vq->cookie[id];
    *len = written;
    vq->cookie[id] = NULL;
    return 1;
}

/*
 * Takes the oldest used entry of a queue of preset chains; the caller knows
 * there is one (vq->last_used != virtq_used_idx). Fills *head, *cookie and
 * *len (bytes the device wrote) and returns 1, or returns -EIO when the
 * device names a descriptor that is not an offered chain head or claims to
 * have written more than the chain holds (virtq_used_take: skipped, counted
 * in dev_invalid). The chain is no longer offered: post it again, or leave it.
 */
static inline int virtq_fixed_take(struct virtq *vq, uint16_t *head, void **cookie, uint32_t *len)
{
    return virtq_used_take(vq, head, cookie, len);
}

/*
 * Takes every used entry of a queue of preset device-readable chains
 * (transmit buffers coming back), up to max (and a queue's worth), writing
 * the heads of the chains into heads. The length the device reports is not
 * looked at: it wrote nothing into them. Entries that name no offered chain
 * head are skipped and counted in dev_invalid. Returns how many heads were
 * written.
 */
unsigned virtq_fixed_reap(struct virtq *vq, uint16_t *restrict heads, unsigned max);

/*
 * The end of a pass that took used buffers and posted others, in one
 * handshake: publishes the posted ones (virtq_publish), asks for an interrupt
 * at the next used buffer (as virtq_enable_interrupt), and behind one full
 * barrier reads the device's side of both. Returns true if buffers were used
 * meanwhile (take them: no interrupt may come for them); *notify is whether
 * the device asked to be told of the new entries (as virtq_needs_notify).
 */
static inline bool virtq_end_pass(struct virtq *vq, bool *notify)
{
    virtq_wmb(); /* virtq_publish: entries before the index */
    uint16_t old = vq->kicked_idx, now = vq->avail_idx, last = vq->last_used;
    vq->avail->idx = now;
    vq->kicked_idx = now;
    if (vq->event_idx)
        *vq->used_event = last;
    else
        vq->avail->flags = 0;
    /*
     * One full barrier for both handshakes (store-load): the new avail idx
     * before avail_event is read (virtq_needs_notify), used_event before the
     * used idx is read again (virtq_enable_interrupt).
     */
    virtq_mb();
    if (vq->event_idx)
        *notify = virtq_need_event(*vq->avail_event, now, old);
    else
        *notify = !(vq->used->flags & VIRTQ_USED_F_NO_NOTIFY);
    return vq->used->idx != last;
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
