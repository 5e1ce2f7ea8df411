/* SPDX-License-Identifier: MIT */
/*
 * The MMU: one identity-mapped address space, 4 KiB granule, 48-bit VA,
 * translation from TTBR0_EL1 only. Mappings are added region by region during
 * init (image first, then the devices and RAM the board describes); anything
 * never mapped, page 0 and the stack guard pages among them, faults.
 */
#ifndef ARCH_AARCH64_MMU_H
#define ARCH_AARCH64_MMU_H

#include <stdint.h>

#define PAGE_SIZE 4096ul

enum mmu_kind {
    MMU_TEXT,   /* normal cacheable, read-only, executable; guarded (BTI) where the CPU can */
    MMU_RODATA, /* normal cacheable, read-only, execute-never */
    MMU_DATA,   /* normal cacheable, read-write, execute-never */
    MMU_DEVICE, /* Device-nGnRE, read-write, execute-never */
};

/* Programs MAIR/TCR/TTBR0 with empty tables; the MMU stays off. */
void mmu_init(void);

/*
 * Identity-maps [addr, addr + size), rounded out to pages. Returns 0,
 * -ENOMEM when the table pool is exhausted, or -EEXIST when part of the range
 * is already mapped differently. Safe with the MMU on or off.
 */
int mmu_map(uint64_t addr, uint64_t size, enum mmu_kind kind);

/*
 * Maps virtual [vaddr, vaddr + size) to physical paddr (same offset in the
 * page), for the few aliases Mote needs (the debugger's writable view of
 * the code). Same errors as mmu_map, and -EINVAL when the offsets differ.
 */
int mmu_map_at(uint64_t vaddr, uint64_t paddr, uint64_t size, enum mmu_kind kind);

/*
 * Removes the mappings of [vaddr, vaddr + size), rounded out to pages, and
 * flushes the TLB; a block that reaches past the range is split first.
 * Returns 0, or -ENOMEM when the table pool is exhausted by a split.
 */
int mmu_unmap(uint64_t vaddr, uint64_t size);

/*
 * Tells the MMU code that its tables (in the image's BSS) are now reached at
 * their physical address + offset: the image's ASLR slide, once it runs at
 * its random address (aslr.c).
 */
void mmu_set_tables_offset(uint64_t offset);

/* Turns on the MMU, both caches and SCTLR_EL1.WXN. */
void mmu_enable(void);

/* Walks the tables; returns how many mappings are both writable and executable. */
unsigned mmu_count_wx(void);

#endif
