// SPDX-License-Identifier: MIT
/* Unit tests for the device tree helpers (lib/devtree/devtree.c) on blobs built with libfdt. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <libfdt.h>

#include "lib/devtree/devtree.h"

#define FDT_SIZE  8192
#define MAX_CELLS 16

/* The blob under construction; each test builds its own with libfdt's sequential-write API. */
static uint64_t blob[FDT_SIZE / sizeof(uint64_t)];

/* Fails the test with libfdt's own words when a build step goes wrong. */
static void ok(int err)
{
    if (err < 0)
        fail_msg("libfdt: %s", fdt_strerror(err));
}

static void *fdt = blob;

static void tree_begin(void)
{
    ok(fdt_create(blob, sizeof(blob)));
    ok(fdt_finish_reservemap(blob));
    ok(fdt_begin_node(blob, ""));
}

static void tree_end(void)
{
    ok(fdt_end_node(blob)); /* the root */
    ok(fdt_finish(blob));
    ok(fdt_check_header(blob));
}

static void node_begin(const char *name)
{
    ok(fdt_begin_node(blob, name));
}

static void node_end(void)
{
    ok(fdt_end_node(blob));
}

/* A property of n big-endian cells. */
static void prop_cells(const char *name, int n, ...)
{
    fdt32_t cells[MAX_CELLS];
    va_list ap;
    assert_true(n <= MAX_CELLS);
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        cells[i] = cpu_to_fdt32(va_arg(ap, uint32_t));
    va_end(ap);
    ok(fdt_property(blob, name, cells, n * (int)sizeof(fdt32_t)));
}

static void prop_string(const char *name, const char *s)
{
    ok(fdt_property_string(blob, name, s));
}

static int node(const char *path)
{
    int off = fdt_path_offset(fdt, path);
    if (off < 0)
        fail_msg("no node %s: %s", path, fdt_strerror(off));
    return off;
}

static void expect_reg(const char *path, int index, uint64_t addr, uint64_t size)
{
    uint64_t a = 0, s = 0;
    assert_int_equal(devtree_reg(fdt, node(path), index, &a, &s), 0);
    assert_int_equal(a, addr);
    assert_int_equal(s, size);
}

static int reg_err(const char *path, int index)
{
    uint64_t a = 0, s = 0;
    return devtree_reg(fdt, node(path), index, &a, &s);
}

/* A tree whose node "dev" sits under a parent with the given cells (negative: absent). */
static void build_reg_tree(int64_t address_cells, int64_t size_cells, int nreg, const uint32_t *reg)
{
    tree_begin();
    if (address_cells >= 0)
        prop_cells("#address-cells", 1, (uint32_t)address_cells);
    if (size_cells >= 0)
        prop_cells("#size-cells", 1, (uint32_t)size_cells);
    node_begin("dev");
    fdt32_t cells[MAX_CELLS];
    for (int i = 0; i < nreg; i++)
        cells[i] = cpu_to_fdt32(reg[i]);
    ok(fdt_property(blob, "reg", cells, nreg * (int)sizeof(fdt32_t)));
    node_end();
    tree_end();
}

static void test_devtree_reg_reads_two_cell_address_and_size(void **state)
{
    (void)state;
    static const uint32_t reg[] = {0, 0x09000000, 0, 0x1000, 0x1, 0x80000000, 0x2, 0x10};
    build_reg_tree(2, 2, 8, reg);
    expect_reg("/dev", 0, 0x09000000, 0x1000);
    expect_reg("/dev", 1, 0x180000000ull, 0x200000010ull);
}

static void test_devtree_reg_reads_one_cell_address_and_size_in_a_bus(void **state)
{
    (void)state;
    tree_begin();
    prop_cells("#address-cells", 1, 2);
    prop_cells("#size-cells", 1, 2);
    node_begin("soc");
    prop_cells("#address-cells", 1, 1);
    prop_cells("#size-cells", 1, 1);
    node_begin("uart@7e201000");
    prop_cells("reg", 4, 0x7e201000, 0x200, 0x7e202000, 0x100);
    node_end();
    node_end();
    tree_end();
    expect_reg("/soc/uart@7e201000", 0, 0x7e201000, 0x200);
    expect_reg("/soc/uart@7e201000", 1, 0x7e202000, 0x100);
}

static void test_devtree_reg_with_zero_size_cells_has_size_0(void **state)
{
    (void)state;
    static const uint32_t reg[] = {0x10, 0x20};
    build_reg_tree(1, 0, 2, reg);
    expect_reg("/dev", 1, 0x20, 0);
}

static void test_devtree_reg_uses_default_cells_when_parent_has_none(void **state)
{
    (void)state;
    /* Devicetree spec §2.3.5: default #address-cells 2, #size-cells 1. */
    static const uint32_t reg[] = {0x1, 0x2, 0x3};
    build_reg_tree(-1, -1, 3, reg);
    expect_reg("/dev", 0, 0x100000002ull, 0x3);
}

static void test_devtree_reg_index_out_of_range_returns_enoent(void **state)
{
    (void)state;
    static const uint32_t reg[] = {0, 0x1000, 0, 0x100};
    build_reg_tree(2, 2, 4, reg);
    assert_int_equal(reg_err("/dev", 1), -ENOENT);
    assert_int_equal(reg_err("/dev", 1000), -ENOENT);
    assert_int_equal(reg_err("/dev", -1), -EINVAL);
}

static void test_devtree_reg_missing_returns_enoent(void **state)
{
    (void)state;
    tree_begin();
    node_begin("dev");
    node_end();
    tree_end();
    assert_int_equal(reg_err("/dev", 0), -ENOENT);
}

