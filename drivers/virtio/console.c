// SPDX-License-Identifier: MIT
/*
 * virtio console device (virtio spec v1.2 §5.3), port 0 only: queue 0 is
 * its receiveq, queue 1 its transmitq (§5.3.2). No feature bits are taken
 * (no MULTIPORT, no SIZE, no EMERG_WRITE): QEMU then treats port 0 as open
 * as soon as the driver is ready. It is the debug port (kernel/debugport.h)
 * on QEMU virt, whose one PL011 is the console. Received bytes go into a ring
 * the users drain with vcon_read; sending is polled until the device has used
 * the buffer, because the users (GDB stub, core dumps) run with interrupts
 * masked. One device.
 *   QEMU: -device virtio-serial-device -chardev socket,id=dbg,host=127.0.0.1,port=PORT,
 *         server=on,wait=off -device virtconsole,chardev=dbg
 * QEMU drops what a console port cannot write to its chardev at once (its
 * virtconsole never throttles): users that send much (core dumps) pace
 * themselves with acknowledgements from the host.
 * A lost notification must not hang the users: a send that waits long is
 * notified again, and so is an input queue the device had emptied and then
 * left silent while a user polls (no timers here: interrupts may be masked).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "drivers/virtio/mmio.h"
#include "kernel/debugport.h"
#include "kernel/irq.h"
#include "kernel/ring.h"

#define VCON_RX_QUEUE 0 /* receiveq (port 0) */
#define VCON_TX_QUEUE 1 /* transmitq (port 0) */
#define VCON_RX_BUFS  8
#define VCON_RX_LEN   512
#define VCON_TX_LEN   4096
#define VCON_RING     8192        /* received bytes not read yet; a power of two */
#define VCON_TX_SPINS 200000000ul /* a device that never returns the buffer: give up (seconds) */
/* Polls before notifying again: far longer than QEMU takes (microseconds), far below giving up. */
#define VCON_RENOTIFY_SPINS 1000000ul
#define VCON_RENOTIFY_READS 4096u /* empty reads of a starved input queue between notifies */

static struct {
    struct virtio_dev *dev;
    struct virtq rxq, txq;
    uint8_t rx_bufs[VCON_RX_BUFS][VCON_RX_LEN];
    uint8_t tx_buf[VCON_TX_LEN];
    /* Producer: the receive interrupt, or read/quiet with interrupts masked; consumer: read. */
    struct ring rx;
    unsigned long rx_dropped, dev_invalid;
    bool rx_starved;          /* the device had filled every input buffer... */
    uint16_t rx_starved_used; /* ...at this used idx, and has used none since */
    unsigned rx_idle_reads;
    unsigned long renotified; /* notifications repeated by the checks above */
    void (*on_receive)(void);
} vcon;
static uint8_t rx_ring_buf[VCON_RING];

static void rx_post(uint8_t *buf)
{
    struct virtq_seg seg = {.buf = buf, .len = VCON_RX_LEN};
    if (virtq_add_buffer(&vcon.rxq, &seg, 0, 1, buf) != 0)
        vcon.dev_invalid++; /* cannot happen: its descriptor was just freed */
}

/* One queue's worth of rx_collect. */
static size_t rx_round(void)
{
    size_t moved = 0;
    unsigned reposted = 0;
    /* Every buffer filled: the device waits for the notification of the reposted ones. */
    uint16_t used_idx = vcon.rxq.used->idx;
    if (used_idx == vcon.rxq.avail_idx) {
        vcon.rx_starved = true;
        vcon.rx_starved_used = used_idx;
    }
    for (unsigned i = 0; i < vcon.rxq.size; i++) {
        void *cookie;
        uint32_t len;
        int n = virtq_get_used(&vcon.rxq, &cookie, &len);
        if (n == 0)
            break;
        if (n < 0) {
            vcon.dev_invalid++;
            continue;
        }
        const uint8_t *buf = cookie;
        for (uint32_t j = 0; j < len && j < VCON_RX_LEN; j++) {
            if (!ring_put(&vcon.rx, buf[j])) {
                vcon.rx_dropped++;
                continue;
            }
            moved++;
        }
        rx_post(cookie);
        reposted++;
    }
    if (reposted)
        virtio_queue_kick(vcon.dev, &vcon.rxq);
    return moved;
}

