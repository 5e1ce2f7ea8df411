// SPDX-License-Identifier: MIT
/* Device tree helpers, see devtree.h. */
#include "lib/devtree/devtree.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <libfdt.h>
#include <string.h>

#define GIC_SPI      0
#define GIC_PPI      1
#define GIC_SPI_BASE 32
#define GIC_PPI_BASE 16
#define GIC_CELLS    3
#define MAX_CELLS    2

static uint64_t read_cells(const fdt32_t *p, int cells)
{
    uint64_t v = 0;
    for (int i = 0; i < cells; i++)
        v = v << 32 | fdt32_to_cpu(p[i]);
    return v;
}

int devtree_reg(const void *fdt, int node, int index, uint64_t *addr, uint64_t *size)
{
    /* fdt_parent_offset walks the tree from the root: callers that walk know the parent. */
    int parent = fdt_parent_offset(fdt, node);
    if (parent < 0)
        return -EINVAL;
    return devtree_reg_in(fdt, parent, node, index, addr, size);
}

int devtree_reg_in(const void *fdt, int parent, int node, int index, uint64_t *addr, uint64_t *size)
{
    if (parent < 0 || index < 0)
        return -EINVAL;
    int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
    if (ac < 1 || ac > MAX_CELLS || sc < 0 || sc > MAX_CELLS)
        return -EINVAL;
    int len;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
    if (!reg)
        return -ENOENT;
    int entry = (ac + sc) * (int)sizeof(fdt32_t);
    if (len % entry)
        return -EINVAL;
    if (index >= len / entry)
        return -ENOENT;
    reg += index * (ac + sc);
    *addr = read_cells(reg, ac);
    *size = read_cells(reg + ac, sc);
    return 0;
}

int devtree_irq(const void *fdt, int node, int index, unsigned *intid, unsigned *flags)
{
    int len;
    const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
    if (!irq)
        return -ENOENT;
    if (index < 0 || len % (GIC_CELLS * (int)sizeof(fdt32_t)))
        return -EINVAL;
    if (index >= len / (GIC_CELLS * (int)sizeof(fdt32_t)))
        return -ENOENT;
    irq += index * GIC_CELLS;
    uint32_t type = fdt32_to_cpu(irq[0]), num = fdt32_to_cpu(irq[1]);
    if (type == GIC_SPI && num < 988)
        *intid = GIC_SPI_BASE + num;
    else if (type == GIC_PPI && num < 16)
        *intid = GIC_PPI_BASE + num;
    else
        return -EINVAL;
    *flags = fdt32_to_cpu(irq[2]) & 0xf;
    return 0;
}

int devtree_find_compatible(const void *fdt, const char *const *compatible)
{
    return devtree_find_compatible_in(fdt, compatible, NULL);
}

/* The index in list of the first string node is compatible with, or -1. */
static int compatible_rank(const void *fdt, int node, const char *const *list, int limit)
{
    int len;
    const char *prop = fdt_getprop(fdt, node, "compatible", &len);
    if (!prop)
        return -1;
    for (int i = 0; list[i] && i < limit; i++)
        if (fdt_stringlist_contains(prop, len, list[i]))
            return i;
    return -1;
}

int devtree_find_compatible_in(const void *fdt, const char *const *compatible, int *parent)
{
    int parents[DEVTREE_MAX_DEPTH + 1];
    int depth = 0, node = 0, best = -ENOENT, best_parent = -ENOENT, best_rank = INT_MAX;
    parents[0] = 0;
    /* The root first, as fdt_node_offset_by_compatible does; it has no parent. */
    int root_rank = compatible_rank(fdt, 0, compatible, best_rank);
    if (root_rank >= 0) {
        best = 0;
        best_rank = root_rank;
    }
    /*
     * One walk for the whole list: the node matching the earliest entry wins,
     * the first in tree order among equals; a node for the first entry ends it.
     */
    while (best_rank > 0) {
        node = fdt_next_node(fdt, node, &depth);
        if (node < 0 || depth <= 0 || depth > DEVTREE_MAX_DEPTH) {
            if (node >= 0 && depth > DEVTREE_MAX_DEPTH)
                continue;
            break; /* the end (or a malformed tree: what was found stands) */
        }
        parents[depth] = node;
        int rank = compatible_rank(fdt, node, compatible, best_rank);
        if (rank >= 0) {
            best = node;
            best_parent = parents[depth - 1];
            best_rank = rank;
        }
    }
    if (parent)
        *parent = best_parent;
    return best;
}

