// SPDX-License-Identifier: MIT
/*
 * kernel_main: the init order, from boot.S to the service.
 *   trap_init     vectors, so any fault from here on is reported
 *   MMU           image sections with their permissions, the DTB (if any: the
 *                 Raspberry Pi boots without one); then on
 *   heap          the largest free piece of RAM (mapped read-write, never executable),
 *                 with the packed DTB moved to its top
 *   platform_init console, interrupt controller, timer, RTC, power (from the DTB,
 *                 or the board's fixed map and firmware)
 *   boot arguments the kernel reads (loglevel=, panic=)
 *   random       the sources at hand (counter, rng-seed, RNDR, the Pi's RNG);
 *                 a first stack protector guard from them
 *   platform_probe the late drivers the image links (virt: the virtio-mmio slots)
 *   random       wait (bounded) for the sources probed above (virtio-rng), then
 *                 the stack protector guard for good; warn if no source exists
 *   boot hooks    optional parts take their configuration and register what
 *                 they offer (kernel/boothook.h: the network, its GDB transport)
 *   debugging     core dumps (core=), the GDB stub in debug images (gdb=),
 *                 their arguments parsed once (kernel/debugargs.h)
 *   W^X check     after the last mapping
 *   boot hooks    optional parts start what the arguments ask for (remote logs)
 *   gdb=...,wait  stop for the debugger before the service
 *   service_start(args), "mote: ready" (kernel/ready.h), then the event loop
 */
#include <errno.h>
#include <libfdt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <mote/args.h>
#include <mote/error.h>
#include <mote/log.h>
#include <mote/service.h>
#include <mote/system.h>
#include <mote/time.h>

#include "arch/aarch64/aslr.h"
#include "arch/aarch64/cpu.h"
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/pauth.h"
#include "arch/aarch64/rndr.h"
#include "arch/aarch64/semihost.h"
#include "arch/aarch64/stack_guard.h"
#include "arch/aarch64/trap.h"
#include "kernel/console.h"
#include "kernel/coredump.h"
#include "kernel/boothook.h"
#include "kernel/debugargs.h"
#include "kernel/event.h"
#include "kernel/gdbstub.h"
#include "kernel/heap.h"
#include "kernel/image.h"
#include "kernel/panic.h"
#include "kernel/random.h"
#include "kernel/ready.h"
#include "kernel/system.h"
#include "platform/platform.h"

#define MOTE_VERSION         "0.1"
#define KERNEL_ARG_VALUE_MAX 16
/*
 * How long the boot waits for virtio-rng's first answer (QEMU gives it in well
 * under a millisecond; a loaded host running TCG can take much longer).
 */
#define RANDOM_WAIT_NS      (500 * MOTE_NS_PER_MS)
#define RANDOM_CPU_SEED_LEN 32

void kernel_main(uint64_t boot_x0);

static struct board board;

/* The virtual counter at Mote's entry (boot.S stores it): boot time counts from there. */
uint64_t boot_entry_ticks;

/*
 * In whole seconds and the rest, so that no product needs 128 bits (whose
 * division would link 1.6 KB of libgcc): the frequency is 32 bits (CNTFRQ_EL0's
 * upper half is RES0), so rest * 10^9 < 2^32 * 10^9 < 2^64. Exact.
 */
static uint64_t boot_entry_ns(void)
{
    uint64_t freq_hz = (uint32_t)sysreg_read(cntfrq_el0);
    if (!freq_hz)
        return 0;
    return boot_entry_ticks / freq_hz * MOTE_NS_PER_S +
           boot_entry_ticks % freq_hz * MOTE_NS_PER_S / freq_hz;
}

/* Arguments read by optional parts, and what to say when the image has none that reads them. */
static const struct {
    const char *key, *absent;
} optional_args[] = {
    {"syslog", "syslog: this service does not use the network; remote logs are off"},
    {"ntp", "sntp: this service does not use the network; ntp= is ignored"},
};

/*
 * Stops before the console exists. Only semihosting, where QEMU offers it,
 * can say why and end the run with the crash status; without it the core
 * waits here, where a debugger finds it.
 */
static void stop_early(const char *why)
{
    semihost_write("*** MOTE STOPPED before the console: ");
    semihost_write(why);
    semihost_write("\n");
    semihost_exit(MOTE_EXIT_CRASH);
    for (;;)
        cpu_wait_for_interrupt();
}

/*
 * The heap is the largest piece of RAM outside the image and reserved ranges.
 * The DTB is kept out of it by moving it (packed, a few KiB) to the heap's
 * top, wherever the loader put it; returns where the DTB is now.
 */
