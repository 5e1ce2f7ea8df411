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
/* SPI numbers 0-987 (INTIDs 32-1019), PPI 0-15 (Arm GIC architecture spec §2.2) */
#define GIC_SPI_MAX       988
#define GIC_PPI_MAX       16
#define GIC_FLAGS_TRIGGER 0xfu

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

/* Entry index of a "reg" value of len bytes, with ac address and sc size cells. */
static int reg_decode(const fdt32_t *reg, int len, int ac, int sc, int index, uint64_t *addr,
                      uint64_t *size)
{
    if (index < 0 || ac < 1 || ac > MAX_CELLS || sc < 0 || sc > MAX_CELLS)
        return -EINVAL;
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

int devtree_reg_in(const void *fdt, int parent, int node, int index, uint64_t *addr, uint64_t *size)
{
    if (parent < 0 || index < 0)
        return -EINVAL;
    int ac = fdt_address_cells(fdt, parent), sc = fdt_size_cells(fdt, parent);
    if (ac < 1 || ac > MAX_CELLS || sc < 0 || sc > MAX_CELLS)
        return -EINVAL;
    int len;
    const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
    return reg_decode(reg, len, ac, sc, index, addr, size);
}

/* Entry index of an "interrupts" value of len bytes, as a GIC specifier (devtree_irq). */
static int irq_decode(const fdt32_t *irq, int len, int index, unsigned *intid, unsigned *flags)
{
    if (!irq)
        return -ENOENT;
    if (index < 0 || len % (GIC_CELLS * (int)sizeof(fdt32_t)))
        return -EINVAL;
    if (index >= len / (GIC_CELLS * (int)sizeof(fdt32_t)))
        return -ENOENT;
    irq += index * GIC_CELLS;
    uint32_t type = fdt32_to_cpu(irq[0]), num = fdt32_to_cpu(irq[1]);
    if (type == GIC_SPI && num < GIC_SPI_MAX)
        *intid = GIC_SPI_BASE + num;
    else if (type == GIC_PPI && num < GIC_PPI_MAX)
        *intid = GIC_PPI_BASE + num;
    else
        return -EINVAL;
    *flags = fdt32_to_cpu(irq[2]) & GIC_FLAGS_TRIGGER;
    return 0;
}

int devtree_irq(const void *fdt, int node, int index, unsigned *intid, unsigned *flags)
{
    int len;
    const fdt32_t *irq = fdt_getprop(fdt, node, "interrupts", &len);
    return irq_decode(irq, len, index, intid, flags);
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

/*
 * The index reads the structure block itself (Devicetree Specification v0.4
 * §5.4): libfdt's fdt_next_tag checks the bounds of a node name one byte at a
 * time, through a function call each, which made a walk of QEMU virt's tree
 * cost some 200,000 instructions. Here every token, name and value is checked
 * against the block's bounds once, as a whole.
 */
#define TOKEN_SIZE                   4
#define PROP_HEADER                  12 /* FDT_PROP, len, nameoff */
#define FDT_VERSION_WITH_STRUCT_SIZE 17
/* Before 16, names were full paths and some values 8-aligned: left to libfdt. */
#define FDT_VERSION_INDEXED 16
/* fdt_cells' limit: the most cells a #address-cells or #size-cells may give */
#define CELLS_MAX 4

/* A big-endian cell at p, which may be unaligned (a blob's header says where its blocks are). */
static uint32_t cell_at(const void *p)
{
    const uint8_t *b = p;
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static uint32_t align_token(uint32_t off)
{
    return (off + TOKEN_SIZE - 1) & ~(uint32_t)(TOKEN_SIZE - 1);
}

/*
 * Whether node name n is the len bytes at name, or, when those have no unit
 * address, is them and one (libfdt's rule, fdt_subnode_offset_namelen).
 */
static bool name_matches(const char *n, const char *name, size_t len)
{
    return strncmp(n, name, len) == 0 && memchr(n, '\0', len) == NULL &&
           (n[len] == '\0' || (n[len] == '@' && memchr(name, '@', len) == NULL));
}

/* One token of the structure block, read with every byte of it inside the block. */
struct token {
    uint32_t tag, next;    /* next: the offset of the token after it */
    const char *name;      /* FDT_BEGIN_NODE: the node's name */
    uint32_t len, nameoff; /* FDT_PROP */
    const uint8_t *value;
};

/* Reads the token at off of the block [base, base + size); false if it does not fit. */
static bool token_read(const uint8_t *base, uint32_t size, uint32_t off, struct token *t)
{
    if (size < TOKEN_SIZE || off > size - TOKEN_SIZE)
        return false;
    t->tag = cell_at(base + off);
    t->next = off + TOKEN_SIZE;
    if (t->tag == FDT_BEGIN_NODE) {
        t->name = (const char *)base + t->next;
        size_t left = size - t->next, len = strnlen(t->name, left);
        if (len == left)
            return false; /* the name runs off the block */
        t->next = align_token(t->next + (uint32_t)len + 1);
    } else if (t->tag == FDT_PROP) {
        if (size - off < PROP_HEADER)
            return false;
        t->len = cell_at(base + off + 4);
        t->nameoff = cell_at(base + off + 8);
        if (t->len > size - off - PROP_HEADER)
            return false;
        t->value = base + off + PROP_HEADER;
        t->next = align_token(off + PROP_HEADER + t->len);
    }
    return true;
}

static const uint8_t *index_struct(const struct devtree_index *idx)
{
    return (const uint8_t *)idx->fdt + idx->struct_off;
}

/* Whether the strings block holds name (with its NUL) at nameoff. */
static bool string_is(const struct devtree_index *idx, uint32_t nameoff, const char *name,
                      size_t namelen)
{
    if (nameoff >= idx->strings_size || idx->strings_size - nameoff <= namelen)
        return false;
    const char *s = (const char *)idx->fdt + idx->strings_off + nameoff;
    return memcmp(s, name, namelen) == 0 && s[namelen] == '\0';
}

/* A #address-cells or #size-cells value, as fdt_address_cells/fdt_size_cells read it. */
static int cells_value(const uint8_t *value, uint32_t len, bool zero_ok)
{
    if (len != sizeof(fdt32_t))
        return -1;
    uint32_t v = cell_at(value);
    return v > CELLS_MAX || (v == 0 && !zero_ok) ? -1 : (int)v;
}

/* The properties the index keeps; the first of each name counts, as fdt_getprop finds it. */
enum kept_prop {
    KEPT_COMPATIBLE = 1u << 0,
    KEPT_PHANDLE = 1u << 1,
    KEPT_LINUX_PHANDLE = 1u << 2,
    KEPT_DEVICE_TYPE = 1u << 3,
    KEPT_ADDRESS_CELLS = 1u << 4,
    KEPT_SIZE_CELLS = 1u << 5,
    PHANDLE_VALID = 1u << 6, /* a "phandle" of one cell was seen */
};

/* Which kept property nameoff names, or 0. */
static unsigned kept_name(const struct devtree_index *idx, uint32_t nameoff)
{
    /* Most properties (reg, interrupts, clocks...) are none of them: the first byte says so. */
    if (nameoff >= idx->strings_size)
        return 0;
    char first = *((const char *)idx->fdt + idx->strings_off + nameoff);
    if (first != 'c' && first != 'p' && first != 'l' && first != 'd' && first != '#')
        return 0;
#define NAME_IS(lit) string_is(idx, nameoff, lit, sizeof(lit) - 1)
    if (NAME_IS("compatible"))
        return KEPT_COMPATIBLE;
    if (NAME_IS("phandle"))
        return KEPT_PHANDLE;
    if (NAME_IS("linux,phandle"))
        return KEPT_LINUX_PHANDLE;
    if (NAME_IS("device_type"))
        return KEPT_DEVICE_TYPE;
    if (NAME_IS("#address-cells"))
        return KEPT_ADDRESS_CELLS;
    if (NAME_IS("#size-cells"))
        return KEPT_SIZE_CELLS;
    return 0;
#undef NAME_IS
}

/* Notes a property of n the index keeps; *seen: the ones already noted. */
static void index_prop(const struct devtree_index *idx, struct devtree_node *n, uint32_t nameoff,
                       const uint8_t *value, uint32_t len, unsigned *seen)
{
    unsigned kept = kept_name(idx, nameoff);
    if (!kept || (*seen & kept))
        return;
    *seen |= kept;
    switch (kept) {
    case KEPT_COMPATIBLE:
        n->compatible = (int)(value - (const uint8_t *)idx->fdt);
        n->compatible_len = (int)len;
        break;
    case KEPT_PHANDLE:
    case KEPT_LINUX_PHANDLE:
        /* A one-cell "phandle" wins over the older "linux,phandle" (fdt_get_phandle). */
        if (len == sizeof(fdt32_t) && (kept == KEPT_PHANDLE || !(*seen & PHANDLE_VALID))) {
            n->phandle = cell_at(value);
            *seen |= kept == KEPT_PHANDLE ? PHANDLE_VALID : 0;
        }
        break;
    case KEPT_DEVICE_TYPE:
        n->memory = len == sizeof("memory") && memcmp(value, "memory", len) == 0;
        break;
    case KEPT_ADDRESS_CELLS: n->address_cells = cells_value(value, len, false); break;
    case KEPT_SIZE_CELLS: n->size_cells = cells_value(value, len, true); break;
    }
}

/* Where fdt's structure and strings blocks lie, checked against its size; 0 or -EINVAL. */
static int index_blocks(struct devtree_index *idx, const void *fdt)
{
    /* fdt_check_header has bounded the blocks by totalsize; checked again, for overflow too. */
    uint64_t total = fdt_totalsize(fdt);
    idx->fdt = fdt;
    idx->struct_off = fdt_off_dt_struct(fdt);
    idx->struct_size = fdt_version(fdt) >= FDT_VERSION_WITH_STRUCT_SIZE
                           ? fdt_size_dt_struct(fdt)
                           : (uint32_t)(total > idx->struct_off ? total - idx->struct_off : 0);
    idx->strings_off = fdt_off_dt_strings(fdt);
    idx->strings_size = fdt_size_dt_strings(fdt);
    if (fdt_version(fdt) < FDT_VERSION_INDEXED ||
        (uint64_t)idx->struct_off + idx->struct_size > total ||
        (uint64_t)idx->strings_off + idx->strings_size > total || idx->struct_off % TOKEN_SIZE ||
        idx->struct_size > INT_MAX)
        return -EINVAL;
    return 0;
}

int devtree_index_build(struct devtree_index *idx, const void *fdt, struct devtree_node *nodes,
                        int max)
{
    int parents[DEVTREE_MAX_DEPTH + 1]; /* index entries of the nodes on the current path */
    idx->nodes = nodes;
    idx->count = 0;
    if (index_blocks(idx, fdt) != 0)
        return -EINVAL;
    if (max < 1)
        return -ENOSPC;

    const uint8_t *base = index_struct(idx);
    uint32_t off = 0;
    int depth = -1, count = 0;
    bool props_open = false;
    unsigned seen = 0;
    struct token t;
    /* Each token moves on by at least TOKEN_SIZE: the loop ends within the block. */
    for (; token_read(base, idx->struct_size, off, &t); off = t.next) {
        if (t.tag == FDT_BEGIN_NODE) {
            if (++depth > DEVTREE_MAX_DEPTH || count == max) {
                idx->count = 0;
                return -ENOSPC;
            }
            nodes[count] = (struct devtree_node){
                .offset = (int)off,
                .parent = depth ? nodes[parents[depth - 1]].offset : -1,
                .props = (int)t.next,
                .compatible = -1,
                .address_cells = 2, /* the Devicetree Specification's defaults (§2.3.5) */
                .size_cells = 1,
            };
            parents[depth] = count++;
            props_open = true;
            seen = 0;
        } else if (t.tag == FDT_END_NODE) {
            if (depth < 0)
                break;
            props_open = false; /* properties after a child are not the node's (libfdt) */
            if (--depth < 0) {
                idx->count = count;
                return 0; /* the root ended: what follows (FDT_END) is not read */
            }
        } else if (t.tag == FDT_PROP) {
            if (depth < 0)
                break;
            if (props_open)
                index_prop(idx, &nodes[parents[depth]], t.nameoff, t.value, t.len, &seen);
        } else if (t.tag != FDT_NOP) {
            break; /* FDT_END inside the root, or an unknown token */
        }
    }
    idx->count = 0;
    return -EINVAL;
}

int devtree_top_node(const void *fdt, const char *name)
{
    struct devtree_index view;
    if (index_blocks(&view, fdt) != 0)
        return -EINVAL;
    const uint8_t *base = index_struct(&view);
    int depth = -1;
    struct token t;
    for (uint32_t off = 0; token_read(base, view.struct_size, off, &t); off = t.next) {
        if (t.tag == FDT_BEGIN_NODE) {
            if (++depth == 1 && name_matches(t.name, name, strlen(name)))
                return (int)off;
        } else if (t.tag == FDT_END_NODE) {
            if (--depth < 0)
                return -ENOENT;
        } else if (t.tag != FDT_PROP && t.tag != FDT_NOP) {
            break;
        }
    }
    return -EINVAL;
}

void devtree_index_rebase(struct devtree_index *idx, const void *fdt)
{
    idx->fdt = fdt;
}

/* Whether indexed node n lists compatible. */
static bool node_is_compatible(const struct devtree_index *idx, const struct devtree_node *n,
                               const char *compatible)
{
    return n->compatible >= 0 && fdt_stringlist_contains((const char *)idx->fdt + n->compatible,
                                                         n->compatible_len, compatible);
}

int devtree_index_find(const struct devtree_index *idx, const char *const *compatible, int *parent)
{
    /* The same preference as devtree_find_compatible_in: list order, then tree order. */
    for (int i = 0; compatible[i]; i++)
        for (int k = 0; k < idx->count; k++) {
            const struct devtree_node *n = &idx->nodes[k];
            if (node_is_compatible(idx, n, compatible[i])) {
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

bool devtree_index_is_compatible(const struct devtree_index *idx, int node, const char *compatible)
{
    const struct devtree_node *n = index_node(idx, node);
    return n && node_is_compatible(idx, n, compatible);
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
    /* 0 and 0xffffffff are never phandles (fdt_node_offset_by_phandle). */
    for (int k = 0; phandle && phandle != UINT32_MAX && k < idx->count; k++)
        if (idx->nodes[k].phandle == phandle)
            return idx->nodes[k].offset;
    return -ENOENT;
}

/* An indexed node's name (validated by the build: NUL-terminated inside the block). */
static const char *node_name(const struct devtree_index *idx, const struct devtree_node *n)
{
    return (const char *)index_struct(idx) + n->offset + TOKEN_SIZE;
}

/* The first child of parent whose name matches the len bytes at name (name_matches). */
static int child_namelen(const struct devtree_index *idx, int parent, const char *name, size_t len)
{
    for (int k = 0; k < idx->count; k++)
        if (idx->nodes[k].parent == parent &&
            name_matches(node_name(idx, &idx->nodes[k]), name, len))
            return idx->nodes[k].offset;
    return -ENOENT;
}

int devtree_index_child(const struct devtree_index *idx, int parent, const char *name)
{
    return child_namelen(idx, parent, name, strlen(name));
}

int devtree_index_next_child(const struct devtree_index *idx, int parent, int prev)
{
    /* Children follow their parent in tree order, each after the one before it. */
    const struct devtree_node *from = index_node(idx, prev < 0 ? parent : prev);
    if (!from || (prev >= 0 && from->parent != parent))
        return -ENOENT;
    for (const struct devtree_node *n = from + 1; n < idx->nodes + idx->count; n++)
        if (n->parent == parent)
            return n->offset;
    return -ENOENT;
}

int devtree_index_path(const struct devtree_index *idx, const char *path, int namelen)
{
    if (idx->count < 1 || namelen < 1 || path[0] != '/')
        return -ENOENT;
    const char *end = path + namelen;
    int node = 0;
    while (path < end) {
        while (path < end && *path == '/')
            path++;
        if (path == end)
            break;
        const char *slash = memchr(path, '/', (size_t)(end - path));
        size_t len = (size_t)((slash ? slash : end) - path);
        node = child_namelen(idx, node, path, len);
        if (node < 0)
            return -ENOENT;
        path += len;
    }
    return node;
}

/*
 * The property named by the namelen bytes at name among the properties that
 * start at offset props of the blocks idx describes; NULL if absent.
 */
static const void *props_find(const struct devtree_index *idx, uint32_t props, const char *name,
                              size_t namelen, int *len)
{
    struct token t;
    /* The build checked every token of the block: still, no read past it. */
    for (uint32_t off = props; token_read(index_struct(idx), idx->struct_size, off, &t);
         off = t.next) {
        if (t.tag == FDT_NOP)
            continue;
        if (t.tag != FDT_PROP)
            return NULL;
        if (string_is(idx, t.nameoff, name, namelen)) {
            if (len)
                *len = (int)t.len;
            return t.value;
        }
    }
    return NULL;
}

static const void *node_prop(const struct devtree_index *idx, const struct devtree_node *n,
                             const char *name, size_t namelen, int *len)
{
    return props_find(idx, (uint32_t)n->props, name, namelen, len);
}

const void *devtree_prop(const void *fdt, int node, const char *name, int *len)
{
    struct devtree_index view;
    struct token t;
    if (node < 0 || index_blocks(&view, fdt) != 0 ||
        !token_read(index_struct(&view), view.struct_size, (uint32_t)node, &t) ||
        t.tag != FDT_BEGIN_NODE)
        return NULL;
    return props_find(&view, t.next, name, strlen(name), len);
}

const void *devtree_index_prop(const struct devtree_index *idx, int node, const char *name,
                               int *len)
{
    const struct devtree_node *n = index_node(idx, node);
    return n ? node_prop(idx, n, name, strlen(name), len) : NULL;
}

int devtree_index_stdout(const struct devtree_index *idx)
{
    int chosen = devtree_index_child(idx, 0, "chosen"), len;
    const char *path = chosen < 0 ? NULL : devtree_index_prop(idx, chosen, "stdout-path", &len);
    if (!path || len < 1 || path[len - 1] != '\0')
        return -ENOENT;
    int namelen = (int)strcspn(path, ":");
    if (path[0] != '/') {
        int aliases = devtree_index_child(idx, 0, "aliases");
        const struct devtree_node *a = aliases < 0 ? NULL : index_node(idx, aliases);
        path = a ? node_prop(idx, a, path, (size_t)namelen, &len) : NULL;
        /* An alias must name a path (a relative one would be another alias). */
        if (!path || len < 1 || path[0] != '/')
            return -ENOENT;
        namelen = (int)strnlen(path, (size_t)len);
    }
    return devtree_index_path(idx, path, namelen);
}

int devtree_index_reg(const struct devtree_index *idx, int node, int index, uint64_t *addr,
                      uint64_t *size)
{
    const struct devtree_node *n = index_node(idx, node);
    const struct devtree_node *p = n && n->parent >= 0 ? index_node(idx, n->parent) : NULL;
    if (!p || index < 0)
        return -EINVAL;
    int len = 0;
    const fdt32_t *reg = node_prop(idx, n, "reg", sizeof("reg") - 1, &len);
    return reg_decode(reg, len, p->address_cells, p->size_cells, index, addr, size);
}

int devtree_index_irq(const struct devtree_index *idx, int node, int index, unsigned *intid,
                      unsigned *flags)
{
    int len = 0;
    const fdt32_t *irq = devtree_index_prop(idx, node, "interrupts", &len);
    return irq_decode(irq, len, index, intid, flags);
}

uint32_t devtree_index_u32(const struct devtree_index *idx, int node, const char *name,
                           uint32_t def)
{
    int len;
    const fdt32_t *p = devtree_index_prop(idx, node, name, &len);
    return p && len == sizeof(*p) ? cell_at(p) : def;
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
            if (devtree_index_reg(idx, node->offset, i, &ranges[n].base, &ranges[n].size) != 0)
                break;
            n++;
        }
    }
    return n;
}
