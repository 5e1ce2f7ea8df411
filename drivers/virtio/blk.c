// SPDX-License-Identifier: MIT
/*
 * virtio block device (virtio spec v1.2 §5.2), over virtio-mmio legacy or
 * modern. Each device registers as "virtio0", "virtio1"... in the order the
 * board found them, with its partitions (kernel/partition.c).
 *
 * Supported: capacity, the logical block size (VIRTIO_BLK_F_BLK_SIZE; Mote's
 * blocks are the device's logical blocks, its requests count 512-byte
 * sectors), read-only (VIRTIO_BLK_F_RO: writes fail with -EROFS before they
 * reach the device), flush (VIRTIO_BLK_F_FLUSH; without it the device has no
 * volatile cache to flush and a flush completes at once), segment limits
 * (SIZE_MAX, SEG_MAX: a large buffer is split into several descriptors), and
 * up to BLK_SLOTS requests in flight, completed from the event loop with
 * each request's status (IOERR -> -EIO, UNSUPP -> -EOPNOTSUPP).
 * Not supported: discard, write-zeroes, multiqueue, the device ID request.
 *
 * A device that goes quiet is not waited on: while requests are out, a
 * watchdog notifies again after a lost notification and collects after a lost
 * interrupt (virtq_watch_check); a request still unanswered after
 * BLK_TIMEOUT_NS fails with -ETIMEDOUT, and so does every other one: the
 * device is reset (so it can no longer write into their buffers) and taken
 * out of service (later requests: -ENODEV).
 *   QEMU: -drive if=none,id=disk0,format=raw,file=F -device virtio-blk-device,drive=disk0
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include <mote/log.h>
#include <mote/time.h>
#include <mote/timer.h>

#include "drivers/virtio/mmio.h"
#include "kernel/block.h"
#include "kernel/boothook.h"
#include "kernel/event.h"
#include "kernel/irq.h"

/* §5.2.3 Feature bits */
#define VIRTIO_BLK_F_SIZE_MAX 1 /* size_max: the largest segment */
#define VIRTIO_BLK_F_SEG_MAX  2 /* seg_max: the most data segments in a request */
#define VIRTIO_BLK_F_RO       5 /* read-only */
#define VIRTIO_BLK_F_BLK_SIZE 6 /* blk_size: the logical block size */
#define VIRTIO_BLK_F_FLUSH    9 /* the flush command (legacy: VIRTIO_BLK_F_WCE) */

/* §5.2.4 Device configuration layout */
#define VIRTIO_BLK_CFG_CAPACITY 0  /* le64, in 512-byte sectors whatever blk_size says */
#define VIRTIO_BLK_CFG_SIZE_MAX 8  /* le32 */
#define VIRTIO_BLK_CFG_SEG_MAX  12 /* le32 */
#define VIRTIO_BLK_CFG_BLK_SIZE 20 /* le32 */

/* §5.2.6 Device operation: a request is header, data, status byte */
#define VIRTIO_BLK_T_IN     0 /* read */
#define VIRTIO_BLK_T_OUT    1 /* write */
#define VIRTIO_BLK_T_FLUSH  4
#define VIRTIO_BLK_S_OK     0
#define VIRTIO_BLK_S_IOERR  1
#define VIRTIO_BLK_S_UNSUPP 2
#define VIRTIO_BLK_SECTOR   512 /* the unit of the header's sector and of capacity */

struct virtio_blk_req_hdr {
    uint32_t type;
    uint32_t reserved; /* legacy: ioprio */
    uint64_t sector;
};

#define BLK_QUEUE      0   /* requestq, §5.2.2 */
#define BLK_QUEUE_SIZE 128 /* descriptors */
#define BLK_SLOTS      32  /* requests in flight per device */
#define BLK_DATA_SEGS  8   /* data descriptors per request at most */
#define BLK_MAX_DEVS   8
#define BLK_BLOCK_MAX  65536 /* a blk_size above this (or not a power of two) is not believed */
/* The watchdog looks this often while requests are out; a request is failed after the timeout. */
#define BLK_WATCH_NS   (200 * MOTE_NS_PER_MS)
#define BLK_TIMEOUT_NS (30 * MOTE_NS_PER_S) /* generous: a host under load is slow, not dead */

/* One request in flight: its header and status byte live here, the device's to use. */
struct blk_slot {
    struct virtio_blk_req_hdr hdr;
    uint8_t status;
    struct block_req *req; /* NULL: free */
};

