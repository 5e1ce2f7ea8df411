// SPDX-License-Identifier: MIT
/*
 * Raspberry Pi 3 (BCM2837): devices at the fixed addresses of memmap.h; RAM,
 * board revision, serial, MAC and clocks from the firmware's mailbox; a DTB
 * is read when one is passed (the firmware's, or QEMU's -dtb) for the boot
 * arguments, the model name and an RNG seed, never required.
 *   qemu-system-aarch64 -M raspi3b -m 1G -kernel build/raspi3/kernel8.img
 *       [-dtb build/raspi3/bootargs.dtb -append "ARGS"]
 *       -serial stdio (PL011) [-serial ... (mini UART)] [-drive if=sd,format=raw,file=F]
 * With gdb=serial or core=serial the mini UART is the debug port, not a console.
 */
#include "platform/platform.h"

#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <string.h>

#include <mote/args.h>
#include <mote/log.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/mmu.h"
#include "drivers/gpio/bcm2835_gpio.h"
#include "drivers/irq/bcm2835_intc.h"
#include "drivers/irq/bcm2836_local.h"
#include "drivers/mbox/bcm2835_mbox.h"
#include "drivers/power/bcm2835_pm.h"
#include "drivers/rng/bcm2835_rng.h"
#include "drivers/timer/bcm2835_systimer.h"
#include "drivers/timer/generic_timer.h"
#include "drivers/uart/mini_uart.h"
#include "drivers/uart/pl011.h"
#include "kernel/console.h"
#include "kernel/debugargs.h"
#include "kernel/event.h"
#include "kernel/gpio.h"
#include "kernel/image.h"
#include "kernel/irq.h"
#include "kernel/random.h"
#include "kernel/system.h"
#include "lib/devtree/devtree.h"
#include "memmap.h"

#define BCM2837_CORES  4
#define MODEL_MAX      64
#define SERIAL_ARG_MAX 16

/* New-style board revision codes (bit 23 set): the Raspberry Pi documentation's table. */
#define REV_NEW_STYLE     (1u << 23)
#define REV_TYPE(r)       (((r) >> 4) & 0xffu)
#define REV_REVISION(r)   ((r)&0xfu)
#define REV_MEMORY_MIB(r) (256u << (((r) >> 20) & 7u))

/* The generic timer's frequency may be off from CNTFRQ by this much before it is reported. */
#define FREQ_TOLERANCE_PERCENT 1
#define FREQ_CHECK_US          2000 /* the alarm's distance: long enough to measure */

static const struct {
    uint8_t type;
    const char *name;
} board_types[] = {
    {0x08, "Raspberry Pi 3 Model B"},         {0x0d, "Raspberry Pi 3 Model B+"},
    {0x0e, "Raspberry Pi 3 Model A+"},        {0x0a, "Raspberry Pi Compute Module 3"},
    {0x10, "Raspberry Pi Compute Module 3+"},
};

static char model[MODEL_MAX];
static struct {
    int event; /* logs what platform_init found, from the loop, after loglevel= applies */
    uint32_t revision, model; /* model: 0 where the firmware (QEMU 7.2) does not say */
    uint64_t serial;
    uint8_t mac[6];
    int mac_ok;
    bool debugport; /* the mini UART is the debug port */
    uint32_t arm_base, arm_size, vc_base, vc_size;
    uint32_t clock_hz[MBOX_CLOCK_CORE + 1];
    int rng_err;
    uint32_t rng_sample[BCM2835_RNG_SAMPLE_WORDS];
    /* The system timer alarm against the generic timer */
    uint64_t freq_start_ns, freq_start_us;
    volatile uint64_t freq_end_ns, freq_end_us;
    int freq_event;
} found;

/* Reads a word at a physical address the compiler must not assume is not NULL. */
static const void *phys_ptr(uintptr_t addr)
{
    __asm__("" : "+r"(addr));
    return (const void *)addr;
}

void *platform_find_dtb(uint64_t boot_x0)
{
    if (boot_x0 && fdt_magic(phys_ptr(boot_x0)) == FDT_MAGIC)
        return (void *)boot_x0;
    /*
     * QEMU -kernel with an ELF and -dtb puts the DTB at RAM base, in page 0,
     * which must stay unmapped: copy it above the image (the future heap,
     * from where kernel_main moves it to the heap's top). MMU off here.
     */
    const void *low = phys_ptr(RASPI3_RAM_BASE);
    if (fdt_magic(low) == FDT_MAGIC && fdt_totalsize(low) <= IMAGE_LOAD_ADDR - RASPI3_RAM_BASE) {
        void *copy = (void *)__image_end;
        memmove(copy, low, fdt_totalsize(low));
        return copy;
    }
    return NULL;
}