static void test_devtree_reg_of_root_returns_einval(void **state)
{
    (void)state;
    tree_begin();
    prop_cells("reg", 2, 0, 0);
    tree_end();
    uint64_t a, s;
    assert_int_equal(devtree_reg(fdt, 0, 0, &a, &s), -EINVAL);
}

static void test_devtree_reg_length_not_multiple_of_entry_returns_einval(void **state)
{
    (void)state;
    static const uint32_t reg[] = {0, 0x1000, 0, 0x100, 0, 0x2000};
    build_reg_tree(2, 2, 6, reg);
    assert_int_equal(reg_err("/dev", 0), -EINVAL);

    build_reg_tree(2, 2, 0, reg); /* empty: no entries at all */
    assert_int_equal(reg_err("/dev", 0), -ENOENT);
}

static void test_devtree_reg_rejects_malformed_cells(void **state)
{
    (void)state;
    static const uint32_t reg[] = {0, 0, 0, 0, 0, 0};
    build_reg_tree(3, 2, 5, reg);
    assert_int_equal(reg_err("/dev", 0), -EINVAL);
    build_reg_tree(0, 1, 1, reg);
    assert_int_equal(reg_err("/dev", 0), -EINVAL);
    build_reg_tree(1, 3, 4, reg);
    assert_int_equal(reg_err("/dev", 0), -EINVAL);
    build_reg_tree(0x80000000u, 1, 2, reg); /* negative if read as a signed cell count */
    assert_int_equal(reg_err("/dev", 0), -EINVAL);

    /* A #address-cells that is not one cell long. */
    tree_begin();
    prop_cells("#address-cells", 2, 0, 1);
    prop_cells("#size-cells", 1, 1);
    node_begin("dev");
    prop_cells("reg", 2, 0x1000, 0x100);
    node_end();
    tree_end();
    assert_int_equal(reg_err("/dev", 0), -EINVAL);
}

/* A node "dev" with the given interrupts cells. */
static void build_irq_tree(int n, const uint32_t *cells)
{
    tree_begin();
    node_begin("dev");
    fdt32_t be[MAX_CELLS];
    for (int i = 0; i < n; i++)
        be[i] = cpu_to_fdt32(cells[i]);
    ok(fdt_property(blob, "interrupts", be, n * (int)sizeof(fdt32_t)));
    node_end();
    tree_end();
}

static int irq(int index, unsigned *intid, unsigned *flags)
{
    return devtree_irq(fdt, node("/dev"), index, intid, flags);
}

static void test_devtree_irq_converts_spi_and_ppi_to_intid(void **state)
{
    (void)state;
    /* PPI flags as QEMU writes them: CPU mask in bits 8-15 above the trigger. */
    static const uint32_t cells[] = {0, 1,   DEVTREE_IRQ_LEVEL, 1, 11, 0xf04,
                                     0, 987, DEVTREE_IRQ_EDGE};
    unsigned intid = 0, flags = 0;
    build_irq_tree(9, cells);
    assert_int_equal(irq(0, &intid, &flags), 0);
    assert_int_equal(intid, 33);
    assert_int_equal(flags, DEVTREE_IRQ_LEVEL);
    assert_int_equal(irq(1, &intid, &flags), 0);
    assert_int_equal(intid, 27);
    assert_int_equal(flags, DEVTREE_IRQ_LEVEL);
    assert_int_equal(irq(2, &intid, &flags), 0);
    assert_int_equal(intid, 1019);
    assert_int_equal(flags, DEVTREE_IRQ_EDGE);
}

static void test_devtree_irq_rejects_unknown_type_and_out_of_range_numbers(void **state)
{
    (void)state;
    static const uint32_t cells[] = {2, 1, 4, 0, 988, 4, 1, 16, 4};
    unsigned intid = 0, flags = 0;
    build_irq_tree(9, cells);
    assert_int_equal(irq(0, &intid, &flags), -EINVAL);
    assert_int_equal(irq(1, &intid, &flags), -EINVAL);
    assert_int_equal(irq(2, &intid, &flags), -EINVAL);
}

static void test_devtree_irq_truncated_property_returns_einval(void **state)
{
    (void)state;
    static const uint32_t cells[] = {0, 1, 4, 0, 2};
    unsigned intid = 0, flags = 0;
    build_irq_tree(2, cells);
    assert_int_equal(irq(0, &intid, &flags), -EINVAL);
    build_irq_tree(5, cells);
    assert_int_equal(irq(0, &intid, &flags), -EINVAL);
    assert_int_equal(irq(1, &intid, &flags), -EINVAL);
}

static void test_devtree_irq_index_out_of_range_or_missing_returns_enoent(void **state)
{
    (void)state;
    static const uint32_t cells[] = {0, 1, 4};
    unsigned intid = 0, flags = 0;
    build_irq_tree(3, cells);
    assert_int_equal(irq(1, &intid, &flags), -ENOENT);
    assert_int_equal(irq(-1, &intid, &flags), -EINVAL);

    tree_begin();
    node_begin("dev");
    node_end();
    tree_end();
    assert_int_equal(irq(0, &intid, &flags), -ENOENT);
}

