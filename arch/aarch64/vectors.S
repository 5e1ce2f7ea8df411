/* SPDX-License-Identifier: MIT */
/*
 * The exception vector table (D1.10.2) and the register save/restore around it.
 *
 * Mote runs its loop and services on SP_EL0 ("thread" stack); an exception
 * switches to SP_EL1, a separate stack, so even a stack overflow into the guard
 * page is reported. Only general registers are saved: code that runs in
 * exception context is built with -mgeneral-regs-only, so FP/SIMD state belongs
 * to the interrupted code and is left untouched.
 *
 * The frame matches struct trap_frame in trap.h.
 */
#define FRAME_SIZE   (36 * 8)
#define FRAME_SP     (31 * 8)
#define FRAME_ELR    (32 * 8)
#define FRAME_SPSR   (33 * 8)
#define FRAME_ESR    (34 * 8)
#define FRAME_FAR    (35 * 8)

/* Vector kinds passed to trap_handle(), see enum trap_kind */
#define TRAP_SYNC    0
#define TRAP_IRQ     1
#define TRAP_FIQ     2
#define TRAP_SERROR  3

    .cfi_sections .debug_frame

.macro save_frame
    sub     sp, sp, #FRAME_SIZE
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
.endm

/*
 * CFI (DWARF, for gdb only: .debug_frame) for the frames below the vector
 * entry: the interrupted code is the caller. \reg was saved at x29 + \off
 * (DW_CFA_expression: DW_OP_breg29 \off, the offset as a SLEB128).
 */
#define DW_CFA_EXPRESSION      0x10
#define DW_CFA_DEF_CFA_EXPR    0x0f
#define DW_OP_BREG29           0x8d
#define DW_OP_DEREF            0x06
#define RECORD_SIZE            16 /* the frame record below the trap frame */
.macro cfi_saved_at_fp reg, off
    .if \off < 64
    .cfi_escape DW_CFA_EXPRESSION, \reg, 2, DW_OP_BREG29, \off
    .else
    .cfi_escape DW_CFA_EXPRESSION, \reg, 3, DW_OP_BREG29, (\off & 0x7f) | 0x80, \off >> 7
    .endif
.endm

/*
 * One entry of the table, whole: 31 instructions fill the 32 of its slot, so
 * the path needs no code outside the table but trap_return (a branch to a
 * shared tail per kind would cost 64 B each, and the slots' room is free).
 * \from_sp0: the exception came from code on SP_EL0, whose SP is sp_el0.
 */
.macro vector_entry kind, from_sp0
    .balign 0x80
    .cfi_startproc
    .cfi_signal_frame                         /* the caller's pc is ELR itself, not a return */
    .cfi_undefined 30                         /* not yet described: gdb stops here */
    save_frame
    .if \from_sp0
    mrs     x0, sp_el0
    .else
    add     x0, sp, #FRAME_SIZE
    .endif
    stp     x30, x0, [sp, #FRAME_SP - 8]      /* x30, then the interrupted SP */
    mrs     x1, esr_el1
    mrs     x2, far_el1
    stp     x1, x2, [sp, #FRAME_ESR]
    mrs     x1, elr_el1
    mrs     x2, spsr_el1
    stp     x1, x2, [sp, #FRAME_ELR]
    /* A frame record (x29, ELR) so backtraces through an exception reach the interrupted code. */
    stp     x29, x1, [sp, #-16]!
    mov     x29, sp
    /* The caller's SP (CFA) is the interrupted SP saved in the frame. */
    .cfi_escape DW_CFA_DEF_CFA_EXPR, 4, DW_OP_BREG29, ((RECORD_SIZE + FRAME_SP) & 0x7f) | 0x80, (RECORD_SIZE + FRAME_SP) >> 7, DW_OP_DEREF
    /* Its pc (the return column, x30) is ELR in the frame record, its x29 the record's first word. */
    cfi_saved_at_fp 29, 0
    cfi_saved_at_fp 30, 8
    .irp reg, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28
    cfi_saved_at_fp \reg, (RECORD_SIZE + 8 * \reg)
    .endr
    add     x0, sp, #16
    mov     x1, #\kind
    bl      trap_handle
    add     sp, sp, #16
    b       trap_return
    .cfi_endproc
.endm

    /*
     * In a section of its own, which the link places last in .text, where
     * its 2 KiB alignment costs least (image.ld.in).
     */
    .section .vectors, "ax"
    .balign 0x800
    .global exception_vectors
exception_vectors:
    /* Current EL with SP_EL0: the loop and services */
    vector_entry TRAP_SYNC, 1
    vector_entry TRAP_IRQ, 1
    vector_entry TRAP_FIQ, 1
    vector_entry TRAP_SERROR, 1
    /* Current EL with SP_EL1: a fault inside an exception handler */
    vector_entry TRAP_SYNC, 0
    vector_entry TRAP_IRQ, 0
    vector_entry TRAP_FIQ, 0
    vector_entry TRAP_SERROR, 0
    /* Lower EL, AArch64 and AArch32: Mote runs nothing there; handled the same way */
    vector_entry TRAP_SYNC, 0
    vector_entry TRAP_IRQ, 0
    vector_entry TRAP_FIQ, 0
    vector_entry TRAP_SERROR, 0
    vector_entry TRAP_SYNC, 0
    vector_entry TRAP_IRQ, 0
    vector_entry TRAP_FIQ, 0
    vector_entry TRAP_SERROR, 0

    .text
trap_return:
    ldp     x1, x2, [sp, #FRAME_ELR]          /* trap_handle may have moved ELR (skip an insn) */
    msr     elr_el1, x1
    msr     spsr_el1, x2
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    ldr     x30, [sp, #FRAME_SP - 8]
    add     sp, sp, #FRAME_SIZE
    eret