static void *heap_setup(void *fdt, const struct mem_range *ram, unsigned nram)
{
    struct mem_range used[MEMREGION_MAX_USED];
    size_t nused = 0;
    used[nused++] =
        (struct mem_range){aslr_phys(__image_start), (uint64_t)(__image_end - __image_start)};
    for (int i = 0; fdt && i < fdt_num_mem_rsv(fdt) && nused < sizeof(used) / sizeof(used[0]); i++)
        if (fdt_get_mem_rsv(fdt, i, &used[nused].base, &used[nused].size) == 0)
            nused++;

    struct mem_range heap = memregion_largest_free(ram, nram, used, nused);
    uint64_t fdt_size = fdt ? (fdt_totalsize(fdt) + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1) : 0;
    if (heap.size <= fdt_size || mmu_map(heap.base, heap.size, MMU_DATA) != 0)
        stop_early("no room for the heap in the RAM the device tree describes");
    void *moved = fdt ? (void *)(heap.base + heap.size - fdt_size) : NULL;
    if (fdt)
        memmove(moved, fdt, fdt_totalsize(fdt));
    heap_init(heap.base, heap.size - fdt_size);
    return moved;
}

static void apply_kernel_args(const char *args)
{
    static const char *const levels[] = {"error", "warn", "info", "debug"};
    char val[KERNEL_ARG_VALUE_MAX];

    if (mote_arg_get(args, "loglevel", val, sizeof(val)) >= 0) {
        unsigned i = 0;
        while (i < 4 && strcmp(val, levels[i]) != 0)
            i++;
        if (i < 4)
            mote_log_set_level((enum mote_log_level)i);
        else
            mote_log(MOTE_LOG_WARN, "boot: loglevel=%s unknown; expected error|warn|info|debug",
                     val);
    }
    if (mote_arg_get(args, "panic", val, sizeof(val)) >= 0) {
        if (strcmp(val, "reboot") == 0)
            panic_set_action(PANIC_REBOOT);
        else if (strcmp(val, "halt") == 0)
            panic_set_action(PANIC_HALT);
        else if (strcmp(val, "exit") != 0)
            mote_log(MOTE_LOG_WARN, "boot: panic=%s unknown; expected exit|reboot|halt", val);
    }
}

/*
 * The guard's lowest byte is zero (as glibc's): a string copy that runs past
 * a buffer stops at it, and one that reads it out stops before the rest.
 */
#define STACK_GUARD_ZERO_BYTE 0xfful

static uintptr_t stack_guard_draw(void)
{
    return (uintptr_t)random_u64() & ~STACK_GUARD_ZERO_BYTE;
}

/* The sources at hand before any driver is probed. */
static void random_seed_early(void)
{
    uint64_t counter = sysreg_read(cntvct_el0);
    random_add(RANDOM_SOURCE_COUNTER, &counter, sizeof(counter));
    if (board.rng_seed && board.rng_seed_len > 0) {
        random_add(RANDOM_SOURCE_RNG_SEED, board.rng_seed, (size_t)board.rng_seed_len);
        /*
         * The DTB stays in RAM (a core dump or the GDB stub can read it): the
         * seed is wiped there, as Linux does, so it cannot be replayed.
         */
        memset((void *)board.rng_seed, 0, (size_t)board.rng_seed_len);
    }
    uint8_t cpu_seed[RANDOM_CPU_SEED_LEN];
    if (rndr_read(cpu_seed, sizeof(cpu_seed)) == 0)
        random_add(RANDOM_SOURCE_RNDR, cpu_seed, sizeof(cpu_seed));
    memset(cpu_seed, 0, sizeof(cpu_seed));
    __asm__ volatile("" ::"r"(cpu_seed) : "memory"); /* the memset is not dead: keep it */
}

/*
 * Waits, with interrupts still off, for the sources that answer later
 * (virtio-rng), then says which sources seeded the generator, or warns once
 * that none did.
 */
