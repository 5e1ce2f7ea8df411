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

/* devtree_each_compatible's callback: what the virt platform does with each node. */
static int read_found(const void *fdt, int node, int parent, void *arg)
{
    uint64_t a, s;
    unsigned intid, flags;
    (void)arg;
    devtree_reg_in(fdt, parent, node, 0, &a, &s);
    devtree_irq(fdt, node, 0, &intid, &flags);
    return 0;
}

/*
 * The index reads the blob itself: where libfdt finds a property or decodes a
 * reg, the index must give the same (it may answer where libfdt gives up on a
 * malformed string offset, never differently).
 */
static void index_agrees(const struct devtree_index *idx, int node)
{
    static const char *const names[] = {"reg", "compatible", "interrupts", "phandle", NULL};
    for (int i = 0; names[i]; i++) {
        int len1, len2;
        const void *v1 = fdt_getprop(idx->fdt, node, names[i], &len1);
        const void *v2 = devtree_index_prop(idx, node, names[i], &len2);
        if (v1 && (v1 != v2 || len1 != len2))
            abort();
    }
    int parent = devtree_index_parent(idx, node);
    for (int i = 0; parent >= 0 && i < 2; i++) {
        uint64_t a1, s1, a2, s2;
        if (devtree_reg_in(idx->fdt, parent, node, i, &a1, &s1) == 0 &&
            (devtree_index_reg(idx, node, i, &a2, &s2) != 0 || a1 != a2 || s1 != s2))
            abort();
        unsigned id1, f1, id2, f2;
        if (devtree_irq(idx->fdt, node, i, &id1, &f1) == 0 &&
            (devtree_index_irq(idx, node, i, &id2, &f2) != 0 || id1 != id2 || f1 != f2))
            abort();
    }
}

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
    int chosen = devtree_top_node(fdt, "chosen");
    if (chosen >= 0 && fdt_path_offset(fdt, "/chosen") != chosen)
        abort(); /* the first root child of that name, as libfdt finds it */
    if (chosen >= 0) {
        int len1, len2;
        const void *v1 = fdt_getprop(fdt, chosen, "bootargs", &len1);
        const void *v2 = devtree_prop(fdt, chosen, "bootargs", &len2);
        if (v1 && (v1 != v2 || len1 != len2))
            abort(); /* where libfdt finds it, the same */
    }
    devtree_find_compatible(fdt, compat);
    devtree_each_compatible(fdt, "virtio,mmio", read_found, NULL);
    int parent;
    devtree_find_compatible_in(fdt, compat, &parent);
    struct devtree_range ranges[4];
    devtree_memory_all(fdt, ranges, 4);
    static struct devtree_node nodes[MAX_NODES];
    struct devtree_index idx;
    if (devtree_index_build(&idx, fdt, nodes, MAX_NODES) == 0) {
        devtree_index_find(&idx, compat, &parent);
        devtree_index_memory(&idx, ranges, 4);
        devtree_index_child(&idx, 0, "chosen");
        devtree_index_phandle(&idx, 1);
        devtree_index_stdout(&idx);
        devtree_index_path(&idx, "/chosen", 7);
        for (int k = 0; k < idx.count; k++) {
            index_agrees(&idx, nodes[k].offset);
            /* Bounded: each step moves on to a later node. */
            for (int c = devtree_index_next_child(&idx, nodes[k].offset, -1); c >= 0;
                 c = devtree_index_next_child(&idx, nodes[k].offset, c))
                ;
        }
    }
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
