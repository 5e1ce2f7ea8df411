/* SPDX-License-Identifier: MIT */
/*
 * Device tree helpers over libfdt: the few questions a board asks of its DTB
 * (Devicetree Specification v0.4). Every function validates what it reads: a
 * malformed tree gives an error, never an out-of-bounds read. Pure code,
 * unit-tested on the host.
 */
#ifndef LIB_DEVTREE_DEVTREE_H
#define LIB_DEVTREE_DEVTREE_H

#include <stdint.h>

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
 * Reads entry index of node's "interrupts" as an Arm GIC specifier
 * (type, number, flags) and converts it to a GIC INTID (SPI n -> 32 + n,
 * PPI n -> 16 + n); *flags gets the trigger flags. Returns 0, -ENOENT, or
 * -EINVAL for an unknown type or malformed property.
 */
int devtree_irq(const void *fdt, int node, int index, unsigned *intid, unsigned *flags);

/* The first node compatible with any of the NULL-terminated list, or -ENOENT. */
int devtree_find_compatible(const void *fdt, const char *const *compatible);

/* The node /chosen/stdout-path names (an alias or a path, ":options" ignored), or -ENOENT. */
int devtree_stdout(const void *fdt);

/*
 * The index-th RAM range over all device_type = "memory" nodes, in tree
 * order. Returns 0, or -ENOENT past the last one.
 */
int devtree_memory(const void *fdt, int index, uint64_t *base, uint64_t *size);

/* The u32 property name of node, or def when it is absent or malformed. */
uint32_t devtree_u32(const void *fdt, int node, const char *name, uint32_t def);

#endif