static int query_u32_pair(uint32_t tag, uint32_t *a, uint32_t *b)
{
    uint32_t v[2] = {0, 0};
    int err = mbox_tag_call(tag, v, 2);
    if (err == 0) {
        *a = v[0];
        *b = v[1];
    }
    return err;
}

unsigned platform_ram(const void *fdt, struct mem_range *ram, unsigned max)
{
    if (max == 0 || mmu_map(RASPI3_PERIPH_BASE, RASPI3_PERIPH_SIZE, MMU_DEVICE) != 0)
        return 0;
    mbox_init(RASPI3_MBOX, RASPI3_BUS_RAM_UNC);
    /* The firmware's split is the truth: the DTB's memory node may cover VideoCore memory. */
    /* ...when it is plausible: RAM below the peripherals, not wrapping. */
    if (query_u32_pair(MBOX_TAG_ARM_MEMORY, &found.arm_base, &found.arm_size) == 0 &&
        found.arm_size && (uint64_t)found.arm_base + found.arm_size <= RASPI3_PERIPH_BASE) {
        ram[0] = (struct mem_range){found.arm_base, found.arm_size};
        return 1;
    }
    unsigned n = 0;
    while (fdt && n < max && devtree_memory(fdt, (int)n, &ram[n].base, &ram[n].size) == 0)
        n++;
    return n;
}

static const char *model_from_revision(uint32_t rev)
{
    if (rev & REV_NEW_STYLE)
        for (size_t i = 0; i < sizeof(board_types) / sizeof(board_types[0]); i++)
            if (board_types[i].type == REV_TYPE(rev)) {
                snprintf(model, sizeof(model), "%s rev 1.%u", board_types[i].name,
                         (unsigned)REV_REVISION(rev));
                return model;
            }
    snprintf(model, sizeof(model), "Raspberry Pi (revision 0x%06x)", (unsigned)rev);
    return model;
}

static void query_firmware(void)
{
    uint32_t v[2] = {0, 0};
    if (mbox_tag_call(MBOX_TAG_BOARD_REVISION, v, 1) == 0)
        found.revision = v[0];
    v[0] = 0;
    if (mbox_tag_call(MBOX_TAG_BOARD_MODEL, v, 1) == 0)
        found.model = v[0];
    v[0] = v[1] = 0;
    if (mbox_tag_call(MBOX_TAG_BOARD_SERIAL, v, 2) == 0)
        found.serial = (uint64_t)v[1] << 32 | v[0];
    v[0] = v[1] = 0;
    if (mbox_tag_call(MBOX_TAG_MAC_ADDRESS, v, 2) == 0) {
        memcpy(found.mac, v, sizeof(found.mac));
        found.mac_ok = 1;
    }
    query_u32_pair(MBOX_TAG_VC_MEMORY, &found.vc_base, &found.vc_size);
    for (uint32_t id = MBOX_CLOCK_EMMC; id <= MBOX_CLOCK_CORE; id++) {
        v[0] = id;
        v[1] = 0;
        if (mbox_tag_call(MBOX_TAG_GET_CLOCK_RATE, v, 2) == 0 && v[0] == id)
            found.clock_hz[id] = v[1];
    }
}

/*
 * Both UARTs print the console; GPIO 14/15 (the header's TXD/RXD) carry the
 * mini UART, as the Pi 3 firmware sets them with enable_uart=1, unless the boot
 * argument serial=pl011 asks for UART0 there (config.txt dtoverlay=disable-bt).
 * When the GDB stub or core dumps want a serial line, the mini UART is theirs
 * (the debug port) and only the PL011 prints the console.
 */
