// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: preset chains on a split virtqueue (drivers/virtio/virtq.h,
 * virtq_fixed_*, as virtio-net uses them) against a device that writes
 * anything into the used ring: ids out of range, inside a chain, of chains
 * not offered or offered once and returned twice, lengths longer than the
 * chain, the used index jumping anywhere, avail_event and flags at random.
 * The input is a script of driver and device steps. Checked after each step:
 * a chain comes back only while offered and at most once per offer, with the
 * cookie it was offered with and no more bytes than it holds; every entry
 * the driver went past was such a chain or a bad entry it counted; the
 * descriptors of every chain are the ones it was preset (or moved) to.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/virtio/virtq.h"
#include "tests/fuzz/fuzz_script.h"

#define SEG_BYTES 64  /* each descriptor's length; the memory is never touched */
#define POOL_BUFS 512 /* buffers a chain may be moved over: two per descriptor */

enum step {
    STEP_POST,         /* driver: offer a chain that is not offered (by the next byte) */
    STEP_PUBLISH,      /* driver: publish the posted entries */
    STEP_DEVICE_USE,   /* device: write one used entry (id, len) and advance idx */
    STEP_DEVICE_IDX,   /* device: set the used idx to anything */
    STEP_TAKE,         /* driver: take what the device reports, a queue's worth at most */
    STEP_REAP,         /* driver: take it in bulk (virtq_fixed_reap) */
    STEP_END_PASS,     /* driver: publish, ask for an interrupt, decide on a notification */
    STEP_MOVE,         /* driver: move a chain that is not offered to another buffer */
    STEP_DEVICE_EVENT, /* device: set avail_event and the used flags */
    STEP_WATCH,        /* driver: a watchdog period */
    STEP_COUNT
};

/* The model, per chain (index k: head k * per). */
static bool offered[VIRTQ_SIZE_MAX];
static uint16_t at[VIRTQ_SIZE_MAX]; /* the pool buffer the chain's first segment is in */
static unsigned noffered;           /* posted (published or not) and not taken */
static uint8_t pool[POOL_BUFS][SEG_BYTES];

static void returned(unsigned per, uint16_t head, void *cookie, uint32_t len, bool writable)
{
    unsigned k = head / per;
    if (head % per || k >= VIRTQ_SIZE_MAX || !offered[k] || cookie != pool[at[k]] ||
        len > (writable ? per * SEG_BYTES : 0))
        abort();
    offered[k] = false;
    noffered--;
}

static void check(const struct virtq *vq, unsigned per, unsigned nchains)
{
    /* Every entry processed was a chain taken back or a bad entry counted. */
    if ((uint16_t)(noffered - virtq_outstanding(vq)) != vq->dev_invalid)
        abort();
    for (unsigned k = 0; k < nchains; k++)
        for (unsigned i = 0; i < per; i++)
            if (vq->desc[k * per + i].addr != (uintptr_t)pool[at[k] + i] ||
                vq->desc[k * per + i].len != SEG_BYTES)
                abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct script s = {data, size};
    uint8_t conf = next_u8(&s);
    uint16_t qsize = (uint16_t)(1u << (conf % 9)); /* 1 .. 256 */
    bool event_idx = conf & 0x80;
    unsigned per = conf & 0x40 ? 2 : 1; /* descriptors per chain */
    bool writable = conf & 0x20;        /* receive buffers, else transmit ones */
    unsigned nchains = qsize / per;

    static struct virtq vq;
    void *mem = aligned_alloc(VIRTQ_LEGACY_ALIGN, (virtq_mem_size(qsize) + VIRTQ_LEGACY_ALIGN - 1) &
                                                      ~(size_t)(VIRTQ_LEGACY_ALIGN - 1));
    if (!mem || virtq_init(&vq, qsize, mem, event_idx) != 0)
        abort();
    virtq_fixed_init(&vq);
    memset(offered, 0, sizeof(offered));
    noffered = 0;
    for (unsigned k = 0; k < nchains; k++) {
        struct virtq_seg segs[2];
        at[k] = (uint16_t)(k * per);
        for (unsigned i = 0; i < per; i++)
            segs[i] = (struct virtq_seg){pool[at[k] + i], SEG_BYTES};
        if (virtq_fixed_chain(&vq, (uint16_t)(k * per), segs, writable ? 0 : per,
                              writable ? per : 0) != 0)
            abort();
    }
    struct virtq_watch watch;
    virtq_watch_reset(&watch, &vq);

    while (s.left > 0) {
        switch (next_u8(&s) % STEP_COUNT) {
        case STEP_POST: {
            unsigned k = next_u8(&s) % (nchains ? nchains : 1);
            if (nchains && !offered[k]) {
                virtq_fixed_post(&vq, (uint16_t)(k * per), pool[at[k]]);
                offered[k] = true;
                noffered++;
            }
            break;
        }
        case STEP_PUBLISH: virtq_publish(&vq); break;
        case STEP_DEVICE_USE: {
            uint32_t id = next_u16(&s), len = next_u32(&s);
            volatile struct virtq_used_elem *e = &vq.used->ring[vq.used->idx & (qsize - 1)];
            e->id = id;
            e->len = len;
            vq.used->idx++;
            break;
        }
        case STEP_DEVICE_IDX: vq.used->idx = next_u16(&s); break;
        case STEP_TAKE: {
            unsigned n = (uint16_t)(virtq_used_idx(&vq) - vq.last_used);
            for (n = n < qsize ? n : qsize; n > 0; n--) {
                uint16_t head;
                void *cookie;
                uint32_t len;
                if (virtq_fixed_take(&vq, &head, &cookie, &len) == 1)
                    returned(per, head, cookie, len, writable);
            }
            break;
        }
        case STEP_REAP: {
            static uint16_t heads[VIRTQ_SIZE_MAX];
            unsigned max = next_u8(&s) % (VIRTQ_SIZE_MAX + 1);
            unsigned n = virtq_fixed_reap(&vq, heads, max);
            if (n > max)
                abort();
            /* The cookie was cleared: check by head, with the model's own; no length. */
            for (unsigned i = 0; i < n; i++)
                returned(per, heads[i], heads[i] % per ? NULL : pool[at[heads[i] / per]], 0,
                         writable);
            break;
        }
        case STEP_END_PASS: {
            bool notify;
            (void)virtq_end_pass(&vq, &notify);
            break;
        }
        case STEP_MOVE: {
            unsigned k = next_u8(&s) % (nchains ? nchains : 1);
            unsigned to = next_u8(&s) % (POOL_BUFS - per + 1);
            if (nchains && !offered[k]) {
                virtq_fixed_move(&vq, (uint16_t)(k * per), pool[to] - pool[at[k]]);
                at[k] = (uint16_t)to;
            }
            break;
        }
        case STEP_DEVICE_EVENT:
            *vq.avail_event = next_u16(&s);
            vq.used->flags = next_u16(&s);
            break;
        case STEP_WATCH: (void)virtq_watch_check(&watch, &vq); break;
        }
        check(&vq, per, nchains);
    }
    free(mem);
    return 0;
}
