/* SPDX-License-Identifier: MIT */
/*
 * The first instructions of a Mote image.
 *
 * Entered on core 0 (others are parked) at EL3, EL2 or EL1, MMU and caches off, with
 * the DTB's physical address in x0 when the loader follows the arm64 boot
 * protocol (Linux Documentation/arch/arm64/booting.rst). QEMU's -kernel with an
 * ELF does not set x0; kernel_main then looks for the DTB where the board puts it.
 *
 * EL3 happens on QEMU -M raspi3b with an ELF -kernel (no firmware, the core
 * has EL3); the Pi's firmware and QEMU's Image boot enter at EL2.
 *
 * Steps: park secondaries, leave EL3 for EL2 and EL2 for EL1, enable FP/SIMD, set the two
 * stacks (SP_EL0 for the event loop and services, SP_EL1 for exceptions, so a
 * stack overflow can still be reported) and the stack guard's address, clear
 * BSS, set the thread pointer, call kernel_main(dtb).
 */
#include "arch/aarch64/sysreg_bits.h"
#include "memmap.h" /* IMAGE_TEXT_OFFSET of this board */

#define SECONDARY_ENTRIES 4
#define BSS_CLEAR_CHUNK   256 /* bytes cleared per pass: eight pairs of q registers */

/*
 * reg = the address of sym, PC-relative: the link address while the image
 * runs where it was loaded, the random one once it runs there (aslr.h). A
 * literal (ldr =sym) would be an absolute address to relocate in the code.
 */
.macro adr_l reg, sym
    adrp    \reg, \sym
    add     \reg, \reg, :lo12:\sym
.endm /* cores that can be started from secondary_park (the Pi's four) */

/*
 * Moves [start, end) up to where it runs from where the image stores it,
 * which ends at load_end, 16 bytes a step (none when that is where it
 * runs: the section before it ended on a page). Backwards, since the destination
 * is above the source and may overlap it; 8-byte accesses, all that MMU-off
 * Device memory allows unaligned. Clobbers x1-x5.
 */
.macro move_up load_end, start, end
    adr_l   x1, \load_end
    adr_l   x2, \start
    adr_l   x3, \end
    cmp     x1, x3
    b.eq    .Lmoved_\@                  /* stored where it runs */