/* A tree like QEMU virt's: a GIC, a PL011 with a compatible list, a virtio device. */
static void build_virt_tree(void)
{
    static const char pl011_compat[] = "arm,pl011\0arm,primecell";
    tree_begin();
    prop_cells("#address-cells", 1, 2);
    prop_cells("#size-cells", 1, 2);
    node_begin("intc@8000000");
    prop_string("compatible", "arm,cortex-a15-gic");
    node_end();
    node_begin("pl011@9000000");
    ok(fdt_property(blob, "compatible", pl011_compat, sizeof(pl011_compat)));
    prop_cells("reg", 4, 0, 0x09000000, 0, 0x1000);
    node_end();
    node_begin("virtio_mmio@a000000");
    prop_string("compatible", "virtio,mmio");
    node_end();
    node_begin("virtio_mmio@a000200");
    prop_string("compatible", "virtio,mmio");
    node_end();
    tree_end();
}

static void test_devtree_find_compatible_matches_any_string_of_node_list(void **state)
{
    (void)state;
    build_virt_tree();
    static const char *const first[] = {"arm,pl011", NULL};
    static const char *const second[] = {"arm,primecell", NULL};
    assert_int_equal(devtree_find_compatible(fdt, first), node("/pl011@9000000"));
    assert_int_equal(devtree_find_compatible(fdt, second), node("/pl011@9000000"));
}

static void test_devtree_find_compatible_tries_list_in_order(void **state)
{
    (void)state;
    build_virt_tree();
    static const char *const gic_first[] = {"arm,gic-v3", "arm,pl011", "arm,cortex-a15-gic", NULL};
    /* The list's order decides, not the tree's: pl011 is listed before the GIC that exists. */
    assert_int_equal(devtree_find_compatible(fdt, gic_first), node("/pl011@9000000"));
    static const char *const virtio[] = {"virtio,mmio", NULL};
    assert_int_equal(devtree_find_compatible(fdt, virtio), node("/virtio_mmio@a000000"));
}

static void test_devtree_find_compatible_returns_enoent_when_nothing_matches(void **state)
{
    (void)state;
    build_virt_tree();
    static const char *const none[] = {"brcm,bcm2835-aux-uart", "arm,pl01", NULL};
    static const char *const empty[] = {NULL};
    assert_int_equal(devtree_find_compatible(fdt, none), -ENOENT);
    assert_int_equal(devtree_find_compatible(fdt, empty), -ENOENT);
}

/* A tree with a UART, an alias for it, and /chosen/stdout-path (raw, len bytes). */
/* What devtree_each_compatible reported, in order. */
struct visits {
    int n, stop_after;
    int node[8], parent[8];
};

static int visit(const void *t, int node_off, int parent, void *arg)
{
    (void)t;
    struct visits *v = arg;
    assert_true(v->n < 8);
    v->node[v->n] = node_off;
    v->parent[v->n] = parent;
    return ++v->n == v->stop_after ? 42 : 0;
}

/* virtio nodes at the root and inside a bus with other cells, and one nested too deep. */
static void build_nested_tree(void)
{
    tree_begin();
    prop_cells("#address-cells", 1, 2);
    prop_cells("#size-cells", 1, 2);
    node_begin("virtio_mmio@a000000");
    prop_string("compatible", "virtio,mmio");
    prop_cells("reg", 4, 0, 0x0a000000, 0, 0x200);
    node_end();
    node_begin("soc");
    prop_cells("#address-cells", 1, 1);
    prop_cells("#size-cells", 1, 1);
    node_begin("virtio_mmio@b000000");
    static const char bus_compat[] = "virtio,mmio\0vendor,bus-dev";
    ok(fdt_property(blob, "compatible", bus_compat, sizeof(bus_compat)));
    prop_cells("reg", 2, 0x0b000000, 0x200);
    node_end();
    node_end();
    char name[16];
    for (int d = 1; d <= DEVTREE_MAX_DEPTH; d++) {
        snprintf(name, sizeof(name), "n%d", d);
        node_begin(name);
    }
    prop_string("compatible", "virtio,mmio"); /* at depth DEVTREE_MAX_DEPTH + 1... */
    node_begin("deeper");
    prop_string("compatible", "virtio,mmio"); /* ...and below it: both passed over */
    node_end();
    for (int d = 1; d <= DEVTREE_MAX_DEPTH; d++)
        node_end();
    node_begin("virtio_mmio@c000000");
    prop_string("compatible", "virtio,mmio");
    prop_cells("reg", 4, 0, 0x0c000000, 0, 0x200);
    node_end();
    tree_end();
}

static void test_devtree_each_compatible_visits_in_order_with_parents(void **state)
{
    (void)state;
    build_nested_tree();
    struct visits v = {0};
    assert_int_equal(devtree_each_compatible(fdt, "virtio,mmio", visit, &v), 0);
    /* The node at depth DEVTREE_MAX_DEPTH is visited; deeper ones are not. */
    assert_int_equal(v.n, 4);
    assert_int_equal(v.node[0], node("/virtio_mmio@a000000"));
    assert_int_equal(v.parent[0], 0);
    assert_int_equal(v.node[1], node("/soc/virtio_mmio@b000000"));
    assert_int_equal(v.parent[1], node("/soc"));
    assert_int_equal(v.parent[2], fdt_parent_offset(fdt, v.node[2]));
    assert_int_equal(v.node[3], node("/virtio_mmio@c000000"));
    assert_int_equal(v.parent[3], 0);
    uint64_t addr, size;
    assert_int_equal(devtree_reg_in(fdt, v.parent[1], v.node[1], 0, &addr, &size), 0);
    assert_int_equal(addr, 0x0b000000);
    assert_int_equal(size, 0x200);
    assert_int_equal(devtree_reg_in(fdt, v.parent[3], v.node[3], 0, &addr, &size), 0);
    assert_int_equal(addr, 0x0c000000);
}