int devtree_each_compatible(const void *fdt, const char *compatible, devtree_node_fn fn, void *arg)
{
    int parents[DEVTREE_MAX_DEPTH + 1]; /* parents[d]: the node at depth d on the current path */
    int depth = 0, node = 0;
    parents[0] = 0;
    /* Each step moves past at least one tag, and fdt_next_node stops at the end. */
    for (;;) {
        node = fdt_next_node(fdt, node, &depth);
        if (node == -FDT_ERR_NOTFOUND || (node >= 0 && depth <= 0))
            return 0; /* the end of the tree, or back out of the root */
        if (node < 0)
            return -EINVAL;
        if (depth > DEVTREE_MAX_DEPTH)
            continue; /* deeper than any device we drive: its parent is not kept */
        parents[depth] = node;
        if (fdt_node_check_compatible(fdt, node, compatible) == 0) {
            int stop = fn(fdt, node, parents[depth - 1], arg);
            if (stop)
                return stop;
        }
    }
}

int devtree_stdout(const void *fdt)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen < 0)
        return -ENOENT;
    int len;
    const char *path = fdt_getprop(fdt, chosen, "stdout-path", &len);
    if (!path || len < 1 || path[len - 1] != '\0')
        return -ENOENT;
    int namelen = (int)strcspn(path, ":");
    if (path[0] != '/') {
        path = fdt_get_alias_namelen(fdt, path, namelen);
        /* An alias must name a path; libfdt would resolve a relative one as another alias, forever.
         */
        if (!path || path[0] != '/')
            return -ENOENT;
        namelen = (int)strlen(path);
    }
    int node = fdt_path_offset_namelen(fdt, path, namelen);
    return node < 0 ? -ENOENT : node;
}

static bool is_memory(const void *fdt, int node)
{
    int len;
    const char *type = fdt_getprop(fdt, node, "device_type", &len);
    return type && len == sizeof("memory") && memcmp(type, "memory", len) == 0;
}

int devtree_memory(const void *fdt, int index, uint64_t *base, uint64_t *size)
{
    int node;
    fdt_for_each_subnode(node, fdt, 0)
    {
        if (!is_memory(fdt, node))
            continue;
        for (int i = 0;; i++) {
            int err = devtree_reg_in(fdt, 0, node, i, base, size); /* the root's child */
            if (err == -ENOENT)
                break;
            if (err)
                return err;
            if (index-- == 0)
                return 0;
        }
    }
    return -ENOENT;
}

unsigned devtree_memory_all(const void *fdt, struct devtree_range *ranges, unsigned max)
{
    unsigned n = 0;
    int node;
    fdt_for_each_subnode(node, fdt, 0)
    {
        if (!is_memory(fdt, node))
            continue;
        for (int i = 0; n < max; i++) {
            if (devtree_reg_in(fdt, 0, node, i, &ranges[n].base, &ranges[n].size) != 0)
                break; /* past the last entry, or malformed: the ranges so far stand */
            n++;
        }
    }
    return n;
}

uint32_t devtree_u32(const void *fdt, int node, const char *name, uint32_t def)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
    return p && len == sizeof(*p) ? fdt32_to_cpu(*p) : def;
}

/* Reads the properties the index keeps, in one pass over the node's properties. */
static int index_props(const void *fdt, struct devtree_node *n)
{
    int prop;
    fdt_for_each_property_offset(prop, fdt, n->offset)
    {
        const char *name;
        int len;
        const void *value = fdt_getprop_by_offset(fdt, prop, &name, &len);
        if (!value)
            return -EINVAL;
        if (strcmp(name, "compatible") == 0) {
            n->compatible = value;
            n->compatible_len = len;
        } else if (strcmp(name, "phandle") == 0 && len == sizeof(fdt32_t)) {
            n->phandle = fdt32_to_cpu(*(const fdt32_t *)value);
        } else if (strcmp(name, "device_type") == 0) {
            n->memory = len == sizeof("memory") && memcmp(value, "memory", len) == 0;
        }
    }
    /* The loop ends on -FDT_ERR_NOTFOUND; anything else is a malformed node. */
    return prop == -FDT_ERR_NOTFOUND ? 0 : -EINVAL;
}

