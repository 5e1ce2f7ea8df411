// SPDX-License-Identifier: MIT
/*
 * virtio over MMIO (virtio spec v1.2 §4.2; registers in §4.2.2, the legacy
 * ones in §4.2.4). Both versions QEMU offers:
 *   version 1, legacy: QEMU's default for virtio-mmio. One 32-bit feature
 *     word, GuestPageSize, and the queue placed by its page number (QueuePFN)
 *     in the legacy layout, used ring aligned to QueueAlign.
 *   version 2, modern (virtio 1.x): 64 feature bits with VERSION_1 required,
 *     FEATURES_OK, each ring's address in QueueDesc/Driver/Device, QueueReady.
 *   QEMU: -device virtio-rng-device [-global virtio-mmio.force-legacy=false]
 * Split virtqueues only (virtq.c); no shared memory regions, no packed rings.
 * Configuration space can be read (not written); a driver that cares about
 * configuration changes watches for VIRTIO_INT_CONFIG itself.
 */
#include "drivers/virtio/mmio.h"

#include <errno.h>
#include <stdlib.h>

#include <mote/log.h>

#include "arch/aarch64/mmu.h"

/* clang-format off */
#define VIRTIO_MMIO_MAGIC_VALUE         0x000 /* "virt" */
#define   VIRTIO_MMIO_MAGIC               0x74726976u
#define VIRTIO_MMIO_VERSION             0x004
#define   VIRTIO_MMIO_VERSION_LEGACY      1u
#define   VIRTIO_MMIO_VERSION_MODERN      2u
#define VIRTIO_MMIO_DEVICE_ID           0x008 /* 0: an empty slot */
#define VIRTIO_MMIO_DEVICE_FEATURES     0x010 /* 32 bits of the device's offer... */
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014 /* ...word 0 or 1 */
#define VIRTIO_MMIO_DRIVER_FEATURES     0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_GUEST_PAGE_SIZE     0x028 /* legacy: unit of QueuePFN */
#define VIRTIO_MMIO_QUEUE_SEL           0x030 /* the queue the next registers mean */
#define VIRTIO_MMIO_QUEUE_NUM_MAX       0x034 /* 0: no such queue */
#define VIRTIO_MMIO_QUEUE_NUM           0x038 /* descriptors the driver uses */
#define VIRTIO_MMIO_QUEUE_ALIGN         0x03c /* legacy: alignment of the used ring */
#define VIRTIO_MMIO_QUEUE_PFN           0x040 /* legacy: page of the queue; 0 = not in use */
#define VIRTIO_MMIO_QUEUE_READY         0x044 /* modern */
#define VIRTIO_MMIO_STATUS              0x070 /* §2.1 Device Status Field; write 0 = reset */
#define   VIRTIO_STATUS_ACKNOWLEDGE       (1u << 0) /* a driver saw the device */
#define   VIRTIO_STATUS_DRIVER            (1u << 1) /* and knows how to drive it */
#define   VIRTIO_STATUS_DRIVER_OK         (1u << 2) /* live */
#define   VIRTIO_STATUS_FEATURES_OK       (1u << 3) /* modern: features accepted */
#define   VIRTIO_STATUS_DEVICE_NEEDS_RESET (1u << 6)
#define   VIRTIO_STATUS_FAILED            (1u << 7) /* the driver gave up on it */
#define VIRTIO_MMIO_QUEUE_DESC_LOW      0x080 /* modern: ring addresses, 64 bits each */
#define VIRTIO_MMIO_QUEUE_DESC_HIGH     0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW    0x090 /* the available ring */
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH   0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW    0x0a0 /* the used ring */
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH   0x0a4
#define VIRTIO_MMIO_CONFIG_GENERATION   0x0fc /* modern: changes with the configuration */
#define VIRTIO_MMIO_CONFIG              0x100 /* device-specific configuration */
/* clang-format on */

#define FEATURE_WORD_BITS 32
#define RESET_POLLS       100000 /* bounded wait for a modern device to finish its reset */
#define CONFIG_READ_TRIES 100    /* bounded retries of a configuration read torn by a change */

