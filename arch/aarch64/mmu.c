// SPDX-License-Identifier: MIT
/*
 * Translation tables for the identity map (Arm ARM D8: VMSAv8-64 translation,
 * 4 KiB granule, levels 0-3). Blocks (1 GiB at level 1, 2 MiB at level 2) are
 * used wherever a range allows; pages elsewhere. Tables come from a static
 * pool, so mapping never needs the heap.
 */
#include "arch/aarch64/mmu.h"

#include <errno.h>
#include <stddef.h>

#include "arch/aarch64/cpu.h"
#include "arch/aarch64/pauth.h"
#include "arch/aarch64/sysreg_bits.h"

#define TABLE_ENTRIES 512
#define TABLE_POOL    32
#define LEVELS        4

/* Descriptor bits (D8.3) */
#define DESC_VALID      (1ul << 0)
#define DESC_TABLE      (1ul << 1) /* table at levels 0-2, page at level 3 */
#define DESC_ATTRIDX(i) ((uint64_t)(i) << 2)
#define DESC_AP_RO      (1ul << 7) /* AP[2]: read-only */
#define DESC_SH_INNER   (3ul << 8)
#define DESC_AF         (1ul << 10)
#define DESC_GP         (1ul << 50) /* guarded page: indirect branches must land on a BTI */
#define DESC_PXN        (1ul << 53)
#define DESC_UXN        (1ul << 54)
#define DESC_ADDR_MASK  0x0000fffffffff000ul
#define DESC_ATTR_MASK  (~DESC_ADDR_MASK & ~(DESC_VALID | DESC_TABLE))

/* MAIR_EL1 slots (D13.2.97) */
#define MAIR_IDX_DEVICE   0
#define MAIR_IDX_NORMAL   1
#define MAIR_DEVICE_nGnRE 0x04ul
#define MAIR_NORMAL_WB    0xfful /* inner and outer write-back, read/write-allocate */
#define MAIR_VALUE \
    (MAIR_DEVICE_nGnRE << (8 * MAIR_IDX_DEVICE) | MAIR_NORMAL_WB << (8 * MAIR_IDX_NORMAL))

/* TCR_EL1 (D13.2.131) */
#define TCR_T0SZ(bits)          (64ul - (bits))
#define TCR_IRGN0_WBWA          (1ul << 8)
#define TCR_ORGN0_WBWA          (1ul << 10)
#define TCR_SH0_INNER           (3ul << 12)
#define TCR_TG0_4K              (0ul << 14)
#define TCR_EPD1                (1ul << 23) /* no TTBR1 walks: nothing lives in the upper half */
#define TCR_IPS_SHIFT           32
#define ID_AA64MMFR0_PARANGE(v) ((v)&0xf)

#define VA_BITS 48

static uint64_t table_pool[TABLE_POOL][TABLE_ENTRIES] __attribute__((aligned(PAGE_SIZE)));
static unsigned tables_used;
static uint64_t *root;
/*
 * Descriptors hold the tables' physical addresses; the kernel reaches them
 * at physical + tables_va_offset: 0 while the image runs where it was
 * loaded, its ASLR slide once it runs at its random address (aslr.c).
 */
static uint64_t tables_va_offset;
static uint64_t text_guarded; /* DESC_GP where the CPU has BTI (the bit is RES0 elsewhere) */

static uint64_t kind_attrs(enum mmu_kind kind)
{
    const uint64_t normal = DESC_ATTRIDX(MAIR_IDX_NORMAL) | DESC_SH_INNER | DESC_AF;
    switch (kind) {
    case MMU_TEXT: return normal | DESC_AP_RO | DESC_UXN | text_guarded;
    case MMU_RODATA: return normal | DESC_AP_RO | DESC_PXN | DESC_UXN;
    case MMU_DATA: return normal | DESC_PXN | DESC_UXN;
    case MMU_DEVICE: return DESC_ATTRIDX(MAIR_IDX_DEVICE) | DESC_AF | DESC_PXN | DESC_UXN;
    }
    return 0;
}

static unsigned level_shift(int level)
{
    return 12 + 9 * (3 - level);
}

static uint64_t *table_at(uint64_t desc)
{
    return (uint64_t *)((desc & DESC_ADDR_MASK) + tables_va_offset);
}

static uint64_t table_pa(const uint64_t *table)
{
    return (uint64_t)table - tables_va_offset;
}

