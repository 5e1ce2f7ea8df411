/* SPDX-License-Identifier: MIT */
/*
 * Device tree helpers over libfdt: the few questions a board asks of its DTB
 * (Devicetree Specification v0.4). Every function validates what it reads: a
 * malformed tree gives an error, never an out-of-bounds read. Pure code,
 * unit-tested on the host.
 */
#ifndef LIB_DEVTREE_DEVTREE_H
#define LIB_DEVTREE_DEVTREE_H

#include <stdbool.h>
#include <stdint.h>

/* Nodes nested deeper than this are passed over by the walks below. */
#define DEVTREE_MAX_DEPTH 16

/* Trigger flags of an interrupt specifier (bindings/interrupt-controller/arm,gic.yaml) */
#define DEVTREE_IRQ_EDGE  1u
#define DEVTREE_IRQ_LEVEL 4u

/*
 * Reads entry index of node's "reg", with the parent's #address-cells and
 * #size-cells (1 or 2 each). Returns 0, -ENOENT if there is no such entry,
 * -EINVAL if the cells are malformed.
 */
int devtree_reg(const void *fdt, int node, int index, uint64_t *addr, uint64_t *size);

/*
 * devtree_reg for a node whose parent the caller knows: no walk from the
 * root to find it (fdt_parent_offset's cost, per call). Same returns.
 */
int devtree_reg_in(const void *fdt, int parent, int node, int index, uint64_t *addr,
                   uint64_t *size);

/* Called for a node found by devtree_each_compatible; nonzero stops the walk. */
typedef int (*devtree_node_fn)(const void *fdt, int node, int parent, void *arg);

/*
 * Calls fn for every node compatible with compatible, in tree order, with
 * its parent, in one walk of the tree (looking each one up with
 * fdt_node_offset_by_compatible and fdt_parent_offset walks it once per
 * node). Returns 0 at the end, what fn returned when nonzero, or -EINVAL for
 * a malformed tree.
 */
int devtree_each_compatible(const void *fdt, const char *compatible, devtree_node_fn fn, void *arg);

/*
 * Reads entry index of node's "interrupts" as an Arm GIC specifier
 * (type, number, flags) and converts it to a GIC INTID (SPI n -> 32 + n,
 * PPI n -> 16 + n); *flags gets the trigger flags. Returns 0, -ENOENT, or
 * -EINVAL for an unknown type or malformed property.
 */
int devtree_irq(const void *fdt, int node, int index, unsigned *intid, unsigned *flags);

/*
 * The first node compatible with the NULL-terminated list's first string
 * that any node has (the list is in order of preference), or -ENOENT.
 */
int devtree_find_compatible(const void *fdt, const char *const *compatible);

/*
 * devtree_find_compatible in one walk of the tree, also giving the node's
 * parent in *parent (when not NULL; -ENOENT with the node), for devtree_reg_in.
 */
int devtree_find_compatible_in(const void *fdt, const char *const *compatible, int *parent);

/* The node /chosen/stdout-path names (an alias or a path, ":options" ignored), or -ENOENT. */
int devtree_stdout(const void *fdt);

/*
 * The index-th RAM range over all device_type = "memory" nodes, in tree
 * order. Returns 0, or -ENOENT past the last one.
 */
int devtree_memory(const void *fdt, int index, uint64_t *base, uint64_t *size);

/* A RAM range of a memory node. */
struct devtree_range {
    uint64_t base, size;
};

/*
 * Up to max RAM ranges of all device_type = "memory" nodes, in tree order,
 * in one pass (devtree_memory walks the nodes again for each index).
 * Returns how many; a malformed reg entry ends its node's list.
 */
unsigned devtree_memory_all(const void *fdt, struct devtree_range *ranges, unsigned max);

/*
 * An index of a tree's nodes, built in one pass over the structure block, for
 * a board that asks many questions at boot: each libfdt lookup by compatible,
 * phandle, path, parent or property name walks the tree (or the node's
 * properties) from the start, and its walk checks the bounds of every byte of
 * every node name on the way (QEMU virt's tree has 56 nodes and 276
 * properties; its bring-up asked some 30 such questions and read some 200
 * properties). The pass validates the whole structure block, so the queries
 * below read it with a bounds check per property, not per byte.
 *
 * The index keeps offsets, never pointers: libfdt's node offsets (from the
 * structure block's start), and value offsets from the blob's start, so it
 * stays valid when the whole blob is moved (devtree_index_rebase).
 */
