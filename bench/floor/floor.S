/* SPDX-License-Identifier: MIT */
/*
 * The boot benchmark's floor (bench/boot.py): an image that writes one byte
 * to QEMU virt's PL011 at its first instruction and sleeps. The time from
 * QEMU's start to that byte is what QEMU itself costs; Mote's boot is
 * measured against it in the same run, with the same QEMU arguments.
 * QEMU's PL011 transmits without being set up (its model starts enabled).
 * Built by bench/boot.py:
 *   aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40200000 floor.S -o floor.elf
 * With -DFLOOR_BLOCKS=N it first runs N basic blocks of straight-line code,
 * each once, as boot code does (five instructions each, a load and a store
 * among them: a Mote boot's blocks average 5.3 instructions). QEMU's TCG
 * translates each before running it, so the difference from the floor, over
 * N, is what one block's translation costs on this host (a Mote boot
 * translates a few thousand).
 */
#ifndef FLOOR_BLOCKS
#define FLOOR_BLOCKS 0
#endif
#define VIRT_PL011_BASE 0x09000000 /* QEMU hw/arm/virt.c: VIRT_UART */
#define PL011_DR        0x000      /* data register (PL011 TRM §3.3.1) */
#define FLOOR_BYTE      '\n'

    .text
    .global _start
_start:
    adr     x5, scratch
    .rept   FLOOR_BLOCKS
    ldr     x4, [x5]                    /* a load and a store, as most of Mote's blocks have */
    add     x4, x4, #1
    add     x2, x2, x4
    str     x4, [x5, #8]
    cbz     x3, 1f                      /* ends the block: the next one is translated apart */
1:
    .endr
    ldr     x0, =VIRT_PL011_BASE
    mov     w1, #FLOOR_BYTE
    strb    w1, [x0, #PL011_DR]
1:  wfi
    b       1b

    .bss
    .balign 16
scratch:
    .skip   16