static uint64_t *table_alloc(void)
{
    if (tables_used == TABLE_POOL)
        return NULL;
    return table_pool[tables_used++]; /* zeroed with BSS: every entry invalid */
}

static void desc_write(uint64_t *entry, uint64_t desc)
{
    *entry = desc;
    /* The walker must see the entry before any access through it (D8.2.6). */
    dsb(ishst);
}

/*
 * Level 3: pages [addr, end), all in this one table. The image's and the
 * heap's unaligned ends are mapped page by page (some 800 pages at boot), so
 * this loop is kept short, with one barrier for the run (no access goes
 * through these entries before mmu_map_at's isb).
 */
static int map_pages(uint64_t *table, uint64_t addr, uint64_t end, uint64_t attrs, uint64_t delta)
{
    const uint64_t page_desc = attrs | DESC_VALID | DESC_TABLE;
    int err = 0;
    for (; addr < end; addr += PAGE_SIZE) {
        uint64_t *entry = &table[(addr >> level_shift(3)) % TABLE_ENTRIES];
        if (!(*entry & DESC_VALID))
            *entry = (addr + delta) | page_desc;
        else if ((*entry & DESC_ATTR_MASK) != attrs) {
            err = -EEXIST; /* already a page with other attributes */
            break;
        }
    }
    /* The walker must see the entries before any access through them (D8.2.6). */
    dsb(ishst);
    return err;
}

/* Maps virtual [addr, end) to physical addr + delta. */
static int map_level(uint64_t *table, int level, uint64_t addr, uint64_t end, uint64_t attrs,
                     uint64_t delta)
{
    if (level == 3)
        return map_pages(table, addr, end, attrs, delta);
    unsigned shift = level_shift(level);
    uint64_t block = 1ul << shift;

    while (addr < end) {
        uint64_t *entry = &table[(addr >> shift) % TABLE_ENTRIES];
        uint64_t next = (addr & ~(block - 1)) + block;
        uint64_t chunk_end = next < end ? next : end;
        /* A block (levels 1 and 2) where the range covers it whole and aligned. */
        int leaf_ok =
            level >= 1 && ((addr | (addr + delta)) & (block - 1)) == 0 && chunk_end == next;

        if (!(*entry & DESC_VALID) && leaf_ok) {
            desc_write(entry, (addr + delta) | attrs | DESC_VALID);
        } else if (!(*entry & DESC_VALID)) {
            uint64_t *sub = table_alloc();
            if (!sub)
                return -ENOMEM;
            desc_write(entry, table_pa(sub) | DESC_VALID | DESC_TABLE);
            int err = map_level(sub, level + 1, addr, chunk_end, attrs, delta);
            if (err)
                return err;
        } else if (*entry & DESC_TABLE) {
            int err = map_level(table_at(*entry), level + 1, addr, chunk_end, attrs, delta);
            if (err)
                return err;
        } else if ((*entry & DESC_ATTR_MASK) != attrs) {
            return -EEXIST; /* already a block with other attributes */
        }
        addr = chunk_end;
    }
    return 0;
}

void mmu_init(void)
{
    root = table_alloc();
    text_guarded = cpu_has_bti() ? DESC_GP : 0;
    uint64_t pa_range = ID_AA64MMFR0_PARANGE(sysreg_read(id_aa64mmfr0_el1));
    sysreg_write(mair_el1, MAIR_VALUE);
    sysreg_write(tcr_el1, TCR_T0SZ(VA_BITS) | TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER |
                              TCR_TG0_4K | TCR_EPD1 | (pa_range << TCR_IPS_SHIFT));
    sysreg_write(ttbr0_el1, table_pa(root));
    isb();
}

int mmu_map(uint64_t addr, uint64_t size, enum mmu_kind kind)
{
    return mmu_map_at(addr, addr, size, kind);
}

