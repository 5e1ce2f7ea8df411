/* SPDX-License-Identifier: MIT */
/*
 * The virtio-mmio transport (virtio spec v1.2 §4.2) and the virtio driver
 * registry. virtio_probe_all looks at every slot the board found, and for each
 * device with a driver runs the init sequence of §3.1.1: reset, ACKNOWLEDGE,
 * then the driver's probe, which calls virtio_negotiate, virtio_queue_setup
 * for each queue and virtio_driver_ok. When probe fails the device is left
 * FAILED and the error logged; the kernel goes on without it.
 */
#ifndef DRIVERS_VIRTIO_MMIO_H
#define DRIVERS_VIRTIO_MMIO_H

#include <stddef.h>
#include <stdint.h>

#include "arch/aarch64/mmio.h"
#include "drivers/virtio/virtq.h"

/* §5 Device Types: the ids Mote names */
#define VIRTIO_ID_NET     1
#define VIRTIO_ID_BLOCK   2
#define VIRTIO_ID_CONSOLE 3
#define VIRTIO_ID_ENTROPY 4
#define VIRTIO_ID_BALLOON 5
#define VIRTIO_ID_SCSI    8
#define VIRTIO_ID_9P      9
#define VIRTIO_ID_GPU     16
#define VIRTIO_ID_INPUT   18
#define VIRTIO_ID_VSOCK   19
#define VIRTIO_ID_FS      26

/* §4.2.2 the registers the data path uses (mmio.c names the others) */
#define VIRTIO_MMIO_QUEUE_NOTIFY     0x050 /* write a queue number: new buffers */
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060 /* VIRTIO_INT_* */
#define VIRTIO_MMIO_INTERRUPT_ACK    0x064

/* §4.2.2 InterruptStatus bits */
#define VIRTIO_INT_USED   (1u << 0) /* a used buffer was returned */
#define VIRTIO_INT_CONFIG (1u << 1) /* the configuration changed */

/* §6 Reserved Feature Bits the transport itself negotiates */
#define VIRTIO_F_ANY_LAYOUT     27 /* legacy: buffers framed as the driver likes (§2.6.4) */
#define VIRTIO_F_RING_EVENT_IDX 29
#define VIRTIO_F_VERSION_1      32

struct virtio_dev {
    uintptr_t base;     /* registers, mapped as device memory */
    unsigned intid;     /* its interrupt (GIC INTID) */
    uint32_t device_id; /* VIRTIO_ID_* */
    uint32_t version;   /* 1 legacy, 2 modern (virtio 1.x) */
    uint64_t features;  /* negotiated: device's offer & driver's wish */
};

struct virtio_driver {
    uint32_t device_id;
    const char *name; /* "entropy" */
    /* Brings the device up (negotiate, queues, driver_ok); returns 0 or a negative errno. */
    int (*probe)(struct virtio_dev *dev);
};

/*
 * Registers a static struct virtio_driver drv with virtio_probe_all. Each
 * driver file (one per device type in drivers/virtio/) registers itself, so
 * an image knows exactly the drivers it links (board.mk: virtio-net comes
 * with the "net" feature). The table is the "virtio_drivers" section.
 */
#define VIRTIO_DRIVER(drv)                               \
    static const struct virtio_driver *const drv##_entry \
        __attribute__((used, section("virtio_drivers"))) = &drv

/* A virtio-mmio slot as the board found it (virt: a "virtio,mmio" DTB node). */
struct virtio_slot {
    uint64_t base, size;
    unsigned intid;
};

#define VIRTIO_MAX_SLOTS 32 /* QEMU virt has 32 */

/*
 * Maps each of the count slots, and probes the devices found with their
 * registered driver; logs one line per device. Returns how many devices are
 * up. Never fails: a bad slot or device is logged and skipped.
 */
int virtio_probe_all(const struct virtio_slot *slots, unsigned count);

/*
 * Sets DRIVER and negotiates features: driver_features (bit numbers as in
 * the spec, 64 bits) plus what the transport needs (VERSION_1 for modern,
 * EVENT_IDX when offered), intersected with the device's offer; sets
 * FEATURES_OK (modern) and checks the device kept it. Fills dev->features.
 * Returns 0, -ENODEV if a modern device lacks VERSION_1, -EIO if the device
 * refused the features.
 */
int virtio_negotiate(struct virtio_dev *dev, uint64_t driver_features);

/*
 * Allocates queue index with at most max_size descriptors (a power of two;
 * fewer if the device allows fewer) and tells the device where it is. Returns
 * 0, -ENOENT if the device has no such queue, -EBUSY if it is already live,
 * -ENOMEM, or -EINVAL if the ring lies beyond what the legacy QueuePFN can name.
 */
int virtio_queue_setup(struct virtio_dev *dev, unsigned index, struct virtq *vq, uint16_t max_size);

/* Sets DRIVER_OK: the device is live. Returns 0, or -EIO if it says it needs a reset. */
int virtio_driver_ok(struct virtio_dev *dev);

/*
 * Notifies the device about vq whatever it asked for: a watchdog's recovery
 * from a notification that was lost (virtq_watch_check), or after the
 * driver's own check (virtq_end_pass). Harmless if it was not needed.
 */
static inline void virtio_queue_notify(struct virtio_dev *dev, const struct virtq *vq)
{
    /* mmio_write32's store barrier puts the published avail idx before the notify (§2.7.13.4). */
    mmio_write32(dev->base + VIRTIO_MMIO_QUEUE_NOTIFY, vq->index);
}

/* Notifies the device about vq's new buffers, if it asked for that. */
static inline void virtio_queue_kick(struct virtio_dev *dev, struct virtq *vq)
{
    if (virtq_needs_notify(vq))
        virtio_queue_notify(dev, vq);
}

/*
 * Reads len bytes of the device's configuration space from offset, byte by
 * byte; for a modern device consistently (ConfigGeneration, §2.5.1).
 */
void virtio_config_read(struct virtio_dev *dev, unsigned offset, void *buf, size_t len);

/* Reads one 8- or 16-bit configuration field at offset (16-bit: aligned). */
uint8_t virtio_config_read8(struct virtio_dev *dev, unsigned offset);
uint16_t virtio_config_read16(struct virtio_dev *dev, unsigned offset);

/* Reads and acknowledges the interrupt (in the handler); returns the VIRTIO_INT_* bits. */
static inline uint32_t virtio_irq_ack(struct virtio_dev *dev)
{
    uintptr_t base = dev->base; /* once: the barriers make the compiler load it again */
    uint32_t status = mmio_read32(base + VIRTIO_MMIO_INTERRUPT_STATUS);
    if (status)
        mmio_write32(base + VIRTIO_MMIO_INTERRUPT_ACK, status);
    return status;
}

/* Resets the device: it forgets features and queues and stops using their memory. */
void virtio_reset(struct virtio_dev *dev);

#endif
