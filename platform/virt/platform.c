// SPDX-License-Identifier: MIT
/*
 * QEMU virt: everything is discovered from the device tree QEMU generates, so
 * one image runs with any -m, -cpu, gic-version and virtualization setting.
 *   qemu-system-aarch64 -M virt[,gic-version=2|3][,virtualization=on] -cpu cortex-a53
 *       -m 128M -kernel build/virt/hello.elf -append "ARGS" -serial stdio -semihosting
 */
#include "platform/platform.h"

#include <errno.h>
#include <stdbool.h>
#include <libfdt.h>
#include <string.h>

#include <mote/log.h>
#include <mote/system.h>

#include "arch/aarch64/mmu.h"
#include "arch/aarch64/psci.h"
#include "drivers/gpio/pl061.h"
#include "drivers/irq/gicv2.h"
#include "drivers/irq/gicv3.h"
#include "drivers/rtc/pl031.h"
#include "drivers/timer/generic_timer.h"
#include "drivers/uart/pl011.h"
#include "drivers/virtio/mmio.h"
#include "kernel/console.h"
#include "kernel/event.h"
#include "kernel/gpio.h"
#include "kernel/irq.h"
#include "kernel/time.h"
#include "lib/devtree/devtree.h"
#include "memmap.h"

/* Linux input-event-codes.h: the code gpio-keys gives the power button */
#define KEY_POWER 116
/* The flags cell of a gpios specifier (dt-bindings/gpio/gpio.h) */
#define GPIO_ACTIVE_LOW 1u

/* The "interrupts" entries of arm,armv8-timer: secure, non-secure, virtual, hypervisor */
#define TIMER_IRQ_VIRTUAL 2

static const char *const pl011_compat[] = {"arm,pl011", NULL};
static const char *const gicv3_compat[] = {"arm,gic-v3", NULL};
static const char *const gicv2_compat[] = {"arm,cortex-a15-gic", "arm,gic-400", "arm,cortex-a9-gic",
                                           NULL};
static const char *const timer_compat[] = {"arm,armv8-timer", "arm,armv7-timer", NULL};
static const char *const pl031_compat[] = {"arm,pl031", NULL};
static const char *const psci_compat[] = {"arm,psci-1.0", "arm,psci-0.2", "arm,psci", NULL};
static const char *const gpio_keys_compat[] = {"gpio-keys", NULL};

/*
 * The device tree's nodes, indexed in one pass when platform_ram first reads
 * the tree (lib/devtree: each libfdt lookup walks the tree or a node's
 * properties from the start, and bring-up asks some 30 questions and reads
 * some 200 properties). Every question goes to the index: a tree it cannot
 * hold (more nodes than below, nested deeper than DEVTREE_MAX_DEPTH) or
 * rejects as malformed gives no RAM, and the boot stops as it does for a
 * DTB that does not pack. Asking libfdt instead when the index failed linked
 * a second copy of every lookup, about 8 KB of code never run on QEMU's trees.
 */
#define DT_INDEX_MAX 512 /* QEMU virt's tree has 56 nodes */
static struct devtree_node dt_nodes[DT_INDEX_MAX];
static struct devtree_index dt;
static bool dt_indexed;

/* The wrappers keep fdt for their callers' sake: all of them read the index. */
static int dt_find(const void *fdt, const char *const *compatible, int *parent)
{
    (void)fdt;
    return devtree_index_find(&dt, compatible, parent);
}

static int dt_parent(const void *fdt, int node)
{
    (void)fdt;
    return devtree_index_parent(&dt, node);
}

static int dt_phandle(const void *fdt, uint32_t phandle)
{
    (void)fdt;
    return devtree_index_phandle(&dt, phandle);
}

/* A child of the root by name ("chosen", "cpus"). */
static int dt_top(const void *fdt, const char *name)
{
    (void)fdt;
    return devtree_index_child(&dt, 0, name);
}

static const void *dt_prop(const void *fdt, int node, const char *name, int *len)
{
    (void)fdt;
    return devtree_index_prop(&dt, node, name, len);
}

static bool dt_compatible(const void *fdt, int node, const char *compatible)
{
    (void)fdt;
    return devtree_index_is_compatible(&dt, node, compatible);
}