struct blk {
    struct block_dev bdev;
    struct virtio_dev *dev;
    struct virtq vq;
    int event;
    unsigned sectors_per_block;
    uint32_t size_max; /* bytes per data descriptor; 0: no limit */
    unsigned seg_max;  /* data descriptors per request */
    bool flush;        /* VIRTIO_BLK_F_FLUSH */
    bool dead;         /* reset after a timeout: out of service */
    bool watch_armed;
    uint64_t last_watch_ns;
    struct virtq_watch watch;
    unsigned long recovered, timeouts, bad_status;
    struct blk_slot slots[BLK_SLOTS];
};

static struct blk *blks[BLK_MAX_DEVS];
static unsigned nblks;

/* Interrupt context: acknowledge, note the event; the loop collects. */
static void blk_irq(void *arg)
{
    struct blk *b = arg;
    if (virtio_irq_ack(b->dev) & VIRTIO_INT_USED)
        event_raise(b->event);
}

static int status_to_errno(struct blk *b, uint8_t status)
{
    switch (status) {
    case VIRTIO_BLK_S_OK: return 0;
    case VIRTIO_BLK_S_IOERR: return -EIO;
    case VIRTIO_BLK_S_UNSUPP: return -EOPNOTSUPP;
    default: b->bad_status++; return -EIO; /* not a status the spec names */
    }
}

/*
 * Collects finished requests (event loop, or a synchronous caller's poll): at
 * most two queues' worth per call, so a device that keeps publishing cannot
 * hold the loop; if there may be more, the event is raised for the next round.
 */
static void blk_collect(struct blk *b)
{
    for (unsigned i = 0; i < 2u * b->vq.size; i++) {
        void *cookie;
        uint32_t len;
        int n = virtq_get_used(&b->vq, &cookie, &len);
        if (n == 0 && !virtq_enable_interrupt(&b->vq))
            return;
        if (n < 0)
            mote_log(MOTE_LOG_WARN, "virtio-blk: %s: bad used-ring entry ignored",
                     b->bdev.info.name);
        if (n <= 0)
            continue;
        struct blk_slot *slot = cookie;
        struct block_req *req = slot->req;
        slot->req = NULL;
        if (req)
            block_complete(req, status_to_errno(b, slot->status));
    }
    event_raise(b->event);
}

static void blk_event(void *arg)
{
    blk_collect(arg);
}

/*
 * The device held a request past BLK_TIMEOUT_NS. Resetting it is the only way
 * to be sure it will not write into the buffers of the requests failed here
 * later; the device stays out of service after that.
 */
static void blk_give_up(struct blk *b)
{
    virtio_reset(b->dev);
    b->dead = true;
    b->timeouts++;
    mote_log(MOTE_LOG_ERROR,
             "virtio-blk: %s: no answer for %llu s; device reset, its requests failed "
             "(-ETIMEDOUT), out of service",
             b->bdev.info.name, (unsigned long long)(BLK_TIMEOUT_NS / MOTE_NS_PER_S));
    for (unsigned i = 0; i < BLK_SLOTS; i++) {
        struct block_req *req = b->slots[i].req;
        b->slots[i].req = NULL;
        if (req)
            block_complete(req, -ETIMEDOUT);
    }
}

/* One watchdog look: recovers lost notifications and interrupts, fails a silent device. */
static void blk_watch_step(struct blk *b)
{
    uint64_t now = mote_time_ns();
    b->last_watch_ns = now;
    enum virtq_stall s = virtq_watch_check(&b->watch, &b->vq);
    if (s == VIRTQ_LOST_NOTIFY || s == VIRTQ_LOST_INTERRUPT) {
        if (b->recovered++ == 0)
            mote_log(MOTE_LOG_WARN, "virtio-blk: %s: device silent (lost %s); recovered",
                     b->bdev.info.name, s == VIRTQ_LOST_NOTIFY ? "notification" : "interrupt");
        if (s == VIRTQ_LOST_NOTIFY)
            virtio_queue_notify(b->dev, &b->vq);
        else
            blk_collect(b);
    }
    for (unsigned i = 0; i < BLK_SLOTS; i++)
        if (b->slots[i].req && now - b->slots[i].req->drv > BLK_TIMEOUT_NS) {
            blk_give_up(b);
            return;
        }
}

static void watch_arm(struct blk *b);

static void blk_watchdog(void *arg)
{
    struct blk *b = arg;
    b->watch_armed = false;
    if (b->dead || virtq_outstanding(&b->vq) == 0)
        return; /* nothing out: no timer until the next request */
    blk_watch_step(b);
    if (!b->dead && virtq_outstanding(&b->vq) != 0)
        watch_arm(b);
}

