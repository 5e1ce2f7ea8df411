// SPDX-License-Identifier: MIT
/*
 * The AArch64 half of the GDB stub, see gdb_arch.h. Self-hosted debug at
 * EL1 (Arm ARM D2): breakpoint, watchpoint and software-step exceptions are
 * taken to EL1 itself when MDSCR_EL1.KDE is set and PSTATE.D is clear in
 * the debugged code; every exception entry sets D, so the stub and the
 * other handlers are never debugged themselves.
 *
 * Code is mapped read-only (W^X): software breakpoints are written through
 * a second, writable and never executable mapping of the image's text at
 * TEXT_ALIAS_OFFSET above it, then cleaned to the point of unification and
 * invalidated from the instruction cache (D7.5.2 "Instruction cache
 * maintenance"). Only debug images have that alias.
 */
#include "arch/aarch64/gdb_arch.h"

#include <errno.h>
#include <string.h>

#include "arch/aarch64/aslr.h"
#include "arch/aarch64/cpu.h"
#include "arch/aarch64/esr.h"
#include "arch/aarch64/mmu.h"
#include "kernel/image.h"

/* clang-format off */
/* MDSCR_EL1 (D13.3.15) */
#define MDSCR_SS  (1ul << 0)  /* software step */
#define MDSCR_KDE (1ul << 13) /* debug exceptions at the EL they target (EL1) */
#define MDSCR_MDE (1ul << 15) /* breakpoints and watchpoints on */

/* SPSR bits the stub touches (C5.2.18) */
#define SPSR_NZCV     0xf0000000ul
#define SPSR_SS       (1ul << 21) /* the step is active for the next instruction */
#define SPSR_D        (1ul << 9)
#define SPSR_I        (1ul << 7)
#define SPSR_M_MASK   0xful
#define SPSR_M_EL1T   0x4ul       /* EL1 on SP_EL0: the loop and services */

/* ID_AA64DFR0_EL1 (D13.2.59) */
#define DFR0_BRPS(v) ((((v) >> 12) & 0xf) + 1)
#define DFR0_WRPS(v) ((((v) >> 20) & 0xf) + 1)

/* DBGBCR<n>_EL1 (D13.3.2): enabled, EL1 (PMC 0b01), all four bytes of an A64 instruction */
#define DBGBCR_E        (1ul << 0)
#define DBGBCR_PMC_EL1  (1ul << 1)
#define DBGBCR_BAS_A64  (0xful << 5)

/* DBGWCR<n>_EL1 (D13.3.11) */
#define DBGWCR_E          (1ul << 0)
#define DBGWCR_PAC_EL1    (1ul << 1)
#define DBGWCR_LSC_LOAD   (1ul << 3)
#define DBGWCR_LSC_STORE  (2ul << 3)
#define DBGWCR_BAS(mask)  ((uint64_t)(mask) << 5)
#define DBGWCR_MASK(bits) ((uint64_t)(bits) << 24)
#define WATCH_MASK_MIN    3  /* MASK=1,2 are reserved: address masks start at 8 bytes */
#define WATCH_MASK_MAX    31

/* PAR_EL1 after AT (D13.2.101) */
#define PAR_F            (1ul << 0)  /* the translation failed */
#define PAR_ATTR_SHIFT   56
#define PAR_ATTR_DEVICE(a) (((a) & 0xf0) == 0) /* MAIR encodings 0b0000dd00 are Device */
/* clang-format on */

#define INSN_SIZE         4
#define SW_BREAKPOINTS    64
#define HW_SLOTS_MAX      16
#define TEXT_ALIAS_OFFSET (1ul << 46) /* far above RAM and devices, inside the 48-bit VA */

