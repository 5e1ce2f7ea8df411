// SPDX-License-Identifier: MIT
/* dma_addr (kernel/dma.h) for host builds: no MMU, every address is its own. */
#include "kernel/dma.h"

uint64_t dma_addr(const volatile void *p)
{
    return (uint64_t)(uintptr_t)p;
}