int mmu_map_at(uint64_t vaddr, uint64_t paddr, uint64_t size, enum mmu_kind kind)
{
    uint64_t start = vaddr & ~(PAGE_SIZE - 1);
    uint64_t end = (vaddr + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (size == 0 || end <= start || end > (1ul << VA_BITS) ||
        (vaddr & (PAGE_SIZE - 1)) != (paddr & (PAGE_SIZE - 1)))
        return -EINVAL;
    int err = map_level(root, 0, start, end, kind_attrs(kind), (paddr - vaddr));
    isb();
    return err;
}

/*
 * Replaces the block at entry (a level 1 or 2 block) with a table mapping the
 * same memory in 512 pieces of the next level, same attributes: break, then
 * make (D8.13), so no walk sees both.
 */
static int split_block(uint64_t *entry, int level)
{
    uint64_t *sub = table_alloc();
    if (!sub || level >= 3)
        return -ENOMEM;
    uint64_t desc = *entry, attrs = desc & DESC_ATTR_MASK, pa = desc & DESC_ADDR_MASK;
    uint64_t piece = 1ul << level_shift(level + 1);
    for (uint64_t i = 0; i < TABLE_ENTRIES; i++)
        sub[i] = (pa + i * piece) | attrs | DESC_VALID | (level + 1 == 3 ? DESC_TABLE : 0);
    dsb(ishst);
    desc_write(entry, 0);
    __asm__ volatile("tlbi vmalle1" ::: "memory");
    dsb(nsh);
    isb();
    desc_write(entry, table_pa(sub) | DESC_VALID | DESC_TABLE);
    return 0;
}

/* Removes the mappings of [addr, end) at this level and below, splitting blocks it cuts. */
static int unmap_level(uint64_t *table, int level, uint64_t addr, uint64_t end)
{
    unsigned shift = level_shift(level);
    uint64_t block = 1ul << shift;
    while (addr < end) {
        uint64_t *entry = &table[(addr >> shift) % TABLE_ENTRIES];
        uint64_t next = (addr & ~(block - 1)) + block;
        uint64_t chunk_end = next < end ? next : end;
        if (level < 3 && (*entry & DESC_VALID) && (*entry & DESC_TABLE)) {
            int err = unmap_level(table_at(*entry), level + 1, addr, chunk_end);
            if (err)
                return err;
        } else if (*entry & DESC_VALID) {
            if ((addr & (block - 1)) || chunk_end != next) {
                /* Part of a block: it becomes a table of smaller blocks, then those go. */
                int err = split_block(entry, level);
                if (err)
                    return err;
                continue;
            }
            desc_write(entry, 0);
        }
        addr = chunk_end;
    }
    return 0;
}

int mmu_unmap(uint64_t vaddr, uint64_t size)
{
    uint64_t start = vaddr & ~(PAGE_SIZE - 1);
    uint64_t end = (vaddr + size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (size == 0 || end <= start || end > (1ul << VA_BITS))
        return -EINVAL;
    int err = unmap_level(root, 0, start, end);
    /* No walk may still use a removed entry (D8.13: break-before-make's break). */
    __asm__ volatile("tlbi vmalle1" ::: "memory");
    dsb(nsh);
    isb();
    return err;
}

void mmu_set_tables_offset(uint64_t offset)
{
    root = (uint64_t *)((uint64_t)root - tables_va_offset + offset);
    tables_va_offset = offset;
}

static void dcache_invalidate(const void *start, size_t len)
{
    /* CTR_EL0.DminLine: log2 of the smallest data cache line, in words. */
    size_t line = 4ul << ((sysreg_read(ctr_el0) >> 16) & 0xf);
    for (uintptr_t p = (uintptr_t)start & ~(line - 1); p < (uintptr_t)start + len; p += line)
        __asm__ volatile("dc ivac, %0" ::"r"(p) : "memory");
    dsb(sy);
}

void mmu_enable(void)
{
    /*
     * The tables were written with the MMU off, so straight to memory; drop
     * any stale cache lines over them before the (cacheable) walker reads.
     * Only those in use: the rest are written later, through the cache.
     */
    dcache_invalidate(table_pool, tables_used * sizeof(table_pool[0]));
    __asm__ volatile("tlbi vmalle1" ::: "memory");
    __asm__ volatile("ic iallu" ::: "memory");
    dsb(nsh);
    isb();
    uint64_t sctlr = sysreg_read(sctlr_el1);
    sctlr |= SCTLR_EL1_M | SCTLR_EL1_C | SCTLR_EL1_I | SCTLR_EL1_SA | SCTLR_EL1_WXN;
    sysreg_write(sctlr_el1, sctlr);
    isb();
}

static unsigned count_wx(const uint64_t *table, int level)
{
    unsigned n = 0;
    for (int i = 0; i < TABLE_ENTRIES; i++) {
        uint64_t d = table[i];
        if (!(d & DESC_VALID))
            continue;
        if (level < 3 && (d & DESC_TABLE))
            n += count_wx(table_at(d), level + 1);
        else if (!(d & DESC_AP_RO) && !(d & DESC_PXN))
            n++;
    }
    return n;
}

unsigned mmu_count_wx(void)
{
    return count_wx(root, 0);
}