static void watch_arm(struct blk *b)
{
    if (b->watch_armed)
        return;
    if (mote_timer_after(BLK_WATCH_NS, blk_watchdog, b) < 0) {
        mote_log(MOTE_LOG_ERROR, "virtio-blk: %s: watchdog timer could not be armed",
                 b->bdev.info.name);
        return;
    }
    b->watch_armed = true;
}

/* A synchronous caller waits: collect, and keep the watchdog's schedule meanwhile. */
static void blk_poll(struct block_dev *bdev)
{
    struct blk *b = bdev->priv;
    if (b->dead)
        return;
    blk_collect(b);
    if (virtq_outstanding(&b->vq) != 0 && mote_time_ns() - b->last_watch_ns >= BLK_WATCH_NS)
        blk_watch_step(b);
}

/* Splits buf into data segments the device accepts. Returns how many, or -EINVAL. */
static int data_segments(const struct blk *b, void *buf, uint64_t len, struct virtq_seg *segs)
{
    unsigned n = 0;
    while (len > 0) {
        if (n == b->seg_max)
            return -EINVAL; /* larger than one request may be */
        uint64_t piece = len;
        if (b->size_max && piece > b->size_max)
            piece = b->size_max;
        if (piece > UINT32_MAX)
            piece = UINT32_MAX & ~(uint64_t)(VIRTIO_BLK_SECTOR - 1);
        segs[n++] = (struct virtq_seg){.buf = buf, .len = (uint32_t)piece};
        buf = (uint8_t *)buf + piece;
        len -= piece;
    }
    return (int)n;
}

static int blk_submit(struct block_dev *bdev, struct block_req *req)
{
    struct blk *b = bdev->priv;
    if (b->dead)
        return -ENODEV;
    if (req->op == BLOCK_OP_FLUSH && !b->flush) {
        block_complete(req, 0); /* no volatile cache: every completed write is on the medium */
        return 0;
    }
    struct blk_slot *slot = NULL;
    for (unsigned i = 0; i < BLK_SLOTS && !slot; i++)
        if (!b->slots[i].req)
            slot = &b->slots[i];
    if (!slot)
        return -EAGAIN;

    struct virtq_seg segs[BLK_DATA_SEGS + 2];
    unsigned n_out = 1, n_in = 0, ndata = 0;
    segs[0] = (struct virtq_seg){.buf = &slot->hdr, .len = sizeof(slot->hdr)};
    if (req->op != BLOCK_OP_FLUSH) {
        uint64_t len = (uint64_t)req->count * bdev->info.block_size;
        int n = data_segments(b, req->buf, len, segs + 1);
        if (n < 0)
            return n;
        ndata = (unsigned)n;
    }
    slot->hdr.reserved = 0;
    slot->hdr.sector = req->lba * b->sectors_per_block;
    slot->status = 0xff; /* not a status: a device that writes none is noticed */
    switch (req->op) {
    case BLOCK_OP_READ:
        slot->hdr.type = VIRTIO_BLK_T_IN;
        n_in = ndata;
        break;
    case BLOCK_OP_WRITE:
        slot->hdr.type = VIRTIO_BLK_T_OUT;
        n_out += ndata;
        break;
    case BLOCK_OP_FLUSH:
        slot->hdr.type = VIRTIO_BLK_T_FLUSH;
        slot->hdr.sector = 0;
        break;
    }
    segs[n_out + n_in] = (struct virtq_seg){.buf = &slot->status, .len = sizeof(slot->status)};
    n_in++;
    /* The slot is the request's before the device can see it. */
    slot->req = req;
    req->drv = mote_time_ns();
    int err = virtq_add_buffer(&b->vq, segs, n_out, n_in, slot);
    if (err) {
        slot->req = NULL;
        return err == -ENOSPC ? -EAGAIN : err;
    }
    if (virtq_outstanding(&b->vq) == 1) {
        virtq_watch_reset(&b->watch, &b->vq);
        b->last_watch_ns = req->drv;
    }
    virtio_queue_kick(b->dev, &b->vq);
    watch_arm(b);
    return 0;
}

static uint32_t config_read32(struct virtio_dev *dev, unsigned offset)
{
    uint32_t v;
    virtio_config_read(dev, offset, &v, sizeof(v));
    return v; /* little-endian (modern) or guest-endian (legacy): the same on AArch64 */
}

