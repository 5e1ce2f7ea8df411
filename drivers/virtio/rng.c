// SPDX-License-Identifier: MIT
/*
 * virtio entropy device (virtio spec v1.2 §5.4): one queue (requestq) of
 * device-writable buffers the device fills with random bytes. At boot Mote
 * offers one 32-byte buffer and mixes what comes back into the kernel's
 * random state (kernel/random.c). One device; no feature bits of its own.
 * While the request is out, a watchdog timer notifies again or collects
 * (a lost notification or interrupt would otherwise leave it out for good).
 *   QEMU: -device virtio-rng-device
 */
#include <errno.h>
#include <stdint.h>

#include <mote/log.h>
#include <mote/time.h>
#include <mote/timer.h>

#include "drivers/virtio/mmio.h"
#include "kernel/event.h"
#include "kernel/irq.h"
#include "kernel/random.h"

#define RNG_QUEUE      0  /* requestq, §5.4.2 */
#define RNG_QUEUE_SIZE 4  /* descriptors: one buffer in flight needs one */
#define RNG_BUF_LEN    32 /* bytes asked for at boot */
/* Armed only while the request is out: a boot's worth of checks, then none. */
#define RNG_WATCH_NS (100 * MOTE_NS_PER_MS)

static struct {
    struct virtio_dev *dev;
    struct virtq vq;
    int event;
    uint8_t buf[RNG_BUF_LEN];
    struct virtq_watch watch;
    unsigned long recovered; /* lost notifications or interrupts the watchdog made up for */
} rng;

/* Interrupt context: acknowledge, note the event; the loop collects. */
static void rng_irq(void *arg)
{
    if (virtio_irq_ack(arg) & VIRTIO_INT_USED)
        event_raise(rng.event);
}

/*
 * Event loop: mixes every returned buffer into the random state. At most a
 * queue's worth per call, so a device that keeps publishing cannot hold the
 * loop; if there may be more, the event is raised again for the next round.
 */
static void rng_collect(void *arg)
{
    (void)arg;
    for (unsigned i = 0; i < rng.vq.size; i++) {
        void *cookie;
        uint32_t len;
        int n = virtq_get_used(&rng.vq, &cookie, &len);
        if (n == 0 && !virtq_enable_interrupt(&rng.vq))
            return;
        if (n < 0)
            mote_log(MOTE_LOG_WARN, "virtio-rng: device returned a bad used-ring entry; ignored");
        if (n <= 0)
            continue;
        random_add(RANDOM_SOURCE_VIRTIO_RNG, cookie, len);
        mote_log(MOTE_LOG_DEBUG, "virtio-rng: mixed %u bytes", (unsigned)len);
    }
    event_raise(rng.event);
}

/* Timer: while the request is out, make up for a lost notification or interrupt. */
static void rng_watchdog(void *arg)
{
    (void)arg;
    enum virtq_stall s = virtq_watch_check(&rng.watch, &rng.vq);
    if (s == VIRTQ_IDLE)
        return; /* answered: nothing left to watch */
    if (s == VIRTQ_LOST_NOTIFY || s == VIRTQ_LOST_INTERRUPT) {
        if (rng.recovered++ == 0)
            mote_log(MOTE_LOG_WARN, "virtio-rng: device silent (lost %s); recovered",
                     s == VIRTQ_LOST_NOTIFY ? "notification" : "interrupt");
        if (s == VIRTQ_LOST_NOTIFY)
            virtio_queue_notify(rng.dev, &rng.vq);
        else
            event_raise(rng.event);
    }
    if (mote_timer_after(RNG_WATCH_NS, rng_watchdog, NULL) < 0)
        mote_log(MOTE_LOG_WARN, "virtio-rng: watchdog timer could not be armed");
}

static int rng_request(void)
{
    struct virtq_seg seg = {.buf = rng.buf, .len = sizeof(rng.buf)};
    int err = virtq_add_buffer(&rng.vq, &seg, 0, 1, rng.buf);
    if (err)
        return err;
    virtio_queue_kick(rng.dev, &rng.vq);
    virtq_watch_reset(&rng.watch, &rng.vq);
    if (mote_timer_after(RNG_WATCH_NS, rng_watchdog, NULL) < 0)
        mote_log(MOTE_LOG_WARN, "virtio-rng: watchdog timer could not be armed");
    return 0;
}

static int rng_probe(struct virtio_dev *dev)
{
    if (rng.dev)
        return -EBUSY; /* one is enough */
    int err = virtio_negotiate(dev, 0);
    if (!err)
        err = virtio_queue_setup(dev, RNG_QUEUE, &rng.vq, RNG_QUEUE_SIZE);
    if (err)
        return err;
    rng.event = event_source_add(rng_collect, NULL);
    if (rng.event < 0)
        return rng.event;
    err = irq_register(dev->intid, IRQ_LEVEL, rng_irq, dev);
    if (!err)
        err = virtio_driver_ok(dev);
    if (err)
        return err;
    rng.dev = dev;
    err = rng_request();
    if (!err) /* the boot waits for this answer before drawing the stack guard */
        err = random_poller_add(RANDOM_SOURCE_VIRTIO_RNG, rng_collect, NULL);
    return err;
}

static const struct virtio_driver virtio_rng_driver = {
    .device_id = VIRTIO_ID_ENTROPY,
    .name = "entropy",
    .probe = rng_probe,
};
VIRTIO_DRIVER(virtio_rng_driver);
