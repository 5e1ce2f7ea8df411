// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the device tree helpers (lib/devtree/devtree.c) on any
 * blob that passes fdt_check_header, as the kernel checks it before use.
 */
#include <libfdt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/devtree/devtree.h"

#define MAX_NODES 64

static const char *const compat[] = {"arm,pl011", "arm,gic-v3", "virtio,mmio", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    void *fdt = aligned_alloc(8, (size + 7) & ~(size_t)7);
    if (!fdt)
        return 0;
    memcpy(fdt, data, size);
    if (size < sizeof(struct fdt_header) || fdt_check_header(fdt) != 0 ||
        fdt_totalsize(fdt) > size) {
        free(fdt);
        return 0;
    }
    uint64_t a, s;
    unsigned intid, flags;
    devtree_stdout(fdt);
    devtree_find_compatible(fdt, compat);
    for (int i = 0; i < MAX_NODES && devtree_memory(fdt, i, &a, &s) == 0; i++)
        ;
    int node = 0, n = 0;
    while (node >= 0 && n++ < MAX_NODES) {
        for (int i = 0; i < 4; i++) {
            devtree_reg(fdt, node, i, &a, &s);
            devtree_irq(fdt, node, i, &intid, &flags);
        }
        devtree_u32(fdt, node, "clock-frequency", 0);
        node = fdt_next_node(fdt, node, NULL);
    }
    free(fdt);
    return 0;
}
