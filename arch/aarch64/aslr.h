/* SPDX-License-Identifier: MIT */
/*
 * Address-space layout randomisation: the image (code, data, BSS and the two
 * stacks) runs at a random virtual address on every boot, on boards that
 * allow it (IMAGE_ASLR in the board's memmap.h).
 *
 * The image is a static PIE (mk/toolchain.mk): its code reaches everything
 * PC-relative, and each absolute address it stores (a function pointer in a
 * table, a string in an array) has an R_AARCH64_RELATIVE relocation. It stays
 * where the loader put it in physical memory; the MMU maps it a second time at
 * ASLR_VA_BASE + a random number of pages, the relocations are applied for
 * that address, boot.S jumps there, and the identity alias is removed. Devices
 * keep seeing physical addresses: aslr_phys() gives them (virtq does).
 */
#ifndef ARCH_AARCH64_ASLR_H
#define ARCH_AARCH64_ASLR_H

#include <stdint.h>

/* Where the randomness of the slide came from. */
enum aslr_source {
    ASLR_OFF,        /* this board keeps the image where it was loaded */
    ASLR_ASKED_OFF,  /* the boot argument aslr=off */
    ASLR_KASLR_SEED, /* the DTB's /chosen/kaslr-seed (QEMU virt gives one) */
    ASLR_RNDR,       /* the CPU's random number instruction */
    ASLR_COUNTER,    /* the generic timer's counter: guessable, warned about */
};

/*
 * The early boot, called by boot.S with the MMU off, running where the image
 * was loaded (its link address): finds the DTB (returned in *fdt, NULL when
 * none), turns the MMU on with the image identity-mapped and, on an IMAGE_ASLR
 * board, mapped again at its random address with its relocations applied.
 * Returns the slide (virtual minus link address; 0 without ASLR). Never
 * returns on a broken image (a relocation of an unknown type).
 */
uint64_t aslr_early(uint64_t boot_x0, void **fdt);

/*
 * The heap at a random address too, on an IMAGE_ASLR board: maps the
 * identity-mapped RAM [base, base + *size) again at a random address (2 MiB
 * slots from 2^45, 21 bits, keeping base's offset in its 2 MiB block so large
 * blocks still map it) and removes the identity mapping. *size may shrink to
 * a page boundary (the packed DTB above it stays identity-mapped).
 * Returns the heap's new address, or base (and *size unchanged) when ASLR is
 * off or the tables cannot do it.
 */
uint64_t aslr_map_heap(uint64_t base, uint64_t *size);

/* Called by boot.S once it runs at the random address: removes the identity alias. */
void aslr_finish(void);

/* The slide: the image's addresses minus those of the ELF (0 without ASLR). */
uint64_t aslr_slide(void);

/* Where the slide's randomness came from, and how many bits it has. */
enum aslr_source aslr_source(void);
unsigned aslr_bits(void);

/*
 * Logs where the image runs and where the randomness came from; warns when
 * it was only the counter (an attacker may guess it).
 */
void aslr_log(void);

/* The physical address behind an address of the image or the heap (or anything identity-mapped). */
uint64_t aslr_phys(const void *p);

#endif