.Lmove_\@:
    cmp     x3, x2
    b.ls    .Lmoved_\@
    ldp     x4, x5, [x1, #-16]!
    stp     x4, x5, [x3, #-16]!
    b       .Lmove_\@
.Lmoved_\@:
.endm

    /* Unwind tables for gdb only (the image carries none): see the CFI below. */
    .cfi_sections .debug_frame

    .section .text.boot, "ax"
    .global _start
_start:
    /* arm64 Image header (booting.rst §4): 64 bytes, the first word is code. */
    b       boot_primary
    .word   0
    .quad   IMAGE_TEXT_OFFSET           /* text_offset: load at 2 MiB-aligned RAM base + this */
    .quad   __image_end - _start        /* image_size: everything, BSS and stacks included */
    .quad   IMAGE_FLAGS                 /* little-endian, 4 KiB pages, near the base of RAM */
    .quad   0, 0, 0
    .ascii  "ARM\x64"                   /* magic */
    .word   0                           /* no PE/COFF header */

boot_primary:
    /*
     * The outermost frame: no caller. Saying so (the return address is
     * undefined) ends gdb's backtrace here cleanly instead of with
     * "previous frame identical to this frame".
     */
    .cfi_startproc
    .cfi_undefined x30
    mov     x19, x0                     /* the DTB pointer survives until kernel_main */

    mrs     x1, mpidr_el1
    and     x1, x1, #MPIDR_AFF_MASK
    cbnz    x1, secondary_park          /* an ELF -kernel starts every core here */

    /*
     * .rodata is stored right after the vectors and .data right after it,
     * below the pages they run on (image.ld.in): move them there before
     * anything reads them (the secondaries released below read
     * secondary_entry). .data first: .rodata's move may overwrite where .data
     * is stored.
     */
    move_up __data_load_end, __data_move_start, __data_move_end
    move_up __rodata_load_end, __rodata_move_start, __rodata_move_end
#ifdef BOOT_SPIN_TABLE
    /*
     * The board's loader holds the other cores in a spin loop on wfe, which
     * QEMU's TCG runs as a busy loop (a host core per guest core). Send them
     * to secondary_park instead. The MMU is off on both sides, so plain
     * stores reach them; sev ends their wfe.
     */
    adr     x1, secondary_park
    ldr     x2, =BOOT_SPIN_TABLE
    mov     x3, #BOOT_SPIN_TABLE_CORES
0:  str     x1, [x2], #8
    subs    x3, x3, #1
    b.ne    0b
    dsb     sy
    sev
#endif
    mrs     x1, CurrentEL
    lsr     x1, x1, #2
    cmp     x1, #3
    b.ne    2f

    /* EL3: lower levels are non-secure and AArch64, then drop to EL2 (D1.11). */
    ldr     x1, =(SCR_EL3_NS | SCR_EL3_RES1 | SCR_EL3_SMD | SCR_EL3_HCE | SCR_EL3_RW)
    bl      cpu_has_pauth_early
    cbz     x2, 6f
    orr     x1, x1, #SCR_EL3_PAUTH      /* EL1 may use PAC (arch/aarch64/pauth.h) */
6:  msr     scr_el3, x1
    msr     cptr_el3, xzr               /* FP/SIMD not trapped to EL3 */
    mov     x1, #SPSR_EL2H_MASKED
    msr     spsr_el3, x1
    adr     x1, at_el2
    msr     elr_el3, x1
    eret
2:
    cmp     x1, #2
    b.ne    at_el1

at_el2:

    /* EL2: configure what EL1 may do, then drop to it (D1.11). */
    mov     x1, #HCR_EL2_RW             /* EL1 is AArch64; nothing routed to EL2 */
    bl      cpu_has_pauth_early
    cbz     x2, 7f
    orr     x1, x1, #HCR_EL2_PAUTH      /* EL1 may use PAC (arch/aarch64/pauth.h) */
7:  msr     hcr_el2, x1
    mov     x1, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
    msr     cnthctl_el2, x1             /* EL1 may use the physical counter and timer */
    msr     cntvoff_el2, xzr            /* virtual time == physical time */
    ldr     x1, =CPTR_EL2_RES1
    msr     cptr_el2, x1                /* FP/SIMD not trapped to EL2 */
    msr     hstr_el2, xzr
    mrs     x1, midr_el1
    msr     vpidr_el2, x1
    mrs     x1, mpidr_el1
    msr     vmpidr_el2, x1
    /* GICv3 system-register CPU interface: let EL1 use it (ICC_SRE_EL2, 12.11.2). */
    mrs     x1, id_aa64pfr0_el1
    ubfx    x1, x1, #ID_AA64PFR0_GIC_SHIFT, #4
    cbz     x1, 3f
    mrs     x1, S3_4_C12_C9_5           /* ICC_SRE_EL2 */
    mov     x2, #(ICC_SRE_EL2_SRE | ICC_SRE_EL2_ENABLE)
    orr     x1, x1, x2
    msr     S3_4_C12_C9_5, x1
    isb
3:
    ldr     x1, =SCTLR_EL1_RES1
    msr     sctlr_el1, x1
    mov     x1, #SPSR_EL1H_MASKED
    msr     spsr_el2, x1
    adr     x1, at_el1
    msr     elr_el2, x1
    eret

at_el1:
    /*
     * Mote's entry time for the "booted in" figure (kernel_main): a loader
     * (U-Boot, the firmware) may have run for seconds since the counter's zero.
     * Read here, where the virtual counter is the one the kernel's clock uses
     * (CNTVOFF_EL2 is 0 from at_el2 on), kept in x20 until BSS is cleared.
     */
    mrs     x20, cntvct_el0
    ldr     x1, =SCTLR_EL1_RES1         /* MMU, caches and alignment checks off for now */
    msr     sctlr_el1, x1
    mov     x1, #CPACR_EL1_FPEN_ALL     /* FP/SIMD for service code (kernel code avoids it) */
    msr     cpacr_el1, x1
    isb

    bl      set_stacks                  /* and the guard's address: aslr_early is C */

    /*
     * Clear BSS (some 700 KiB with lwIP's pools): 256 bytes a pass through
     * the SIMD registers (on since the cpacr_el1 write above; nothing else
     * uses them yet), the last up to 240 bytes 16 at a time. 16 byte stores
     * are all the MMU-off Device memory allows: __bss_start and __bss_end are
     * 16-aligned (image.ld.in).
     */
    adr_l   x1, __bss_start
    adr_l   x2, __bss_end
    movi    v0.16b, #0
    movi    v1.16b, #0
    sub     x3, x2, #BSS_CLEAR_CHUNK
4:  cmp     x1, x3
    b.hi    5f
    stp     q0, q1, [x1]
    stp     q0, q1, [x1, #32]
    stp     q0, q1, [x1, #64]
    stp     q0, q1, [x1, #96]
    stp     q0, q1, [x1, #128]
    stp     q0, q1, [x1, #160]
    stp     q0, q1, [x1, #192]
    stp     q0, q1, [x1, #224]
    add     x1, x1, #BSS_CLEAR_CHUNK
    b       4b
5:  cmp     x1, x2
    b.hs    6f
    str     q0, [x1], #16
    b       5b
6:
    adr_l   x1, boot_entry_ticks
    str     x20, [x1]

    /*
     * MMU on, the image mapped again at its random address and relocated for
     * it (aslr.c); x0 = the slide, the DTB pointer back in x19. Then continue
     * there (a br into guarded code lands on a bti j), on the stacks there.
     */
    mov     x0, x19
    sub     sp, sp, #16
    mov     x1, sp
    bl      aslr_early
    ldr     x19, [sp], #16
    adr     x1, 6f
    add     x1, x1, x0
    br      x1
6:  bti     j
    bl      set_stacks                  /* both again, at the new address */
    bl      aslr_finish                 /* the identity alias of the image goes */

    adr_l   x1, __tls_tp                /* thread pointer: the image's one TLS block */
    msr     tpidr_el0, x1
    mov     x29, xzr                    /* the backtrace ends here */
    mov     x30, xzr
    mov     x0, x19
    bl      kernel_main
    b       secondary_park              /* kernel_main never returns */
    .cfi_endproc

/*
 * The two stacks at their tops, wherever the image runs. SP_EL1 =
 * __exc_stack_top, used by exceptions; SP_EL0 = __stack_top, used by
 * everything else (SPSel = 0 on return).
 *
 * And the stack protector's canary: every protected function reads it as
 * [STACK_GUARD_SYSREG + 0] (mk/toolchain.mk), one instruction fewer than
 * through the GOT, twice per call. So that register holds the address of
 * __stack_chk_guard before any C runs, and the address at the random place
 * once the image runs there (the identity alias, which the first one names,
 * goes in aslr_finish). Each core that runs C sets it: only this one for now;
 * with SMP, a core's own data would start with its guard. Clobbers x1.
 */
set_stacks:
    msr     spsel, #1
    adr_l   x1, __exc_stack_top
    mov     sp, x1
    adr_l   x1, __stack_top
    msr     sp_el0, x1
    msr     spsel, #0                   /* run on SP_EL0; exceptions switch to SP_EL1 */
    adr_l   x1, __stack_chk_guard
    msr     STACK_GUARD_SYSREG, x1
    ret

/*
 * x2 = non-zero when the CPU has pointer authentication (the ID fields of
 * pauth.c's cpu_has_pauth); x3 clobbered. No stack: called before there is one.
 */
cpu_has_pauth_early:
    mrs     x2, id_aa64isar1_el1
    and     x2, x2, #ID_AA64ISAR1_PAUTH_MASK
    mrs     x3, S3_0_C0_C6_2            /* ID_AA64ISAR2_EL1, by encoding (armv8-a's assembler) */
    and     x3, x3, #ID_AA64ISAR2_PAUTH_MASK
    orr     x2, x2, x3
    ret

/*
 * Cores other than 0, until SMP: asleep in wfi with every interrupt masked at
 * the core, so QEMU halts the vCPU (a wfe loop would spin). A pending
 * interrupt still ends a wfi even when masked: to start core n later, write
 * its entry point to secondary_entry[n] (cleaned to the point of coherency:
 * this core runs with the MMU and caches off), then make an interrupt pending
 * at that core (on the BCM2836, its ARM-local mailbox). It jumps there at the
 * exception level it was parked at, with interrupts masked.
 */
secondary_park:
    .cfi_startproc
    .cfi_undefined x30                  /* outermost too */
    msr     daifset, #0xf
    mrs     x1, mpidr_el1
    and     x1, x1, #MPIDR_AFF_MASK
    cmp     x1, #(SECONDARY_ENTRIES - 1)
    b.hi    2f                          /* a core without an entry word sleeps for good */
    adrp    x2, secondary_entry
    add     x2, x2, :lo12:secondary_entry
    add     x2, x2, x1, lsl #3
1:  wfi
    ldr     x3, [x2]
    cbz     x3, 1b
    br      x3
2:  wfi
    b       2b
    .cfi_endproc

    .section .data
    .balign 8
    .global secondary_entry
secondary_entry:                        /* per core, indexed by MPIDR_EL1 affinity */
    .fill   SECONDARY_ENTRIES, 8, 0
