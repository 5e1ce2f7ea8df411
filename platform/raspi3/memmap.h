/* SPDX-License-Identifier: MIT */
/*
 * Raspberry Pi 3 (BCM2837): every fixed address and interrupt number Mote
 * uses. Sources: "BCM2835 ARM Peripherals" (Broadcom, 2012; the BCM2837 has
 * the same blocks with the peripheral window moved from 0x20000000 to
 * 0x3f000000) and "BCM2836 ARM-local peripherals" (QA7 rev 3.4) for the
 * per-core block at 0x40000000. Bus addresses in the datasheet (0x7e......)
 * are the ARM physical addresses 0x3f...... below. Used by C, assembly and
 * the linker script, so only #defines.
 *
 *   0x0000_0000 +--------------------------------+
 *               | spin table (0xd8..0xf0): cores |
 *               |  1-3 wait in the firmware's    |
 *               |  (or QEMU's) stub; page 0 is   |
 *               |  never mapped, NULL faults     |
 *   0x0008_0000 | Mote image (kernel8.img):      |
 *               |  text, rodata, data, bss,      |
 *               |  stacks + guard pages          |
 *               | heap: the rest of the ARM      |
 *               |  memory the mailbox reports,   |
 *               |  less the packed DTB on top    |
 *   0x3c00_0000 +--------------------------------+ ARM/VC split (QEMU raspi3b, -m 1G;
 *               | VideoCore memory: framebuffer  |  the firmware's gpu_mem on a board)
 *   0x3f00_0000 +--------------------------------+ peripherals (device memory, 16 MiB)
 *               | +0x003000 system timer         |
 *               | +0x00b200 interrupt controller |
 *               | +0x00b880 mailbox 0            |
 *               | +0x100000 power mgmt, watchdog |
 *               | +0x104000 hardware RNG         |
 *               | +0x200000 GPIO                 |
 *               | +0x201000 UART0 (PL011)        |
 *               | +0x215000 AUX: mini UART (UART1)|
 *               | +0x300000 EMMC (Arasan SDHCI)  |
 *               | +0x980000 USB (DWC2 OTG)       |
 *   0x4000_0000 +--------------------------------+ ARM-local peripherals (BCM2836/7)
 *               | core timers, mailboxes, IRQ    |
 *               |  routing and sources per core  |
 *   0x4000_0100 +--------------------------------+
 */
#ifndef PLATFORM_RASPI3_MEMMAP_H
#define PLATFORM_RASPI3_MEMMAP_H

/*
 * The firmware (config.txt arm_64bit=1) and QEMU -M raspi3b both load
 * kernel8.img at 0x80000: the arm64 Image header's text_offset above RAM base 0.
 */
#define RASPI3_RAM_BASE   0x00000000
#define IMAGE_TEXT_OFFSET 0x80000
#define IMAGE_LOAD_ADDR   (RASPI3_RAM_BASE + IMAGE_TEXT_OFFSET)

/* Cores 1-3 spin in the boot stub on these 64-bit release addresses (core n: +8*(n-1)). */
#define RASPI3_SPIN_TABLE 0xe0
/* For arch/aarch64/boot.S: release the secondaries from the spin table into Mote's park. */
#define BOOT_SPIN_TABLE       RASPI3_SPIN_TABLE
#define BOOT_SPIN_TABLE_CORES 3