#define VCON_ROUNDS 4 /* bounded: a device that keeps filling cannot hold the caller */

/* Moves every filled receive buffer into the ring and gives it back. Returns bytes moved. */
static size_t rx_collect(void)
{
    size_t moved = 0;
    /* Interrupt at the next buffer; one that arrived meanwhile is collected in the next round. */
    for (unsigned round = 0; round < VCON_ROUNDS; round++) {
        moved += rx_round();
        if (!virtq_enable_interrupt(&vcon.rxq))
            break;
    }
    return moved;
}

static void vcon_irq(void *arg)
{
    virtio_irq_ack(arg);
    if (rx_collect() && vcon.on_receive)
        vcon.on_receive();
}

static size_t vcon_read(uint8_t *buf, size_t len)
{
    if (!vcon.dev)
        return 0;
    rx_collect();
    if (vcon.rx_starved && vcon.rxq.used->idx != vcon.rx_starved_used)
        vcon.rx_starved = false; /* the device took a reposted buffer: it was told */
    if (vcon.rx_starved && ring_used(&vcon.rx) == 0 &&
        ++vcon.rx_idle_reads % VCON_RENOTIFY_READS == 0) {
        vcon.renotified++;
        virtio_queue_notify(vcon.dev, &vcon.rxq);
    }
    return ring_read(&vcon.rx, buf, len);
}

static int vcon_write(const void *data, size_t len)
{
    if (!vcon.dev)
        return -ENODEV;
    const uint8_t *p = data;
    while (len) {
        size_t n = len < VCON_TX_LEN ? len : VCON_TX_LEN;
        memcpy(vcon.tx_buf, p, n);
        struct virtq_seg seg = {.buf = vcon.tx_buf, .len = (uint32_t)n};
        if (virtq_add_buffer(&vcon.txq, &seg, 1, 0, vcon.tx_buf) != 0)
            return -EIO;
        virtio_queue_kick(vcon.dev, &vcon.txq);
        void *cookie;
        uint32_t used_len;
        unsigned long spins = 0;
        while (virtq_get_used(&vcon.txq, &cookie, &used_len) == 0) {
            if (++spins == VCON_TX_SPINS)
                return -EIO;
            if (spins % VCON_RENOTIFY_SPINS == 0) {
                vcon.renotified++;
                virtio_queue_notify(vcon.dev, &vcon.txq);
            }
        }
        p += n;
        len -= n;
    }
    return 0;
}

static void vcon_on_receive(void (*fn)(void))
{
    vcon.on_receive = fn;
}

static bool vcon_quiet(void)
{
    if (!vcon.dev)
        return true;
    virtio_irq_ack(vcon.dev);
    /* Bytes that came before the acknowledgement would raise nothing more: look again. */
    rx_collect();
    return ring_used(&vcon.rx) == 0;
}

static const struct debugport vcon_port = {
    .name = "virtio console",
    .read = vcon_read,
    .write = vcon_write,
    .on_receive = vcon_on_receive,
    .quiet = vcon_quiet,
};

static int vcon_probe(struct virtio_dev *dev)
{
    if (vcon.dev)
        return -EBUSY; /* one is enough */
    int err = virtio_negotiate(dev, 0);
    if (!err)
        err = virtio_queue_setup(dev, VCON_RX_QUEUE, &vcon.rxq, VCON_RX_BUFS);
    if (!err)
        err = virtio_queue_setup(dev, VCON_TX_QUEUE, &vcon.txq, 2);
    if (err)
        return err;
    for (unsigned i = 0; i < VCON_RX_BUFS && i < vcon.rxq.size; i++)
        rx_post(vcon.rx_bufs[i]);
    err = irq_register(dev->intid, IRQ_LEVEL, vcon_irq, dev);
    if (!err)
        err = virtio_driver_ok(dev);
    if (err)
        return err;
    vcon.dev = dev;
    vcon.rx = (struct ring)RING_INIT(rx_ring_buf);
    virtio_queue_kick(dev, &vcon.rxq);
    debugport_register(&vcon_port); /* -EBUSY: the board has its own; this one stays unused */
    return 0;
}

static const struct virtio_driver virtio_console_driver = {
    .device_id = VIRTIO_ID_CONSOLE,
    .name = "console",
    .probe = vcon_probe,
};
VIRTIO_DRIVER(virtio_console_driver);
