// SPDX-License-Identifier: MIT
/*
 * Exceptions: interrupts go to the dispatcher; everything else is fatal and
 * produces the crash report: what happened in words, where (function+offset
 * from the image's own symbol table), the system registers, all general
 * registers and a frame-pointer backtrace. Then the machine stops as
 * configured (see mote_panic in include/mote/system.h).
 */
#include "arch/aarch64/trap.h"

#include <stdint.h>

#include "arch/aarch64/aslr.h"
#include "arch/aarch64/cpu.h"
#include "arch/aarch64/esr.h"
#include "arch/aarch64/pauth.h"
#include "arch/aarch64/semihost.h"
#include "kernel/console.h"
#include "kernel/coredump.h"
#include "kernel/gdbstub.h"
#include "kernel/image.h"
#include "kernel/irq.h"
#include "kernel/panic.h"
#include "kernel/symtab.h"

#define BACKTRACE_MAX  32
#define INSN_SIZE      4
#define NULL_PAGE_SIZE 4096 /* page 0 is never mapped */

extern char exception_vectors[];

void trap_init(void)
{
    sysreg_write(vbar_el1, (uint64_t)exception_vectors);
    isb();
}

static void print_location(uint64_t addr)
{
    uint64_t offset;
    const char *name = symtab_lookup(symtab_image(), addr, &offset);
    if (name)
        console_printf("0x%016llx %s+0x%llx", (unsigned long long)addr, name,
                       (unsigned long long)offset);
    else
        console_printf("0x%016llx ?", (unsigned long long)addr);
}

static int in_range(uint64_t p, const char *start, const char *end)
{
    return p >= (uint64_t)start && p < (uint64_t)end;
}

static int in_stack(uint64_t p, const char *bottom, const char *top)
{
    return p >= (uint64_t)bottom && p + 16 <= (uint64_t)top;
}

/* Frame records live only on the two stacks; anything else ends the walk. */
static int frame_valid(uint64_t fp)
{
    return (fp & 7) == 0 && (in_stack(fp, __stack_bottom, __stack_top) ||
                             in_stack(fp, __exc_stack_bottom, __exc_stack_top));
}

/* The start of the function that holds addr, or 0 where the symbol table names none. */
static uint64_t function_of(uint64_t addr)
{
    uint64_t offset;
    return symtab_lookup(symtab_image(), addr, &offset) ? addr - offset : 0;
}

/* Whether addr follows a bl or blr in the image's code, as a return address does. */
static int after_call(uint64_t addr)
{
    if ((addr & 3) || !in_range(addr - INSN_SIZE, __image_start, __text_end))
        return 0;
    uint32_t insn = *(const uint32_t *)(addr - INSN_SIZE);
    return (insn & 0xfc000000u) == 0x94000000u || /* bl */
           (insn & 0xfffffc1fu) == 0xd63f0000u;   /* blr */
}

/*
 * Leaf functions keep no frame record (-momit-leaf-frame-pointer, see
 * mk/toolchain.mk): a crash in one leaves its caller only in x30. x30 is that
 * caller when it is a return address into another function than pc's that the
 * first record does not already hold. In a function with a record, x30 is
 * either the record's own return address (before its first call) or one into
 * the function itself (after it), and neither is printed twice.
 */
static int leaf_caller(uint64_t pc, uint64_t lr, uint64_t fp)
{
    if (!after_call(lr) || function_of(lr) == function_of(pc))
        return 0;
    return !frame_valid(fp) || pauth_strip(((const uint64_t *)fp)[1]) != lr;
}

static void backtrace_print(uint64_t pc, uint64_t lr, uint64_t fp)
{
    console_printf("backtrace:\n  #0  ");
    print_location(pc);
    console_printf("\n");
    int depth = 1;
    if (leaf_caller(pc, lr, fp)) {
        console_printf("  #1  ");
        print_location(lr - INSN_SIZE);
        console_printf("\n");
        depth++;
    }
    for (; depth < BACKTRACE_MAX && frame_valid(fp); depth++) {
        const uint64_t *record = (const uint64_t *)fp;
        /* Saved return addresses are signed where the CPU has PAC. */
        uint64_t next = record[0], lr = pauth_strip(record[1]);
        if (!lr)
            return;
        /* The call is the instruction before the return address. */
        console_printf("  #%-2d ", depth);
        print_location(lr - INSN_SIZE);
        console_printf("\n");
        if (next == fp)
            return;
        fp = next;
    }
    if (frame_valid(fp))
        console_printf("  ... (more frames)\n");
}