/* Entry index of node's reg; parent is node's (the index knows it). */
static int dt_reg(const void *fdt, int parent, int node, int index, uint64_t *base, uint64_t *size)
{
    (void)fdt, (void)parent;
    return devtree_index_reg(&dt, node, index, base, size);
}

static int dt_irq(const void *fdt, int node, int index, unsigned *intid, unsigned *flags)
{
    (void)fdt;
    return devtree_index_irq(&dt, node, index, intid, flags);
}

/* node's child after prev (prev < 0: its first), or a negative number past the last. */
static int dt_next_child(const void *fdt, int node, int prev)
{
    (void)fdt;
    return devtree_index_next_child(&dt, node, prev);
}

static uint32_t dt_u32(const void *fdt, int node, const char *name, uint32_t def)
{
    (void)fdt;
    return devtree_index_u32(&dt, node, name, def);
}

static struct pl061 power_gpio;
static int power_event;
static unsigned power_pin;
/* The virtio-mmio slots of the DTB, for the late start (platform_probe). */
static struct virtio_slot virtio_slots[VIRTIO_MAX_SLOTS];
static unsigned virtio_count;

void *platform_find_dtb(uint64_t boot_x0)
{
    if (boot_x0 && fdt_magic((const void *)boot_x0) == FDT_MAGIC)
        return (void *)boot_x0;
    if (fdt_magic((const void *)VIRT_DTB_ELF_BOOT) == FDT_MAGIC)
        return (void *)VIRT_DTB_ELF_BOOT;
    return NULL;
}

unsigned platform_ram(const void *fdt, struct mem_range *ram, unsigned max)
{
    struct devtree_range found[BOARD_MAX_RAM];
    if (!fdt) /* virt is described only by its device tree */
        return 0;
    unsigned most = max < BOARD_MAX_RAM ? max : BOARD_MAX_RAM;
    /* The first question asked of the tree (kernel_main's): index it now. */
    if (!dt_indexed)
        dt_indexed = devtree_index_build(&dt, fdt, dt_nodes, DT_INDEX_MAX) == 0;
    if (!dt_indexed) /* no RAM: kernel_main stops (see dt_nodes) */
        return 0;
    unsigned n = devtree_index_memory(&dt, found, most);
    for (unsigned i = 0; i < n; i++)
        ram[i] = (struct mem_range){found[i].base, found[i].size};
    return n;
}

/* Maps reg entry index of node (a child of parent) as device memory. */
static int map_device(const void *fdt, int parent, int node, int index, uint64_t *base,
                      uint64_t *size)
{
    int err = dt_reg(fdt, parent, node, index, base, size);
    return err ? err : mmu_map(*base, *size, MMU_DEVICE);
}

static uint32_t uart_clock(const void *fdt, int uart)
{
    int len;
    const fdt32_t *clocks = dt_prop(fdt, uart, "clocks", &len);
    if (!clocks || len < (int)sizeof(*clocks))
        return 0;
    int clk = dt_phandle(fdt, fdt32_to_cpu(clocks[0]));
    return clk < 0 ? 0 : dt_u32(fdt, clk, "clock-frequency", 0);
}

static int console_setup(const void *fdt)
{
    int uart = devtree_index_stdout(&dt), parent = -ENOENT;
    if (uart >= 0 && dt_compatible(fdt, uart, "arm,pl011"))
        parent = dt_parent(fdt, uart);
    else
        uart = dt_find(fdt, pl011_compat, &parent);
    uint64_t base, size;
    if (uart < 0 || map_device(fdt, parent, uart, 0, &base, &size) != 0)
        return -ENODEV;
    console_init(pl011_init((uintptr_t)base, uart_clock(fdt, uart)));
    return uart;
}

static int irq_setup(const void *fdt)
{
    uint64_t dist, dist_size, other, other_size;
    const struct irq_chip *chip = NULL;
    int parent;
    int gic = dt_find(fdt, gicv3_compat, &parent);
    if (gic >= 0) {
        if (map_device(fdt, parent, gic, 0, &dist, &dist_size) ||
            map_device(fdt, parent, gic, 1, &other, &other_size))
            return -ENODEV;
        chip = gicv3_init((uintptr_t)dist, (uintptr_t)other, other_size);
    } else if ((gic = dt_find(fdt, gicv2_compat, &parent)) >= 0) {
        if (map_device(fdt, parent, gic, 0, &dist, &dist_size) ||
            map_device(fdt, parent, gic, 1, &other, &other_size))
            return -ENODEV;
        chip = gicv2_init((uintptr_t)dist, (uintptr_t)other);
    }
    if (!chip)
        return -ENODEV;
    irq_set_chip(chip);
    return 0;
}