static void console_setup(const char *args)
{
    uint32_t uart_clock = found.clock_hz[MBOX_CLOCK_UART];
    console_init(pl011_init(RASPI3_UART0, uart_clock ? uart_clock : RASPI3_UART0_CLOCK_HZ));
    const struct console_dev *mini = mini_uart_init(RASPI3_AUX, found.clock_hz[MBOX_CLOCK_CORE]);
    if (debug_args_want_port(debug_args_get(args)) && mini_uart_make_debugport() == 0)
        found.debugport = true;
    else
        console_add(mini);

    char serial[SERIAL_ARG_MAX];
    enum bcm2835_gpio_function fn = BCM2835_GPIO_FN_ALT5;
    if (mote_arg_get(args, "serial", serial, sizeof(serial)) >= 0) {
        if (strcmp(serial, "pl011") == 0)
            fn = BCM2835_GPIO_FN_ALT0;
        else if (strcmp(serial, "mini") != 0)
            mote_log(MOTE_LOG_WARN, "raspi3: serial=%s unknown; expected pl011|mini", serial);
    }
    gpio_set_chip(bcm2835_gpio_init(RASPI3_GPIO));
    bcm2835_gpio_set_pull(RASPI3_GPIO_TXD, MOTE_GPIO_PULL_NONE);
    bcm2835_gpio_set_pull(RASPI3_GPIO_RXD, MOTE_GPIO_PULL_NONE);
    bcm2835_gpio_set_function(RASPI3_GPIO_TXD, fn);
    bcm2835_gpio_set_function(RASPI3_GPIO_RXD, fn);
    gpio_reserve(RASPI3_GPIO_TXD);
    gpio_reserve(RASPI3_GPIO_RXD);
    for (unsigned pin = RASPI3_GPIO_SD_FIRST; pin <= RASPI3_GPIO_SD_LAST; pin++)
        gpio_reserve(pin);
}

static void describe(const void *fdt, struct board *board)
{
    const char *dt_model = fdt ? fdt_getprop(fdt, 0, "model", NULL) : NULL;
    board->model = dt_model ? dt_model : model_from_revision(found.revision);
    board->cpus = BCM2837_CORES;
    board->ram[0] = (struct mem_range){found.arm_base, found.arm_size};
    board->ram_count = found.arm_size ? 1 : 0;
    int chosen = fdt ? fdt_path_offset(fdt, "/chosen") : -FDT_ERR_NOTFOUND;
    const char *args = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "bootargs", NULL);
    board->bootargs = args ? args : "";
    board->rng_seed =
        chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "rng-seed", &board->rng_seed_len);
}

/* Interrupt context: the system timer's alarm; both clocks are read at the same moment. */
static void freq_alarm(void *arg)
{
    (void)arg;
    found.freq_end_ns = gtimer_now_ns();
    found.freq_end_us = systimer_now_us();
    event_raise(found.freq_event);
}

/*
 * The loop: does the generic timer run at the CNTFRQ_EL0 the firmware set
 * (checked against the 1 MHz system timer), and does the GPU interrupt
 * cascade deliver (the alarm is GPU interrupt 1 behind the local controller)?
 */
static void freq_report(void *arg)
{
    (void)arg;
    uint64_t ref_us = found.freq_end_us - found.freq_start_us;
    uint64_t gen_us = (found.freq_end_ns - found.freq_start_ns) / 1000;
    mote_log(MOTE_LOG_DEBUG,
             "raspi3: system timer alarm (GPU interrupt 1): %llu us on the system timer, "
             "%llu us on the generic timer",
             (unsigned long long)ref_us, (unsigned long long)gen_us);
    if (gen_us * 100 < ref_us * (100 - FREQ_TOLERANCE_PERCENT) ||
        gen_us * 100 > ref_us * (100 + FREQ_TOLERANCE_PERCENT))
        mote_log(MOTE_LOG_WARN,
                 "raspi3: CNTFRQ_EL0 says %llu Hz, but the generic timer disagrees with the "
                 "1 MHz system timer: timers will be off",
                 (unsigned long long)sysreg_read(cntfrq_el0));
}

