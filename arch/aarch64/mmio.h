/* SPDX-License-Identifier: MIT */
/*
 * Device register access. Drivers use only these: each access is a single
 * aligned load or store the compiler cannot merge or split, and the barriers
 * order it against normal memory (descriptors in RAM a device reads by DMA).
 */
#ifndef ARCH_AARCH64_MMIO_H
#define ARCH_AARCH64_MMIO_H

#include <stdint.h>

#include "arch/aarch64/cpu.h"

static inline uint32_t mmio_read32(uintptr_t addr)
{
    uint32_t v = *(volatile uint32_t *)addr;
    dmb(oshld); /* later reads of DMA memory happen after this register read */
    return v;
}

static inline void mmio_write32(uintptr_t addr, uint32_t v)
{
    dmb(oshst); /* earlier writes to DMA memory are visible before the device is told */
    *(volatile uint32_t *)addr = v;
}

/* Byte and half-word registers (GIC priorities, virtio config fields) need their own width. */
static inline uint8_t mmio_read8(uintptr_t addr)
{
    uint8_t v = *(volatile uint8_t *)addr;
    dmb(oshld);
    return v;
}

static inline void mmio_write8(uintptr_t addr, uint8_t v)
{
    dmb(oshst);
    *(volatile uint8_t *)addr = v;
}

static inline uint16_t mmio_read16(uintptr_t addr)
{
    uint16_t v = *(volatile uint16_t *)addr;
    dmb(oshld);
    return v;
}

static inline uint64_t mmio_read64(uintptr_t addr)
{
    uint64_t v = *(volatile uint64_t *)addr;
    dmb(oshld);
    return v;
}

static inline void mmio_write64(uintptr_t addr, uint64_t v)
{
    dmb(oshst);
    *(volatile uint64_t *)addr = v;
}

#endif
