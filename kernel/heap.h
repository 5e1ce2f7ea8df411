/* SPDX-License-Identifier: MIT */
/*
 * The heap: picolibc's malloc over sbrk(), which hands out the RAM range
 * chosen at boot and fails with ENOMEM (malloc returns NULL) at its end. On a
 * board with ASLR the range is mapped at a random address (aslr_map_heap) and
 * heap_base() is that address.
 */
#ifndef KERNEL_HEAP_H
#define KERNEL_HEAP_H

#include <stdint.h>

void heap_init(uint64_t base, uint64_t size);
uint64_t heap_size(void);
uint64_t heap_base(void);
uint64_t heap_reserved(void); /* handed to malloc so far, from heap_base() on */

#endif