static void report(void *arg)
{
    (void)arg;
    char mac[sizeof("00:00:00:00:00:00")] = "unknown";
    if (found.mac_ok)
        snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", found.mac[0], found.mac[1],
                 found.mac[2], found.mac[3], found.mac[4], found.mac[5]);
    mote_log(MOTE_LOG_INFO, "raspi3: board revision 0x%06x, serial 0x%016llx, MAC %s",
             (unsigned)found.revision, (unsigned long long)found.serial, mac);
    mote_log(MOTE_LOG_DEBUG,
             "raspi3: board model 0x%08x (the firmware's model tag; 0: not reported)",
             (unsigned)found.model);
    mote_log(MOTE_LOG_INFO, "raspi3: ARM memory 0x%08x+%u MiB, VideoCore memory 0x%08x+%u MiB",
             (unsigned)found.arm_base, (unsigned)(found.arm_size >> 20), (unsigned)found.vc_base,
             (unsigned)(found.vc_size >> 20));
    mote_log(MOTE_LOG_INFO, "raspi3: clocks: ARM %u Hz, core %u Hz, EMMC %u Hz, UART %u Hz",
             (unsigned)found.clock_hz[MBOX_CLOCK_ARM], (unsigned)found.clock_hz[MBOX_CLOCK_CORE],
             (unsigned)found.clock_hz[MBOX_CLOCK_EMMC], (unsigned)found.clock_hz[MBOX_CLOCK_UART]);
    if (found.debugport)
        mote_log(MOTE_LOG_INFO, "raspi3: debug port (gdb=serial, core=serial): the mini UART "
                                "(QEMU's second -serial); the console is on the PL011 only");
    if (found.rng_err)
        mote_log(MOTE_LOG_WARN, "raspi3: hardware RNG not used: %s",
                 found.rng_err == -EIO ? "start-up health check failed" : "no data");
    else
        mote_log(MOTE_LOG_DEBUG,
                 "raspi3: bcm2835-rng health check sample %08x %08x %08x %08x %08x %08x %08x %08x",
                 (unsigned)found.rng_sample[0], (unsigned)found.rng_sample[1],
                 (unsigned)found.rng_sample[2], (unsigned)found.rng_sample[3],
                 (unsigned)found.rng_sample[4], (unsigned)found.rng_sample[5],
                 (unsigned)found.rng_sample[6], (unsigned)found.rng_sample[7]);
}

static void rng_setup(void)
{
    uint8_t seed[32];
    found.rng_err = bcm2835_rng_init(RASPI3_RNG, found.rng_sample);
    if (found.rng_err == 0)
        found.rng_err = bcm2835_rng_read(seed, sizeof(seed));
    if (found.rng_err == 0)
        random_add(RANDOM_SOURCE_BCM2835_RNG, seed, sizeof(seed));
}

static void power_setup(void)
{
    bcm2835_pm_init(RASPI3_PM);
    system_set_power(bcm2835_pm_power_off, bcm2835_pm_reset);
}

int platform_init(const void *fdt, struct board *board)
{
    int chosen = fdt ? fdt_path_offset(fdt, "/chosen") : -FDT_ERR_NOTFOUND;
    const char *args = chosen < 0 ? NULL : fdt_getprop(fdt, chosen, "bootargs", NULL);
    if (mmu_map(RASPI3_LOCAL_BASE, RASPI3_LOCAL_SIZE, MMU_DEVICE) != 0)
        return -ENOMEM;
    query_firmware();
    console_setup(args ? args : "");
    describe(fdt, board);

    irq_set_chip(bcm2836_local_init(RASPI3_LOCAL_BASE,
                                    bcm2835_intc_init(RASPI3_INTC, RASPI3_INTID_GPU_FIRST)));
    int err = gtimer_init(RASPI3_IRQ_CNTV);
    if (err)
        return err;
    if (pl011_enable_rx_irq(RASPI3_IRQ_UART0) != 0 || mini_uart_enable_rx_irq(RASPI3_IRQ_AUX) != 0)
        mote_log(MOTE_LOG_WARN, "console: no receive interrupt; console input is off");
    if (bcm2835_gpio_enable_irq(RASPI3_IRQ_GPIO_ALL) != 0)
        mote_log(MOTE_LOG_WARN, "gpio: no interrupt; edge events are off");
    power_setup();
    rng_setup();

    found.event = event_source_add(report, NULL);
    found.freq_event = event_source_add(freq_report, NULL);
    if (found.event >= 0)
        event_raise(found.event);
    systimer_init(RASPI3_SYSTIMER);
    found.freq_start_ns = gtimer_now_ns();
    found.freq_start_us = systimer_now_us();
    if (found.freq_event < 0 ||
        systimer_alarm(SYSTIMER_CHANNEL_1, RASPI3_IRQ_SYSTIMER1,
                       found.freq_start_us + FREQ_CHECK_US, freq_alarm, NULL) != 0)
        mote_log(MOTE_LOG_WARN, "raspi3: system timer alarm not armed; CNTFRQ not checked");
    return 0;
}