/* What an abort's fault address says about its cause in words, or NULL. */
static const char *fault_cause(const struct trap_frame *f)
{
    unsigned ec = ESR_EC(f->esr);
    if (ec == ESR_EC_BTI)
        return "an indirect branch into the middle of a function, or a corrupted function pointer "
               "(BTI)";
    if (ec == ESR_EC_FPAC)
        return "a return address failed its authentication: overwritten on the stack (PAC)";
    if (!esr_is_abort(f->esr))
        return NULL;
    uint64_t far = f->far;
    /* Without FEAT_FPAC, a failed autiasp leaves an address with its PAC bits garbled. */
    if (ec == ESR_EC_IABT_SAME && pauth_is_poisoned(far))
        return "a return to an address that failed its authentication: overwritten on the "
               "stack (PAC)";
    if (in_range(far, __stack_guard, __stack_bottom))
        return "stack overflow into the guard page";
    if (in_range(far, __exc_stack_guard, __exc_stack_bottom))
        return "exception stack overflow into the guard page";
    if (far < NULL_PAGE_SIZE)
        return "null pointer dereference";
    if (ec != ESR_EC_IABT_SAME && ec != ESR_EC_IABT_LOWER)
        return NULL;
    /* A jump into memory that is never executable (W^X, see kernel_main). */
    if (in_range(far, __stack_bottom, __stack_top) ||
        in_range(far, __exc_stack_bottom, __exc_stack_top))
        return "executing the stack (W^X)";
    if (in_range(far, __rodata_end, __data_end))
        return "executing data (W^X)";
    if (in_range(far, __text_end, __rodata_end))
        return "executing read-only data (W^X)";
    return NULL;
}

static void print_registers(const struct trap_frame *f)
{
    console_printf("ESR_EL1 0x%08llx  ELR_EL1 0x%016llx  FAR_EL1 0x%016llx  SPSR_EL1 0x%08llx\n",
                   (unsigned long long)f->esr, (unsigned long long)f->elr,
                   (unsigned long long)f->far, (unsigned long long)f->spsr);
    for (int i = 0; i < 31; i++)
        console_printf("x%-2d 0x%016llx%s", i, (unsigned long long)f->x[i],
                       i % 4 == 3 ? "\n" : "  ");
    console_printf("sp  0x%016llx\n", (unsigned long long)f->sp);
}

/*
 * The crash path: report, core dump when configured, then the debugger when
 * there is one (returns only if it resumed the code), else the end.
 */
static void crash(struct trap_frame *f, const char *what)
{
    coredump_save_fp(); /* before printf may touch them */
    static int crashing;
    if (crashing++) {
        /* A fault while reporting one: say the least and stop. */
        console_printf("\n*** nested fault at 0x%llx while reporting a crash\n",
                       (unsigned long long)f->elr);
        panic_stop();
    }
    char why[96];
    esr_describe(f->esr, why, sizeof(why));
    console_printf("\n*** MOTE CRASH: %s\n", what ? what : why);
    if (what)
        console_printf("exception: %s\n", why);
    else if (fault_cause(f))
        console_printf("cause: %s\n", fault_cause(f));
    console_printf("at: ");
    print_location(f->elr);
    console_printf("\n");
    if (aslr_slide()) /* for addr2line and gdb with the ELF: subtract it */
        console_printf("image: 0x%016llx, the ELF's addresses + 0x%llx\n",
                       (unsigned long long)(uintptr_t)__image_start,
                       (unsigned long long)aslr_slide());
    print_registers(f);
    uint64_t offset;
    unsigned ec = ESR_EC(f->esr);
    if (ec == ESR_EC_IABT_SAME && pauth_is_poisoned(f->far)) {
        /* The return went nowhere: say where it was sent, which is what was written over it. */
        console_printf("return address without its PAC: ");
        print_location(pauth_strip(f->far));
        console_printf("\n");
    } else if (ec == ESR_EC_BTI || !symtab_lookup(symtab_image(), f->elr, &offset)) {
        /* A jump into data or past a landing pad: lr still says who jumped (blr). */
        console_printf("called from: ");
        print_location(pauth_strip(f->x[30]) - INSN_SIZE);
        console_printf("\n");
    }
    backtrace_print(f->elr, pauth_strip(f->x[30]), f->x[29]);
    if (!gdbstub_attached()) /* not down the line a debugger is reading */
        coredump_send(f);
    if (gdbstub_crash(f)) {
        crashing = 0;
        return;
    }
    panic_stop();
}

void trap_handle(struct trap_frame *frame, enum trap_kind kind)
{
    if (kind == TRAP_IRQ) {
        irq_dispatch();
        gdbstub_irq_exit(frame);
        return;
    }
    if (kind == TRAP_SYNC) {
        unsigned ec = ESR_EC(frame->esr);
        if (ec == ESR_EC_FP_ACCESS && irq_fp_access())
            return; /* retried with FP/SIMD allowed, the interrupted state saved */
        if (ec == ESR_EC_UNKNOWN && semihost_is_probe(frame->elr)) {
            frame->x[0] = SEMIHOST_UNAVAILABLE;
            frame->elr += INSN_SIZE;
            return;
        }
        if (gdbstub_trap(frame))
            return;
        if (ec == ESR_EC_BRK64 && ESR_BRK_IMM(frame->esr) == TRAP_BRK_PANIC)
            crash(frame, panic_message());
        else
            crash(frame, NULL);
        return;
    }
    crash(frame, kind == TRAP_SERROR ? "serror (asynchronous abort)" : "unexpected fiq");
}