static void test_devtree_find_compatible_in_gives_the_parent(void **state)
{
    (void)state;
    build_nested_tree();
    int parent = 0;
    static const char *const bus_dev[] = {"none,such", "vendor,bus-dev", NULL};
    assert_int_equal(devtree_find_compatible_in(fdt, bus_dev, &parent),
                     node("/soc/virtio_mmio@b000000"));
    assert_int_equal(parent, node("/soc"));
    static const char *const virtio[] = {"virtio,mmio", NULL};
    assert_int_equal(devtree_find_compatible_in(fdt, virtio, &parent),
                     node("/virtio_mmio@a000000"));
    assert_int_equal(parent, 0);
    static const char *const none[] = {"none,such", NULL};
    assert_int_equal(devtree_find_compatible_in(fdt, none, &parent), -ENOENT);
    assert_int_equal(parent, -ENOENT);
}

/* A tree with a bus, phandles, memory and nodes of every kind the index keeps. */
static void build_index_tree(void)
{
    static const char uart_compat[] = "arm,pl011\0arm,primecell";
    tree_begin();
    prop_string("compatible", "linux,dummy-virt");
    prop_cells("#address-cells", 1, 2);
    prop_cells("#size-cells", 1, 2);
    node_begin("chosen");
    prop_string("bootargs", "x=1");
    node_end();
    node_begin("memory@40000000");
    prop_string("device_type", "memory");
    prop_cells("reg", 8, 0, 0x40000000, 0, 0x08000000, 0, 0x50000000, 0, 0x01000000);
    node_end();
    node_begin("apb-pclk");
    prop_cells("phandle", 1, 0x8000);
    node_end();
    node_begin("soc");
    prop_cells("#address-cells", 1, 1);
    prop_cells("#size-cells", 1, 1);
    node_begin("pl011@9000000");
    ok(fdt_property(blob, "compatible", uart_compat, sizeof(uart_compat)));
    prop_cells("reg", 2, 0x09000000, 0x1000);
    prop_cells("phandle", 1, 0x8001);
    node_end();
    node_end();
    node_begin("intc@8000000");
    prop_string("compatible", "arm,cortex-a15-gic");
    node_end();
    tree_end();
}

static void test_devtree_index_answers_as_libfdt_walks_do(void **state)
{
    (void)state;
    struct devtree_node nodes[16];
    struct devtree_index idx;
    build_index_tree();
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), 0);
    assert_int_equal(idx.count, 7);
    static const char *const lists[][4] = {{"arm,primecell", NULL},
                                           {"arm,gic-v3", "arm,cortex-a15-gic", "arm,pl011", NULL},
                                           {"none,such", NULL},
                                           {"linux,dummy-virt", NULL}};
    for (unsigned i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        int p1 = 0, p2 = 0;
        assert_int_equal(devtree_index_find(&idx, lists[i], &p1),
                         devtree_find_compatible_in(fdt, lists[i], &p2));
        assert_int_equal(p1, p2); /* the root's: -ENOENT */
    }
    for (int k = 1; k < idx.count; k++)
        assert_int_equal(devtree_index_parent(&idx, nodes[k].offset),
                         fdt_parent_offset(fdt, nodes[k].offset));
    assert_int_equal(devtree_index_parent(&idx, 0), -EINVAL);
    assert_int_equal(devtree_index_parent(&idx, nodes[1].offset + 4), -ENOENT);
    assert_int_equal(devtree_index_phandle(&idx, 0x8001), fdt_node_offset_by_phandle(fdt, 0x8001));
    assert_int_equal(devtree_index_phandle(&idx, 0x8000), node("/apb-pclk"));
    assert_int_equal(devtree_index_phandle(&idx, 0x1234), -ENOENT);
    assert_int_equal(devtree_index_phandle(&idx, 0), -ENOENT);
    assert_int_equal(devtree_index_child(&idx, 0, "chosen"), node("/chosen"));
    assert_int_equal(devtree_index_child(&idx, node("/soc"), "pl011@9000000"),
                     node("/soc/pl011@9000000"));
    assert_int_equal(devtree_index_child(&idx, 0, "pl011@9000000"), -ENOENT);
    struct devtree_range a[4], b[4];
    assert_int_equal(devtree_index_memory(&idx, a, 4), devtree_memory_all(fdt, b, 4));
    assert_int_equal(devtree_index_memory(&idx, a, 4), 2);
    assert_memory_equal(a, b, 2 * sizeof(a[0]));
}

/* Every property of every node, read through the index, is where libfdt finds it. */
static void test_devtree_index_prop_finds_what_fdt_getprop_finds(void **state)
{
    (void)state;
    struct devtree_node nodes[16];
    struct devtree_index idx;
    build_index_tree();
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), 0);
    int checked = 0;
    for (int k = 0; k < idx.count; k++) {
        int prop, off = nodes[k].offset;
        fdt_for_each_property_offset(prop, fdt, off)
        {
            const char *name;
            int len1, len2 = -1;
            const void *v1 = fdt_getprop_by_offset(fdt, prop, &name, &len1);
            const void *v2 = devtree_index_prop(&idx, off, name, &len2);
            assert_ptr_equal(v1, v2);
            assert_int_equal(len1, len2);
            checked++;
        }
        assert_null(devtree_index_prop(&idx, off, "no-such-property", NULL));
        assert_null(devtree_index_prop(&idx, off, "re", NULL)); /* a prefix of "reg" */
    }
    assert_int_equal(checked, 13);
    assert_null(devtree_index_prop(&idx, nodes[1].offset + 4, "reg", NULL)); /* not a node */
}