/* The drivers linked in (VIRTIO_DRIVER), bounded by arch/aarch64/image.ld.in. */
extern const struct virtio_driver *const __start_virtio_drivers[];
extern const struct virtio_driver *const __stop_virtio_drivers[];

static struct virtio_dev devs[VIRTIO_MAX_SLOTS];
static unsigned ndevs;

static uint32_t reg_read(const struct virtio_dev *dev, uintptr_t reg)
{
    return mmio_read32(dev->base + reg);
}

static void reg_write(const struct virtio_dev *dev, uintptr_t reg, uint32_t v)
{
    mmio_write32(dev->base + reg, v);
}

/* §4.2.2.2: configuration fields are read at their own width. */
static uint8_t config_load8(const struct virtio_dev *dev, unsigned offset)
{
    return mmio_read8(dev->base + VIRTIO_MMIO_CONFIG + offset);
}

static uint16_t config_load16(const struct virtio_dev *dev, unsigned offset)
{
    return mmio_read16(dev->base + VIRTIO_MMIO_CONFIG + offset);
}

static void status_set(struct virtio_dev *dev, uint32_t bits)
{
    reg_write(dev, VIRTIO_MMIO_STATUS, reg_read(dev, VIRTIO_MMIO_STATUS) | bits);
}

/* §5 Device Types, for the log */
static const char *const device_names[] = {
    [VIRTIO_ID_NET] = "network",
    [VIRTIO_ID_BLOCK] = "block",
    [VIRTIO_ID_CONSOLE] = "console",
    [VIRTIO_ID_ENTROPY] = "entropy",
    [VIRTIO_ID_BALLOON] = "memory balloon",
    [VIRTIO_ID_SCSI] = "SCSI host",
    [VIRTIO_ID_9P] = "9P transport",
    [VIRTIO_ID_GPU] = "GPU",
    [VIRTIO_ID_INPUT] = "input",
    [VIRTIO_ID_VSOCK] = "socket",
    [VIRTIO_ID_FS] = "file system",
};

static const char *device_name(uint32_t id)
{
    if (id < sizeof(device_names) / sizeof(device_names[0]) && device_names[id])
        return device_names[id];
    return "unknown";
}

static const struct virtio_driver *find_driver(uint32_t id)
{
    for (const struct virtio_driver *const *d = __start_virtio_drivers; d < __stop_virtio_drivers;
         d++)
        if ((*d)->device_id == id)
            return *d;
    return NULL;
}

void virtio_reset(struct virtio_dev *dev)
{
    reg_write(dev, VIRTIO_MMIO_STATUS, 0);
    /* §4.2.3.1: a modern driver waits for Status to read 0 before going on. */
    for (unsigned i = 0; i < RESET_POLLS && reg_read(dev, VIRTIO_MMIO_STATUS) != 0; i++)
        ;
}

int virtio_negotiate(struct virtio_dev *dev, uint64_t driver_features)
{
    bool modern = dev->version == VIRTIO_MMIO_VERSION_MODERN;
    unsigned words = modern ? 2 : 1; /* a legacy device has only feature word 0 */
    uint64_t offer = 0;

    status_set(dev, VIRTIO_STATUS_DRIVER);
    for (unsigned w = 0; w < words; w++) {
        reg_write(dev, VIRTIO_MMIO_DEVICE_FEATURES_SEL, w);
        offer |= (uint64_t)reg_read(dev, VIRTIO_MMIO_DEVICE_FEATURES) << (w * FEATURE_WORD_BITS);
    }
    driver_features |= 1ull << VIRTIO_F_RING_EVENT_IDX;
    if (modern) {
        /* §6.1: a modern device offers VERSION_1, and the driver must accept it. */
        if (!(offer & (1ull << VIRTIO_F_VERSION_1)))
            return -ENODEV;
        driver_features |= 1ull << VIRTIO_F_VERSION_1;
    }
    dev->features = offer & driver_features;
    for (unsigned w = 0; w < words; w++) {
        reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES_SEL, w);
        reg_write(dev, VIRTIO_MMIO_DRIVER_FEATURES,
                  (uint32_t)(dev->features >> (w * FEATURE_WORD_BITS)));
    }

    if (!modern) {
        /* §4.2.4: legacy has no FEATURES_OK; it wants the page size before any queue. */
        reg_write(dev, VIRTIO_MMIO_GUEST_PAGE_SIZE, (uint32_t)PAGE_SIZE);
        return 0;
    }
    status_set(dev, VIRTIO_STATUS_FEATURES_OK);
    /* §3.1.1 step 6: a device that cannot work with these features clears FEATURES_OK. */
    if (!(reg_read(dev, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK))
        return -EIO;
    return 0;
}

