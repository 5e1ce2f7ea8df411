/* SPDX-License-Identifier: MIT */
/*
 * The boot benchmark's floor (bench/boot.py): an image that writes one byte
 * to QEMU virt's PL011 at its first instruction and sleeps. The time from
 * QEMU's start to that byte is what QEMU itself costs; Mote's boot is
 * measured against it in the same run, with the same QEMU arguments.
 * QEMU's PL011 transmits without being set up (its model starts enabled).
 * Built by bench/boot.py:
 *   aarch64-linux-gnu-gcc -nostdlib -static -Wl,-Ttext=0x40200000 floor.S -o floor.elf
 */
#define VIRT_PL011_BASE 0x09000000 /* QEMU hw/arm/virt.c: VIRT_UART */
#define PL011_DR        0x000      /* data register (PL011 TRM §3.3.1) */
#define FLOOR_BYTE      '\n'

    .text
    .global _start
_start:
    ldr     x0, =VIRT_PL011_BASE
    mov     w1, #FLOOR_BYTE
    strb    w1, [x0, #PL011_DR]
1:  wfi
    b       1b