static void test_devtree_index_reg_irq_u32_match_the_libfdt_helpers(void **state)
{
    (void)state;
    struct devtree_node nodes[16];
    struct devtree_index idx;
    build_index_tree();
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), 0);
    for (int k = 1; k < idx.count; k++) {
        int node = nodes[k].offset;
        for (int i = -1; i < 3; i++) {
            uint64_t a1 = 0, s1 = 0, a2 = 0, s2 = 0;
            unsigned id1 = 0, f1 = 0, id2 = 0, f2 = 0;
            assert_int_equal(devtree_index_reg(&idx, node, i, &a1, &s1),
                             devtree_reg(fdt, node, i, &a2, &s2));
            assert_true(a1 == a2 && s1 == s2);
            assert_int_equal(devtree_index_irq(&idx, node, i, &id1, &f1),
                             devtree_irq(fdt, node, i, &id2, &f2));
            assert_true(id1 == id2 && f1 == f2);
        }
        assert_int_equal(devtree_index_u32(&idx, node, "phandle", 7),
                         devtree_u32(fdt, node, "phandle", 7));
    }
    uint64_t a, s;
    assert_int_equal(devtree_index_reg(&idx, node("/soc/pl011@9000000"), 0, &a, &s), 0);
    assert_true(a == 0x09000000 && s == 0x1000); /* with /soc's one cell each */
    assert_int_equal(devtree_index_reg(&idx, 0, 0, &a, &s), -EINVAL); /* the root has no parent */
}

static void test_devtree_index_path_resolves_as_fdt_path_offset(void **state)
{
    (void)state;
    struct devtree_node nodes[16];
    struct devtree_index idx;
    build_index_tree();
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), 0);
    static const char *const paths[] = {
        "/",       "/chosen",      "/soc/pl011@9000000", "/soc/pl011", "//soc//pl011@9000000/",
        "/memory", "/soc/pl011@9", "/nonexistent",       "/chosen/x",  "/soc/pl011@9000000x"};
    for (unsigned i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        int want = fdt_path_offset(fdt, paths[i]);
        assert_int_equal(devtree_index_path(&idx, paths[i], (int)strlen(paths[i])),
                         want < 0 ? -ENOENT : want);
    }
    assert_int_equal(devtree_index_path(&idx, "chosen", 6), -ENOENT); /* not absolute */
    assert_int_equal(devtree_index_path(&idx, "/soc/pl011@9000000", 4), node("/soc"));
}

static void test_devtree_index_follows_the_blob_when_it_is_moved(void **state)
{
    (void)state;
    static uint64_t moved[FDT_SIZE / sizeof(uint64_t)];
    struct devtree_node nodes[16];
    struct devtree_index idx;
    build_index_tree();
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), 0);
    memcpy(moved, blob, sizeof(moved));
    memset(blob, 0, sizeof(blob)); /* nothing may be read from the old place */
    devtree_index_rebase(&idx, moved);
    int len;
    const char *compat =
        devtree_index_prop(&idx, fdt_path_offset(moved, "/soc/pl011@9000000"), "compatible", &len);
    assert_ptr_equal(compat, fdt_getprop(moved, fdt_path_offset(moved, "/soc/pl011@9000000"),
                                         "compatible", NULL));
    static const char *const uart[] = {"arm,primecell", NULL};
    assert_int_equal(devtree_index_find(&idx, uart, NULL),
                     fdt_node_offset_by_compatible(moved, -1, "arm,primecell"));
    struct devtree_range r[4];
    assert_int_equal(devtree_index_memory(&idx, r, 4), 2);
}

static void
test_devtree_index_keeps_the_first_of_a_repeated_property_and_linux_phandle(void **state)
{
    (void)state;
    struct devtree_node nodes[16];
    struct devtree_index idx;
    tree_begin();
    prop_cells("#address-cells", 1, 1);
    prop_cells("#address-cells", 1, 2); /* a repeat: libfdt finds the first */
    node_begin("a");
    prop_cells("linux,phandle", 1, 5);
    node_end();
    node_begin("b");
    prop_cells("linux,phandle", 1, 6);
    prop_cells("phandle", 1, 7); /* wins over linux,phandle */
    node_end();
    node_begin("c");
    prop_cells("phandle", 2, 8, 8); /* not one cell: linux,phandle counts */
    prop_cells("linux,phandle", 1, 9);
    node_end();
    tree_end();
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), 0);
    assert_int_equal(nodes[0].address_cells, fdt_address_cells(fdt, 0));
    for (uint32_t ph = 5; ph <= 9; ph++) {
        int want = fdt_node_offset_by_phandle(fdt, ph);
        assert_int_equal(devtree_index_phandle(&idx, ph), want < 0 ? -ENOENT : want);
    }
}

static void test_devtree_index_next_child_walks_children_as_libfdt_does(void **state)
{
    (void)state;
    struct devtree_node nodes[16];
    struct devtree_index idx;
    build_index_tree();
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), 0);
    for (int k = 0; k < idx.count; k++) {
        int parent = nodes[k].offset, mine = devtree_index_next_child(&idx, parent, -1);
        int theirs = fdt_first_subnode(fdt, parent);
        while (theirs >= 0) {
            assert_int_equal(mine, theirs);
            mine = devtree_index_next_child(&idx, parent, mine);
            theirs = fdt_next_subnode(fdt, theirs);
        }
        assert_int_equal(mine, -ENOENT);
    }
    /* prev not a child of parent, or no node at all */
    assert_int_equal(devtree_index_next_child(&idx, node("/soc"), node("/chosen")), -ENOENT);
    assert_int_equal(devtree_index_next_child(&idx, 0, 3), -ENOENT);
}