static int blk_probe(struct virtio_dev *dev)
{
    if (nblks == BLK_MAX_DEVS)
        return -ENOSPC;
    struct blk *b = calloc(1, sizeof(*b));
    if (!b)
        return -ENOMEM;
    int err =
        virtio_negotiate(dev, (1ull << VIRTIO_BLK_F_SIZE_MAX) | (1ull << VIRTIO_BLK_F_SEG_MAX) |
                                  (1ull << VIRTIO_BLK_F_RO) | (1ull << VIRTIO_BLK_F_BLK_SIZE) |
                                  (1ull << VIRTIO_BLK_F_FLUSH));
    if (!err)
        err = virtio_queue_setup(dev, BLK_QUEUE, &b->vq, BLK_QUEUE_SIZE);
    if (err)
        return err; /* b stays allocated: the device may still know the ring (mmio.c) */
    b->dev = dev;
    uint64_t capacity;
    virtio_config_read(dev, VIRTIO_BLK_CFG_CAPACITY, &capacity, sizeof(capacity));
    uint32_t block_size = VIRTIO_BLK_SECTOR;
    if (dev->features & (1ull << VIRTIO_BLK_F_BLK_SIZE)) {
        uint32_t bs = config_read32(dev, VIRTIO_BLK_CFG_BLK_SIZE);
        if (bs >= VIRTIO_BLK_SECTOR && bs <= BLK_BLOCK_MAX && (bs & (bs - 1)) == 0)
            block_size = bs;
        else
            mote_log(MOTE_LOG_WARN, "virtio-blk: block size %u is not one Mote takes; using %u",
                     (unsigned)bs, (unsigned)VIRTIO_BLK_SECTOR);
    }
    b->sectors_per_block = block_size / VIRTIO_BLK_SECTOR;
    b->seg_max = BLK_DATA_SEGS;
    if (dev->features & (1ull << VIRTIO_BLK_F_SEG_MAX)) {
        uint32_t m = config_read32(dev, VIRTIO_BLK_CFG_SEG_MAX);
        if (m >= 1 && m < b->seg_max)
            b->seg_max = m;
    }
    if (dev->features & (1ull << VIRTIO_BLK_F_SIZE_MAX)) {
        uint32_t m = config_read32(dev, VIRTIO_BLK_CFG_SIZE_MAX);
        /* A limit below one block could never carry a request: taken as none. */
        if (m >= block_size)
            b->size_max = m & ~(block_size - 1);
    }
    b->flush = dev->features & (1ull << VIRTIO_BLK_F_FLUSH);

    b->event = event_source_add(blk_event, b);
    if (b->event < 0)
        return b->event;
    err = irq_register(dev->intid, IRQ_LEVEL, blk_irq, b);
    if (!err)
        err = virtio_driver_ok(dev);
    if (err)
        return err;

    b->bdev.info.block_size = block_size;
    b->bdev.info.blocks = capacity / b->sectors_per_block;
    b->bdev.info.read_only = dev->features & (1ull << VIRTIO_BLK_F_RO);
    b->bdev.submit = blk_submit;
    b->bdev.poll = blk_poll;
    b->bdev.priv = b;
    blks[nblks++] = b;
    return 0;
}

/*
 * After every device is probed: names and registers them. QEMU virt gives the
 * first -device on its command line the highest virtio-mmio address
 * (hw/arm/virt.c fills the transports from the top) and the probe goes up
 * from the lowest, so the disks are named in the reverse of probe order:
 * "virtio0" is the first -drive's disk, as Linux's vda is.
 */
static void blk_attach(const char *bootargs)
{
    (void)bootargs;
    for (unsigned i = 0; i < nblks; i++) {
        struct blk *b = blks[nblks - 1 - i];
        snprintf(b->bdev.info.name, sizeof(b->bdev.info.name), "virtio%u", i);
        mote_log(MOTE_LOG_INFO, "virtio-blk: %s: %llu blocks of %u bytes (%llu MiB)%s%s",
                 b->bdev.info.name, (unsigned long long)b->bdev.info.blocks,
                 (unsigned)b->bdev.info.block_size,
                 (unsigned long long)(b->bdev.info.blocks * b->bdev.info.block_size >> 20),
                 b->bdev.info.read_only ? ", read-only" : "", b->flush ? ", write cache" : "");
        if (block_register_disk(&b->bdev) < 0)
            mote_log(MOTE_LOG_ERROR, "virtio-blk: %s: no block device slot left",
                     b->bdev.info.name);
    }
}

BOOT_HOOK(blk_hook) = {.name = "virtio-blk", .attach = blk_attach};

static const struct virtio_driver virtio_blk_driver = {
    .device_id = VIRTIO_ID_BLOCK,
    .name = "block",
    .probe = blk_probe,
};
VIRTIO_DRIVER(virtio_blk_driver);
