/* SPDX-License-Identifier: MIT */
/*
 * The address a device must be given for memory the kernel reaches at p. The
 * image runs at a random virtual address (arch/aarch64/aslr.h) while devices
 * see physical memory; the heap and the DTB are identity-mapped. Host builds
 * of drivers (unit tests, fuzzing) link tests/unit/dma_identity.c instead.
 */
#ifndef KERNEL_DMA_H
#define KERNEL_DMA_H

#include <stdint.h>

uint64_t dma_addr(const volatile void *p);

#endif