static void test_devtree_prop_finds_what_fdt_getprop_finds_without_an_index(void **state)
{
    (void)state;
    build_index_tree();
    int checked = 0, at = 0, depth = 0;
    for (; at >= 0 && depth >= 0; at = fdt_next_node(fdt, at, &depth)) {
        int prop;
        fdt_for_each_property_offset(prop, fdt, at)
        {
            const char *name;
            int len1, len2 = -1;
            const void *v1 = fdt_getprop_by_offset(fdt, prop, &name, &len1);
            assert_ptr_equal(devtree_prop(fdt, at, name, &len2), v1);
            assert_int_equal(len2, len1);
            checked++;
        }
        assert_null(devtree_prop(fdt, at, "no-such-property", NULL));
    }
    assert_int_equal(checked, 13);
    assert_null(devtree_prop(fdt, -1, "reg", NULL));
    int prop = fdt_first_property_offset(fdt, node("/chosen"));
    assert_null(devtree_prop(fdt, prop, "bootargs", NULL)); /* a property, not a node */
}

static void test_devtree_top_node_finds_a_child_of_the_root_only(void **state)
{
    (void)state;
    build_index_tree();
    assert_int_equal(devtree_top_node(fdt, "chosen"), node("/chosen"));
    assert_int_equal(devtree_top_node(fdt, "intc@8000000"), node("/intc@8000000"));
    assert_int_equal(devtree_top_node(fdt, "pl011@9000000"), -ENOENT); /* a grandchild */
    assert_int_equal(devtree_top_node(fdt, ""), -ENOENT);              /* not the root */
    assert_int_equal(devtree_top_node(fdt, "intc"), node("/intc"));    /* as libfdt's paths match */
    assert_int_equal(devtree_top_node(fdt, "int"), -ENOENT);
    fdt32_t *tag = (fdt32_t *)((char *)fdt + fdt_off_dt_struct(fdt) + node("/soc"));
    *tag = cpu_to_fdt32(0x7f);
    assert_int_equal(devtree_top_node(fdt, "intc@8000000"), -EINVAL);
}

/* The struct block's last property, its length made to run past the block's end. */
static void test_devtree_index_rejects_values_and_names_past_the_block(void **state)
{
    (void)state;
    struct devtree_node nodes[16];
    struct devtree_index idx;
    build_index_tree();
    int prop = fdt_first_property_offset(fdt, node("/intc@8000000"));
    fdt32_t *len = (fdt32_t *)((char *)fdt + fdt_off_dt_struct(fdt) + prop + 4);
    *len = cpu_to_fdt32(fdt_size_dt_struct(fdt));
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), -EINVAL);
    assert_int_equal(idx.count, 0);

    /* The block cut short inside the last node's name. */
    build_index_tree();
    fdt_set_size_dt_struct(fdt, (uint32_t)node("/intc@8000000") + 6);
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), -EINVAL);

    /* An FDT_END before the root ends. */
    build_index_tree();
    fdt32_t *tag = (fdt32_t *)((char *)fdt + fdt_off_dt_struct(fdt) + node("/soc"));
    *tag = cpu_to_fdt32(FDT_END);
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), -EINVAL);

    /* A property name offset past the strings block: never matched, never read. */
    build_index_tree();
    prop = fdt_first_property_offset(fdt, node("/chosen"));
    fdt32_t *nameoff = (fdt32_t *)((char *)fdt + fdt_off_dt_struct(fdt) + prop + 8);
    *nameoff = cpu_to_fdt32(0x7ffffff0);
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), 0);
    assert_null(devtree_index_prop(&idx, node("/chosen"), "bootargs", NULL));
}

static void test_devtree_index_refuses_a_tree_it_cannot_hold(void **state)
{
    (void)state;
    struct devtree_node nodes[16];
    struct devtree_index idx;
    build_index_tree();
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 6), -ENOSPC);
    assert_int_equal(idx.count, 0);
    build_nested_tree(); /* a node below DEVTREE_MAX_DEPTH */
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), -ENOSPC);
    build_index_tree();
    fdt32_t *tag = (fdt32_t *)((char *)fdt + fdt_off_dt_struct(fdt) + node("/soc"));
    *tag = cpu_to_fdt32(0x7f);
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), -EINVAL);
}

static void test_devtree_each_compatible_stops_when_told_and_says_so(void **state)
{
    (void)state;
    build_nested_tree();
    struct visits v = {.stop_after = 2};
    assert_int_equal(devtree_each_compatible(fdt, "virtio,mmio", visit, &v), 42);
    assert_int_equal(v.n, 2);
    struct visits none = {0};
    assert_int_equal(devtree_each_compatible(fdt, "arm,pl011", visit, &none), 0);
    assert_int_equal(none.n, 0);
}

static void test_devtree_each_compatible_rejects_a_corrupt_tree(void **state)
{
    (void)state;
    build_nested_tree();
    /* The first node's FDT_BEGIN_NODE tag overwritten with an unknown tag. */
    fdt32_t *tag = (fdt32_t *)((char *)fdt + fdt_off_dt_struct(fdt) + node("/virtio_mmio@a000000"));
    *tag = cpu_to_fdt32(0x7f);
    struct visits v = {0};
    assert_int_equal(devtree_each_compatible(fdt, "virtio,mmio", visit, &v), -EINVAL);
}

static void build_stdout_tree(const char *path, int len)
{
    tree_begin();
    node_begin("aliases");
    prop_string("serial0", "/pl011@9000000");
    prop_string("broken", "/nonexistent");
    node_end();
    node_begin("chosen");
    if (path)
        ok(fdt_property(blob, "stdout-path", path, len));
    node_end();
    node_begin("pl011@9000000");
    node_end();
    tree_end();
}