static int timer_setup(const void *fdt)
{
    unsigned intid, flags;
    int node = dt_find(fdt, timer_compat, NULL);
    if (node < 0 || dt_irq(fdt, node, TIMER_IRQ_VIRTUAL, &intid, &flags) != 0)
        return -ENODEV;
    return gtimer_init(intid);
}

static void rtc_setup(const void *fdt)
{
    uint64_t base, size;
    int parent;
    int node = dt_find(fdt, pl031_compat, &parent);
    if (node >= 0 && map_device(fdt, parent, node, 0, &base, &size) == 0)
        time_set_rtc(pl031_read_seconds((uintptr_t)base));
}

static void psci_setup(const void *fdt)
{
    int node = dt_find(fdt, psci_compat, NULL);
    const char *method = node < 0 ? NULL : dt_prop(fdt, node, "method", NULL);
    if (method && strcmp(method, "hvc") == 0)
        psci_init(PSCI_HVC);
    else if (method && strcmp(method, "smc") == 0)
        psci_init(PSCI_SMC);
}

/* Event loop: the power key was pressed (QMP system_powerdown); stop cleanly with status 0. */
static void power_pressed(void *arg)
{
    (void)arg;
    mote_log(MOTE_LOG_INFO, "power button: shutting down");
    mote_exit(0);
}

/* Interrupt context: only note the press. */
static void power_edge(unsigned pin, void *arg)
{
    (void)pin;
    (void)arg;
    event_raise(power_event);
}

/* The gpio-keys child with linux,code = KEY_POWER, or -ENOENT. */
static int power_key_node(const void *fdt)
{
    int keys = dt_find(fdt, gpio_keys_compat, NULL), key;
    if (keys < 0)
        return -ENOENT;
    for (key = dt_next_child(fdt, keys, -1); key >= 0; key = dt_next_child(fdt, keys, key))
        if (dt_u32(fdt, key, "linux,code", 0) == KEY_POWER)
            return key;
    return -ENOENT;
}

/*
 * QEMU virt without ACPI wires its power button to a PL061 pin, described by
 * a gpio-keys node: gpios = <&pl061 pin flags>. Returns 0, -ENOENT if the
 * board has no power key, or what went wrong with its controller.
 */
static int power_key_setup(const void *fdt)
{
    int key = power_key_node(fdt), len;
    if (key < 0)
        return key;
    const fdt32_t *spec = dt_prop(fdt, key, "gpios", &len);
    if (!spec || len != 3 * (int)sizeof(*spec))
        return -EINVAL;
    int ctrl = dt_phandle(fdt, fdt32_to_cpu(spec[0]));
    unsigned pin = fdt32_to_cpu(spec[1]), flags = fdt32_to_cpu(spec[2]), intid, trigger;
    uint64_t base, size;
    if (ctrl < 0 || !dt_compatible(fdt, ctrl, "arm,pl061"))
        return -ENODEV;
    int err = dt_irq(fdt, ctrl, 0, &intid, &trigger);
    if (!err)
        err = map_device(fdt, dt_parent(fdt, ctrl), ctrl, 0, &base, &size);
    if (!err)
        err = pl061_init(&power_gpio, (uintptr_t)base, intid);
    if (err)
        return err;
    power_event = event_source_add(power_pressed, NULL);
    if (power_event < 0)
        return power_event;
    power_pin = pin;
    /* Pressed is the pin's active level: high, or low for GPIO_ACTIVE_LOW. */
    return pl061_watch_edge(&power_gpio, pin, !(flags & GPIO_ACTIVE_LOW), power_edge, NULL);
}

/*
 * The PL061's other pins for the GPIO API (include/mote/gpio.h): outputs and
 * plain inputs (it has no pull resistors; edges are the power key's only).
 */
static void pl061_configure(unsigned pin, enum mote_gpio_mode mode, enum mote_gpio_pull pull)
{
    (void)pull;
    pl061_set_direction(&power_gpio, pin, mode == MOTE_GPIO_OUTPUT);
}