int devtree_index_build(struct devtree_index *idx, const void *fdt, struct devtree_node *nodes,
                        int max)
{
    int parents[DEVTREE_MAX_DEPTH + 1];
    int depth = 0, node = 0;
    idx->fdt = fdt;
    idx->nodes = nodes;
    idx->count = 0;
    if (max < 1)
        return -ENOSPC;
    nodes[0] = (struct devtree_node){.offset = 0, .parent = -1};
    if (index_props(fdt, &nodes[0]) != 0)
        return -EINVAL;
    idx->count = 1;
    parents[0] = 0;
    for (;;) {
        node = fdt_next_node(fdt, node, &depth);
        if (node == -FDT_ERR_NOTFOUND || (node >= 0 && depth <= 0))
            break;
        if (node < 0)
            return -EINVAL;
        if (depth > DEVTREE_MAX_DEPTH || idx->count == max) {
            idx->count = 0;
            return -ENOSPC;
        }
        parents[depth] = node;
        struct devtree_node *n = &nodes[idx->count];
        *n = (struct devtree_node){.offset = node, .parent = parents[depth - 1]};
        if (index_props(fdt, n) != 0) {
            idx->count = 0;
            return -EINVAL;
        }
        idx->count++;
    }
    return 0;
}

int devtree_index_find(const struct devtree_index *idx, const char *const *compatible, int *parent)
{
    /* The same preference as devtree_find_compatible_in: list order, then tree order. */
    for (int i = 0; compatible[i]; i++)
        for (int k = 0; k < idx->count; k++) {
            const struct devtree_node *n = &idx->nodes[k];
            if (n->compatible &&
                fdt_stringlist_contains(n->compatible, n->compatible_len, compatible[i])) {
                if (parent)
                    *parent = n->parent < 0 ? -ENOENT : n->parent;
                return n->offset;
            }
        }
    if (parent)
        *parent = -ENOENT;
    return -ENOENT;
}

/* The index entry of the node at offset, or NULL. */
static const struct devtree_node *index_node(const struct devtree_index *idx, int offset)
{
    /* In tree order, offsets grow: binary search. */
    int lo = 0, hi = idx->count;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (idx->nodes[mid].offset < offset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < idx->count && idx->nodes[lo].offset == offset ? &idx->nodes[lo] : NULL;
}

int devtree_index_parent(const struct devtree_index *idx, int node)
{
    const struct devtree_node *n = index_node(idx, node);
    if (!n)
        return -ENOENT;
    return n->parent < 0 ? -EINVAL : n->parent;
}

int devtree_index_phandle(const struct devtree_index *idx, uint32_t phandle)
{
    for (int k = 0; phandle && k < idx->count; k++)
        if (idx->nodes[k].phandle == phandle)
            return idx->nodes[k].offset;
    return -ENOENT;
}

int devtree_index_child(const struct devtree_index *idx, int parent, const char *name)
{
    for (int k = 0; k < idx->count; k++) {
        if (idx->nodes[k].parent != parent)
            continue;
        const char *n = fdt_get_name(idx->fdt, idx->nodes[k].offset, NULL);
        if (n && strcmp(n, name) == 0)
            return idx->nodes[k].offset;
    }
    return -ENOENT;
}

unsigned devtree_index_memory(const struct devtree_index *idx, struct devtree_range *ranges,
                              unsigned max)
{
    unsigned n = 0;
    for (int k = 0; k < idx->count; k++) {
        const struct devtree_node *node = &idx->nodes[k];
        /* Memory nodes are the root's children (Devicetree Specification §3.4). */
        if (!node->memory || node->parent != 0)
            continue;
        for (int i = 0; n < max; i++) {
            if (devtree_reg_in(idx->fdt, 0, node->offset, i, &ranges[n].base, &ranges[n].size) != 0)
                break;
            n++;
        }
    }
    return n;
}