int virtio_queue_setup(struct virtio_dev *dev, unsigned index, struct virtq *vq, uint16_t max_size)
{
    bool modern = dev->version == VIRTIO_MMIO_VERSION_MODERN;

    reg_write(dev, VIRTIO_MMIO_QUEUE_SEL, index);
    if (reg_read(dev, modern ? VIRTIO_MMIO_QUEUE_READY : VIRTIO_MMIO_QUEUE_PFN) != 0)
        return -EBUSY;
    uint32_t num_max = reg_read(dev, VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (num_max == 0)
        return -ENOENT;
    uint16_t size = max_size;
    while (size > num_max)
        size >>= 1;

    size_t bytes = (virtq_mem_size(size) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    void *mem = aligned_alloc(PAGE_SIZE, bytes);
    if (!mem)
        return -ENOMEM;
    int err = virtq_init(vq, size, mem, dev->features & (1ull << VIRTIO_F_RING_EVENT_IDX));
    uint64_t desc = virtq_desc_paddr(vq);
    if (!err && !modern && desc / PAGE_SIZE > UINT32_MAX)
        err = -EINVAL;
    if (err) {
        free(mem);
        return err;
    }
    vq->index = (uint16_t)index;

    reg_write(dev, VIRTIO_MMIO_QUEUE_NUM, size);
    if (!modern) {
        reg_write(dev, VIRTIO_MMIO_QUEUE_ALIGN, VIRTQ_LEGACY_ALIGN);
        reg_write(dev, VIRTIO_MMIO_QUEUE_PFN, (uint32_t)(desc / PAGE_SIZE));
        return 0;
    }
    uint64_t avail = virtq_avail_paddr(vq), used = virtq_used_paddr(vq);
    reg_write(dev, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)desc);
    reg_write(dev, VIRTIO_MMIO_QUEUE_DESC_HIGH, (uint32_t)(desc >> 32));
    reg_write(dev, VIRTIO_MMIO_QUEUE_DRIVER_LOW, (uint32_t)avail);
    reg_write(dev, VIRTIO_MMIO_QUEUE_DRIVER_HIGH, (uint32_t)(avail >> 32));
    reg_write(dev, VIRTIO_MMIO_QUEUE_DEVICE_LOW, (uint32_t)used);
    reg_write(dev, VIRTIO_MMIO_QUEUE_DEVICE_HIGH, (uint32_t)(used >> 32));
    reg_write(dev, VIRTIO_MMIO_QUEUE_READY, 1);
    return 0;
}

int virtio_driver_ok(struct virtio_dev *dev)
{
    status_set(dev, VIRTIO_STATUS_DRIVER_OK);
    if (reg_read(dev, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
        return -EIO;
    return 0;
}

/*
 * §2.5.1, §4.2.3.1: a modern device bumps ConfigGeneration when its
 * configuration changes, so a read spanning several fields or accesses is
 * repeated until the generation is the same before and after. Legacy devices
 * have no such register (QEMU complains about reading it); there a read is
 * taken as it comes. A device that keeps changing gets the last attempt.
 */
void virtio_config_read(struct virtio_dev *dev, unsigned offset, void *buf, size_t len)
{
    uint8_t *out = buf;
    bool modern = dev->version == VIRTIO_MMIO_VERSION_MODERN;

    for (unsigned try = 0; try < CONFIG_READ_TRIES; try++) {
        uint32_t gen = modern ? reg_read(dev, VIRTIO_MMIO_CONFIG_GENERATION) : 0;
        for (size_t i = 0; i < len; i++)
            out[i] = config_load8(dev, offset + (unsigned)i);
        if (!modern || reg_read(dev, VIRTIO_MMIO_CONFIG_GENERATION) == gen)
            return;
    }
}

uint8_t virtio_config_read8(struct virtio_dev *dev, unsigned offset)
{
    return config_load8(dev, offset); /* a single access cannot be torn */
}

uint16_t virtio_config_read16(struct virtio_dev *dev, unsigned offset)
{
    /*
     * One aligned access cannot be torn either. Legacy fields are guest-endian
     * and modern ones little-endian: the same on AArch64 little-endian.
     */
    return config_load16(dev, offset);
}

/* Checks a slot and fills *dev; returns 0, or -ENODEV for something that is not virtio-mmio. */
static int slot_read(const struct virtio_slot *slot, struct virtio_dev *dev)
{
    if (slot->size < VIRTIO_MMIO_CONFIG || mmu_map(slot->base, slot->size, MMU_DEVICE) != 0)
        return -ENODEV;
    *dev = (struct virtio_dev){.base = (uintptr_t)slot->base, .intid = slot->intid};
    if (reg_read(dev, VIRTIO_MMIO_MAGIC_VALUE) != VIRTIO_MMIO_MAGIC)
        return -ENODEV;
    dev->version = reg_read(dev, VIRTIO_MMIO_VERSION);
    if (dev->version != VIRTIO_MMIO_VERSION_LEGACY && dev->version != VIRTIO_MMIO_VERSION_MODERN)
        return -ENODEV;
    dev->device_id = reg_read(dev, VIRTIO_MMIO_DEVICE_ID);
    return 0;
}

int virtio_probe_all(const struct virtio_slot *slots, unsigned count)
{
    unsigned empty = 0, bad = 0, no_driver = 0;
    int up = 0;

    for (unsigned i = 0; i < count && ndevs < VIRTIO_MAX_SLOTS; i++) {
        struct virtio_dev *dev = &devs[ndevs];
        if (slot_read(&slots[i], dev) != 0) {
            mote_log(MOTE_LOG_WARN, "virtio: slot 0x%08llx: not a virtio-mmio device, skipped",
                     (unsigned long long)slots[i].base);
            bad++;
            continue;
        }
        if (dev->device_id == 0) {
            empty++;
            continue;
        }
        const char *mode = dev->version == VIRTIO_MMIO_VERSION_MODERN ? "modern" : "legacy";
        const struct virtio_driver *drv = find_driver(dev->device_id);
        if (!drv) {
            mote_log(MOTE_LOG_INFO, "virtio: slot 0x%08llx: %s device (id %u), %s, no driver",
                     (unsigned long long)dev->base, device_name(dev->device_id),
                     (unsigned)dev->device_id, mode);
            no_driver++;
            continue;
        }

        ndevs++; /* the driver may keep a pointer to it, even if it fails */
        virtio_reset(dev);
        status_set(dev, VIRTIO_STATUS_ACKNOWLEDGE);
        int err = drv->probe(dev);
        if (err) {
            /*
             * §3.1.1: FAILED tells the device to give up. Any ring memory it
             * was given stays allocated: a device that ignores FAILED may
             * still write there.
             */
            status_set(dev, VIRTIO_STATUS_FAILED);
            mote_log(MOTE_LOG_ERROR,
                     "virtio: slot 0x%08llx: %s device (id %u), %s: driver failed with "
                     "error %d; device marked FAILED",
                     (unsigned long long)dev->base, drv->name, (unsigned)dev->device_id, mode, err);
            continue;
        }
        mote_log(MOTE_LOG_INFO, "virtio: slot 0x%08llx: %s device (id %u), %s",
                 (unsigned long long)dev->base, drv->name, (unsigned)dev->device_id, mode);
        up++;
    }
    mote_log(MOTE_LOG_DEBUG, "virtio: %u slots: %d up, %u without a driver, %u empty, %u bad",
             count, up, no_driver, empty, bad);
    return up;
}