static void pl061_write_pin(unsigned pin, int level)
{
    pl061_write(&power_gpio, pin, level);
}

static int pl061_read_pin(unsigned pin)
{
    return pl061_read(&power_gpio, pin);
}

static const struct gpio_chip pl061_chip = {
    .name = "pl061",
    .pins = PL061_PINS,
    .configure = pl061_configure,
    .write = pl061_write_pin,
    .read = pl061_read_pin,
};

static void describe(const void *fdt, struct board *board)
{
    /* QEMU names the machine only by its compatible, "linux,dummy-virt". */
    const char *model = dt_prop(fdt, 0, "model", NULL);
    board->model = model && strcmp(model, "linux,dummy-virt") != 0 ? model : "QEMU virt";

    int cpus = dt_top(fdt, "cpus"), cpu;
    board->cpus = 0;
    for (cpu = dt_next_child(fdt, cpus, -1); cpus >= 0 && cpu >= 0;
         cpu = dt_next_child(fdt, cpus, cpu)) {
        const char *type = dt_prop(fdt, cpu, "device_type", NULL);
        if (type && strcmp(type, "cpu") == 0)
            board->cpus++;
    }

    board->ram_count = platform_ram(fdt, board->ram, BOARD_MAX_RAM);

    int chosen = dt_top(fdt, "chosen");
    const char *args = chosen < 0 ? NULL : dt_prop(fdt, chosen, "bootargs", NULL);
    board->bootargs = args ? args : "";
    board->rng_seed = chosen < 0 ? NULL : dt_prop(fdt, chosen, "rng-seed", &board->rng_seed_len);
}

/* devtree_each_compatible: one virtio-mmio slot (QEMU virt has 32). */
static int virtio_found(const void *fdt, int node, int parent, void *arg)
{
    (void)arg;
    struct virtio_slot *v = &virtio_slots[virtio_count];
    unsigned flags;
    if (virtio_count == VIRTIO_MAX_SLOTS)
        return 1;
    if (dt_reg(fdt, parent, node, 0, &v->base, &v->size) == 0 &&
        dt_irq(fdt, node, 0, &v->intid, &flags) == 0)
        virtio_count++;
    return 0;
}

static void virtio_find(const void *fdt)
{
    virtio_count = 0;
    for (int k = 0; k < dt.count; k++) {
        const struct devtree_node *n = &dt_nodes[k];
        if (devtree_index_is_compatible(&dt, n->offset, "virtio,mmio") &&
            virtio_found(fdt, n->offset, n->parent, NULL))
            break;
    }
}

int platform_init(const void *fdt, struct board *board)
{
    /* kernel_main moved the DTB whole (to the heap's top) since platform_ram indexed it. */
    int err = 0;
    if (dt_indexed)
        devtree_index_rebase(&dt, fdt);
    else
        err = devtree_index_build(&dt, fdt, dt_nodes, DT_INDEX_MAX);
    if (err)
        return err;
    dt_indexed = true;
    int uart = console_setup(fdt);
    if (uart < 0)
        return uart;
    describe(fdt, board);
    virtio_find(fdt);
    err = irq_setup(fdt);
    if (err)
        return err;
    err = timer_setup(fdt);
    if (err)
        return err;
    unsigned intid, flags;
    if (dt_irq(fdt, uart, 0, &intid, &flags) != 0 || pl011_enable_rx_irq(intid) != 0)
        mote_log(MOTE_LOG_WARN, "console: no receive interrupt; console input is off");
    rtc_setup(fdt);
    psci_setup(fdt);
    err = power_key_setup(fdt);
    if (!err) {
        gpio_set_chip(&pl061_chip);
        gpio_reserve(power_pin);
    }
    if (err && err != -ENOENT)
        mote_log(MOTE_LOG_WARN, "power button: not usable (error %d); system_powerdown is ignored",
                 err);
    return 0;
}

/*
 * The virtio devices wait for the late start: virtio-rng feeds the random
 * source after the boot arguments chose the log level, and every driver may
 * draw from it. Which virtio drivers exist is the image's (VIRTIO_DRIVER).
 */
static int virtio_start(const struct board *board)
{
    (void)board;
    virtio_probe_all(virtio_slots, virtio_count);
    return 0;
}

static const struct board_driver virtio_mmio = {.name = "virtio", .start = virtio_start};
BOARD_DRIVER(virtio_mmio);