static void build_stdout(const char *path)
{
    build_stdout_tree(path, (int)strlen(path) + 1);
}

/* devtree_stdout, checked to give what devtree_index_stdout gives for the same tree. */
static int stdout_node(void)
{
    struct devtree_node nodes[16];
    struct devtree_index idx;
    assert_int_equal(devtree_index_build(&idx, fdt, nodes, 16), 0);
    int node = devtree_stdout(fdt);
    assert_int_equal(devtree_index_stdout(&idx), node);
    return node;
}

static void test_devtree_stdout_follows_alias_ignoring_options(void **state)
{
    (void)state;
    build_stdout("serial0:115200n8");
    assert_int_equal(stdout_node(), node("/pl011@9000000"));
    build_stdout("serial0");
    assert_int_equal(stdout_node(), node("/pl011@9000000"));
}

static void test_devtree_stdout_follows_full_path(void **state)
{
    (void)state;
    build_stdout("/pl011@9000000");
    assert_int_equal(stdout_node(), node("/pl011@9000000"));
    build_stdout("/pl011@9000000:115200n8");
    assert_int_equal(stdout_node(), node("/pl011@9000000"));
}

static void test_devtree_stdout_missing_returns_enoent(void **state)
{
    (void)state;
    build_stdout_tree(NULL, 0);
    assert_int_equal(stdout_node(), -ENOENT);

    tree_begin();
    node_begin("pl011@9000000");
    node_end();
    tree_end();
    assert_int_equal(stdout_node(), -ENOENT); /* no /chosen at all */
}

static void test_devtree_stdout_unresolvable_returns_enoent(void **state)
{
    (void)state;
    build_stdout("serial1:115200n8"); /* no such alias */
    assert_int_equal(stdout_node(), -ENOENT);
    build_stdout("broken"); /* alias to a missing node */
    assert_int_equal(stdout_node(), -ENOENT);
    build_stdout("/uart@1000");
    assert_int_equal(stdout_node(), -ENOENT);
    build_stdout("");
    assert_int_equal(stdout_node(), -ENOENT);
    build_stdout(":115200n8");
    assert_int_equal(stdout_node(), -ENOENT);
}

static void test_devtree_stdout_not_nul_terminated_returns_enoent(void **state)
{
    (void)state;
    build_stdout_tree("/pl011@9000000", (int)strlen("/pl011@9000000"));
    assert_int_equal(stdout_node(), -ENOENT);
    build_stdout_tree("", 0);
    assert_int_equal(stdout_node(), -ENOENT);
}

/*
 * Regression: an alias whose value is not an absolute path would be resolved by
 * libfdt 1.6.1 as an alias again, so aliases { serial0 = "serial0"; } recursed
 * until the stack overflowed. devtree_stdout refuses it with -ENOENT.
 */
static void test_devtree_stdout_alias_to_non_absolute_path_returns_enoent(void **state)
{
    (void)state;
    tree_begin();
    node_begin("aliases");
    prop_string("serial0", "serial0");
    node_end();
    node_begin("chosen");
    prop_string("stdout-path", "serial0:115200n8");
    node_end();
    tree_end();
    assert_int_equal(stdout_node(), -ENOENT);
}

/* Two memory nodes, the first with two ranges, and other nodes around them. */
static void build_memory_tree(void)
{
    tree_begin();
    prop_cells("#address-cells", 1, 2);
    prop_cells("#size-cells", 1, 2);
    node_begin("cpus");
    prop_string("device_type", "cpu");
    node_end();
    node_begin("memory@40000000");
    prop_string("device_type", "memory");
    prop_cells("reg", 8, 0, 0x40000000, 0, 0x08000000, 0, 0x50000000, 0, 0x01000000);
    node_end();
    node_begin("fake@0");
    prop_string("device_type", "memoryx"); /* not memory */
    prop_cells("reg", 4, 0, 0, 0, 0x1000);
    node_end();
    node_begin("memory@100000000");
    prop_string("device_type", "memory");
    prop_cells("reg", 4, 1, 0, 0, 0x10000000);
    node_end();
    tree_end();
}

static void expect_ram_range(int index, uint64_t base, uint64_t size)
{
    uint64_t b = 0, s = 0;
    assert_int_equal(devtree_memory(fdt, index, &b, &s), 0);
    assert_int_equal(b, base);
    assert_int_equal(s, size);
}

static void test_devtree_memory_lists_every_range_of_every_memory_node_in_order(void **state)
{
    (void)state;
    uint64_t b, s;
    build_memory_tree();
    expect_ram_range(0, 0x40000000, 0x08000000);
    expect_ram_range(1, 0x50000000, 0x01000000);
    expect_ram_range(2, 0x100000000ull, 0x10000000);
    assert_int_equal(devtree_memory(fdt, 3, &b, &s), -ENOENT);
}

static void test_devtree_memory_all_matches_devtree_memory_in_one_pass(void **state)
{
    (void)state;
    struct devtree_range r[4];
    build_memory_tree();
    assert_int_equal(devtree_memory_all(fdt, r, 4), 3);
    for (int i = 0; i < 3; i++) {
        uint64_t b, sz;
        assert_int_equal(devtree_memory(fdt, i, &b, &sz), 0);
        assert_int_equal(r[i].base, b);
        assert_int_equal(r[i].size, sz);
    }
    assert_int_equal(devtree_memory_all(fdt, r, 2), 2); /* max is kept */
    assert_int_equal(r[1].base, 0x50000000);
    build_virt_tree();
    assert_int_equal(devtree_memory_all(fdt, r, 4), 0);
}