struct devtree_node {
    int offset, parent; /* parent: the root's is -1 */
    int props;          /* offset of the node's first token after its name */
    int compatible;     /* offset of the property's string list in the blob, or -1 */
    int compatible_len;
    uint32_t phandle;  /* 0: none */
    int address_cells; /* its #address-cells: 2 when absent, -1 when malformed */
    int size_cells;    /* its #size-cells: 1 when absent, -1 when malformed */
    bool memory;       /* device_type = "memory" */
};

struct devtree_index {
    const void *fdt;
    struct devtree_node *nodes; /* in tree order, nodes[0] the root */
    int count;
    /* Where the blocks lie in the blob (offsets, so a move changes none of them). */
    uint32_t struct_off, struct_size, strings_off, strings_size;
};

/*
 * Indexes every node of fdt (nested at most DEVTREE_MAX_DEPTH deep) into
 * nodes, which holds max, in one pass that checks every token, name and
 * property against the blob's bounds. fdt must have passed fdt_check_header.
 * Returns 0, -ENOSPC for a tree with more nodes or deeper ones, -EINVAL for a
 * malformed one or one older than version 16; the index is usable only after 0.
 */
int devtree_index_build(struct devtree_index *idx, const void *fdt, struct devtree_node *nodes,
                        int max);

/*
 * The root's first child named name (as devtree_index_child matches it),
 * found in one pass over the
 * structure block without an index, for code that runs before there is one.
 * fdt must have passed fdt_check_header. Returns its offset, -ENOENT, or
 * -EINVAL for a malformed tree.
 */
int devtree_top_node(const void *fdt, const char *name);

/*
 * The value of property name of the node at offset node, its length in *len
 * (when not NULL), as fdt_getprop gives it, read without an index and without
 * libfdt's walk (for code that runs before there is one); NULL when node is
 * not a node or has no such property. fdt must have passed fdt_check_header.
 */
const void *devtree_prop(const void *fdt, int node, const char *name, int *len);

/* The blob was moved whole (memmove) to fdt: the index reads it there from now on. */
void devtree_index_rebase(struct devtree_index *idx, const void *fdt);

/* devtree_find_compatible_in over the index: the same answer, no walk. */
int devtree_index_find(const struct devtree_index *idx, const char *const *compatible, int *parent);

/* Whether the node at offset node is indexed and lists compatible. */
bool devtree_index_is_compatible(const struct devtree_index *idx, int node, const char *compatible);

/* The parent of the node at offset, -EINVAL for the root, -ENOENT for no indexed node. */
int devtree_index_parent(const struct devtree_index *idx, int node);

/* The node whose phandle is phandle, or -ENOENT. */
int devtree_index_phandle(const struct devtree_index *idx, uint32_t phandle);

/*
 * The first child of parent named name ("chosen", "cpus", "pl011@9000000"; a
 * name without a unit address also matches one with, as in libfdt's paths),
 * or -ENOENT.
 */
int devtree_index_child(const struct devtree_index *idx, int parent, const char *name);

/*
 * The child of parent that follows the child prev in tree order (prev < 0:
 * the first), or -ENOENT: fdt_first_subnode/fdt_next_subnode over the index.
 */
int devtree_index_next_child(const struct devtree_index *idx, int parent, int prev);

/*
 * The node at the absolute path (namelen bytes of it, "/" the root; empty
 * components are skipped as libfdt does), or -ENOENT.
 */
int devtree_index_path(const struct devtree_index *idx, const char *path, int namelen);

/* devtree_stdout over the index: the same answer, no walk. */
int devtree_index_stdout(const struct devtree_index *idx);

/*
 * The value of node's property name, its length in *len (when not NULL), as
 * fdt_getprop gives it; NULL when the node is not indexed or has no such
 * property.
 */
const void *devtree_index_prop(const struct devtree_index *idx, int node, const char *name,
                               int *len);

/* devtree_reg_in over the index (the parent's cells kept): same returns. */
int devtree_index_reg(const struct devtree_index *idx, int node, int index, uint64_t *addr,
                      uint64_t *size);

/* devtree_irq over the index: same returns. */
int devtree_index_irq(const struct devtree_index *idx, int node, int index, unsigned *intid,
                      unsigned *flags);

/* devtree_u32 over the index. */
uint32_t devtree_index_u32(const struct devtree_index *idx, int node, const char *name,
                           uint32_t def);

/* Up to max ranges of the indexed memory nodes: devtree_memory_all over the index. */
unsigned devtree_index_memory(const struct devtree_index *idx, struct devtree_range *ranges,
                              unsigned max);

/* The u32 property name of node, or def when it is absent or malformed. */
uint32_t devtree_u32(const void *fdt, int node, const char *name, uint32_t def);

#endif
