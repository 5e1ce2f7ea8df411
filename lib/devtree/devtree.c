// SPDX-License-Identifier: MIT
/* Device tree helpers, see devtree.h. */
#include "lib/devtree/devtree.h"

#include <errno.h>
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
    int parent = fdt_parent_offset(fdt, node);
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
    for (; *compatible; compatible++) {
        int node = fdt_node_offset_by_compatible(fdt, -1, *compatible);
        if (node >= 0)
            return node;
    }
    return -ENOENT;
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

int devtree_memory(const void *fdt, int index, uint64_t *base, uint64_t *size)
{
    int node;
    fdt_for_each_subnode(node, fdt, 0)
    {
        int len;
        const char *type = fdt_getprop(fdt, node, "device_type", &len);
        if (!type || len != sizeof("memory") || memcmp(type, "memory", len) != 0)
            continue;
        for (int i = 0;; i++) {
            int err = devtree_reg(fdt, node, i, base, size);
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

uint32_t devtree_u32(const void *fdt, int node, const char *name, uint32_t def)
{
    int len;
    const fdt32_t *p = fdt_getprop(fdt, node, name, &len);
    return p && len == sizeof(*p) ? fdt32_to_cpu(*p) : def;
}