static void test_devtree_memory_without_memory_nodes_returns_enoent(void **state)
{
    (void)state;
    uint64_t b, s;
    build_virt_tree();
    assert_int_equal(devtree_memory(fdt, 0, &b, &s), -ENOENT);
}

static void test_devtree_memory_with_malformed_reg_returns_einval(void **state)
{
    (void)state;
    uint64_t b, s;
    tree_begin();
    prop_cells("#address-cells", 1, 2);
    prop_cells("#size-cells", 1, 2);
    node_begin("memory@40000000");
    prop_string("device_type", "memory");
    prop_cells("reg", 3, 0, 0x40000000, 0);
    node_end();
    tree_end();
    assert_int_equal(devtree_memory(fdt, 0, &b, &s), -EINVAL);
}

static void test_devtree_u32_reads_value_or_default(void **state)
{
    (void)state;
    tree_begin();
    node_begin("dev");
    prop_cells("clock-frequency", 1, 24000000);
    prop_cells("two", 2, 1, 2);
    ok(fdt_property(blob, "short", "\x01\x02", 2));
    ok(fdt_property(blob, "empty", NULL, 0));
    node_end();
    tree_end();
    int dev = node("/dev");
    assert_int_equal(devtree_u32(fdt, dev, "clock-frequency", 7), 24000000);
    assert_int_equal(devtree_u32(fdt, dev, "absent", 7), 7);
    assert_int_equal(devtree_u32(fdt, dev, "two", 7), 7);
    assert_int_equal(devtree_u32(fdt, dev, "short", 7), 7);
    assert_int_equal(devtree_u32(fdt, dev, "empty", 7), 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_devtree_reg_reads_two_cell_address_and_size),
        cmocka_unit_test(test_devtree_reg_reads_one_cell_address_and_size_in_a_bus),
        cmocka_unit_test(test_devtree_reg_with_zero_size_cells_has_size_0),
        cmocka_unit_test(test_devtree_reg_uses_default_cells_when_parent_has_none),
        cmocka_unit_test(test_devtree_reg_index_out_of_range_returns_enoent),
        cmocka_unit_test(test_devtree_reg_missing_returns_enoent),
        cmocka_unit_test(test_devtree_reg_of_root_returns_einval),
        cmocka_unit_test(test_devtree_reg_length_not_multiple_of_entry_returns_einval),
        cmocka_unit_test(test_devtree_reg_rejects_malformed_cells),
        cmocka_unit_test(test_devtree_irq_converts_spi_and_ppi_to_intid),
        cmocka_unit_test(test_devtree_irq_rejects_unknown_type_and_out_of_range_numbers),
        cmocka_unit_test(test_devtree_irq_truncated_property_returns_einval),
        cmocka_unit_test(test_devtree_irq_index_out_of_range_or_missing_returns_enoent),
        cmocka_unit_test(test_devtree_find_compatible_matches_any_string_of_node_list),
        cmocka_unit_test(test_devtree_find_compatible_tries_list_in_order),
        cmocka_unit_test(test_devtree_find_compatible_returns_enoent_when_nothing_matches),
        cmocka_unit_test(test_devtree_each_compatible_visits_in_order_with_parents),
        cmocka_unit_test(test_devtree_each_compatible_stops_when_told_and_says_so),
        cmocka_unit_test(test_devtree_find_compatible_in_gives_the_parent),
        cmocka_unit_test(test_devtree_index_answers_as_libfdt_walks_do),
        cmocka_unit_test(test_devtree_index_refuses_a_tree_it_cannot_hold),
        cmocka_unit_test(test_devtree_each_compatible_rejects_a_corrupt_tree),
        cmocka_unit_test(test_devtree_stdout_follows_alias_ignoring_options),
        cmocka_unit_test(test_devtree_stdout_follows_full_path),
        cmocka_unit_test(test_devtree_stdout_missing_returns_enoent),
        cmocka_unit_test(test_devtree_stdout_unresolvable_returns_enoent),
        cmocka_unit_test(test_devtree_stdout_not_nul_terminated_returns_enoent),
        cmocka_unit_test(test_devtree_memory_lists_every_range_of_every_memory_node_in_order),
        cmocka_unit_test(test_devtree_memory_without_memory_nodes_returns_enoent),
        cmocka_unit_test(test_devtree_memory_all_matches_devtree_memory_in_one_pass),
        cmocka_unit_test(test_devtree_memory_with_malformed_reg_returns_einval),
        cmocka_unit_test(test_devtree_u32_reads_value_or_default),
        cmocka_unit_test(test_devtree_stdout_alias_to_non_absolute_path_returns_enoent),
        cmocka_unit_test(test_devtree_index_prop_finds_what_fdt_getprop_finds),
        cmocka_unit_test(test_devtree_index_reg_irq_u32_match_the_libfdt_helpers),
        cmocka_unit_test(test_devtree_index_path_resolves_as_fdt_path_offset),
        cmocka_unit_test(test_devtree_index_follows_the_blob_when_it_is_moved),
        cmocka_unit_test(
            test_devtree_index_keeps_the_first_of_a_repeated_property_and_linux_phandle),
        cmocka_unit_test(test_devtree_index_rejects_values_and_names_past_the_block),
        cmocka_unit_test(test_devtree_top_node_finds_a_child_of_the_root_only),
        cmocka_unit_test(test_devtree_prop_finds_what_fdt_getprop_finds_without_an_index),
        cmocka_unit_test(test_devtree_index_next_child_walks_children_as_libfdt_does),
    };
    return cmocka_run_group_tests_name("devtree", tests, NULL, NULL);
}