static void random_seed_late(void)
{
    uint64_t start = mote_time_ns();
    bool all = random_poll();
    while (!all && mote_time_ns() - start < RANDOM_WAIT_NS)
        all = random_poll();
    mote_log(all ? MOTE_LOG_DEBUG : MOTE_LOG_WARN, "random: %s after %llu us",
             all ? "the probed sources answered" : "a probed source did not answer (seeded later)",
             (unsigned long long)((mote_time_ns() - start) / MOTE_NS_PER_US));
    /* How long the probes took varies a little from boot to boot: weak, but free. */
    uint64_t counter = sysreg_read(cntvct_el0);
    random_add(RANDOM_SOURCE_COUNTER, &counter, sizeof(counter));
    unsigned sources = random_sources();
    if (!sources) {
        mote_log(MOTE_LOG_WARN,
                 "random: no entropy source (no virtio-rng, RNDR, rng-seed or hardware RNG): the "
                 "stack guard, TCP sequence numbers and mote_random_bytes are predictable");
        return;
    }
    char names[64];
    size_t len = 0;
    names[0] = '\0';
    for (int s = 0; s < RANDOM_SOURCES && len < sizeof(names); s++)
        if (sources & (1u << s))
            len += (size_t)snprintf(names + len, sizeof(names) - len, "%s%s", len ? ", " : "",
                                    random_source_name((enum random_source)s));
    mote_log(MOTE_LOG_INFO, "random: seeded from %s", names);
}

/* Runs before the stack protector guard is set, so it must not check it. */
__attribute__((no_stack_protector)) void kernel_main(uint64_t boot_x0)
{
    trap_init();
    /*
     * boot.S's early setup (arch/aarch64/aslr.c) found the DTB (boot_x0 is it,
     * or 0), turned the MMU on and moved the image to its random address. A
     * board that needs a DTB (virt) gets no RAM from platform_ram without one,
     * and stops.
     */
    void *fdt = (void *)boot_x0;
    if (fdt && fdt_pack(fdt) != 0)
        stop_early("the device tree is malformed (it does not pack)");

    struct mem_range ram[BOARD_MAX_RAM];
    unsigned nram = platform_ram(fdt, ram, BOARD_MAX_RAM);
    if (nram == 0)
        stop_early("no RAM found: no device tree, or one this board cannot read (more nodes or "
                   "deeper than its index holds, or malformed)");
    fdt = heap_setup(fdt, ram, nram);
    int err = platform_init(fdt, &board);
    if (err)
        mote_panic("board bring-up failed: %s", mote_strerror(err));
    apply_kernel_args(board.bootargs);

    /*
     * The guard may change only here, where no function that checks it is
     * on the stack (kernel_main does not): a first one from what is at hand,
     * so the probes run with a guard no one can read from the image; the
     * final one once the probed devices (virtio-rng) have answered.
     */
    random_seed_early();
    *stack_guard_slot() = stack_guard_draw();
    platform_probe(&board); /* maps what it needs, so before the W^X check */
    random_seed_late();
    *stack_guard_slot() = stack_guard_draw();
    pauth_setup(); /* like the guard: only here, where no signed return address is live */
    aslr_log();

    boot_hooks_attach(board.bootargs);
    const struct debug_args *debug = debug_args_get(board.bootargs);
    coredump_init(debug);
    gdbstub_init(debug); /* maps the code's writable alias: before the W^X check */

    unsigned wx = mmu_count_wx();
    if (wx)
        mote_panic("W^X violated: %u mappings are writable and executable", wx);

    uint64_t ram_bytes = 0;
    for (unsigned i = 0; i < board.ram_count; i++)
        ram_bytes += board.ram[i].size;
    struct mote_sysinfo info = {
        .board = board.model,
        .cpu = cpu_part_name(sysreg_read(midr_el1)),
        .cpus = board.cpus,
        .ram_bytes = ram_bytes,
    };
    system_set_info(&info);

    mote_log(MOTE_LOG_INFO, "Mote %s on %s, %s x%u, %llu MiB RAM, booted in %llu us", MOTE_VERSION,
             info.board, info.cpu, info.cpus, (unsigned long long)(ram_bytes >> 20),
             (unsigned long long)((mote_time_ns() - boot_entry_ns()) / MOTE_NS_PER_US));
    mote_log(MOTE_LOG_DEBUG, "heap %llu KiB, args \"%s\"", (unsigned long long)(heap_size() >> 10),
             board.bootargs);

    boot_hooks_start(board.bootargs);
    for (size_t i = 0; i < sizeof(optional_args) / sizeof(optional_args[0]); i++) {
        char val[2];
        if (!boot_hooks_read(optional_args[i].key) &&
            mote_arg_get(board.bootargs, optional_args[i].key, val, sizeof(val)) != -ENOENT)
            mote_log(MOTE_LOG_WARN, "%s", optional_args[i].absent);
    }

    cpu_irq_enable();
    gdbstub_wait();
    service_start(board.bootargs);
    ready_release();
    event_loop();
}
