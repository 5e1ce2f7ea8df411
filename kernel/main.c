// SPDX-License-Identifier: MIT
/*
 * kernel_main: the init order, from boot.S to the service.
 *   trap_init     vectors, so any fault from here on is reported
 *   MMU           image sections with their permissions, the DTB; then on
 *   platform_init console, interrupt controller, timer, RTC, power (from the DTB)
 *   heap          the largest free piece of RAM, mapped read-write, never executable
 *   random, stack protector guard, W^X check, boot arguments
 *   service_start(args), then the event loop
 */
#include <libfdt.h>
#include <stdint.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>
#include <mote/service.h>
#include <mote/system.h>
#include <mote/time.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/mmu.h"
#include "arch/aarch64/trap.h"
#include "kernel/console.h"
#include "kernel/event.h"
#include "kernel/heap.h"
#include "kernel/image.h"
#include "kernel/panic.h"
#include "kernel/random.h"
#include "kernel/system.h"
#include "platform/platform.h"

#define MOTE_VERSION "0.1"
#define KERNEL_ARG_VALUE_MAX      16

void kernel_main(uint64_t boot_x0);

static struct board board;

static void map_image(void)
{
    int err = mmu_map((uint64_t)__image_start, (uint64_t)(__text_end - __image_start), MMU_TEXT);
    err = err ? err
              : mmu_map((uint64_t)__text_end, (uint64_t)(__rodata_end - __text_end), MMU_RODATA);
    err = err ? err
              : mmu_map((uint64_t)__rodata_end, (uint64_t)(__data_end - __rodata_end), MMU_DATA);
    /* The stacks, each with an unmapped guard page below it. */
    err = err ? err
              : mmu_map((uint64_t)__stack_bottom, (uint64_t)(__stack_top - __stack_bottom),
                        MMU_DATA);
    err = err ? err
              : mmu_map((uint64_t)__exc_stack_bottom,
                        (uint64_t)(__exc_stack_top - __exc_stack_bottom), MMU_DATA);
    if (err) /* no console yet: stop where a debugger finds it */
        for (;;)
            cpu_wait_for_interrupt();
}

static void heap_setup(const void *fdt)
{
    struct mem_range used[2 + BOARD_MAX_RAM];
    size_t nused = 0;
    used[nused++] = (struct mem_range){(uint64_t)__image_start,
                                       (uint64_t)(__image_end - __image_start)};
    used[nused++] = (struct mem_range){(uint64_t)fdt, fdt_totalsize(fdt)};
    for (unsigned i = 0; i < board.reserved_count; i++)
        used[nused++] = board.reserved[i];

    struct mem_range heap = memregion_largest_free(board.ram, board.ram_count, used, nused);
    if (!heap.size)
        mote_panic("no free RAM for the heap (%u RAM ranges in the device tree)", board.ram_count);
    int err = mmu_map(heap.base, heap.size, MMU_DATA);
    if (err)
        mote_panic("cannot map the heap at 0x%llx (+%llu bytes): error %d",
                   (unsigned long long)heap.base, (unsigned long long)heap.size, err);
    heap_init(heap.base, heap.size);
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
            mote_log(MOTE_LOG_WARN, "boot: loglevel=%s unknown; expected error|warn|info|debug", val);
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

/* Runs before the stack protector guard is set, so it must not check it. */
__attribute__((no_stack_protector)) void kernel_main(uint64_t boot_x0)
{
    trap_init();
    const void *fdt = platform_find_dtb(boot_x0);
    mmu_init();
    map_image();
    if (fdt)
        mmu_map((uint64_t)fdt, fdt_totalsize(fdt), MMU_DATA);
    mmu_enable();
    if (!fdt || fdt_check_header(fdt) != 0)
        for (;;) /* no device tree, no console to say so */
            cpu_wait_for_interrupt();

    int err = platform_init(fdt, &board);
    if (err)
        mote_panic("board bring-up failed: error %d", err);
    heap_setup(fdt);

    uint64_t counter = sysreg_read(cntvct_el0);
    random_mix(&counter, sizeof(counter));
    if (board.rng_seed && board.rng_seed_len > 0)
        random_mix(board.rng_seed, (size_t)board.rng_seed_len);
    __stack_chk_guard = random_u64();

    unsigned wx = mmu_count_wx();
    if (wx)
        mote_panic("W^X violated: %u mappings are writable and executable", wx);

    uint64_t ram = 0;
    for (unsigned i = 0; i < board.ram_count; i++)
        ram += board.ram[i].size;
    struct mote_sysinfo info = {
        .board = board.model,
        .cpu = cpu_part_name(sysreg_read(midr_el1)),
        .cpus = board.cpus,
        .ram_bytes = ram,
    };
    system_set_info(&info);
    apply_kernel_args(board.bootargs);

    mote_log(MOTE_LOG_INFO, "Mote %s on %s, %s x%u, %llu MiB RAM, booted in %llu us", MOTE_VERSION,
             info.board, info.cpu, info.cpus, (unsigned long long)(ram >> 20),
             (unsigned long long)(mote_time_ns() / MOTE_NS_PER_US));
    mote_log(MOTE_LOG_DEBUG, "heap %llu KiB, %u virtio-mmio slots, args \"%s\"",
             (unsigned long long)(heap_size() >> 10), board.virtio_count, board.bootargs);

    cpu_irq_enable();
    service_start(board.bootargs);
    event_loop();
}