/* Peripheral window: the VideoCore bus address 0x7e000000 seen by the ARM. */
#define RASPI3_PERIPH_BASE   0x3f000000
#define RASPI3_PERIPH_SIZE   0x01000000
#define RASPI3_SYSTIMER      (RASPI3_PERIPH_BASE + 0x003000)
#define RASPI3_INTC          (RASPI3_PERIPH_BASE + 0x00b200)
#define RASPI3_MBOX          (RASPI3_PERIPH_BASE + 0x00b880)
#define RASPI3_PM            (RASPI3_PERIPH_BASE + 0x100000)
#define RASPI3_RNG           (RASPI3_PERIPH_BASE + 0x104000)
#define RASPI3_GPIO          (RASPI3_PERIPH_BASE + 0x200000)
#define RASPI3_UART0         (RASPI3_PERIPH_BASE + 0x201000)
#define RASPI3_AUX           (RASPI3_PERIPH_BASE + 0x215000)
#define RASPI3_EMMC          (RASPI3_PERIPH_BASE + 0x300000)
#define RASPI3_USB           (RASPI3_PERIPH_BASE + 0x980000) /* DWC2 USB 2.0 OTG controller */
#define RASPI3_BUS_PERIPH    0x7e000000 /* the same window as the VideoCore sees it */
#define RASPI3_BUS_RAM_L2    0x40000000 /* ARM RAM as a VideoCore bus address, L2 cached alias */
#define RASPI3_BUS_RAM_UNC   0xc0000000 /* ... uncached alias (for DMA the ARM reads back) */
#define RASPI3_BUS_ADDR_MASK 0x3fffffff /* bus address -> ARM physical address */

/* ARM-local peripherals (QA7): one block for all four cores. */
#define RASPI3_LOCAL_BASE 0x40000000
#define RASPI3_LOCAL_SIZE 0x1000

/* The UART reference clock the firmware sets for UART0 (QEMU reports the same). */
#define RASPI3_UART0_CLOCK_HZ 48000000

/*
 * Interrupt numbers (Mote INTIDs): one flat space over the two controllers.
 *   0..11   ARM-local sources of core 0 (QA7 §4.10 "Core interrupt sources")
 *   32..95  GPU interrupts 0..63 (BCM2835 §7.5, "ARM peripherals interrupts table")
 *   96..103 ARM basic interrupts 0..7 (ARM timer, ARM mailbox, doorbells, ...)
 */
#define RASPI3_INTID_LOCAL(n)  (n)
#define RASPI3_INTID_GPU(n)    (32 + (n))
#define RASPI3_INTID_BASIC(n)  (96 + (n))
#define RASPI3_INTID_GPU_FIRST 32
#define RASPI3_INTID_COUNT     104

#define RASPI3_IRQ_CNTPS     RASPI3_INTID_LOCAL(0) /* secure physical timer */
#define RASPI3_IRQ_CNTPNS    RASPI3_INTID_LOCAL(1) /* non-secure physical timer */
#define RASPI3_IRQ_CNTHP     RASPI3_INTID_LOCAL(2) /* hypervisor timer */
#define RASPI3_IRQ_CNTV      RASPI3_INTID_LOCAL(3) /* virtual timer: Mote's tick-less timer */
#define RASPI3_IRQ_SYSTIMER1 RASPI3_INTID_GPU(1)   /* system timer compare 1 */
#define RASPI3_IRQ_SYSTIMER3 RASPI3_INTID_GPU(3)   /* system timer compare 3 */
#define RASPI3_IRQ_USB       RASPI3_INTID_GPU(9)   /* DWC2 USB controller */
#define RASPI3_IRQ_AUX       RASPI3_INTID_GPU(29)  /* mini UART, SPI1, SPI2 */
#define RASPI3_IRQ_GPIO0     RASPI3_INTID_GPU(49)  /* GPIO bank 0 (pins 0-27) events */
#define RASPI3_IRQ_GPIO1     RASPI3_INTID_GPU(50)  /* GPIO bank 1 (pins 28-45) */
#define RASPI3_IRQ_GPIO_ALL  RASPI3_INTID_GPU(52)  /* any GPIO pin */
#define RASPI3_IRQ_UART0     RASPI3_INTID_GPU(57)
#define RASPI3_IRQ_EMMC      RASPI3_INTID_GPU(62)

/* Pins of the 40-pin header's serial port, and the board's activity LED (Pi 3 B: none on GPIO). */
#define RASPI3_GPIO_TXD 14
#define RASPI3_GPIO_RXD 15
/* GPIO 48-53: the SD card's clock, command and data lines (ALT3: the Arasan controller) */
#define RASPI3_GPIO_SD_FIRST 48
#define RASPI3_GPIO_SD_LAST  53

#endif
