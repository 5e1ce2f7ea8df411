/* SPDX-License-Identifier: MIT */
/*
 * QEMU "virt" machine: memory map (QEMU hw/arm/virt.c, base_memmap) as Mote
 * uses it. Device addresses below are for orientation only: drivers get
 * theirs from the device tree, which QEMU generates for the exact machine
 * (GIC version, RAM size, devices). Used by C, assembly and the linker script.
 *
 *   0x0000_0000 +-------------------------------+
 *               | flash (not mapped: NULL faults)|
 *   0x0800_0000 | GIC distributor               |
 *   0x0801_0000 | GICv2 CPU interface           |
 *   0x080a_0000 | GICv3 redistributors          |
 *   0x0900_0000 | PL011 UART (console)          |
 *   0x0901_0000 | PL031 RTC                     |
 *   0x0903_0000 | PL061 GPIO (pin 3: power key) |
 *   0x0a00_0000 | virtio-mmio slots, 32 x 0x200 |
 *   0x4000_0000 +-------------------------------+ RAM (-m)
 *               | DTB (QEMU puts it here for    |
 *               |  an ELF -kernel; else x0),    |
 *               |  1 MiB; free once it moved    |
 *   0x4010_0000 | Mote image: text, rodata,     |
 *               |  data, bss, stacks + guards   |
 *               | heap, up to the end of RAM,   |
 *               |  less the packed DTB on top   |
 *               +-------------------------------+
 */
#ifndef PLATFORM_VIRT_MEMMAP_H
#define PLATFORM_VIRT_MEMMAP_H

#define VIRT_RAM_BASE 0x40000000
/*
 * arm64 Image protocol: the image sits text_offset above a 2 MiB-aligned base
 * near RAM start. 1 MiB: QEMU's DTB for an ELF -kernel (1 MiB, its largest)
 * fits below, and the image and its heap fit in -m 2M.
 */
#define IMAGE_TEXT_OFFSET 0x100000
#define IMAGE_LOAD_ADDR   (VIRT_RAM_BASE + IMAGE_TEXT_OFFSET)
/* QEMU -kernel with an ELF leaves x0 at 0 and the DTB at the base of RAM. */
#define VIRT_DTB_ELF_BOOT VIRT_RAM_BASE
/* The image runs at a random virtual address (arch/aarch64/aslr.h): DMA goes through virtq, which
 * translates. */
#define IMAGE_ASLR 1

#endif
