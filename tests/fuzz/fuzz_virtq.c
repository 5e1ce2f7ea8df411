// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the driver's side of a split virtqueue
 * (drivers/virtio/virtq.c) against a device that writes anything into the
 * used ring: ids out of range or of chains never offered, lengths longer than
 * offered, the used index jumping anywhere, avail_event and flags at random.
 * The input is a script of driver and device steps. Checked after each step:
 * every buffer comes back at most once and only while offered, the
 * descriptors on the free list plus those in offered chains are exactly the
 * queue, and the free list is a list of distinct in-range descriptors.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtio/virtq.h"
#include "tests/fuzz/fuzz_script.h"

#define SEG_BYTES 64 /* each segment's length; the memory is never touched */
#define SEGS_MAX  6  /* up to 3 device-readable and 3 device-writable per chain */

enum step {
    STEP_ADD,          /* driver: offer a chain (counts from the next byte) */
    STEP_DEVICE_USE,   /* device: write one used entry (id, len) and advance idx */
    STEP_DEVICE_IDX,   /* device: set the used idx to anything */
    STEP_COLLECT,      /* driver: collect everything the device reports */
    STEP_ENABLE_IRQ,   /* driver: ask for an interrupt */
    STEP_NOTIFY,       /* driver: decide whether to notify */
    STEP_DEVICE_EVENT, /* device: set avail_event and the used flags */
    STEP_WATCH,        /* driver: a watchdog period */
    STEP_COUNT
};

/* The model: which tokens are offered and how many descriptors each holds. */
static uint8_t offered[VIRTQ_SIZE_MAX];     /* token -> chain length, 0 = not offered */
static uint32_t offered_in[VIRTQ_SIZE_MAX]; /* token -> device-writable bytes */
static uint8_t tokens[VIRTQ_SIZE_MAX + 1];  /* cookies point here: token = cookie - tokens */

static void check_queue(const struct virtq *vq)
{
    unsigned held = 0;
    for (unsigned t = 0; t < VIRTQ_SIZE_MAX; t++)
        held += offered[t];
    if (vq->num_free + held != vq->size)
        abort();
    static bool seen[VIRTQ_SIZE_MAX];
    memset(seen, 0, sizeof(seen));
    uint16_t d = vq->free_head;
    for (unsigned i = 0; i < vq->num_free; i++) {
        if (d >= vq->size || seen[d])
            abort();
        seen[d] = true;
        d = vq->next[d];
    }
}

static void collect(struct virtq *vq)
{
    void *cookie;
    uint32_t len;
    int r;
    /* A device can claim at most 2^16 entries; anything past that is a driver loop. */
    for (unsigned i = 0; i <= UINT16_MAX; i++) {
        r = virtq_get_used(vq, &cookie, &len);
        if (r == 0)
            return;
        if (r < 0)
            continue;
        ptrdiff_t t = (uint8_t *)cookie - tokens;
        if (t < 0 || t >= VIRTQ_SIZE_MAX || offered[t] == 0 || len > offered_in[t])
            abort();
        offered[t] = 0;
    }
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct script s = {data, size};
    uint8_t conf = next_u8(&s);
    uint16_t qsize = (uint16_t)(1u << (conf % 9)); /* 1 .. 256 */
    bool event_idx = conf & 0x80;

    static struct virtq vq;
    void *mem = aligned_alloc(VIRTQ_LEGACY_ALIGN, (virtq_mem_size(qsize) + VIRTQ_LEGACY_ALIGN - 1) &
                                                      ~(size_t)(VIRTQ_LEGACY_ALIGN - 1));
    if (!mem || virtq_init(&vq, qsize, mem, event_idx) != 0)
        abort();
    memset(offered, 0, sizeof(offered));
    struct virtq_watch watch;
    virtq_watch_reset(&watch, &vq);
    static uint8_t segmem[SEG_BYTES];
    struct virtq_seg segs[SEGS_MAX];
    for (unsigned i = 0; i < SEGS_MAX; i++)
        segs[i] = (struct virtq_seg){segmem, SEG_BYTES};

    while (s.left > 0) {
        switch (next_u8(&s) % STEP_COUNT) {
        case STEP_ADD: {
            uint8_t counts = next_u8(&s);
            unsigned n_out = counts & 3, n_in = (counts >> 2) & 3;
            unsigned t = 0;
            while (t < VIRTQ_SIZE_MAX && offered[t])
                t++;
            if (t == VIRTQ_SIZE_MAX)
                break;
            int r = virtq_add_buffer(&vq, segs, n_out, n_in, &tokens[t]);
            if (r == 0) {
                offered[t] = (uint8_t)(n_out + n_in);
                offered_in[t] = n_in * SEG_BYTES;
            } else if (n_out + n_in != 0 && r != -ENOSPC)
                abort();
            break;
        }
        case STEP_DEVICE_USE: {
            uint32_t id = next_u16(&s), len = next_u32(&s);
            volatile struct virtq_used_elem *e = &vq.used->ring[vq.used->idx & (qsize - 1)];
            e->id = id;
            e->len = len;
            vq.used->idx++;
            break;
        }
        case STEP_DEVICE_IDX: vq.used->idx = next_u16(&s); break;
        case STEP_COLLECT: collect(&vq); break;
        case STEP_ENABLE_IRQ:
            if (virtq_enable_interrupt(&vq))
                collect(&vq);
            break;
        case STEP_NOTIFY: (void)virtq_needs_notify(&vq); break;
        case STEP_DEVICE_EVENT:
            *vq.avail_event = next_u16(&s);
            vq.used->flags = next_u16(&s);
            break;
        case STEP_WATCH:
            if (virtq_watch_check(&watch, &vq) == VIRTQ_LOST_INTERRUPT)
                collect(&vq);
            break;
        }
        check_queue(&vq);
    }
    free(mem);
    return 0;
}