static struct {
    unsigned nbrp, nwrp;
    struct {
        uint64_t addr;
        uint32_t insn; /* what the BRK replaced */
        bool used;
    } sw[SW_BREAKPOINTS];
    struct {
        uint64_t addr;
        bool used;
    } hw[HW_SLOTS_MAX];
    struct {
        uint64_t addr, len;
        enum gdb_bp_type type;
        bool used;
    } wp[HW_SLOTS_MAX];
    bool stepping;
    uint64_t step_saved_i; /* SPSR.I of the stepped code, restored after the step */
} dbg;

/* Debug registers are named by number in the instruction: one case per slot. */
#define DBG_CASES(op)                                                                              \
    op(0) op(1) op(2) op(3) op(4) op(5) op(6) op(7) op(8) op(9) op(10) op(11) op(12) op(13) op(14) \
        op(15)

static void bp_write(unsigned n, uint64_t value, uint64_t control)
{
#define BP_CASE(i)                              \
    case i:                                     \
        sysreg_write(dbgbcr##i##_el1, 0);       \
        sysreg_write(dbgbvr##i##_el1, value);   \
        sysreg_write(dbgbcr##i##_el1, control); \
        break;
    switch (n) {
        DBG_CASES(BP_CASE)
    default: break;
    }
#undef BP_CASE
    isb();
}

static void wp_write(unsigned n, uint64_t value, uint64_t control)
{
#define WP_CASE(i)                              \
    case i:                                     \
        sysreg_write(dbgwcr##i##_el1, 0);       \
        sysreg_write(dbgwvr##i##_el1, value);   \
        sysreg_write(dbgwcr##i##_el1, control); \
        break;
    switch (n) {
        DBG_CASES(WP_CASE)
    default: break;
    }
#undef WP_CASE
    isb();
}

unsigned gdb_arch_hw_breakpoints(void)
{
    return dbg.nbrp;
}

unsigned gdb_arch_hw_watchpoints(void)
{
    return dbg.nwrp;
}

int gdb_arch_init(void)
{
    uint64_t dfr0 = sysreg_read(id_aa64dfr0_el1);
    dbg.nbrp = DFR0_BRPS(dfr0) > HW_SLOTS_MAX ? HW_SLOTS_MAX : DFR0_BRPS(dfr0);
    dbg.nwrp = DFR0_WRPS(dfr0) > HW_SLOTS_MAX ? HW_SLOTS_MAX : DFR0_WRPS(dfr0);
    for (unsigned i = 0; i < dbg.nbrp; i++)
        bp_write(i, 0, 0);
    for (unsigned i = 0; i < dbg.nwrp; i++)
        wp_write(i, 0, 0);
    /* The OS lock is set at reset and blocks every debug exception (D2.5). */
    sysreg_write(oslar_el1, 0);
    sysreg_write(osdlr_el1, 0);
    sysreg_write(mdscr_el1, MDSCR_KDE | MDSCR_MDE);
    isb();
    __asm__ volatile("msr daifclr, #8" ::: "memory"); /* PSTATE.D: debug exceptions on here */

    uint64_t text = (uint64_t)__image_start;
    /* The alias maps the code's physical pages (the image may run elsewhere: aslr.h). */
    return mmu_map_at(text + TEXT_ALIAS_OFFSET, aslr_phys(__image_start),
                      (uint64_t)(__text_end - __image_start), MMU_DATA);
}

/* Registers */

int gdb_arch_reg_read(const struct gdb_arch_regs *r, unsigned regno, uint8_t *buf)
{
    const struct trap_frame *f = r->frame;
    uint64_t v;
    if (regno < GDB_AARCH64_SP)
        v = f->x[regno];
    else if (regno == GDB_AARCH64_SP)
        v = f->sp;
    else if (regno == GDB_AARCH64_PC)
        v = f->elr;
    else if (regno == GDB_AARCH64_CPSR) {
        uint32_t cpsr = (uint32_t)f->spsr;
        memcpy(buf, &cpsr, sizeof(cpsr));
        return sizeof(cpsr);
    } else if (regno < GDB_AARCH64_FPSR) {
        memcpy(buf, &r->fp.v[2 * (regno - GDB_AARCH64_V0)], 16);
        return 16;
    } else if (regno == GDB_AARCH64_FPSR || regno == GDB_AARCH64_FPCR) {
        memcpy(buf, regno == GDB_AARCH64_FPSR ? &r->fp.fpsr : &r->fp.fpcr, sizeof(uint32_t));
        return sizeof(uint32_t);
    } else
        return -EINVAL;
    memcpy(buf, &v, sizeof(v));
    return sizeof(v);
}

int gdb_arch_reg_write(struct gdb_arch_regs *r, unsigned regno, const uint8_t *buf, size_t len)
{
    struct trap_frame *f = r->frame;
    uint8_t old[GDB_REG_MAX];
    int size = gdb_arch_reg_read(r, regno, old);
    if (size < 0 || len != (size_t)size)
        return -EINVAL;
    uint64_t v = 0;
    if (size == sizeof(uint64_t) || size == sizeof(uint32_t))
        memcpy(&v, buf, len);
    if (regno < GDB_AARCH64_SP)
        f->x[regno] = v;
    else if (regno == GDB_AARCH64_SP) {
        /* Only code on SP_EL0 can get a new stack pointer: the exit path restores no SP_EL1. */
        if ((f->spsr & SPSR_M_MASK) != SPSR_M_EL1T && v != f->sp)
            return -EINVAL;
        f->sp = v;
    } else if (regno == GDB_AARCH64_PC)
        f->elr = v;
    else if (regno == GDB_AARCH64_CPSR) /* flags only: a new mode or mask would be a new machine */
        f->spsr = (f->spsr & ~SPSR_NZCV) | (v & SPSR_NZCV);
    else if (regno < GDB_AARCH64_FPSR)
        memcpy(&r->fp.v[2 * (regno - GDB_AARCH64_V0)], buf, 16);
    else if (regno == GDB_AARCH64_FPSR)
        r->fp.fpsr = (uint32_t)v;
    else
        r->fp.fpcr = (uint32_t)v;
    return 0;
}

/* GDB's own feature names and register names (gdb/features/aarch64-core.xml, aarch64-fpu.xml). */
/* clang-format off */
#define XREG(n)  "<reg name=\"x" #n "\" bitsize=\"64\"/>"
#define VREG(n)  "<reg name=\"v" #n "\" bitsize=\"128\" type=\"aarch64v\"/>"
#define FOUR(m, a, b, c, d) m(a) m(b) m(c) m(d)
static const char target_xml[] =
    "<?xml version=\"1.0\"?><!DOCTYPE target SYSTEM \"gdb-target.dtd\">"
    "<target version=\"1.0\"><architecture>aarch64</architecture>"
    "<feature name=\"org.gnu.gdb.aarch64.core\">"
    FOUR(XREG, 0, 1, 2, 3) FOUR(XREG, 4, 5, 6, 7) FOUR(XREG, 8, 9, 10, 11)
    FOUR(XREG, 12, 13, 14, 15) FOUR(XREG, 16, 17, 18, 19) FOUR(XREG, 20, 21, 22, 23)
    FOUR(XREG, 24, 25, 26, 27) XREG(28) XREG(29) XREG(30)
    "<reg name=\"sp\" bitsize=\"64\" type=\"data_ptr\"/>"
    "<reg name=\"pc\" bitsize=\"64\" type=\"code_ptr\"/>"
    "<flags id=\"cpsr_flags\" size=\"4\">"
    "<field name=\"SP\" start=\"0\" end=\"0\"/><field name=\"EL\" start=\"2\" end=\"3\"/>"
    "<field name=\"F\" start=\"6\" end=\"6\"/><field name=\"I\" start=\"7\" end=\"7\"/>"
    "<field name=\"A\" start=\"8\" end=\"8\"/><field name=\"D\" start=\"9\" end=\"9\"/>"
    "<field name=\"SS\" start=\"21\" end=\"21\"/><field name=\"V\" start=\"28\" end=\"28\"/>"
    "<field name=\"C\" start=\"29\" end=\"29\"/><field name=\"Z\" start=\"30\" end=\"30\"/>"
    "<field name=\"N\" start=\"31\" end=\"31\"/></flags>"
    "<reg name=\"cpsr\" bitsize=\"32\" type=\"cpsr_flags\"/>"
    "</feature><feature name=\"org.gnu.gdb.aarch64.fpu\">"
    "<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>"
    "<vector id=\"v2u\" type=\"uint64\" count=\"2\"/><vector id=\"v2i\" type=\"int64\" count=\"2\"/>"
    "<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>"
    "<vector id=\"v4u\" type=\"uint32\" count=\"4\"/><vector id=\"v4i\" type=\"int32\" count=\"4\"/>"
    "<vector id=\"v8u\" type=\"uint16\" count=\"8\"/><vector id=\"v8i\" type=\"int16\" count=\"8\"/>"
    "<vector id=\"v16u\" type=\"uint8\" count=\"16\"/>"
    "<vector id=\"v16i\" type=\"int8\" count=\"16\"/>"
    "<vector id=\"v1u\" type=\"uint128\" count=\"1\"/>"
    "<vector id=\"v1i\" type=\"int128\" count=\"1\"/>"
    "<union id=\"vnd\"><field name=\"f\" type=\"v2d\"/><field name=\"u\" type=\"v2u\"/>"
    "<field name=\"s\" type=\"v2i\"/></union>"
    "<union id=\"vns\"><field name=\"f\" type=\"v4f\"/><field name=\"u\" type=\"v4u\"/>"
    "<field name=\"s\" type=\"v4i\"/></union>"
    "<union id=\"vnh\"><field name=\"u\" type=\"v8u\"/><field name=\"s\" type=\"v8i\"/></union>"
    "<union id=\"vnb\"><field name=\"u\" type=\"v16u\"/><field name=\"s\" type=\"v16i\"/></union>"
    "<union id=\"vnq\"><field name=\"u\" type=\"v1u\"/><field name=\"s\" type=\"v1i\"/></union>"
    "<union id=\"aarch64v\"><field name=\"d\" type=\"vnd\"/><field name=\"s\" type=\"vns\"/>"
    "<field name=\"h\" type=\"vnh\"/><field name=\"b\" type=\"vnb\"/>"
    "<field name=\"q\" type=\"vnq\"/></union>"
    FOUR(VREG, 0, 1, 2, 3) FOUR(VREG, 4, 5, 6, 7) FOUR(VREG, 8, 9, 10, 11)
    FOUR(VREG, 12, 13, 14, 15) FOUR(VREG, 16, 17, 18, 19) FOUR(VREG, 20, 21, 22, 23)
    FOUR(VREG, 24, 25, 26, 27) FOUR(VREG, 28, 29, 30, 31)
    "<reg name=\"fpsr\" bitsize=\"32\"/><reg name=\"fpcr\" bitsize=\"32\"/>"
    "</feature></target>";
/* clang-format on */

const char *gdb_arch_features(const char *annex)
{
    return strcmp(annex, "target.xml") == 0 ? target_xml : NULL;
}

/* Memory */

/* Asks the MMU whether one page may be read (or written) as normal memory. */
static bool page_ok(uint64_t addr, bool write)
{
    if (write)
        __asm__ volatile("at s1e1w, %0" ::"r"(addr));
    else
        __asm__ volatile("at s1e1r, %0" ::"r"(addr));
    isb();
    uint64_t par = sysreg_read(par_el1);
    return !(par & PAR_F) && !PAR_ATTR_DEVICE(par >> PAR_ATTR_SHIFT);
}

/* Bytes from addr up to the end of its page. */
static size_t page_left(uint64_t addr)
{
    return PAGE_SIZE - (addr & (PAGE_SIZE - 1));
}

size_t gdb_arch_mem_read(uint64_t addr, uint8_t *buf, size_t len)
{
    size_t done = 0;
    while (done < len) {
        uint64_t a = addr + done;
        if (a < addr || !page_ok(a, false))
            break;
        size_t n = page_left(a) < len - done ? page_left(a) : len - done;
        memcpy(buf + done, (const void *)a, n);
        done += n;
    }
    return done;
}

static bool in_text(uint64_t addr, size_t len)
{
    return addr >= (uint64_t)__image_start && addr < (uint64_t)__text_end &&
           len <= (uint64_t)__text_end - addr;
}

/* New instructions at addr: clean the data side, drop stale instructions (D7.5.2). */
static void sync_icache(uint64_t addr, size_t len)
{
    uint64_t ctr = sysreg_read(ctr_el0);
    uint64_t dline = 4ul << ((ctr >> 16) & 0xf), iline = 4ul << (ctr & 0xf);
    for (uint64_t p = addr & ~(dline - 1); p < addr + len; p += dline)
        __asm__ volatile("dc cvau, %0" ::"r"(p + TEXT_ALIAS_OFFSET) : "memory");
    dsb(ish);
    for (uint64_t p = addr & ~(iline - 1); p < addr + len; p += iline)
        __asm__ volatile("ic ivau, %0" ::"r"(p) : "memory");
    dsb(ish);
    isb();
}

int gdb_arch_mem_write(uint64_t addr, const uint8_t *buf, size_t len)
{
    if (len == 0)
        return 0;
    if (addr + len < addr)
        return -EFAULT;
    if (in_text(addr, len)) {
        memcpy((void *)(addr + TEXT_ALIAS_OFFSET), buf, len);
        sync_icache(addr, len);
        return 0;
    }
    for (uint64_t a = addr; a < addr + len; a += page_left(a))
        if (!page_ok(a, true))
            return -EFAULT;
    memcpy((void *)addr, buf, len);
    return 0;
}

/* Breakpoints and watchpoints */

static int sw_breakpoint(uint64_t addr, bool insert)
{
    int free_slot = -1;
    for (int i = 0; i < SW_BREAKPOINTS; i++) {
        if (dbg.sw[i].used && dbg.sw[i].addr == addr) {
            if (insert)
                return 0; /* already there */
            uint32_t insn = dbg.sw[i].insn;
            dbg.sw[i].used = false;
            return gdb_arch_mem_write(addr, (const uint8_t *)&insn, sizeof(insn));
        }
        if (!dbg.sw[i].used && free_slot < 0)
            free_slot = i;
    }
    if (!insert)
        return 0; /* gdb removes what is not there after a restart: nothing to do */
    if (free_slot < 0)
        return -ENOSPC;
    if (addr % INSN_SIZE || !in_text(addr, INSN_SIZE))
        return -EFAULT;
    uint32_t brk = GDB_BRK_INSN(GDB_BRK_BREAKPOINT);
    memcpy(&dbg.sw[free_slot].insn, (const void *)addr, sizeof(uint32_t));
    dbg.sw[free_slot].addr = addr;
    dbg.sw[free_slot].used = true;
    return gdb_arch_mem_write(addr, (const uint8_t *)&brk, sizeof(brk));
}

static int hw_breakpoint(uint64_t addr, bool insert)
{
    int free_slot = -1;
    for (unsigned i = 0; i < dbg.nbrp; i++) {
        if (dbg.hw[i].used && dbg.hw[i].addr == addr) {
            if (!insert) {
                dbg.hw[i].used = false;
                bp_write(i, 0, 0);
            }
            return 0;
        }
        if (!dbg.hw[i].used && free_slot < 0)
            free_slot = (int)i;
    }
    if (!insert)
        return 0;
    if (free_slot < 0)
        return -ENOSPC;
    if (addr % INSN_SIZE)
        return -EINVAL;
    dbg.hw[free_slot].addr = addr;
    dbg.hw[free_slot].used = true;
    bp_write((unsigned)free_slot, addr, DBGBCR_E | DBGBCR_PMC_EL1 | DBGBCR_BAS_A64);
    return 0;
}

/*
 * A watched range is either up to 8 bytes inside one aligned doubleword
 * (byte address select), or a power of two from 8 bytes on, aligned to its
 * size (address mask). Returns the DBGWCR/DBGWVR pair, or -EINVAL.
 */
static int watch_shape(uint64_t addr, uint64_t len, enum gdb_bp_type type, uint64_t *value,
                       uint64_t *control)
{
    uint64_t lsc = type == GDB_WP_WRITE  ? DBGWCR_LSC_STORE
                   : type == GDB_WP_READ ? DBGWCR_LSC_LOAD
                                         : DBGWCR_LSC_LOAD | DBGWCR_LSC_STORE;
    uint64_t base = DBGWCR_E | DBGWCR_PAC_EL1 | lsc;
    if (len == 0)
        return -EINVAL;
    if ((addr & 7) + len <= 8) {
        *value = addr & ~7ul;
        *control = base | DBGWCR_BAS(((1u << len) - 1) << (addr & 7));
        return 0;
    }
    unsigned bits = (unsigned)__builtin_ctzll(len);
    if ((len & (len - 1)) || bits < WATCH_MASK_MIN || bits > WATCH_MASK_MAX || (addr & (len - 1)))
        return -EINVAL;
    *value = addr;
    *control = base | DBGWCR_BAS(0xff) | DBGWCR_MASK(bits);
    return 0;
}

static int watchpoint(enum gdb_bp_type type, uint64_t addr, uint64_t len, bool insert)
{
    int free_slot = -1;
    for (unsigned i = 0; i < dbg.nwrp; i++) {
        if (dbg.wp[i].used && dbg.wp[i].addr == addr && dbg.wp[i].len == len &&
            dbg.wp[i].type == type) {
            if (!insert) {
                dbg.wp[i].used = false;
                wp_write(i, 0, 0);
            }
            return 0;
        }
        if (!dbg.wp[i].used && free_slot < 0)
            free_slot = (int)i;
    }
    if (!insert)
        return 0;
    uint64_t value, control;
    int err = watch_shape(addr, len, type, &value, &control);
    if (err)
        return err;
    if (free_slot < 0)
        return -ENOSPC;
    dbg.wp[free_slot].addr = addr;
    dbg.wp[free_slot].len = len;
    dbg.wp[free_slot].type = type;
    dbg.wp[free_slot].used = true;
    wp_write((unsigned)free_slot, value, control);
    return 0;
}

int gdb_arch_breakpoint(enum gdb_bp_type type, uint64_t addr, uint64_t kind, bool insert)
{
    switch (type) {
    case GDB_BP_SOFTWARE: return kind == INSN_SIZE ? sw_breakpoint(addr, insert) : -EINVAL;
    case GDB_BP_HARDWARE: return kind == INSN_SIZE ? hw_breakpoint(addr, insert) : -EINVAL;
    case GDB_WP_WRITE:
    case GDB_WP_READ:
    case GDB_WP_ACCESS: return watchpoint(type, addr, kind, insert);
    }
    return -ENOSYS;
}

void gdb_arch_clear_all(void)
{
    for (int i = 0; i < SW_BREAKPOINTS; i++)
        if (dbg.sw[i].used)
            sw_breakpoint(dbg.sw[i].addr, false);
    for (unsigned i = 0; i < dbg.nbrp; i++) {
        dbg.hw[i].used = false;
        bp_write(i, 0, 0);
    }
    for (unsigned i = 0; i < dbg.nwrp; i++) {
        dbg.wp[i].used = false;
        wp_write(i, 0, 0);
    }
}

/* Stepping and stops */

void gdb_arch_resume(struct trap_frame *frame)
{
    uint32_t insn;
    if (gdb_arch_mem_read(frame->elr, (uint8_t *)&insn, sizeof(insn)) == sizeof(insn) &&
        (insn == GDB_BRK_INSN(GDB_BRK_INTERRUPT) || insn == GDB_BRK_INSN(GDB_BRK_ATTACH)))
        frame->elr += INSN_SIZE;
    if ((frame->spsr & SPSR_M_MASK) == SPSR_M_EL1T)
        sysreg_write(sp_el0, frame->sp);
}

void gdb_arch_step(struct trap_frame *frame)
{
    dbg.stepping = true;
    dbg.step_saved_i = frame->spsr & SPSR_I;
    /* An interrupt taken during the step would make the handler the next instruction. */
    frame->spsr = (frame->spsr | SPSR_SS | SPSR_I) & ~SPSR_D;
    sysreg_write(mdscr_el1, sysreg_read(mdscr_el1) | MDSCR_SS);
    isb();
}

void gdb_arch_step_done(struct trap_frame *frame)
{
    if (!dbg.stepping)
        return;
    dbg.stepping = false;
    sysreg_write(mdscr_el1, sysreg_read(mdscr_el1) & ~MDSCR_SS);
    isb();
    frame->spsr = (frame->spsr & ~(SPSR_SS | SPSR_I)) | dbg.step_saved_i;
}

bool gdb_arch_is_debug_trap(const struct trap_frame *frame)
{
    unsigned ec = ESR_EC(frame->esr);
    if (ec == ESR_EC_BRK64) {
        unsigned imm = ESR_BRK_IMM(frame->esr);
        return imm == GDB_BRK_BREAKPOINT || imm == GDB_BRK_INTERRUPT || imm == GDB_BRK_ATTACH;
    }
    return ec == ESR_EC_BREAKPT_SAME || ec == ESR_EC_STEP_SAME || ec == ESR_EC_WATCHPT_SAME;
}

/* The watchpoint that fired: the one whose range holds the address, else whose doubleword does. */
static int watch_hit(uint64_t far)
{
    int near = -1;
    for (unsigned i = 0; i < dbg.nwrp; i++) {
        if (!dbg.wp[i].used)
            continue;
        if (far >= dbg.wp[i].addr && far - dbg.wp[i].addr < dbg.wp[i].len)
            return (int)i;
        if (near < 0 && (far & ~7ul) <= dbg.wp[i].addr + dbg.wp[i].len &&
            dbg.wp[i].addr <= (far | 7ul))
            near = (int)i;
    }
    return near;
}

void gdb_arch_stop_reason(const struct trap_frame *frame, struct gdb_stop *stop)
{
    unsigned ec = ESR_EC(frame->esr);
    memset(stop, 0, sizeof(*stop));
    stop->signal = GDB_SIGTRAP;
    switch (ec) {
    case ESR_EC_BRK64:
        if (ESR_BRK_IMM(frame->esr) == GDB_BRK_INTERRUPT)
            stop->signal = GDB_SIGINT;
        break;
    case ESR_EC_WATCHPT_SAME: {
        int i = watch_hit(frame->far);
        if (i >= 0) {
            stop->watch = true;
            stop->watch_type = dbg.wp[i].type;
            stop->watch_addr = dbg.wp[i].addr;
        }
        break;
    }
    case ESR_EC_BREAKPT_SAME:
    case ESR_EC_STEP_SAME: break;
    case ESR_EC_DABT_SAME:
    case ESR_EC_IABT_SAME: stop->signal = GDB_SIGSEGV; break;
    case ESR_EC_PC_ALIGN:
    case ESR_EC_SP_ALIGN: stop->signal = GDB_SIGBUS; break;
    case ESR_EC_UNKNOWN:
    case ESR_EC_ILLEGAL_STATE: stop->signal = GDB_SIGILL; break;
    default: stop->signal = GDB_SIGTRAP; break;
    }
}
